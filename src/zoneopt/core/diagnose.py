"""Infeasibility diagnosis in rule terms: which of the plan's rules conflict, and the least
change of one rule that lets the rest hold.

Generic over any core :class:`~zoneopt.core.model.Model` whose row blocks carry rule ids
(``RowBlock.rule``); rows without a rule (definitions of auxiliary variables) and variable
bounds are structural and always kept. The mathematics is in ``models/diagnosis.md``:

* an *elastic model* (non-negative slacks on every rule row, in the direction(s) its bounds can
  be violated, minimise the weighted total slack) measures how far the rules are from holding
  and shortlists the rules that carry the violation;
* a *deletion filter* over whole rules (not rows) returns an irreducible infeasible set (IIS):
  infeasible together, feasible when any one rule is dropped;
* for each rule of that set, the *smallest relaxation*: an elastic model with slacks on that
  rule's rows only (every other rule hard), reported in natural units with the rows that move.

Every solve goes through :func:`zoneopt.core.solve`, so a MIP stays a MIP (the slacks are
continuous, the model's integer variables stay integer) and every point is checked.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp

from zoneopt.core.model import Model
from zoneopt.core.progress import open_counter
from zoneopt.core.solution import Solution, SolveOptions, Status
from zoneopt.core.solve import DEFAULT_BACKEND
from zoneopt.core.solve import solve as core_solve
from zoneopt.errors import ModelError, NoSolutionError

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

SLACK_TOLERANCE = 1e-7
"""A slack (in model units, scaled by max(1, |bound|)) above this counts as a violation."""


class RuleMeta(Protocol):
    """What the diagnosis reads about a rule beyond its row blocks (e.g. ``RuleInfo``)."""

    @property
    def type(self) -> str: ...
    @property
    def source(self) -> str | None: ...
    @property
    def note(self) -> str | None: ...


@dataclass(frozen=True)
class ConflictRule:
    """One rule of the conflicting set: its id, type (e.g. ``zone_bounds``), policy source
    and note."""

    rule: str
    type: str
    source: str | None = None
    note: str | None = None

    def ref(self) -> str:
        """The rule as messages cite it: its id in backquotes, then its source in brackets."""
        return f"`{self.rule}`" + (f" ({self.source})" if self.source else "")


@dataclass(frozen=True, eq=False)
class Relaxation:
    """The least total change of one rule's bounds (every other rule kept) that makes the
    model feasible.

    ``total`` is in natural units (``unit``, e.g. mu). Per moved row: ``rows`` (model row
    indices), ``labels`` (e.g. zone ids), ``lower_by`` (how far the row's lower bound drops)
    and ``raise_by`` (how far its upper bound rises), both natural units and >= 0.
    ``restores_feasibility`` is False when another conflict, not involving this rule, keeps
    the whole model infeasible; the change then resolves this conflict only (it was computed
    with the rules outside the conflict dropped). ``optimal`` is False when the solver stopped
    at a time limit, so the change is enough but maybe not the least.
    """

    rule: str
    total: float
    direction: str
    """``"lower floor"``, ``"raise cap"`` or ``"lower floor and raise cap"``."""
    rows: IntArray
    labels: tuple[str, ...]
    lower_by: FloatArray
    raise_by: FloatArray
    row_scale: FloatArray
    """natural units per model unit of each moved row (to apply the change to a model)."""
    bound_lower: FloatArray
    """the moved rows' original lower bounds, natural units (-inf where none)."""
    bound_upper: FloatArray
    """the moved rows' original upper bounds, natural units (+inf where none)."""
    unit: str = ""
    restores_feasibility: bool = True
    optimal: bool = True
    rule_rows: int = 0
    """how many rows the rule has in all (labels are shown only for a multi-row rule)."""

    def apply(self, model: Model) -> Model:
        """``model`` with this rule's bounds moved by the reported amounts (row bounds only;
        the same model the diagnosis ran on, or one with the same rows)."""
        row_lb, row_ub = model.row_lb.copy(), model.row_ub.copy()
        row_lb[self.rows] -= self.lower_by / self.row_scale
        row_ub[self.rows] += self.raise_by / self.row_scale
        return replace(model, row_lb=row_lb, row_ub=row_ub, name=f"{model.name}:relaxed:{self.rule}")

    def changes(self) -> pd.DataFrame:
        """One row per moved bound: rule, label, side (lower/upper), old and new bound,
        change (natural units)."""
        lower = self.lower_by > 0
        upper = self.raise_by > 0
        labels = np.asarray(self.labels, dtype=object)
        return pd.concat([
            pd.DataFrame({"rule": self.rule, "label": labels[lower], "side": "lower",
                          "bound": self.bound_lower[lower],
                          "new_bound": self.bound_lower[lower] - self.lower_by[lower],
                          "change": -self.lower_by[lower], "unit": self.unit}),
            pd.DataFrame({"rule": self.rule, "label": labels[upper], "side": "upper",
                          "bound": self.bound_upper[upper],
                          "new_bound": self.bound_upper[upper] + self.raise_by[upper],
                          "change": self.raise_by[upper], "unit": self.unit}),
        ], ignore_index=True)

    def phrase(self) -> str:
        """``lowering `rule` by 1,240 mu``, with the moved rows when there are few."""
        verb = {"lower floor": "lowering", "raise cap": "raising"}.get(self.direction, "relaxing")
        text = f"{verb} `{self.rule}` by {fmt_amount(self.total)}{_unit(self.unit)}"
        moved = np.flatnonzero((self.lower_by > 0) | (self.raise_by > 0))
        if 0 < moved.size <= 3 and self.rule_rows > 1:
            parts = [f"{self.labels[k]} {_signed(self.raise_by[k] - self.lower_by[k])}" for k in moved]
            text += f" ({', '.join(parts)})"
        elif moved.size > 3:
            text += f" (over {moved.size} rows)"
        return text


@dataclass(frozen=True)
class Diagnosis:
    """Why a model is infeasible, in rule terms.

    ``conflict`` is an irreducible infeasible set of rules (empty when the model is feasible,
    or when it is infeasible without any rule: ``structural``). ``relaxations`` has one entry
    per conflicting rule, the smallest first. ``shortfall`` is the least total change of the
    conflict's bounds (all of its rules at once) that lets them hold, natural units.
    ``more_conflicts`` is True when no single relaxation restores the whole model: another,
    independent conflict remains (relax one and diagnose again to find it).
    """

    feasible: bool
    conflict: tuple[ConflictRule, ...] = ()
    relaxations: tuple[Relaxation, ...] = ()
    unit: str = ""
    shortfall: float | None = None
    structural: bool = False
    more_conflicts: bool = False
    name: str = ""
    backend: str = DEFAULT_BACKEND
    solves: int = 0
    """How many solves the diagnosis took."""
    rules_checked: int = 0
    """How many rules the model has (the filter's starting set)."""

    @property
    def rule_ids(self) -> tuple[str, ...]:
        return tuple(c.rule for c in self.conflict)

    def relaxation(self, rule: str) -> Relaxation:
        """The relaxation of one conflicting rule. Raises KeyError for a rule not in the set."""
        for r in self.relaxations:
            if r.rule == rule:
                return r
        raise KeyError(f"rule {rule!r} is not in the conflict ({', '.join(self.rule_ids)})")

    def message(self) -> str:
        """One line in plan terms, e.g. "rules `zhengzhou-cap` (2017 §二(二)) and `floor-all`
        cannot both hold: short by 1,240 mu; lowering `floor-all` by 1,240 mu restores
        feasibility (or: raising `zhengzhou-cap` by 1,240 mu)"."""
        if self.feasible:
            return "feasible: no conflict"
        if self.structural:
            return ("infeasible even with every rule dropped: the model's variable bounds or "
                    "structural rows conflict (not a rule of the plan)")
        refs = [c.ref() for c in self.conflict]
        if len(refs) == 1:
            head = f"rule {refs[0]} cannot hold"
        else:
            both = "both" if len(refs) == 2 else "all"
            head = f"rules {', '.join(refs[:-1])} and {refs[-1]} cannot {both} hold"
        if self.shortfall is not None and self.shortfall > 0:
            head += f": short by {fmt_amount(self.shortfall)}{_unit(self.unit)}"
        if not self.relaxations:
            return head
        first, *others = self.relaxations
        effect = "restores feasibility" if first.restores_feasibility else "resolves this conflict"
        text = f"{head}; {first.phrase()} {effect}"
        # Alternatives with the same effect only: a change that leaves another conflict is
        # not an alternative to one that restores the model (report() lists every one).
        text += "".join(f" (or: {r.phrase()})" for r in others
                        if r.restores_feasibility == first.restores_feasibility)
        if self.more_conflicts:
            text += "; another conflict remains after this one: relax one of these rules and diagnose again"
        return text

    def report(self) -> str:
        """Several lines for people: the conflicting rules with their sources and notes, and
        each relaxation with the rows it moves."""
        if self.feasible or self.structural:
            return self.message()
        lines = [self.message(), "",
                 "conflicting rules (irreducible: drop any one and the others can hold):"]
        width = max(len(c.rule) for c in self.conflict)
        twidth = max(len(c.type) for c in self.conflict)
        for c in self.conflict:
            extra = "  ".join(s for s in (c.source or "", c.note or "") if s)
            lines.append(f"  {c.rule:<{width}}  {c.type:<{twidth}}  {extra}".rstrip())
        lines += ["", "smallest relaxations (one rule at a time, the others kept):"]
        for r in self.relaxations:
            note = "" if r.restores_feasibility else " (resolves this conflict; another remains)"
            if not r.optimal:
                note += " (time limit: enough, maybe not the least)"
            lines.append(f"  {r.direction} `{r.rule}` by {fmt_amount(r.total)}{_unit(r.unit)}{note}")
            ch = r.changes()
            for row in ch.head(10).itertuples(index=False):
                lines.append(f"    {row.label}: {row.side} bound {fmt_amount(float(row.bound))} → "
                             f"{fmt_amount(float(row.new_bound))}{_unit(r.unit)}")
            if len(ch) > 10:
                lines.append(f"    ... {len(ch) - 10} more rows")
        return "\n".join(lines)


def fmt_amount(v: float) -> str:
    """A number for people: six significant digits, thousands separators, no exponent."""
    if not math.isfinite(v):
        return "∞" if v > 0 else "-∞" if v < 0 else "nan"
    if v == 0:
        return "0"
    digits = max(0, min(6, 5 - math.floor(math.log10(abs(v)))))
    text = f"{v:,.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _signed(v: float) -> str:
    return ("+" if v > 0 else "−") + fmt_amount(abs(v))


def _unit(unit: str) -> str:
    return f" {unit}" if unit else ""


# -- the machinery ----------------------------------------------------------------------------

@dataclass
class _Rules:
    """The model's rules in the order they first appear, and each rule's rows."""

    ids: list[str]
    rows: list[IntArray]
    source: dict[str, str | None]
    rule_row: npt.NDArray[np.bool_]
    """True for every row that belongs to some rule (the rest are structural)."""

    @classmethod
    def of(cls, model: Model) -> _Rules:
        ids: list[str] = []
        parts: dict[str, list[IntArray]] = {}
        source: dict[str, str | None] = {}
        rule_row = np.zeros(model.num_rows, dtype=bool)
        for b in model.row_blocks:  # a loop over blocks, not rows
            if b.rule is None or b.size == 0:
                continue
            if b.rule not in parts:
                ids.append(b.rule)
                parts[b.rule] = []
                source[b.rule] = b.source
            parts[b.rule].append(np.arange(b.start, b.start + b.size, dtype=np.int64))
            rule_row[b.slice] = True
        return cls(ids, [np.concatenate(parts[r]) for r in ids], source, rule_row)

    def rows_of(self, keep: Sequence[int]) -> IntArray:
        return np.concatenate([self.rows[k] for k in keep]) if keep else np.zeros(0, np.int64)


@dataclass
class _Runner:
    """Runs the solves of one diagnosis, counts them, and keeps them within the time budget."""

    model: Model
    rules: _Rules
    backend: str
    options: SolveOptions
    weight: FloatArray
    """objective weight per model row (natural units per model unit, normalised)."""
    time_limit: float | None = None
    """seconds for the whole diagnosis (None: no limit)."""
    solves: int = 0
    zero_c: FloatArray = field(init=False)
    deadline: float = field(init=False)
    step: Callable[[int], object] = field(init=False)
    """advances the progress bar of the solves (:mod:`zoneopt.core.progress`; quiet unless asked)."""

    def __post_init__(self) -> None:
        self.zero_c = np.zeros(self.model.num_vars)
        self.deadline = math.inf if self.time_limit is None else time.perf_counter() + self.time_limit
        self.step = open_counter(f"diagnose {self.model.name}", unit="solve")

    def _solve(self, model: Model) -> Solution:
        opts = self.options
        if self.time_limit is not None:
            left = self.deadline - time.perf_counter()
            if left <= 0:
                raise NoSolutionError(f"diagnosis of {self.model.name!r} ran out of its time limit "
                                      f"({self.time_limit:g} s) after {self.solves} solves")
            opts = replace(opts, time_limit=left if opts.time_limit is None else min(left, opts.time_limit))
        self.solves += 1
        self.step(1)
        return core_solve(model, self.backend, options=opts)

    def subsystem(self, active: Sequence[int]) -> Model:
        """The model with only the rules ``active`` (indices into rules.ids) and no objective."""
        m = self.model
        row_lb, row_ub = m.row_lb.copy(), m.row_ub.copy()
        off = self.rules.rule_row.copy()
        off[self.rules.rows_of(active)] = False
        row_lb[off], row_ub[off] = -np.inf, np.inf
        return replace(m, c=self.zero_c, c0=0.0, sense="min", hessian=None, row_lb=row_lb, row_ub=row_ub)

    def feasible(self, model: Model) -> bool:
        sol = self._solve(model)
        if sol.status.has_solution:
            return True
        if sol.status is Status.INFEASIBLE:
            return False
        raise NoSolutionError(f"diagnosis of {self.model.name!r}: {sol.backend} could not decide "
                              f"whether a subsystem is feasible ({sol.status.value}: {sol.message})")

    def elastic(self, base: Model, rows: IntArray) -> tuple[Solution, IntArray, IntArray, int]:
        """Solve ``base`` with slacks on ``rows``: p on rows with a finite lower bound (the row
        may fall short of it), q on rows with a finite upper bound (it may exceed it).
        Returns the solution, the rows with p, the rows with q and the first slack column."""
        lo_rows = rows[np.isfinite(base.row_lb[rows])]
        up_rows = rows[np.isfinite(base.row_ub[rows])]
        n, m = base.num_vars, base.num_rows
        k_lo, k_up = lo_rows.size, up_rows.size
        slack = sp.csr_matrix(
            (np.concatenate([np.ones(k_lo), -np.ones(k_up)]),
             (np.concatenate([lo_rows, up_rows]), np.arange(k_lo + k_up))),
            shape=(m, k_lo + k_up))
        A = sp.hstack([base.A, slack], format="csr")
        c = np.concatenate([np.zeros(n), self.weight[lo_rows], self.weight[up_rows]])
        el = Model(
            c=c, A=A, row_lb=base.row_lb, row_ub=base.row_ub,
            lb=np.concatenate([base.lb, np.zeros(k_lo + k_up)]),
            ub=np.concatenate([base.ub, np.full(k_lo + k_up, np.inf)]),
            integer=np.concatenate([base.integer, np.zeros(k_lo + k_up, dtype=bool)]),
            sense="min", name=f"{self.model.name}:elastic",
            var_blocks=base.var_blocks, row_blocks=base.row_blocks)
        return self._solve(el), lo_rows, up_rows, n


def _row_labels(model: Model, rows: IntArray, qualify: bool = False) -> tuple[str, ...]:
    """The label of each row (``RowBlock.labels``, else the row's offset in its block); a loop
    over blocks. With ``qualify``, a row of a block named other than its rule gets the rest of
    the block name after the label, e.g. ``a (SO2)`` for block ``req:SO2`` of rule ``req`` (one
    rule making rows for every pollutant)."""
    out = np.empty(rows.size, dtype=object)
    block_of = model.row_block_index()[rows]
    for k in np.unique(block_of):
        sel = block_of == k
        if k < 0:
            out[sel] = rows[sel].astype(str)
            continue
        b = model.row_blocks[k]
        offset = rows[sel] - b.start
        labels = np.asarray(b.labels, dtype=object)[offset] if b.labels else offset.astype(str)
        rest = b.name[len(b.rule):].lstrip(":") if b.rule and b.name.startswith(b.rule) else ""
        if qualify and rest:
            labels = np.array([v if str(v) == rest else f"{v} ({rest})" for v in labels.tolist()], dtype=object)
        out[sel] = labels
    return tuple(str(v) for v in out.tolist())


def diagnose(model: Model, *, backend: str = DEFAULT_BACKEND, row_scale: float | npt.ArrayLike = 1.0,
             unit: str = "", rules: Mapping[str, RuleMeta] | None = None,
             time_limit: float | None = None, shortlist: bool = True,
             options: SolveOptions | None = None, row_unit: npt.ArrayLike | None = None,
             qualify_labels: bool = False, row_weight: npt.ArrayLike | None = None) -> Diagnosis:
    """Diagnose ``model``: feasible, or an irreducible set of conflicting rules with the least
    change of each that restores feasibility.

    ``row_scale`` gives the natural units per model unit of each row's activity (a scalar or
    one value per row; e.g. the land unit in mu), so slacks are weighed 1 per natural unit and
    reported in ``unit``. ``rules`` maps rule ids to their type / source / note (optional).
    ``time_limit`` is seconds for the whole diagnosis (every solve gets what is left).
    ``shortlist`` orders the deletion filter by the elastic model's slacks (one larger solve
    that usually saves several); without it the filter runs in model order. ``options`` are
    the solves' options (the LP algorithm, threads, ...). Rows without a rule id and variable
    bounds are structural and never dropped.

    ``row_unit`` names each row's natural unit when rows differ (a portfolio's land in mu,
    allowances in t, funds in money): each relaxation is reported in the unit of the rows it
    moves, and the shortfall only when the conflict's rows share one unit. ``qualify_labels``
    adds the row block's suffix to a moved row's label (``a (SO2)``), for rules that make rows
    for several pollutants. ``row_weight`` (one factor per row, default 1) multiplies the
    weight of each row's slack in the elastic models, to prefer relaxing some rows over others
    that are worth the same (a portfolio's count row over its per-zone reach rows).

    Raises :class:`~zoneopt.errors.ModelError` for a bad ``row_scale``, and
    :class:`~zoneopt.errors.NoSolutionError` when a solve ends without deciding feasibility
    or the time limit runs out.
    """
    opts = options if options is not None else SolveOptions()
    scale = np.broadcast_to(np.asarray(row_scale, dtype=np.float64), (model.num_rows,)).copy() \
        if np.ndim(row_scale) == 0 else np.asarray(row_scale, dtype=np.float64)
    if scale.shape != (model.num_rows,) or not np.all(np.isfinite(scale)) or np.any(scale <= 0):
        raise ModelError(f"diagnose {model.name!r}: row_scale must be positive and finite, "
                         f"one value or {model.num_rows}")
    units = None
    if row_unit is not None:
        units = np.asarray(row_unit, dtype=object)
        if units.shape != (model.num_rows,):
            raise ModelError(f"diagnose {model.name!r}: row_unit must name {model.num_rows} rows' units")
    rs = _Rules.of(model)
    ref = float(scale.max()) if scale.size else 1.0
    weight = scale / ref
    if row_weight is not None:
        factor = np.broadcast_to(np.asarray(row_weight, dtype=np.float64), (model.num_rows,))
        if not np.all(np.isfinite(factor)) or np.any(factor <= 0):
            raise ModelError(f"diagnose {model.name!r}: row_weight must be positive and finite")
        weight = weight * factor
    run = _Runner(model, rs, backend, opts, weight, time_limit)
    every = list(range(len(rs.ids)))

    def result(feasible: bool, **found: Any) -> Diagnosis:
        return Diagnosis(feasible, unit=unit, name=model.name, backend=backend, solves=run.solves,
                         rules_checked=len(rs.ids), **found)

    if run.feasible(run.subsystem(every)):
        return result(True)

    if shortlist:
        # Elastic model over every rule: infeasible only if the structural part is.
        sol, lo_rows, up_rows, n = run.elastic(run.subsystem(every), rs.rows_of(every))
        if sol.status is Status.INFEASIBLE:
            return result(False, structural=True)
        if not sol.status.has_solution:
            raise NoSolutionError(f"diagnosis of {model.name!r}: the elastic model ended "
                                  f"{sol.status.value} ({sol.message})")
        assert sol.x is not None
        viol = np.zeros(model.num_rows)
        viol[lo_rows] += sol.x[n:n + lo_rows.size]
        viol[up_rows] += sol.x[n + lo_rows.size:]
        viol = np.where(viol > SLACK_TOLERANCE * _bound_size(model), viol * scale, 0.0)
        slack_of_rule = np.array([viol[r].sum() for r in rs.rows], dtype=float)
    else:
        if not run.feasible(run.subsystem([])):
            return result(False, structural=True)
        slack_of_rule = np.zeros(len(rs.ids))

    iis = _deletion_filter(run, slack_of_rule)
    def unit_of(rows: IntArray) -> str:
        if units is None:
            return unit
        names = set(units[rows].tolist())
        return str(names.pop()) if len(names) == 1 else ""

    relaxations = [_relax(run, k, iis, scale, unit, qualify_labels, units) for k in iis]
    relaxations.sort(key=lambda r: (not r.restores_feasibility, round(r.total, 9)))

    # The conflict's shortfall: its rules elastic, every other rule dropped. A summary only:
    # left out when the time runs out or the solve stops short of the optimum.
    shortfall = None
    try:
        short_sol, *_ = run.elastic(run.subsystem(iis), rs.rows_of(iis))
        mixed = units is not None and len(set(units[rs.rows_of(iis)].tolist())) > 1
        if short_sol.status is Status.OPTIMAL and short_sol.objective is not None and not mixed:
            shortfall = float(short_sol.objective) * ref
    except NoSolutionError:
        pass

    meta = rules or {}
    conflict = tuple(
        ConflictRule(rs.ids[k], getattr(meta.get(rs.ids[k]), "type", "rule"),
                     getattr(meta.get(rs.ids[k]), "source", rs.source[rs.ids[k]]),
                     getattr(meta.get(rs.ids[k]), "note", None))
        for k in iis)
    found = result(False, conflict=conflict, relaxations=tuple(relaxations), shortfall=shortfall,
                   more_conflicts=not any(r.restores_feasibility for r in relaxations))
    return found if units is None else replace(found, unit=unit_of(rs.rows_of(iis)))


def _bound_size(model: Model) -> FloatArray:
    """max(1, |finite bound|) per row: the scale of the slack tolerance."""
    lo = np.where(np.isfinite(model.row_lb), np.abs(model.row_lb), 0.0)
    hi = np.where(np.isfinite(model.row_ub), np.abs(model.row_ub), 0.0)
    return np.maximum(1.0, np.maximum(lo, hi))


def _deletion_filter(run: _Runner, slack_of_rule: FloatArray) -> list[int]:
    """An irreducible infeasible set of rules (indices into ``run.rules.ids``, model order).

    Rules without slack in the elastic optimum come first and are tried in chunks (a whole
    chunk is dropped with one solve when the rest stays infeasible; else it is halved); the
    rules carrying the elastic violation are tried one by one last, smallest slack first, so
    they are the ones most likely kept. A rule is kept only when dropping it (from a set that
    still contains the final one) makes the model feasible, so the result is irreducible.
    """
    order = list(range(slack_of_rule.size))
    zero = [k for k in order if slack_of_rule[k] == 0]
    carrying = sorted((k for k in order if slack_of_rule[k] > 0), key=lambda k: (slack_of_rule[k], k))
    active = set(order)

    def still_infeasible_without(chunk: Sequence[int]) -> bool:
        return not run.feasible(run.subsystem(sorted(active - set(chunk))))

    def filt(chunk: list[int]) -> None:
        if not chunk:
            return
        # Without any rule the model is feasible (checked before the filter runs): no solve.
        if set(chunk) != active and still_infeasible_without(chunk):
            active.difference_update(chunk)
            return
        if len(chunk) == 1:
            return  # needed: dropping it makes the rest feasible (a lone rule is infeasible alone)
        half = len(chunk) // 2
        filt(chunk[:half])
        filt(chunk[half:])

    filt(zero)
    for k in carrying:
        filt([k])
    return sorted(active)


def _relax(run: _Runner, k: int, iis: list[int], scale: FloatArray, unit: str, qualify: bool = False,
           units: npt.NDArray[np.object_] | None = None) -> Relaxation:
    """The least total change of rule ``k``'s bounds with every other rule hard; when that
    cannot restore the model (another conflict), with the rules outside ``iis`` dropped."""
    rs = run.rules
    rows = rs.rows[k]
    # The elastic model on rule k is feasible iff the model without k is: a plain feasibility
    # solve says which base to use far faster than an elastic solve that ends infeasible.
    restores = run.feasible(run.subsystem([j for j in range(len(rs.ids)) if j != k]))
    base = run.subsystem(range(len(rs.ids)) if restores else iis)
    sol, lo_rows, up_rows, n = run.elastic(base, rows)
    if not sol.status.has_solution:
        raise NoSolutionError(f"diagnosis of {run.model.name!r}: relaxing rule {rs.ids[k]!r} ended "
                              f"{sol.status.value} ({sol.message})")
    assert sol.x is not None
    m = run.model
    p = np.zeros(m.num_rows)
    q = np.zeros(m.num_rows)
    p[lo_rows] = sol.x[n:n + lo_rows.size]
    q[up_rows] = sol.x[n + lo_rows.size:]
    bound = _bound_size(m)
    p = np.where(p > SLACK_TOLERANCE * bound, p, 0.0)
    q = np.where(q > SLACK_TOLERANCE * bound, q, 0.0)
    moved = rows[(p[rows] > 0) | (q[rows] > 0)]
    lower_by, raise_by = p[moved] * scale[moved], q[moved] * scale[moved]
    has_lo, has_up = bool((lower_by > 0).any()), bool((raise_by > 0).any())
    if units is not None:  # the unit of the rows that move (the rule's, when none does)
        names = set(units[moved if moved.size else rows].tolist())
        unit = str(names.pop()) if len(names) == 1 else ""
    direction = ("lower floor and raise cap" if has_lo and has_up
                 else "raise cap" if has_up else "lower floor")
    return Relaxation(
        rule=rs.ids[k], total=float(lower_by.sum() + raise_by.sum()), direction=direction,
        rows=moved, labels=_row_labels(m, moved, qualify), lower_by=lower_by, raise_by=raise_by,
        row_scale=scale[moved], bound_lower=m.row_lb[moved] * scale[moved],
        bound_upper=m.row_ub[moved] * scale[moved], unit=unit, restores_feasibility=restores,
        optimal=sol.status is Status.OPTIMAL, rule_rows=int(rows.size))


__all__ = ["Diagnosis", "ConflictRule", "Relaxation", "RuleMeta", "diagnose", "fmt_amount", "SLACK_TOLERANCE"]
