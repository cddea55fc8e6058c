"""Project portfolio (项目为王, 2022 第二章): choose the projects that get land, emission
allowances and money together, within every pool and zone rule, meeting the plan's count and
share targets (2022 专栏一).

The mathematics, each rule's clause and the units are in ``models/portfolio.md``. y_p ∈ {0, 1}
per project (and, with partial funding, a continuous fund f_p); each resource's zone totals are
sparse sums of the chosen projects' needs, so the land, emission and fund rules are the
standalone models' builders (:func:`~zoneopt.models.land_quota.add_zone_rules`) on those totals.
Count targets are indicator constraints with exact coefficients (no big-M): z_i ≤ Σ c_p y_p /
(θ − base_i).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import chain

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp

from zoneopt.core.model import Model, ModelBuilder, VarBlock
from zoneopt.core.solution import Solution, SolveOptions, Status
from zoneopt.core.solve import DEFAULT_BACKEND
from zoneopt.core.solve import solve as core_solve
from zoneopt.data.requests import emission_requests, fund_requests, is_emerging, sector_priority
from zoneopt.data.zones import ZoneTable
from zoneopt.errors import InfeasibleError, InstanceError, Issue, ZoneoptError
from zoneopt.evaluation.indicators import indicator, indicator_unit
from zoneopt.evaluation.run import evaluated_table
from zoneopt.instance import (
    MONEY_LABEL,
    CountTarget,
    Instance,
    LeverageCap,
    Portfolio,
    ProjectSelector,
    ShareTarget,
    TabularProjects,
)
from zoneopt.models.emissions import total_rule as emission_total_rule
from zoneopt.models.funds import TOTAL_RULE as FUNDS_TOTAL
from zoneopt.models.land_quota import TOTAL_RULE as LAND_TOTAL
from zoneopt.models.outcome import (
    ResourceModel,
    diagnose_resource_model,
    max_violation,
    model_note,
    raise_for_status,
    zone_frame,
)
from zoneopt.models.rules import (
    RuleInfo,
    ZoneTotals,
    add_pool_row,
    add_zone_rules,
    binding_tables,
    columns_to_zones,
    model_unit,
    pad_columns,
    pool_wide_rules,
)
from zoneopt.plans import PoolUse, ResourcePlan, ResourceSummary, TargetResult
from zoneopt.plans.glossary import Amount, Term, spoken, text

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]
TARGET_TOLERANCE = 1e-6
"""A count target's threshold is reached when base + chosen ≥ θ·(1 − this)."""
MIN_FUND_RULE = "min-fund-share"


@dataclass(frozen=True)
class ProjectTable:
    """The instance's projects as arrays (one pass over the project objects per field)."""

    ids: npt.NDArray[np.object_]
    names: npt.NDArray[np.object_]
    zone: IntArray
    """position of each project's zone in the zone list."""
    sector: npt.NDArray[np.object_]
    tag_owner: IntArray
    """the project of each (project, tag) pair."""
    tag_names: npt.NDArray[np.object_]
    """the tag of each pair."""
    land: FloatArray
    fund: FloatArray
    investment: FloatArray
    tax: FloatArray
    revenue: FloatArray
    leading: BoolArray
    industrial: BoolArray
    emissions: dict[str, FloatArray]
    named: dict[str, FloatArray]
    """what each project adds to a named zone figure (0 where it says nothing)."""

    def gain(self, metric: str) -> FloatArray:
        """What each project adds to the zone figure ``metric`` once running."""
        if metric in ("revenue", "tax"):
            return self.revenue if metric == "revenue" else self.tax
        return self.named.get(metric, np.zeros(self.size))

    @classmethod
    def of(cls, instance: Instance, zone_ids: npt.NDArray[np.object_]) -> ProjectTable:
        ps = instance.projects
        if isinstance(ps, TabularProjects):
            return cls.from_columns(ps, zone_ids)
        pollutants = sorted({k for p in ps for k in p.emissions_t})

        def col(name: str) -> FloatArray:
            return np.array([getattr(p, name) for p in ps], dtype=float)

        return cls(
            ids=np.array([p.id for p in ps], dtype=object), names=np.array([p.name for p in ps], dtype=object),
            zone=pd.Index(zone_ids).get_indexer([p.zone for p in ps]).astype(np.int64),
            sector=np.array([p.sector for p in ps], dtype=object),
            tag_owner=np.repeat(np.arange(len(ps), dtype=np.int64), [len(p.tags) for p in ps]),
            tag_names=np.array(list(chain.from_iterable(p.tags for p in ps)), dtype=object),
            land=col("land_mu"), fund=col("fund"), investment=col("investment"), tax=col("tax"),
            revenue=col("revenue"), leading=np.array([p.leading for p in ps], dtype=bool),
            industrial=np.array([p.industrial for p in ps], dtype=bool),
            emissions={k: np.array([p.emissions_t.get(k, 0.0) for p in ps], dtype=float) for k in pollutants},
            named={k: np.array([(p.metrics or {}).get(k, 0.0) for p in ps], dtype=float)
                   for k in sorted({k for p in ps for k in p.metrics or {}})})

    @classmethod
    def from_columns(cls, ps: TabularProjects, zone_ids: npt.NDArray[np.object_]) -> ProjectTable:
        """The table of a project table, straight from its validated columns: no object per
        project (a pollutant's empty cell is 0, as a project that does not list it)."""
        f = ps.columns
        return cls(
            ids=ps.ids, names=f["name"].to_numpy(dtype=object),
            zone=pd.Index(zone_ids).get_indexer(ps.zones).astype(np.int64),
            sector=np.asarray(f["sector"].astype(object).where(f["sector"].notna(), None).to_numpy(dtype=object)),
            tag_owner=ps.tag_row, tag_names=np.asarray(ps.tag_values, dtype=object)[ps.tag_code],
            land=f["land_mu"], fund=f["fund"], investment=f["investment"], tax=f["tax"],
            revenue=f["revenue"], leading=f["leading"], industrial=f["industrial"],
            emissions={p: np.nan_to_num(f[f"emissions_{p}_t"], nan=0.0) for p in sorted(ps.emissions())},
            named={})  # a project table has no named figures: projects that add one are listed in JSON

    @property
    def size(self) -> int:
        return int(self.ids.size)

    def quantity(self, name: str) -> FloatArray:
        """A per-project quantity by the name a share target uses."""
        return {"investment": self.investment, "fund": self.fund, "land_mu": self.land, "tax": self.tax,
                "revenue": self.revenue}[name]

    def select(self, sel: ProjectSelector, zone_ids: npt.NDArray[np.object_]) -> BoolArray:
        """Projects matching every criterion of ``sel``."""
        mask = np.ones(self.size, dtype=bool)
        if sel.projects is not None:
            mask &= pd.Series(self.ids).isin(sel.projects).to_numpy()
        if sel.zones is not None:
            mask &= pd.Series(zone_ids[self.zone]).isin(sel.zones).to_numpy()
        if sel.sectors is not None:
            mask &= pd.Series(self.sector).isin(sel.sectors).to_numpy()
        if sel.tags is not None:
            hit = pd.Series(self.tag_names, dtype=object).isin(sel.tags).to_numpy(dtype=bool)
            mask &= np.bincount(self.tag_owner[hit], minlength=self.size) > 0
        for name in ("leading", "industrial"):
            want = getattr(sel, name)
            if want is not None:
                mask &= getattr(self, name) == want
        if sel.emerging is not None:
            mask &= is_emerging(self.sector.tolist()) == sel.emerging
        return mask


@dataclass(frozen=True)
class CountRows:
    """What a count target became: zones already above the threshold, zones that can never
    reach it, and the candidates with their indicator variables."""

    rule: CountTarget
    selected: BoolArray
    base: FloatArray
    already: BoolArray
    candidates: IntArray
    z: VarBlock | None


@dataclass(frozen=True, eq=False)
class PortfolioModel:
    """A built portfolio model: the core model and what is needed to read a solution back."""

    instance: Instance
    zones: ZoneTable
    projects: ProjectTable
    model: Model
    y: VarBlock
    fund: VarBlock | None
    """the partial-funding variables (model units of ``units['funds']``), or None."""
    units: dict[str, float]
    """natural units per model unit: ``land``, ``funds``, and each pollutant."""
    obj_scale: float
    objective_unit: str
    contribution: FloatArray
    """each project's objective term when chosen (natural units, sector priority included)."""
    row_scale: FloatArray
    """natural units per model unit of each row (mu, t, money; 1 for target rows)."""
    row_unit: npt.NDArray[np.object_]
    """the name of each row's natural unit."""
    counts: tuple[CountRows, ...] = ()
    rules: dict[str, RuleInfo] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    @property
    def settings(self) -> Portfolio:
        return self.instance.portfolio


def _incidence(zone: IntArray, start: int, values: FloatArray, n: int) -> sp.csr_matrix:
    """zones × columns: row i sums ``values[p]`` × column ``start + p`` over i's projects."""
    keep = values != 0
    P = zone.size
    return sp.csr_matrix((values[keep], (zone[keep], start + np.arange(P)[keep])), shape=(n, start + P))


def build_portfolio_model(instance: Instance) -> PortfolioModel:
    """Build the portfolio MIP. Raises :class:`InstanceError` without projects or for data a
    rule or the objective needs, and :class:`InfeasibleError` (exit code 3) for a count
    target that no choice of projects can meet (named, with the numbers)."""
    if not instance.projects:
        raise InstanceError([Issue("projects", "the portfolio model needs projects")])
    zt = evaluated_table(instance)
    n, ids = zt.size, zt.ids
    pt = ProjectTable.of(instance, ids)
    P = pt.size
    settings = instance.portfolio
    pools = instance.pools
    b = ModelBuilder(f"portfolio:{instance.name}", "max")
    y = b.add_vars("y", P, lb=0.0, ub=1.0, integer=True, labels=pt.ids.tolist())
    info: dict[str, RuleInfo] = {}
    units: dict[str, float] = {}
    notes: list[str] = []
    money = MONEY_LABEL[instance.units.money]
    resource_of: dict[str, str] = {MIN_FUND_RULE: "funds", LAND_TOTAL: "land", FUNDS_TOTAL: "funds"}
    block_scale: dict[str, tuple[float, str]] = {}

    # Funds: R_p·y_p, or with partial funding a variable f_p in [min_share·R_p·y_p, R_p·y_p].
    f_request, _, _ = fund_requests(instance)
    fund_total = pools.funds.budget if pools.funds is not None else float(pt.fund.sum()) or 1.0
    units["funds"] = sigma_f = model_unit(fund_total, pt.fund[pt.fund > 0])
    fund_block = None
    if settings.partial_funding:
        fund_block = b.add_vars("fund", P, lb=0.0, ub=pt.fund / sigma_f, labels=pt.ids.tolist())
        E_fund = _incidence(pt.zone, fund_block.start, np.ones(P), n)
        link = sp.hstack([sp.diags(-pt.fund / sigma_f), sp.identity(P)], format="csr")
        lo_link = sp.hstack([sp.diags(-settings.min_fund_share * pt.fund / sigma_f), sp.identity(P)], format="csr")
        b.add_rows("fund:upto-request", _shift(link, y.start), ub=0.0, labels=pt.ids.tolist())
        info[MIN_FUND_RULE] = RuleInfo(MIN_FUND_RULE, "partial_funding", "2022 第三章 专栏二",
                                       f"a chosen project gets at least {settings.min_fund_share:g} of its request")
        b.add_rows(MIN_FUND_RULE, _shift(lo_link, y.start), lb=0.0, rule=MIN_FUND_RULE,
                   source="2022 第三章 专栏二", labels=pt.ids.tolist())
    else:
        E_fund = _incidence(pt.zone, y.start, pt.fund / sigma_f, n)

    # Land.
    land_pool = pools.land
    units["land"] = sigma_l = model_unit(land_pool.total_mu if land_pool else float(pt.land.sum()) or 1.0,
                                         pt.land[pt.land > 0], None)
    E_land = _incidence(pt.zone, y.start, pt.land / sigma_l, n)
    if land_pool is not None:
        land_totals = ZoneTotals(E_land, sigma_l, land_pool.total_mu / sigma_l, zt.frame["request_land_mu"].to_numpy())
        add_pool_row(b, LAND_TOTAL, land_totals, exact=land_pool.exact, source=land_pool.source, info=info,
                     note="land pool total")
        if land_pool.parcel_mu is not None:
            notes.append("land parcels (pools.land.parcel_mu) do not apply: each project needs its own land")
        land_rules = [(f"rules[{r}]", rule) for r, rule in enumerate(instance.rules)]
        resource_of.update({rule.id: "land" for _, rule in land_rules})
        add_zone_rules(b, land_rules, land_totals, instance, zt, info)
    elif instance.rules:
        notes.append("land rules not applied: the instance has no land pool")

    # Emissions, one pollutant at a time.
    if pools.emissions is not None:
        common = [(f"pools.emissions.rules[{r}]", rule) for r, rule in enumerate(pools.emissions.rules)]
        for k, pool in pools.emissions.pollutants.items():  # a loop over pollutants
            need = pt.emissions.get(k, np.zeros(P))
            units[k] = sigma = model_unit(pool.total_t, need[need > 0])
            totals = ZoneTotals(_incidence(pt.zone, y.start, need / sigma, n), sigma, pool.total_t / sigma,
                                emission_requests(instance, k), f":{k}")
            resource_of[emission_total_rule(k)] = "emissions"
            add_pool_row(b, emission_total_rule(k), totals, exact=pool.exact, source=pool.source, info=info,
                         note=f"{k} allowances")
            own = [(f"pools.emissions.pollutants.{k}.rules[{r}]", rl) for r, rl in enumerate(pool.rules)]
            add_zone_rules(b, common + own, totals, instance, zt, info)
        resource_of.update({rule.id: "emissions" for _, rule in common})
        resource_of.update({rule.id: "emissions" for pool in pools.emissions.pollutants.values()
                            for rule in pool.rules})
        unpooled = sorted(set(pt.emissions) - set(pools.emissions.pollutants))
        if unpooled:
            notes.append(f"no pool for {', '.join(unpooled)}: projects' needs of it are not limited")
    elif pt.emissions:
        notes.append("no emission pools: projects' emission needs are not limited")

    # Funds: the budget, the zone rules on fund totals, leverage caps.
    fund_pool = pools.funds
    if fund_pool is not None:
        fund_totals = ZoneTotals(E_fund, sigma_f, fund_pool.budget / sigma_f, f_request)
        add_pool_row(b, FUNDS_TOTAL, fund_totals, exact=fund_pool.exact, source=fund_pool.source, info=info,
                     note="the year's fund budget")
        if fund_pool.tranche is not None:
            notes.append("fund tranches (pools.funds.tranche) do not apply: each project's fund is its own")
        fund_rules = [(f"pools.funds.rules[{r}]", rule) for r, rule in enumerate(fund_pool.rules)]
        resource_of.update({rule.id: "funds" for _, rule in fund_rules})
        add_zone_rules(b, fund_rules, fund_totals, instance, zt, info)
        for _, fund_rule in fund_rules:
            if isinstance(fund_rule, LeverageCap):
                _leverage_rows(b, fund_rule, zt, pt, y, fund_block, E_fund, sigma_f)

    counts = tuple(_count_rows(b, rule, r, instance, zt, pt, y, info)
                   for r, rule in enumerate(settings.rules) if isinstance(rule, CountTarget))
    for target in settings.rules:
        if isinstance(target, ShareTarget):
            block_scale.update(_share_rows(b, target, pt, y, fund_block, sigma_f, ids, info, money))
        else:
            block_scale[f"{target.id}:count"] = (1.0, "zones")
            block_scale[f"{target.id}:reach"] = (1.0, "share of the gap to the threshold")

    contribution, unit = _objective(instance, zt, pt)
    scale = float(np.abs(contribution).max(initial=0.0)) or 1.0
    b.set_obj(y, contribution / scale)
    if fund_block is not None:
        notes.append(f"partial funding: a chosen project gets {settings.min_fund_share:g} to 1 of its fund request")
    unit = unit.format(money=money)
    model = b.build(objective_scale=scale, objective_unit=unit)
    labels = {"land": "mu", "funds": money, **{k: "t" for k in units if k not in ("land", "funds")}}
    row_scale, row_unit = _row_scales(model, resource_of, block_scale, units, labels)
    return PortfolioModel(instance, zt, pt, model, y, fund_block, units, scale, unit, contribution, row_scale,
                          row_unit, counts, info, tuple(notes))


def _row_scales(model: Model, resource_of: dict[str, str], block_scale: dict[str, tuple[float, str]],
                units: dict[str, float], labels: dict[str, str]) -> tuple[FloatArray, npt.NDArray[np.object_]]:
    """Natural units per model unit of each row, and the unit's name, from the resource of
    the rule that made its block (a pollutant's rows end their block name's rule id with
    ``:<pollutant>``); a loop over row blocks."""
    scale = np.ones(model.num_rows)
    unit = np.full(model.num_rows, "", dtype=object)
    for blk in model.row_blocks:
        key: str | None = None
        if blk.name in block_scale:
            scale[blk.slice], unit[blk.slice] = block_scale[blk.name]
            continue
        res = resource_of.get(blk.rule or "")
        if res == "emissions":
            rest = blk.name[len(blk.rule or ""):].split(":")
            key = rest[1] if len(rest) > 1 and rest[1] in units else next(
                (k for k in units if blk.name == f"emissions-total:{k}"), None)
        elif res is not None:
            key = res
        if key is not None:
            scale[blk.slice], unit[blk.slice] = units[key], labels[key]
    return scale, unit


def portfolio_zone_map(pm: PortfolioModel) -> sp.csr_matrix:
    """Model columns × zones: a project's choice (and fund) counts for its zone."""
    pt = pm.projects
    return columns_to_zones(pm.model.num_vars, [(pm.y.start, pt.zone)]
                            + ([(pm.fund.start, pt.zone)] if pm.fund is not None else []), pm.zones.size)


def portfolio_pool_wide(pm: PortfolioModel) -> frozenset[str]:
    """The portfolio's rules said once for the plan (:func:`pool_wide_rules`): the pools, the
    targets, and the per-project rows (a leverage cap ``per: project``, the minimum fund share),
    which are about a project, not its zone."""
    fund_pool = pm.instance.pools.funds
    per_project = [r.id for r in (fund_pool.rules if fund_pool is not None else ())
                   if isinstance(r, LeverageCap) and r.per == "project"]
    return pool_wide_rules(pm.rules, per_project)


def _shift(A: sp.csr_matrix, start: int) -> sp.csr_matrix:
    """``A`` with ``start`` zero columns in front (its first column lands on ``start``)."""
    return sp.hstack([sp.csr_matrix((A.shape[0], start)), A], format="csr") if start else A


def _leverage_rows(b: ModelBuilder, rule: LeverageCap, zt: ZoneTable, pt: ProjectTable, y: VarBlock,
                   fund: VarBlock | None, E_fund: sp.csr_matrix, sigma_f: float) -> None:
    """Fund ≤ α × investment: per zone on the zone totals (F_i ≤ α Σ_{p∈i} I_p y_p), or per
    project (f_p ≤ α I_p y_p; without partial funding R_p y_p ≤ α I_p y_p, which rules out
    any project asking for more than α of its investment)."""
    zones = zt.select(rule.select)
    n = zt.size
    ncols = b.num_vars
    if rule.per == "zone":
        idx = np.flatnonzero(zones)
        invest = _incidence(pt.zone, y.start, rule.alpha * pt.investment / sigma_f, n)
        A = pad_columns(E_fund, ncols) - pad_columns(invest, ncols)
        b.add_rows(rule.id, A[idx], ub=0.0, rule=rule.id, source=rule.cited, labels=zt.ids[idx].tolist())
        return
    chosen = np.flatnonzero(zones[pt.zone])
    if fund is None:
        coef = (pt.fund - rule.alpha * pt.investment)[chosen] / sigma_f
        A = sp.csr_matrix((coef, (np.arange(chosen.size), y.start + chosen)), shape=(chosen.size, ncols))
    else:
        m = chosen.size
        A = sp.csr_matrix((np.concatenate([np.ones(m), -rule.alpha * pt.investment[chosen] / sigma_f]),
                           (np.tile(np.arange(m), 2), np.concatenate([fund.start + chosen, y.start + chosen]))),
                          shape=(m, ncols))
    b.add_rows(rule.id, A, ub=0.0, rule=rule.id, source=rule.cited, labels=pt.ids[chosen].tolist())


def _count_rows(b: ModelBuilder, rule: CountTarget, r: int, instance: Instance, zt: ZoneTable,
                pt: ProjectTable, y: VarBlock, info: dict[str, RuleInfo]) -> CountRows:
    """z_i = 1 only if zone i's metric reaches θ: Σ_{p∈i} c_p y_p ≥ (θ − base_i)·z_i (each row
    divided by θ − base_i), and Σ z_i ≥ N − (zones already above θ). Zones already above
    count without a variable; zones that cannot reach θ with all their projects get none."""
    info[rule.id] = RuleInfo(rule.id, rule.type, rule.cited, rule.note)
    where = f"portfolio.rules[{r}]"
    selected = zt.select(rule.select)
    base = indicator(instance, rule.metric, field=f"{where}.metric", among=selected, table=zt)
    base = np.where(selected, base, 0.0)
    gain = pt.gain(rule.metric)
    reach = base + np.bincount(pt.zone, weights=gain, minlength=zt.size)
    theta = rule.threshold
    already = selected & (base >= theta * (1 - TARGET_TOLERANCE))
    candidates = np.flatnonzero(selected & ~already & (reach >= theta * (1 - TARGET_TOLERANCE)))
    need = rule.at_least - int(already.sum())
    if need > candidates.size:
        ref = f"`{rule.id}`" + (f" ({rule.cited})" if rule.cited else "")
        unit = indicator_unit(rule.metric, instance)
        raise InfeasibleError(
            f"portfolio for {instance.name!r} is infeasible: count target {ref} needs {rule.at_least} zones with "
            f"{rule.metric} ≥ {_amount(theta)} {unit}, but only {int(already.sum()) + candidates.size} of the "
            f"{int(selected.sum())} selected zones can reach it even with every project of theirs chosen "
            f"({int(already.sum())} already do)")
    if need <= 0 or candidates.size == 0:
        return CountRows(rule, selected, base, already, candidates, None)
    z = b.add_vars(f"{rule.id}:reached", candidates.size, lb=0.0, ub=1.0, integer=True,
                   labels=zt.ids[candidates].tolist())
    ncols = b.num_vars
    gap = theta - base[candidates]
    pos = pd.Index(candidates).get_indexer(pt.zone)  # row of each project's zone, -1 if not a candidate
    on = (pos >= 0) & (gain > 0)
    rows = np.concatenate([pos[on], np.arange(candidates.size)])
    cols = np.concatenate([y.start + np.flatnonzero(on), z.start + np.arange(candidates.size)])
    vals = np.concatenate([gain[on] / gap[pos[on]], -np.ones(candidates.size)])
    A = sp.csr_matrix((vals, (rows, cols)), shape=(candidates.size, ncols))
    b.add_rows(f"{rule.id}:reach", A, lb=0.0, rule=rule.id, source=rule.cited, labels=zt.ids[candidates].tolist())
    count = sp.csr_matrix((np.ones(candidates.size), (np.zeros(candidates.size, np.int64),
                                                      z.start + np.arange(candidates.size))), shape=(1, ncols))
    b.add_rows(f"{rule.id}:count", count, lb=float(need), rule=rule.id, source=rule.cited, labels=["count"])
    return CountRows(rule, selected, base, already, candidates, z)


def _count_unit(metric: str, threshold: float, instance: Instance) -> str:
    """A count target's unit, from the glossary: zones with revenue ≥ 1,000 亿元/年 (money said in a
    display's unit)."""
    unit, money = indicator_unit(metric, instance), MONEY_LABEL[instance.units.money]
    if unit in (money, f"{money}/yr"):
        amount: object = Amount(threshold, money, per_year=unit.endswith("/yr"))
    else:
        amount = f"{_amount(threshold)} {unit}".rstrip()
    return spoken("punit.count", metric=Term(f"indicator.{metric}", metric), threshold=amount)


def _amount(v: float) -> str:
    """A threshold for people: 10,000,000 rather than 1e+07."""
    return f"{v:,.0f}" if v == round(v) and abs(v) < 1e15 else f"{v:,.6g}"


def _share_rows(b: ModelBuilder, rule: ShareTarget, pt: ProjectTable, y: VarBlock, fund: VarBlock | None,
                sigma_f: float, zone_ids: npt.NDArray[np.object_], info: dict[str, RuleInfo],
                money: str) -> dict[str, tuple[float, str]]:
    """Σ_num q_p y_p + B_n ≥ s·(Σ_den q_p y_p + B_d) (and ≤ with the max share), one row per
    side, divided by its largest coefficient. ``quantity: fund`` with partial funding reads
    the funds given, f_p."""
    info[rule.id] = RuleInfo(rule.id, rule.type, rule.cited, rule.note)
    num = pt.select(rule.numerator, zone_ids).astype(float)
    den = pt.select(rule.denominator, zone_ids).astype(float)
    q = pt.quantity(rule.quantity)
    on_fund = rule.quantity == "fund" and fund is not None
    unit = "mu" if rule.quantity == "land_mu" else money + ("/yr" if rule.quantity in ("tax", "revenue") else "")
    scales: dict[str, tuple[float, str]] = {}
    for share, side in ((rule.min_share, "min"), (rule.max_share, "max")):
        if share is None:
            continue
        coef = q * (num - share * den)
        rhs = share * rule.base_denominator - rule.base_numerator
        top = float(np.abs(coef).max(initial=0.0))
        scale = top if top > 0 else 1.0
        if on_fund:
            assert fund is not None
            coef = (num - share * den) * sigma_f
            scale = float(np.abs(coef).max(initial=0.0)) or 1.0
        start = fund.start if on_fund and fund is not None else y.start
        keep = np.flatnonzero(coef != 0)
        A = sp.csr_matrix((coef[keep] / scale, (np.zeros(keep.size, np.int64), start + keep)),
                          shape=(1, b.num_vars))
        bounds = {"lb": rhs / scale} if side == "min" else {"ub": rhs / scale}
        b.add_rows(f"{rule.id}:{side}_share", A, rule=rule.id, source=rule.cited, labels=[side], **bounds)
        scales[f"{rule.id}:{side}_share"] = (scale, unit)
    return scales


def _objective(instance: Instance, zt: ZoneTable, pt: ProjectTable) -> tuple[FloatArray, str]:
    """Each project's objective term when chosen (natural units, × its sector priority) and
    the unit (``{money}`` left for the caller)."""
    obj = instance.portfolio.objective
    priority = sector_priority(instance.pools.funds, [(s,) if s else () for s in pt.sector.tolist()])
    has_projects = np.bincount(pt.zone, minlength=zt.size) > 0

    def term(name: str) -> FloatArray:
        if name == "tax":
            return pt.tax
        if name == "investment":
            return pt.investment
        where = "portfolio.objective.weight"
        s = indicator(instance, obj.weight, field=where, among=has_projects, table=zt)
        if (np.nan_to_num(s) < 0).any():
            raise InstanceError([Issue(where, f"indicator {obj.weight!r} has negative values")])
        return np.nan_to_num(s)[pt.zone] * pt.investment

    tax, invest = text("unit.of_tax", "en"), text("unit.of_investment", "en")
    units = {"tax": "{money}/yr" + tax, "investment": "{money}" + invest,
             "score": f"{indicator_unit(obj.weight, instance)} × {{money}}{invest}"}
    if obj.kind != "blend":
        value, unit = term(obj.kind), units[obj.kind]
    else:
        value = np.zeros(pt.size)
        for name, alpha in (obj.blend or {}).items():
            t = term(name)
            norm = obj.normalisers.get(name) or float(t.sum()) or 1.0
            value = value + alpha * t / norm
        unit = spoken("unit.blend")
    if (priority != 1).any():
        unit += text("unit.priority_weighted", "en")
    return value * priority, unit


# -- solving and reading the answer back ------------------------------------------------------

def solve_portfolio(instance: Instance, backend: str = DEFAULT_BACKEND, *, time_limit: float | None = None,
                    mip_gap: float | None = None, options: SolveOptions | None = None) -> ResourcePlan:
    """Choose the projects of ``instance``; return the checked plan (projects, zone totals of
    every resource, targets).

    Raises :class:`~zoneopt.errors.InfeasibleError` (exit code 3) naming the count or share
    target or rules that cannot hold, :class:`~zoneopt.errors.NoSolutionError` (4) when the
    solver stops without a solution, :class:`InstanceError` (2) for missing data."""
    pm = build_portfolio_model(instance)
    opts = SolveOptions.merged(options, time_limit=time_limit, mip_gap=mip_gap)
    solution = core_solve(pm.model, backend, options=opts)
    what = f"portfolio for {instance.name!r}"
    limit = opts.time_limit if opts.time_limit is not None else 60.0
    if solution.status is Status.INFEASIBLE:
        # The same diagnosis as `python -m zoneopt diagnose`: each relaxation in the unit of
        # the rows it moves (mu, t, money, zones), never one sum across them.
        try:
            d = diagnose_resource_model(_as_resource_model(pm), time_limit=limit)
        except ZoneoptError:
            d = None
        if d is not None and not d.feasible:
            raise InfeasibleError(f"{what} is infeasible: {d.message()}", diagnosis=d)
    raise_for_status(solution, pm.model, what, row_scale=pm.row_scale, rules=pm.rules, time_limit=limit)
    return plan_from_solution(pm, solution)


def chosen_projects(pm: PortfolioModel, solution: Solution) -> tuple[BoolArray, FloatArray]:
    """Which projects the solution chooses, and the fund each gets (money unit)."""
    assert solution.x is not None
    chosen = np.round(solution.x[pm.y.slice]) > 0.5
    if pm.fund is None:
        fund = np.where(chosen, pm.projects.fund, 0.0)
    else:
        fund = np.where(chosen, np.clip(solution.x[pm.fund.slice] * pm.units["funds"], 0.0, pm.projects.fund), 0.0)
    return chosen, fund


def plan_from_solution(pm: PortfolioModel, solution: Solution) -> ResourcePlan:
    """The checked solution as a plan: a row per project (chosen, fund), a row per zone (the
    chosen projects' land, allowances, funds, revenue and tax after), the targets."""
    assert solution.x is not None and solution.objective is not None
    inst, zt, pt, m = pm.instance, pm.zones, pm.projects, pm.model
    n = zt.size
    money = MONEY_LABEL[inst.units.money]
    chosen, fund = chosen_projects(pm, solution)
    w = chosen.astype(float)

    def per_zone(values: FloatArray) -> FloatArray:
        return np.bincount(pt.zone, weights=values * w, minlength=n).astype(float)

    projects = pd.DataFrame({"project": pt.ids, "name": pt.names, "zone": zt.ids[pt.zone], "sector": pt.sector,
                             "chosen": chosen, "fund": fund, "fund_request": pt.fund, "land_mu": pt.land,
                             **{f"{k}_t": v for k, v in pt.emissions.items()},
                             "investment": pt.investment, "tax": pt.tax, "revenue": pt.revenue,
                             "leading": pt.leading, "industrial": pt.industrial,
                             "objective_term": pm.contribution})
    table = zone_frame(zt)
    table["projects_chosen"] = np.bincount(pt.zone, weights=w, minlength=n).astype(int)
    table["land_mu"] = per_zone(pt.land)
    for k, v in pt.emissions.items():
        table[f"{k}_t"] = per_zone(v)
    table["funds"] = np.bincount(pt.zone, weights=fund, minlength=n)
    table["investment"] = per_zone(pt.investment)
    for metric, gain in (("revenue", pt.revenue), ("tax", pt.tax)):
        base = zt.frame[metric].to_numpy(dtype=float)
        table[f"{metric}_after"] = np.where(np.isnan(base), np.nan, np.nan_to_num(base) + per_zone(gain))
    targets = []
    for c in pm.counts:
        after = c.base + per_zone(pt.gain(c.rule.metric))
        reached = c.selected & (after >= c.rule.threshold * (1 - TARGET_TOLERANCE))
        table[f"reaches:{c.rule.id}"] = np.where(c.selected, reached, False)
        targets.append(TargetResult(rule=c.rule.id, source=c.rule.cited, kind="count", required=c.rule.at_least,
                                    achieved=int(reached.sum()), met=int(reached.sum()) >= c.rule.at_least,
                                    unit=_count_unit(c.rule.metric, c.rule.threshold, pm.instance)))
    for rule in pm.settings.rules:
        if isinstance(rule, ShareTarget):
            targets.append(_share_result(rule, pt, zt.ids, w, fund))

    zone_map = portfolio_zone_map(pm)
    bindings, table["binding_rules"], table["shadow_prices"] = binding_tables(
        m, solution.x, None, pm.row_scale, pm.row_unit, zone_map, portfolio_pool_wide(pm))
    pools = _pool_uses(pm, table)
    summary = ResourceSummary(
        instance=inst.name, resource="portfolio", method="mip", synthetic=inst.metadata.synthetic,
        status=solution.status.value, objective=solution.objective * pm.obj_scale,
        objective_kind=inst.portfolio.objective.kind, objective_unit=pm.objective_unit, backend=solution.backend,
        runtime_s=solution.runtime, mip_gap=solution.mip_gap, zones=n,
        zones_allocated=int((table["projects_chosen"] > 0).sum()), pools=pools, money_unit=money,
        projects=pt.size, projects_chosen=int(chosen.sum()), targets=targets, notes=list(pm.notes),
        check_max_violation=max_violation(solution))
    return ResourcePlan(summary, table, bindings, projects)


def _share_result(rule: ShareTarget, pt: ProjectTable, zone_ids: npt.NDArray[np.object_], w: FloatArray,
                  fund: FloatArray) -> TargetResult:
    q = fund if rule.quantity == "fund" else pt.quantity(rule.quantity) * w
    num = float(q[pt.select(rule.numerator, zone_ids)].sum()) + rule.base_numerator
    den = float(q[pt.select(rule.denominator, zone_ids)].sum()) + rule.base_denominator
    share = num / den if den > 0 else float("nan")
    lo = rule.min_share if rule.min_share is not None else 0.0
    hi = rule.max_share if rule.max_share is not None else np.inf
    met = den <= 0 or (lo - 1e-6 <= share <= hi + 1e-6)
    required = rule.min_share if rule.min_share is not None else rule.max_share
    assert required is not None
    return TargetResult(rule=rule.id, source=rule.cited, kind="share", required=required,
                        achieved=share, met=met,
                        unit=spoken("punit.share", quantity=Term(f"quantity.{rule.quantity}", rule.quantity)))


def _pool_uses(pm: PortfolioModel, table: pd.DataFrame) -> list[PoolUse]:
    pools = pm.instance.pools
    out = []
    if pools.land is not None:
        out.append(PoolUse(pool="land", rule=LAND_TOTAL, unit="mu", total=pools.land.total_mu,
                           allocated=float(table["land_mu"].sum())))
    if pools.emissions is not None:
        for k, pool in pools.emissions.pollutants.items():
            used = float(table[f"{k}_t"].sum()) if f"{k}_t" in table else 0.0
            out.append(PoolUse(pool=k, rule=emission_total_rule(k), unit="t/yr", total=pool.total_t, allocated=used))
    if pools.funds is not None:
        out.append(PoolUse(pool="funds", rule=FUNDS_TOTAL, unit=MONEY_LABEL[pm.instance.units.money],
                           total=pools.funds.budget, allocated=float(table["funds"].sum())))
    return out


def check_plan(instance: Instance, plan: ResourcePlan) -> list[str]:
    """Independent re-check of a portfolio plan in natural units, from the instance alone:
    every pool holds, every chosen project gets its whole land and allowances and its fund
    (all of it, or at least the minimum share with partial funding), every count and share
    target holds. Returns what is violated (empty when the plan is sound)."""
    assert plan.projects is not None
    pr = plan.projects.set_index("project")
    problems: list[str] = []
    pools = instance.pools
    tol = 1e-6
    chosen = pr["chosen"].to_numpy(dtype=bool)

    def over(used: float, total: float, what: str) -> None:
        if used > total * (1 + tol) + tol:
            problems.append(f"{what}: {used:g} > {total:g}")

    if pools.land is not None:
        over(float(pr.loc[chosen, "land_mu"].sum()), pools.land.total_mu, "land pool")
    if pools.emissions is not None:
        for k, pool in pools.emissions.pollutants.items():
            if f"{k}_t" in pr:
                over(float(pr.loc[chosen, f"{k}_t"].sum()), pool.total_t, f"{k} pool")
    if pools.funds is not None:
        over(float(pr["fund"].sum()), pools.funds.budget, "fund budget")
    share = instance.portfolio.min_fund_share if instance.portfolio.partial_funding else 1.0
    got = pr["fund"].to_numpy()
    asked = pr["fund_request"].to_numpy()
    short = chosen & (got < share * asked - tol * np.maximum(1, asked))
    extra = ~chosen & (got > tol)
    if short.any():
        problems.append(f"chosen projects short of funds: {', '.join(map(str, pr.index[short][:5]))}")
    if extra.any():
        problems.append(f"funds to projects not chosen: {', '.join(map(str, pr.index[extra][:5]))}")
    problems += [f"target {t.rule} not met ({t.achieved:g} vs {t.required:g})" for t in plan.summary.targets
                 if not t.met]
    return problems


__all__ = ["ProjectTable", "PortfolioModel", "CountRows", "build_portfolio_model", "solve_portfolio",
           "plan_from_solution", "chosen_projects", "check_plan", "TARGET_TOLERANCE", "MIN_FUND_RULE",
           "portfolio_pool_wide", "portfolio_zone_map"]


def portfolio_resource_model(instance: Instance) -> ResourceModel:
    """The portfolio model of ``instance`` with its units (rows in mixed units: mu, t, money,
    zones). Raises :class:`~zoneopt.errors.InfeasibleError` for a count target no choice of
    projects can meet (found while building)."""
    return _as_resource_model(build_portfolio_model(instance))


def _as_resource_model(pm: PortfolioModel) -> ResourceModel:
    # A count target's per-zone reach row relaxed by 1 counts a zone that does not reach the
    # threshold, as lowering the count by 1 zone does: the diagnosis should say the latter (a
    # margin the MIP's tolerances cannot blur), unless a zone falls short by under 2/3 of its gap.
    weight = np.ones(pm.model.num_rows)
    for b in pm.model.row_blocks:  # a loop over row blocks
        if b.rule and b.name == f"{b.rule}:reach":
            weight[b.slice] = 1.5
    return ResourceModel("portfolio", pm, pm.model, pm.row_scale, "", pm.row_unit, pm.rules, "mip",
                         **model_note("mnote.portfolio", n=pm.projects.size, k=len(pm.counts)), row_weight=weight,
                         qualify_labels=True)
