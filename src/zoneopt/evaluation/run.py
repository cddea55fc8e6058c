"""Run an instance's evaluations: criteria → missing-data policy → normalisation → weights →
weighted sum, TOPSIS or DEA → rank and A/B/C/D grade, for zones or for enterprises summed up to
zones (2017 §六(一): 建立以亩均税收、研发创新和节能环保等为主要指标的评价体系). The formulas and
their sources are in ``models/evaluation.md``.

Every step is vectorised over units; loops run over criteria, groups and evaluations only.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from zoneopt.data.zones import METRICS, ZoneTable, metric_columns, unit_text
from zoneopt.errors import InconsistentJudgementError, InstanceError, InvalidInputError, Issue
from zoneopt.evaluation.aggregate import topsis, weighted_sum
from zoneopt.evaluation.grading import UNGRADED, grade_by_quantile, grade_by_threshold
from zoneopt.evaluation.normalise import NormaliseMethod, normalise
from zoneopt.evaluation.weights import (
    CR_THRESHOLD,
    AHPResult,
    ahp,
    combine_weights,
    critic_weights,
    entropy_weights,
    fixed_weights,
    stdev_weights,
)
from zoneopt.instance import MONEY_LABEL, Criterion, Evaluation, Instance
from zoneopt.instance.indicators import EMISSIONS_PREFIX, INDICATORS, ratio, weighted_emissions
from zoneopt.instance.issues import with_evaluation_ids
from zoneopt.plans import records, write_by_suffix, write_csv, write_sheets
from zoneopt.plans.glossary import spoken

FloatArray = npt.NDArray[np.float64]

# 万元 per instance money unit: published benchmarks (e.g. Huangyan) are in 万元.
WAN_YUAN_PER_UNIT = {"yuan": 1e-4, "wan_yuan": 1.0, "yi_yuan": 1e4}

PRESETS: dict[str, dict[str, Any]] = {
    # 黄岩区 2022 年度工业企业综合评价 (规上企业): score = Σ value / benchmark × points. Source:
    # 黄岩区深化"亩均论英雄"改革工作领导小组办公室, 2023-09-25 公示, 附件2《工业企业综合评价得分
    # 计算说明》. Benchmarks in 万元/亩, 万元/亩, 万元/吨标煤, 万元/吨, 万元/人 and a share;
    # firms without emission data get the mean score of that item (our policy "mean").
    "huangyan-2022": {
        "source": "黄岩区 2022 年度工业企业综合评价得分计算说明 (规上企业)",
        "normalise": "benchmark",
        "missing": "mean",
        "criteria": [
            {"name": "亩均税收", "of": "tax", "per": "land_area_mu", "benchmark": 24.097, "weight": 30},
            {"name": "亩均增加值", "of": "value_added", "per": "land_area_mu", "benchmark": 136.16, "weight": 20},
            {"name": "单位能耗增加值", "of": "value_added", "per": "energy_tce", "benchmark": 2.694, "weight": 20},
            {"name": "单位排放增加值", "of": "value_added", "per": "emissions", "benchmark": 4929.81, "weight": 10},
            {"name": "全员劳动生产率", "of": "value_added", "per": "employees", "benchmark": 18.14, "weight": 10},
            {"name": "R&D经费占主营业务收入比重", "of": "rd_spending", "per": "revenue", "benchmark": 0.0302,
             "weight": 10},
        ],
    },
}

_MONEY_METRICS = {"tax", "value_added", "revenue", "rd_spending"}
_GROUPS = ("city", "county", "level", "kind")


@dataclass(frozen=True, eq=False)
class EvaluationResult:
    """One evaluation's outcome.

    ``table``: one row per evaluated unit (zone or enterprise): id, name, zone, city, each
    criterion's raw value (in the units of ``criteria``), score, rank (1 = best; equal scores
    share a rank) and grade. ``zones``: the zone-level result (the same rows when the units are
    zones; enterprise scores summed up to zones otherwise). ``weights``: criterion, weight and
    how each criterion was read. ``missing``: each unit and criterion that lacked data and what
    the policy did. ``ahp`` and ``dea`` carry the method's details when used.
    """

    evaluation: Evaluation
    table: pd.DataFrame
    zones: pd.DataFrame
    weights: pd.DataFrame
    missing: pd.DataFrame
    score_unit: str
    ahp: AHPResult | None = None
    dea: Any = None
    notes: tuple[str, ...] = field(default=())

    @property
    def zone_scores(self) -> FloatArray:
        """Zone scores in the instance's zone order (NaN: unscored)."""
        return self.zones["score"].to_numpy(dtype=float)

    @property
    def zone_grades(self) -> npt.NDArray[np.object_]:
        """Zone grades in the instance's zone order (NaN: ungraded)."""
        return self.zones["grade"].to_numpy(dtype=object)

    def write(self, path: str | Path) -> Path:
        """Write the result atomically: ``.csv`` (the unit table), ``.xlsx`` (a sheet per
        table) or ``.json`` (every table as records)."""
        sheets = {"units": self.table, **({"zones": self.zones} if self.evaluation.units == "enterprises" else {}),
                  "weights": self.weights, "missing": self.missing}
        return write_by_suffix(path, self._json, lambda p: write_csv(p, self.table, bom=False),
                               lambda p: write_sheets(p, sheets))

    def _json(self) -> str:
        ahp = None if self.ahp is None else {"lambda_max": self.ahp.lambda_max, "ci": self.ahp.ci, "cr": self.ahp.cr,
                                             "ri": self.ahp.ri, "consistent": self.ahp.consistent}
        record = {"evaluation": self.evaluation.model_dump(mode="json", exclude_none=True),
                  "score_unit": self.score_unit, "notes": list(self.notes), "ahp": ahp,
                  "units": records(self.table), "zones": records(self.zones),
                  "weights": records(self.weights), "missing": records(self.missing)}
        return json.dumps(record, ensure_ascii=False, indent=2)


# -- public entry points ---------------------------------------------------------------------

def evaluate(instance: Instance, evaluation: Evaluation | str | None = None, *,
             backend: str = "highs") -> EvaluationResult:
    """Run one evaluation of ``instance``: an :class:`Evaluation`, the id of one the instance
    carries, or (``None``) its only one. Raises :class:`InstanceError` naming
    ``evaluations[k]...`` for unknown metrics, data a criterion lacks under the ``exclude``
    policy is reported in ``missing``, not raised."""
    ev, where = _resolve(instance, evaluation)
    ids = [e.id for e in instance.evaluations]
    try:
        return _run(instance, ev, where, backend)
    except InconsistentJudgementError:
        raise  # its message names the evaluation and the field already
    except InstanceError as exc:
        # Issues at the instance's paths keep them; those about the computation's own tables
        # (DEA data: a source of their own) go under the evaluation.
        issues = exc.issues if exc.source is None else [Issue(where, f"{exc.source}: {i}") for i in exc.issues]
        raise InstanceError(with_evaluation_ids(issues, ids)) from None
    except InvalidInputError as exc:
        if type(exc) is not InvalidInputError:  # a backend's or a model's error: not the input's
            raise
        raise InstanceError(with_evaluation_ids([Issue(where, str(exc))], ids)) from None


def evaluate_all(instance: Instance, *, backend: str = "highs") -> dict[str, EvaluationResult]:
    """Every evaluation the instance carries, by id."""
    return {ev.id: evaluated(instance, ev.id, backend=backend) for ev in instance.evaluations}


def evaluated(instance: Instance, evaluation_id: str, *, backend: str = "highs") -> EvaluationResult:
    """The instance's evaluation ``evaluation_id``, run once per instance and then reused (the
    allocation models read scores and grades through this)."""
    return instance.derived(f"evaluation:{evaluation_id}",
                            lambda: evaluate(instance, evaluation_id, backend=backend))


def evaluated_table(instance: Instance) -> ZoneTable:
    """The instance's zones as columns (:class:`~zoneopt.data.zones.ZoneTable`) with score and
    grade replaced by the evaluations that ``assign`` them: what the allocation models read.
    Made once per instance and then reused."""
    return instance.derived("zone_table.evaluated", lambda: _with_assigned_evaluations(instance,
                                                                                       ZoneTable.of(instance)))


def _with_assigned_evaluations(instance: Instance, raw: ZoneTable) -> ZoneTable:
    """``raw`` with score and grade replaced by the evaluations that ``assign`` them."""
    assigning = [ev for ev in instance.evaluations if ev.assign]
    if not assigning:
        return raw
    frame = raw.frame.copy()
    for ev in assigning:
        result = evaluated(instance, ev.id)
        if "score" in ev.assign:
            frame["score"] = result.zone_scores
        if "grade" in ev.assign:
            frame["grade"] = result.zone_grades
    return ZoneTable(frame, raw.tags)


def score_unit(instance: Instance, evaluation_id: str) -> str:
    """The unit of an evaluation's score, without running it."""
    ev, _ = _resolve(instance, evaluation_id)
    return _score_unit(ev)


def zone_metrics_from_enterprises(instance: Instance) -> pd.DataFrame:
    """Zone totals of the enterprises' land and metrics (one row per zone, zone order; NaN
    where no enterprise of the zone reports a metric), e.g. to fill zone metrics from firm
    data."""
    if not instance.enterprises:
        raise InstanceError([Issue("enterprises", "the instance has no enterprises")])
    zt = ZoneTable.of(instance)
    owner = pd.Index(zt.ids).get_indexer(unit_text(instance.enterprises, "zone"))
    columns = metric_columns(instance.enterprises)
    out = {"zone": zt.ids, "enterprises": np.bincount(owner, minlength=zt.size)}
    for name, values in columns.items():
        known = ~np.isnan(values)
        total = np.bincount(owner[known], weights=values[known], minlength=zt.size)
        any_known = np.bincount(owner[known], minlength=zt.size) > 0
        out[name] = np.where(any_known, total, np.nan)
    return pd.DataFrame(out)


# -- the pipeline ----------------------------------------------------------------------------

def _resolve(instance: Instance, evaluation: Evaluation | str | None) -> tuple[Evaluation, str]:
    if isinstance(evaluation, Evaluation):
        for k, ev in enumerate(instance.evaluations):
            if ev is evaluation:
                return ev, f"evaluations[{k}]"
        return evaluation, f"evaluation {evaluation.id!r}"
    if not instance.evaluations:
        raise InstanceError([Issue("evaluations", "the instance carries no evaluation (see models/evaluation.md)")])
    if evaluation is None:
        if len(instance.evaluations) > 1:
            ids = ", ".join(ev.id for ev in instance.evaluations)
            raise InvalidInputError(f"the instance carries {len(instance.evaluations)} evaluations ({ids}); name one")
        return instance.evaluations[0], "evaluations[0]"
    for k, ev in enumerate(instance.evaluations):
        if ev.id == evaluation:
            return ev, f"evaluations[{k}]"
    ids = ", ".join(ev.id for ev in instance.evaluations)
    raise InvalidInputError(f"no evaluation {evaluation!r}; the instance has: {ids}")


def _criteria(ev: Evaluation, where: str = "evaluations") -> tuple[list[Criterion], NormaliseMethod, str]:
    """Criteria, normalisation and missing-data policy, with a preset expanded: its points
    replaced by ``preset_weights`` and the criteria given 0 there dropped."""
    if ev.preset is None:
        return list(ev.criteria), ev.normalise, ev.missing
    preset = PRESETS[ev.preset]
    crit = [Criterion.model_validate(c) for c in preset["criteria"]]
    names = [c.name for c in crit]
    given = ev.preset_weights or {}
    for name in given:
        if name not in names:
            raise InstanceError([Issue(f"{where}.preset_weights.{name}",
                                       f"not a criterion of preset {ev.preset}; its criteria: {', '.join(names)}")])
    crit = [c if c.name not in given else c.model_copy(update={"weight": given[c.name]})
            for c in crit if given.get(c.name, 1.0) > 0]
    if not crit:
        raise InstanceError([Issue(f"{where}.preset_weights", f"drops every criterion of preset {ev.preset}")])
    return (crit, preset["normalise"], ev.missing if "missing" in ev.model_fields_set else preset["missing"])


def _score_unit(ev: Evaluation) -> str:
    if ev.method == "topsis":
        return "closeness (0-1)"
    if ev.method == "dea":
        assert ev.dea is not None
        return "super-efficiency (efficient units > 1)" if ev.dea.super_efficiency else "efficiency (0-1]"
    return "points (0-100)" if _criteria(ev)[1] != "benchmark" else "points (100 = every criterion at benchmark)"


def _units_frame(instance: Instance, ev: Evaluation) -> pd.DataFrame:
    """One row per evaluated unit with id, name, zone, the group fields and every metric."""
    zt = ZoneTable.of(instance)
    zones = zt.frame
    if ev.units == "zones":
        frame = zones.rename(columns={"zone": "unit"}).copy()
        frame.insert(2, "zone", zones["zone"].to_numpy())
        return frame
    firms = instance.enterprises
    owner = pd.Index(zt.ids).get_indexer(unit_text(firms, "zone"))
    frame = pd.DataFrame({"unit": unit_text(firms, "id"), "name": unit_text(firms, "name"),
                          "zone": zt.ids[owner], "sector": unit_text(firms, "sector")})
    for g in _GROUPS:
        frame[g] = zones[g].to_numpy()[owner]
    for name, values in metric_columns(firms).items():
        frame[name] = values
    return frame


def _metric(frame: pd.DataFrame, name: str, ev: Evaluation, where: str) -> FloatArray:
    """A metric (or a built-in indicator) by name, per unit."""
    if name == "emissions":
        return weighted_emissions(frame, ev.pollutant_weights or None)
    if name in frame.columns and (name in METRICS or name == "land_area_mu" or name.startswith(EMISSIONS_PREFIX)):
        return frame[name].to_numpy(dtype=float)
    if name in INDICATORS and name not in ("score", "grade", "score_x_area"):
        return INDICATORS[name][0](frame)
    if name.startswith(EMISSIONS_PREFIX):  # a pollutant no unit reports
        return np.full(len(frame), np.nan)
    known = ["land_area_mu", *METRICS, "emissions", "emissions.<pollutant>",
             *(k for k in INDICATORS if k not in ("score", "grade", "score_x_area"))]
    raise InstanceError([Issue(where, f"unknown metric or indicator {name!r}; choose one of "
                                      f"{', '.join(dict.fromkeys(known))}")])


def _criterion_values(frame: pd.DataFrame, c: Criterion, ev: Evaluation, where: str, money: float) -> FloatArray:
    values = _metric(frame, c.of, ev, f"{where}.of")
    if c.per is not None:
        values = ratio(values, _metric(frame, c.per, ev, f"{where}.per"))
    # Money in 万元 for presets (their benchmarks are published in 万元).
    if ev.preset is not None and c.of in _MONEY_METRICS and c.per not in _MONEY_METRICS:
        values = values * money
    return values


def _impute(X: FloatArray, policy: str, benefit: npt.NDArray[np.bool_], groups: npt.NDArray[Any] | None,
            names: Sequence[str], ids: npt.NDArray[Any]) -> tuple[FloatArray, npt.NDArray[np.bool_], pd.DataFrame]:
    """Apply the missing-data policy. Returns the filled matrix, the mask of scored units and
    the report (unit, criterion, action)."""
    missing = np.isnan(X)
    rows, cols = np.nonzero(missing)
    keep = np.asarray(~missing.any(axis=1), dtype=bool)
    X = X.copy()
    action = np.full(rows.size, "", dtype=object)
    if policy == "exclude":
        action[:] = "unit left unscored"
    elif rows.size:
        for j in np.unique(cols):  # a loop over criteria
            col = X[:, j]
            known = ~np.isnan(col)
            if not known.any():
                raise InvalidInputError(f"criterion {names[j]!r}: no unit has data for it")
            hit = cols == j
            if policy == "worst":
                fill = np.full(X.shape[0], col[known].min() if benefit[j] else col[known].max())
                label = "worst value"
            else:
                stat = np.nanmedian if policy == "median" else np.nanmean
                overall = float(stat(col))
                fill = np.full(X.shape[0], overall)
                if groups is not None:
                    g = pd.Series(col).groupby(groups).transform(
                        "median" if policy == "median" else "mean").to_numpy(dtype=float)
                    fill = np.where(np.isnan(g), overall, g)  # a group with no data: all units
                label = f"{policy} of units with data" + (" in its group" if groups is not None else "")
            X[rows[hit], j] = fill[rows[hit]]
            action[hit] = f"imputed: {label}"
        keep[:] = True
    report = pd.DataFrame({"unit": ids[rows], "criterion": [names[int(j)] for j in cols], "action": action})
    return X, keep, report


def _weights(ev: Evaluation, crit: Sequence[Criterion], Z_input: FloatArray, benefit: npt.NDArray[np.bool_],
             names: list[str], where: str) -> tuple[FloatArray, AHPResult | None]:
    w_spec = ev.weighting
    fixed: FloatArray | None = None
    uses_fixed = w_spec.method == "fixed" or (w_spec.method == "combined" and w_spec.subjective == "fixed")
    if ev.preset is not None or uses_fixed:
        given = [c.weight for c in crit]
        if any(v is None for v in given):
            k = next(i for i, v in enumerate(given) if v is None)
            raise InstanceError([Issue(f"{where}.criteria[{k}].weight",
                                       "fixed weights need a weight on every criterion")])
        fixed = fixed_weights(np.array(given, dtype=float), names=names)
    if ev.preset is not None:
        assert fixed is not None
        return fixed, None
    objective_methods = {"entropy": entropy_weights, "critic": critic_weights, "stdev": stdev_weights}

    def matrix() -> AHPResult:
        assert w_spec.pairwise is not None
        if len(w_spec.pairwise) != len(crit):
            raise InstanceError([Issue(f"{where}.weighting.pairwise",
                                       f"a {len(w_spec.pairwise)}×… matrix for {len(crit)} criteria")])
        result = ahp(np.array(w_spec.pairwise, dtype=float), names=names, allow_inconsistent=True,
                     random_index=w_spec.random_index or "saaty1980")
        if not (result.consistent or w_spec.allow_inconsistent):  # the advice in the input's own terms
            at = f"{where} ({ev.id})" if where.startswith("evaluations[") else where
            raise InconsistentJudgementError(
                f"{at}.weighting.pairwise: AHP judgements are inconsistent: CR = {result.cr:.4f} > {CR_THRESHOLD:g} "
                f"(λmax = {result.lambda_max:.4f}, n = {len(crit)}, CI = {result.ci:.4f}, RI = {result.ri:g}); "
                "revise weighting.pairwise, or set weighting.allow_inconsistent to true to use them as they are",
                result.cr)
        return result

    if w_spec.method == "fixed":
        assert fixed is not None
        return fixed, None
    if w_spec.method in objective_methods:
        return objective_methods[w_spec.method](Z_input, benefit=benefit, names=names), None
    if w_spec.method == "ahp":
        result = matrix()
        return np.asarray(result.weights, dtype=float), result
    # combined: α · subjective + (1 − α) · objective
    combined_ahp = matrix() if w_spec.subjective == "ahp" else None
    subjective = np.asarray(combined_ahp.weights, dtype=float) if combined_ahp is not None else fixed
    assert subjective is not None
    objective = objective_methods[w_spec.objective](Z_input, benefit=benefit, names=names)
    return combine_weights(subjective, objective, w_spec.alpha), combined_ahp


def _grades(scores: FloatArray, ids: npt.NDArray[Any], ev: Evaluation,
            groups: npt.NDArray[Any] | None) -> npt.NDArray[np.object_]:
    """Grades; an unscored unit gets none (None here, NaN once in a frame, like a zone without a
    grade in the instance)."""
    g = ev.grading
    if np.isposinf(scores).any():
        # Super-efficiency LPs with no solution (possible under BCC) mean "beyond every other
        # unit": rank them on top for grading, while the table keeps inf.
        finite = scores[np.isfinite(scores)]
        scores = np.where(np.isposinf(scores), (finite.max() if finite.size else 0.0) + 1.0, scores)
    if g.method == "threshold":
        assert g.thresholds is not None
        grades = grade_by_threshold(scores, thresholds={str(k): v for k, v in g.thresholds.items()})
    else:
        grades = grade_by_quantile(scores, ids, shares={str(k): g.shares[k] for k in sorted(g.shares)}, groups=groups)
    out = np.asarray(grades, dtype=object)
    out[out == UNGRADED] = None
    return out


def _ranks(scores: FloatArray) -> FloatArray:
    return pd.Series(scores).rank(ascending=False, method="min").to_numpy(dtype=float)


def _run(instance: Instance, ev: Evaluation, where: str, backend: str) -> EvaluationResult:
    frame = _units_frame(instance, ev)
    ids = frame["unit"].to_numpy(dtype=object)
    impute_groups = None if ev.impute_within is None else frame[ev.impute_within].to_numpy(dtype=object)
    money = WAN_YUAN_PER_UNIT[instance.units.money]
    notes: list[str] = []
    ahp_result: AHPResult | None = None
    dea_result: Any = None
    criteria_cols: dict[str, Any] = {}

    if ev.method == "dea":
        scores, keep, missing, weights, dea_result, criteria_cols = _run_dea(frame, ev, where, ids, backend,
                                                                             impute_groups)
    else:
        crit, method, policy = _criteria(ev, where)
        names = [c.name for c in crit]
        X = np.column_stack([_criterion_values(frame, c, ev, f"{where}.criteria[{k}]", money)
                             for k, c in enumerate(crit)])
        criteria_cols = {n: X[:, k] for k, n in enumerate(names)}
        benefit = np.array([c.direction == "benefit" for c in crit])
        empty = [n for n, col in zip(names, X.T, strict=True) if np.isnan(col).all()]
        if ev.preset is not None and policy != "exclude" and empty:
            raise InvalidInputError(f"criterion {empty[0]!r} of preset {ev.preset}: no unit has data for it; give "
                                    f"the data, or drop the criterion with \"preset_weights\": "
                                    f"{{\"{empty[0]}\": 0}} ({where})")
        X, keep, missing = _impute(X, policy, benefit, impute_groups, names, ids)
        scores = np.full(len(frame), np.nan)
        if keep.sum() >= 1:
            Xk = X[keep]
            benchmark = np.array([c.benchmark if c.benchmark is not None else np.nan for c in crit])
            if method == "benchmark" and np.isnan(benchmark).any():
                k = int(np.flatnonzero(np.isnan(benchmark))[0])
                raise InstanceError([Issue(f"{where}.criteria[{k}].benchmark",
                                           "benchmark normalisation needs a benchmark on every criterion")])
            cap = np.array([c.cap if c.cap is not None else np.inf for c in crit])
            w, ahp_result = _weights(ev, crit, Xk, benefit, names, where)
            # the instance's normalisation, for TOPSIS as for the weighted sum
            ref = None if method != "benchmark" else benchmark
            caps = None if np.isinf(cap).all() else cap
            if ev.method == "topsis":
                scores[keep] = topsis(Xk, w, benefit, method, benchmark=ref, cap=caps, names=names).closeness
            else:
                Z = normalise(Xk, method, benefit, benchmark=ref, cap=caps, names=names)
                scores[keep] = 100.0 * weighted_sum(Z, w)
        else:
            w = np.full(len(crit), np.nan)
        weights = pd.DataFrame({
            "criterion": names, "of": [c.of for c in crit], "per": [c.per for c in crit],
            "direction": [c.direction for c in crit], "benchmark": [c.benchmark for c in crit],
            "weight": w, "method": "fixed (preset)" if ev.preset else ev.weighting.method,
        })
        if ev.preset is not None:
            notes.append(spoken("eval.note.preset", preset=ev.preset, source=PRESETS[ev.preset]["source"],
                                money=MONEY_LABEL[instance.units.money]))
            if ev.preset_weights:
                changed = ", ".join(f"{k} dropped" if v == 0 else f"{k} {v:g} points"
                                    for k, v in ev.preset_weights.items())
                notes.append(f"preset {ev.preset} adjusted: {changed} (weights renormalised to sum to 1)")

    table = frame[["unit", "name", "zone", "city"]].copy()
    for name, values in criteria_cols.items():
        table[name] = values
    table["score"] = scores
    table["rank"] = _ranks(scores)
    groups = None if ev.grading.within is None else frame[ev.grading.within].to_numpy(dtype=object)
    table["grade"] = _grades(scores, ids, ev, groups)
    if not keep.all():
        notes.append(f"{int((~keep).sum())} unit(s) unscored for missing data (policy {ev.missing})")

    zones = table.drop(columns="unit") if ev.units == "zones" else _zones_from_enterprises(instance, frame, table, ev)
    return EvaluationResult(evaluation=ev, table=table, zones=zones.reset_index(drop=True), weights=weights,
                            missing=missing, score_unit=_score_unit(ev), ahp=ahp_result, dea=dea_result,
                            notes=tuple(notes))


def _run_dea(frame: pd.DataFrame, ev: Evaluation, where: str, ids: npt.NDArray[Any], backend: str,
             impute_groups: npt.NDArray[Any] | None) -> tuple[FloatArray, npt.NDArray[np.bool_], pd.DataFrame,
                                                               pd.DataFrame, Any, dict[str, Any]]:
    from zoneopt.evaluation.dea_radial import dea
    from zoneopt.evaluation.dea_sbm import sbm

    spec = ev.dea
    assert spec is not None
    names = [*spec.inputs, *spec.outputs, *spec.bad_outputs]
    roles = ["input"] * len(spec.inputs) + ["output"] * len(spec.outputs) + ["bad output"] * len(spec.bad_outputs)
    lists = (("inputs", spec.inputs), ("outputs", spec.outputs), ("bad_outputs", spec.bad_outputs))
    fields = [f"{where}.dea.{role}[{k}]" for role, given in lists for k in range(len(given))]
    columns = [_metric(frame, n, ev, at) for n, at in zip(names, fields, strict=True)]
    M = np.column_stack(columns)
    benefit = np.array([r == "output" for r in roles])
    M, keep, missing = _impute(M, ev.missing, benefit, impute_groups, names, ids)
    ni, no = len(spec.inputs), len(spec.outputs)
    X, Y, B = M[keep, :ni], M[keep, ni:ni + no], M[keep, ni + no:]
    kept_ids = [str(i) for i in ids[keep]]
    scores = np.full(len(frame), np.nan)
    result: Any = None
    if keep.any():
        if spec.model == "sbm":
            result = sbm(X, Y, B if B.shape[1] else None, rts="crs" if spec.returns == "constant" else "vrs",
                         ids=kept_ids, backend=backend, names_in=spec.inputs, names_out=spec.outputs,
                         names_bad=spec.bad_outputs or None)
        else:
            result = dea(X, Y, model=spec.model, orientation=spec.orientation,
                         super_efficiency=spec.super_efficiency, ids=kept_ids, backend=backend,
                         names_in=spec.inputs, names_out=spec.outputs)
        base = np.asarray(result.scores, dtype=float)
        if spec.super_efficiency and getattr(result, "super_scores", None) is not None:
            sup = np.asarray(result.super_scores, dtype=float)
            # An infeasible super-efficiency LP (possible under BCC) means no other units can
            # envelop this one: it ranks first (score inf).
            base = np.where(np.asarray(result.super_infeasible, dtype=bool), np.inf, sup)
        scores[keep] = base
    weights = pd.DataFrame({"criterion": names, "role": roles, "weight": np.nan,
                            "method": f"DEA {spec.model.upper()} {spec.orientation}-oriented"
                                      if spec.model != "sbm" else f"SBM ({spec.returns} returns to scale)"})
    details = {n: c for n, c in zip(names, columns, strict=True)}
    if result is not None:
        # Efficiency, Pareto efficiency, slacks and peers (reference set) per unit.
        frame_out = result.to_frame().drop(columns=["score", "super_score", "super_infeasible"], errors="ignore")
        details["efficiency"] = _spread(np.asarray(result.scores, dtype=float), keep)
        for col in frame_out.columns:
            values = frame_out[col].to_numpy()
            if col == "reference_set":
                full = np.full(len(frame), None, dtype=object)
                full[keep] = values
                details["peers"] = full
            elif values.dtype == bool:
                full = np.full(len(frame), None, dtype=object)
                full[keep] = values
                details[col] = full
            else:
                details[col] = _spread(values.astype(float), keep)
    return scores, keep, missing, weights, result, details


def _spread(values: FloatArray, keep: npt.NDArray[np.bool_]) -> FloatArray:
    """Values of the kept units back in all units' order, NaN for the others."""
    out = np.full(keep.size, np.nan)
    out[keep] = values
    return out


def _zones_from_enterprises(instance: Instance, frame: pd.DataFrame, table: pd.DataFrame,
                            ev: Evaluation) -> pd.DataFrame:
    """Zone score = Σ w_e s_e / Σ w_e over the zone's scored enterprises, w = land or revenue;
    then ranks and grades over zones."""
    zt = ZoneTable.of(instance)
    owner = pd.Index(zt.ids).get_indexer(frame["zone"].to_numpy())
    weight = frame["land_area_mu" if ev.zone_score == "land" else "revenue"].to_numpy(dtype=float)
    s = table["score"].to_numpy(dtype=float)
    ok = np.isfinite(s) & np.isfinite(weight) & (weight > 0)
    num = np.bincount(owner[ok], weights=weight[ok] * s[ok], minlength=zt.size).astype(float)
    den = np.bincount(owner[ok], weights=weight[ok], minlength=zt.size).astype(float)
    scores = ratio(num, den)
    zones = pd.DataFrame({"zone": zt.ids, "name": zt.frame["name"].to_numpy(), "city": zt.frame["city"].to_numpy(),
                          "enterprises": np.bincount(owner, minlength=zt.size),
                          "scored_enterprises": np.bincount(owner[ok], minlength=zt.size),
                          "score": scores, "rank": _ranks(scores)})
    groups = None if ev.grading.within is None else zt.frame[ev.grading.within].to_numpy(dtype=object)
    zones["grade"] = _grades(scores, zt.ids.astype(object), ev, groups)
    return zones
