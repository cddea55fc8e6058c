"""What the emission, fund and portfolio models share: the zones' requests of each resource,
sector priorities (with the ten emerging manufacturing fields of 2017 §四(二) built in), the
map from model columns to zones, solver status → typed errors with a rule-level diagnosis,
and the parts of a :class:`~zoneopt.plans.ResourcePlan`.

Everything here works on whole arrays: a pass over the zone or project objects reads one
field into one array (as :class:`~zoneopt.data.zones.ZoneTable` does), never a Python loop per
zone on a path that builds or reads a model.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp

from zoneopt.core.model import Model
from zoneopt.core.solution import Solution, SolveOptions, Status
from zoneopt.core.solve import DEFAULT_BACKEND
from zoneopt.errors import InfeasibleError, InstanceError, Issue, NoSolutionError, UnboundedError, ZoneoptError
from zoneopt.instance import MONEY_LABEL, FundPool, Instance
from zoneopt.plans import Plan, PlanSet, ResourcePlan
from zoneopt.data.zones import ZoneTable

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

EMERGING_FIELDS_2017: dict[str, str] = {
    "smart-terminals": "新一代智能终端",
    "electronic-components": "电子核心基础部件",
    "intelligent-equipment": "智能制造装备",
    "nev-smart-vehicles": "新能源汽车及智能汽车",
    "smart-power-equipment": "智能电力及新能源装备",
    "biomedicine": "生物医药",
    "nylon-new-materials": "尼龙及化工新材料",
    "advanced-alloys": "高端合金材料",
    "sensors-iot": "智能传感器及物联网",
    "energy-saving-environmental": "节能环保",
}
"""The ten emerging manufacturing fields of the 2017 Henan opinion, §四(二) (培育发展新兴产业): a
sector id → its name in the text. A zone tag or project sector matches by id or by name."""


def is_emerging(sectors: Sequence[str | None]) -> BoolArray:
    """For each sector (id or Chinese name), whether it is one of :data:`EMERGING_FIELDS_2017`."""
    known = set(EMERGING_FIELDS_2017) | set(EMERGING_FIELDS_2017.values())
    return pd.Series(list(sectors), dtype=object).isin(known).to_numpy(dtype=bool)


def priority_table(pool: FundPool | None) -> dict[str, float]:
    """Sector → priority weight from the fund pool: ``sector_priority``, and
    ``emerging_priority`` for each emerging field (by id and name) not listed there."""
    if pool is None:
        return {}
    table: dict[str, float] = {}
    if pool.emerging_priority is not None:
        for sid, name in EMERGING_FIELDS_2017.items():
            table[sid] = table[name] = float(pool.emerging_priority)
    table.update({k: float(v) for k, v in pool.sector_priority.items()})
    return table


def sector_priority(pool: FundPool | None, sectors: Sequence[Sequence[str]]) -> FloatArray:
    """Per unit (zone or project), the largest priority among its sectors (a zone's tags, a
    project's sector), 1 when none of them is listed."""
    n = len(sectors)
    table = priority_table(pool)
    if not table:
        return np.ones(n)
    owner = np.repeat(np.arange(n), [len(s) for s in sectors])
    values = pd.Series(list(chain.from_iterable(sectors)), dtype=object).map(table).to_numpy(dtype=float)
    out = np.full(n, np.nan)
    np.fmax.at(out, owner, values)  # NaN (unlisted) loses to any listed priority
    return np.where(np.isnan(out), 1.0, out)


# -- the zones' requests ----------------------------------------------------------------------

def emission_requests(instance: Instance, pollutant: str) -> FloatArray:
    """Each zone's request of ``pollutant`` allowances, t/yr (NaN: none)."""
    return np.array([z.requests.emissions_t.get(pollutant, np.nan) for z in instance.zones], dtype=float)


def fund_requests(instance: Instance) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Each zone's fund request: amount, the investment it co-finances and that investment's
    expected yearly tax, money unit (NaN: none)."""
    reqs = [z.requests.funds for z in instance.zones]
    amount = np.array([r.amount if r is not None else np.nan for r in reqs], dtype=float)
    invest = np.array([r.investment if r is not None else np.nan for r in reqs], dtype=float)
    tax = np.array([r.expected_tax if r is not None else np.nan for r in reqs], dtype=float)
    return amount, invest, tax


def zone_tags(instance: Instance) -> list[tuple[str, ...]]:
    """Each zone's tags (its sectors among them)."""
    return [z.tags for z in instance.zones]


# -- model columns and zones --------------------------------------------------------------------

def identity_block(n: int, start: int) -> sp.csr_matrix:
    """The zones × columns matrix whose row i is column ``start + i``: a variable block of one
    value per zone, as :class:`~zoneopt.models.land_quota.ZoneTotals` reads it."""
    return sp.csr_matrix((np.ones(n), (np.arange(n), start + np.arange(n))), shape=(n, start + n))


def columns_to_zones(num_vars: int, blocks: Sequence[tuple[int, npt.NDArray[np.int64]]], n_zones: int) -> sp.csr_matrix:
    """The columns × zones 0/1 map: ``blocks`` lists (first column, zone of each column) for
    the variable blocks that count for a zone; other columns count for none."""
    rows = np.concatenate([start + np.arange(z.size) for start, z in blocks]) if blocks else np.zeros(0, np.int64)
    cols = np.concatenate([z for _, z in blocks]) if blocks else np.zeros(0, np.int64)
    return sp.csr_matrix((np.ones(rows.size), (rows, cols)), shape=(num_vars, n_zones))


def row_units(model: Model, starts: Sequence[int], units: Sequence[float]) -> FloatArray:
    """Natural units per model unit of each row, from the first column it uses: columns from
    ``starts[k]`` on (up to the next start) are in ``units[k]``. Rows of one resource use
    that resource's columns first (its auxiliary variables come after them)."""
    A = model.A
    first = np.where(np.diff(A.indptr) > 0, A.indices[np.minimum(A.indptr[:-1], max(A.nnz - 1, 0))], 0)
    k = np.searchsorted(np.asarray(starts), first, side="right") - 1
    return np.asarray(units, dtype=float)[np.clip(k, 0, len(units) - 1)]


def zone_frame(zt: ZoneTable) -> pd.DataFrame:
    """The columns every resource plan starts with: zone, name, city, level, kind, grade, score."""
    f = zt.frame
    return pd.DataFrame({c: f[c].to_numpy() for c in ("zone", "name", "city", "level", "kind", "grade", "score")})


def max_violation(solution: Solution) -> float | None:
    """The checker's largest violation (bounds, rows, integrality), model units."""
    c = solution.check
    return max(c.max_bound_violation, c.max_row_violation, c.max_integrality_violation) if c else None


# -- status → errors --------------------------------------------------------------------------

def raise_for_status(solution: Solution, model: Model, what: str, *, row_scale: float | FloatArray = 1.0,
                     unit: str = "", rules: Mapping[str, Any] | None = None, hint: str = "",
                     time_limit: float | None = None) -> None:
    """Raise the error a solve's status calls for (nothing when it has a solution). ``what``
    names the plan (e.g. "emission plan for 'henan'"). An infeasible model is diagnosed in rule
    terms (:func:`zoneopt.analysis.diagnose.diagnose` on HiGHS, ``time_limit`` per solve; ``row_scale``
    natural units per model unit of each row): the :class:`InfeasibleError` (exit code 3)
    names conflicting rules and the least change that restores feasibility; ``hint`` is a
    cheaper explanation used when the diagnosis cannot finish."""
    if solution.status is Status.INFEASIBLE:
        try:
            from zoneopt.core.diagnose import diagnose

            diagnosis = diagnose(model, backend=DEFAULT_BACKEND, row_scale=row_scale, unit=unit, rules=rules,
                                 time_limit=time_limit)
        except (ImportError, ZoneoptError) as exc:
            raise InfeasibleError(f"{what} is infeasible: the rules cannot all hold"
                                  + (f"; {hint}" if hint else "") + f" (no full diagnosis: {exc})") from exc
        if diagnosis.feasible:
            raise InfeasibleError(f"{what}: {solution.backend} reports it infeasible, but {diagnosis.backend} "
                                  "finds the rules can all hold (a solver tolerance issue; try another backend)")
        raise InfeasibleError(f"{what} is infeasible: {diagnosis.message()}", diagnosis=diagnosis)
    if solution.status is Status.UNBOUNDED:
        raise UnboundedError(f"{what} is unbounded: the objective can grow without limit (a pool is missing?)")
    if not solution.status.has_solution:
        raise NoSolutionError(f"{what}: {solution.backend} found no solution "
                              f"({solution.status.value}: {solution.message})")


# -- every resource at once --------------------------------------------------------------------

RESOURCES = ("land", "emissions", "funds", "portfolio")
TITLES = {"land": "新增建设用地指标", "emissions": "排污指标", "funds": "基金投放", "portfolio": "项目为王"}


def configured(instance: Instance) -> tuple[str, ...]:
    """The plans :func:`solve_all` makes for ``instance``: ``portfolio`` alone when it has
    projects (the portfolio takes every pool and zone rule), else ``land``, ``emissions`` and
    ``funds`` for each pool it gives."""
    if instance.projects:
        return ("portfolio",)
    pools = instance.pools
    return tuple(r for r, pool in (("land", pools.land), ("emissions", pools.emissions), ("funds", pools.funds))
                 if pool is not None)


def solve_all(instance: Instance, backend: str = DEFAULT_BACKEND, *, time_limit: float | None = None,
              mip_gap: float = 1e-6, options: SolveOptions | None = None) -> PlanSet:
    """Solve every resource ``instance`` configures (:func:`configured`): each resource model
    on its own, or the joint portfolio when there are projects. Each plan is checked; the
    first error (infeasible rules, a count target no choice can meet: exit code 3; no
    solution: 4; missing data: 2) is raised as it comes. Raises :class:`InstanceError` when
    the instance configures no resource at all."""
    from zoneopt.models.emissions import solve_emissions
    from zoneopt.models.funds import solve_funds
    from zoneopt.models.land_quota import solve_land
    from zoneopt.models.portfolio import solve_portfolio

    resources = configured(instance)
    if not resources:
        raise InstanceError([Issue("pools", "nothing to solve: give pools.land, pools.emissions, pools.funds "
                                            "or projects")])
    solvers: dict[str, Callable[..., Plan | ResourcePlan]] = {
        "land": solve_land, "emissions": solve_emissions, "funds": solve_funds, "portfolio": solve_portfolio}
    plans: dict[str, Plan | ResourcePlan] = {}
    for resource in resources:  # a loop over the (at most four) resources
        plans[resource] = solvers[resource](instance, backend, time_limit=time_limit, mip_gap=mip_gap,
                                            options=options)
    return PlanSet(instance.name, plans)


# -- every resource's model, built (validate, diagnose, explain) -------------------------------

@dataclass(frozen=True, eq=False)
class ResourceModel:
    """One configured resource's built model, with what a diagnosis or an explanation needs to
    speak in the resource's natural units.

    ``built`` is the model module's own object (:class:`~zoneopt.models.land_quota.LandModel`,
    :class:`~zoneopt.models.emissions.EmissionModel`, :class:`~zoneopt.models.funds.FundModel`
    or :class:`~zoneopt.models.portfolio.PortfolioModel`); ``model`` its core model (None for
    the ZSG-DEA emission reallocation, a formula rather than an optimisation over rules).
    ``row_scale`` is natural units per model unit of each row, ``unit`` the natural unit
    (``mu``, ``t``, the money label; ``""`` when rows differ), ``row_unit`` each row's unit name
    when they differ (the portfolio), ``rules`` the rule ids with type, source and note."""

    resource: str
    built: Any
    model: Model | None
    row_scale: float | FloatArray
    unit: str
    row_unit: npt.NDArray[np.object_] | None
    rules: Mapping[str, Any]
    method: str
    """``lp``, ``mip`` or ``zsg-dea``."""
    note: str = ""

    def describe(self) -> str:
        """One line: ``emissions model 90 variables × 400 rows (LP), 6 pollutants``."""
        if self.model is None:
            return f"{self.resource}: {self.note}"
        m = self.model
        text = f"{self.resource} model {m.num_vars} variables × {m.num_rows} rows ({'MIP' if m.is_mip else 'LP'})"
        return text + (f", {self.note}" if self.note else "")


def _zsg_data(instance: Instance) -> str:
    """Check the data the ZSG-DEA reallocation reads (its inputs, outputs and each pollutant's
    current emissions) without solving; raise :class:`InstanceError` naming what is missing."""
    from zoneopt.evaluation.indicators import indicator
    from zoneopt.data.zones import ZoneTable
    from zoneopt.instance.indicators import EMISSIONS_PREFIX

    pools = instance.pools.emissions
    assert pools is not None
    obj = pools.objective
    zt = ZoneTable.of(instance)
    for kind, names in (("dea_inputs", obj.dea_inputs), ("dea_outputs", obj.dea_outputs)):
        for j, name in enumerate(names):  # a loop over the DEA's few inputs and outputs
            indicator(instance, name, field=f"pools.emissions.objective.{kind}[{j}]", table=zt)
    issues = []
    for p in pools.pollutants:  # a loop over pollutants
        column = EMISSIONS_PREFIX + p
        current = zt.frame[column].to_numpy(dtype=float) if column in zt.frame else np.full(zt.size, np.nan)
        issues += [Issue(f"zones[{k}].metrics.emissions_t.{p}",
                         f"zone {zt.ids[k]!r} reports no {p} emissions, needed by the ZSG-DEA reallocation "
                         "(pools.emissions.objective.kind = 'zsg_dea')") for k in np.flatnonzero(np.isnan(current))]
    if issues:
        raise InstanceError(issues)
    return (f"ZSG-DEA reallocation of {len(pools.pollutants)} pollutant(s): a formula over DEA efficiency LPs, "
            "no rule model")


def build_resource_model(instance: Instance, resource: str) -> ResourceModel:
    """Build the model of one ``resource`` (``land``, ``emissions``, ``funds`` or
    ``portfolio``) of ``instance``, checking the data its rules and objective need.

    Raises :class:`InstanceError` whose source names the resource (e.g. ``emissions model:
    zones[3].metrics.energy_reduction_tce: ...``) for missing or bad data,
    :class:`~zoneopt.errors.InfeasibleError` (exit code 3) for a portfolio count target no
    choice of projects can meet, and :class:`InvalidInputError` for an unknown resource."""
    from zoneopt.errors import InvalidInputError

    if resource not in RESOURCES:
        raise InvalidInputError(f"unknown resource {resource!r}; resources: {', '.join(RESOURCES)}")
    try:
        return _build(instance, resource)
    except InstanceError as exc:
        raise InstanceError(exc.issues, f"{resource} model" + (f" ({exc.source})" if exc.source else "")) from None


def _build(instance: Instance, resource: str) -> ResourceModel:
    money = MONEY_LABEL[instance.units.money]
    if resource == "land":
        from zoneopt.models.land_quota import build_land_model

        lm = build_land_model(instance)
        return ResourceModel("land", lm, lm.model, lm.land_unit, "mu", None, lm.rules,
                             "mip" if lm.model.is_mip else "lp", f"land unit {lm.land_unit:g} mu")
    if resource == "emissions":
        from zoneopt.models.emissions import build_emission_model

        pools = instance.pools.emissions
        if pools is not None and pools.objective.kind == "zsg_dea":
            return ResourceModel("emissions", None, None, 1.0, "t", None, {}, "zsg-dea", _zsg_data(instance))
        em = build_emission_model(instance)
        scale = row_units(em.model, [x.start for x in em.x], em.units)
        return ResourceModel("emissions", em, em.model, scale, "t", None, em.rules, "lp",
                             f"{len(em.pollutants)} pollutant(s): {', '.join(em.pollutants)}")
    if resource == "funds":
        from zoneopt.models.funds import build_fund_model

        fm = build_fund_model(instance)
        note = (f"tranche {fm.unit:g} {money}" if fm.pool.tranche is not None else f"money unit {fm.unit:g} {money}")
        return ResourceModel("funds", fm, fm.model, fm.unit, money, None, fm.rules,
                             "mip" if fm.model.is_mip else "lp", note)
    from zoneopt.models.portfolio import build_portfolio_model

    return portfolio_resource_model(build_portfolio_model(instance))


def portfolio_resource_model(pm: Any) -> ResourceModel:
    """A built :class:`~zoneopt.models.portfolio.PortfolioModel` as a :class:`ResourceModel`
    (rows in mixed units: mu, t, money, zones)."""
    return ResourceModel("portfolio", pm, pm.model, pm.row_scale, "", pm.row_unit, pm.rules, "mip",
                         f"{pm.projects.size} projects, {len(pm.counts)} count target(s)")


def build_resource_models(instance: Instance) -> dict[str, ResourceModel]:
    """:func:`build_resource_model` of every resource :func:`configured` for ``instance``, in
    order. Raises :class:`InstanceError` when it configures none (and as
    :func:`build_resource_model`)."""
    resources = configured(instance)
    if not resources:
        raise InstanceError([Issue("pools", "nothing to solve: give pools.land, pools.emissions, pools.funds "
                                            "or projects")])
    return {r: build_resource_model(instance, r) for r in resources}  # at most four


__all__ = [
    "RESOURCES", "TITLES", "configured", "solve_all", "ResourceModel", "build_resource_model",
    "build_resource_models",
    "EMERGING_FIELDS_2017", "is_emerging", "priority_table", "sector_priority", "emission_requests",
    "fund_requests", "zone_tags", "identity_block", "columns_to_zones", "row_units", "zone_frame",
    "max_violation", "raise_for_status",
]
