"""Explaining one zone: :func:`explain_zone` finds the zone (:func:`find_zone`), runs the
section function of each resource the instance configures (:func:`section_of`: its row of
:data:`SECTIONS`, or the generic section of :mod:`~zoneopt.analysis.explain.generic`), and
adds the zone's score, grade and evaluations."""

from __future__ import annotations

import difflib
import math
from functools import partial

import numpy as np
import pandas as pd

from zoneopt.analysis.explain.context import ExplainContext, SectionFn
from zoneopt.analysis.explain.emissions import emission_sections
from zoneopt.analysis.explain.explanation import ZoneExplanation
from zoneopt.analysis.explain.funds import fund_sections
from zoneopt.analysis.explain.generic import generic_sections
from zoneopt.analysis.explain.land import land_sections
from zoneopt.analysis.explain.land_solve import LandSolve
from zoneopt.analysis.explain.portfolio import PROJECT_RESOLVES, portfolio_sections
from zoneopt.analysis.explain.results import EvaluationLine
from zoneopt.core.solution import SolveOptions
from zoneopt.core.solve import DEFAULT_BACKEND
from zoneopt.data.zones import ZoneTable
from zoneopt.errors import InvalidInputError, ZoneoptError
from zoneopt.evaluation.run import evaluated_table
from zoneopt.instance import Instance

SECTIONS: dict[str, SectionFn] = {
    "land": land_sections,
    "emissions": emission_sections,
    "funds": fund_sections,
    "portfolio": portfolio_sections,
}
"""The resources with a section function of their own, by the name
:func:`zoneopt.resources.configured` gives them. A new resource needs no row: it gets the
generic section (:func:`section_of`) until it adds a section module and a row here."""


def section_of(resource: str) -> SectionFn:
    """The section function of ``resource``: its row of :data:`SECTIONS`, else the generic
    section (:func:`~zoneopt.analysis.explain.generic.generic_sections`)."""
    tailored = SECTIONS.get(resource)
    return tailored if tailored is not None else partial(generic_sections, resource=resource)


def find_zone(instance: Instance, zone: str) -> int:
    """The position of ``zone`` (an id, or a zone's exact name if no id matches and one zone
    has that name) among the instance's zones. Raises :class:`InvalidInputError` naming the
    closest ids and names for an unknown zone."""
    frame = ZoneTable.of(instance).frame
    ids = frame["zone"].to_numpy(dtype=object)
    hit = np.flatnonzero(ids == zone)
    if hit.size:
        return int(hit[0])
    names = frame["name"].to_numpy(dtype=object)
    hit = np.flatnonzero(names == zone)
    if hit.size == 1:
        return int(hit[0])
    # an error path: the closest ids and names (difflib, case-insensitive) and substrings
    low = zone.lower()
    by_text: dict[str, str] = {}
    for i, n in zip(ids.tolist(), names.tolist(), strict=True):  # once, on the error path
        by_text.setdefault(str(i).lower(), i)
        if n:
            by_text.setdefault(str(n).lower(), i)
    close = [by_text[m] for m in difflib.get_close_matches(low, list(by_text), n=5, cutoff=0.5)]
    close += [i for text, i in by_text.items() if low in text][:5]
    close = list(dict.fromkeys(close))[:6]
    name_of = dict(zip(ids.tolist(), names.tolist(), strict=True))
    shown = ", ".join(f"{i!r} ({name_of[i]})" if name_of[i] else repr(i) for i in close)
    hint = f"; did you mean {shown}?" if close else (
        f"; zone ids: {', '.join(map(repr, ids[:10].tolist()))}{' ...' if ids.size > 10 else ''}")
    raise InvalidInputError(f"no zone {zone!r} in instance {instance.name!r} ({ids.size} zones){hint}")


def explain_zone(instance: Instance, zone: str, backend: str = DEFAULT_BACKEND, *, step: float | None = None,
                 options: SolveOptions | None = None, solved: LandSolve | None = None,
                 project_resolves: int = PROJECT_RESOLVES) -> ZoneExplanation:
    """Explain the plan for one zone of ``instance`` (see :mod:`zoneopt.analysis.explain`), one
    :class:`~zoneopt.analysis.explain.results.ResourceExplanation` per configured resource
    (:func:`zoneopt.resources.configured`): ``land``; ``emissions:<pollutant>`` for each
    pollutant; ``funds``; or, with projects, the portfolio's zone totals (``land``,
    ``emissions:<pollutant>``, ``funds``) and a ``portfolio`` section with the zone's projects,
    chosen and rejected, and why (:class:`~zoneopt.analysis.explain.results.ProjectDecision`);
    a resource without a section of its own gets the generic one, named after it
    (:mod:`~zoneopt.analysis.explain.generic`).

    ``zone`` is a zone id (or a zone's exact name). Each plan is solved on ``backend`` (the
    land plan may be given as ``solved``, a
    :func:`~zoneopt.analysis.explain.land_solve.solve_land_detail` of this instance); ``step``
    is the bound move of the land re-solves in mu (default
    :func:`~zoneopt.analysis.explain.land.default_step`: about 1 % of the pool); the other
    resources step by about 1 % of their pool (a whole tranche for a tranche model). Shadow
    prices are in each plan's objective unit per unit of the resource (mu, t, money); for an
    equity land objective they are those of the first stage. A MIP (parcels, tranches, the
    portfolio) has no prices; ``project_resolves`` bounds the portfolio's re-solves with one
    project forced in or out (0: none).

    Raises :class:`InvalidInputError` for an unknown zone (naming close matches), a
    non-positive ``step`` or an instance without a resource; :class:`~zoneopt.errors.InfeasibleError`
    (exit code 3, carrying the diagnosis) when a plan's rules cannot all hold; and what the
    solvers raise otherwise (InstanceError, NoSolutionError).
    """
    from zoneopt.resources import configured

    j = find_zone(instance, zone)
    if step is not None and not (math.isfinite(step) and step > 0):
        raise InvalidInputError(f"explain: step must be a positive number of mu, got {step!r}")
    resources = configured(instance)
    if not resources:
        raise InvalidInputError(f"instance {instance.name!r}: pools: explain needs a resource to explain (a land, "
                                "emission or fund pool, or projects)")
    ctx = ExplainContext(instance, j, backend, options if options is not None else SolveOptions(), step=step,
                         land_solve=solved, project_resolves=project_resolves)
    parts = [section_of(resource)(ctx) for resource in resources]  # one per configured resource
    # The plans ran on ``backend`` unless one was given solved (a land solve, on its own backend).
    shown = next((p.backend for p in parts if p.backend != backend), backend)
    row = evaluated_table(instance).frame.iloc[j]
    evaluations, score_from, grade_from = _evaluations(instance, j, shown)
    score = float(row["score"]) if pd.notna(row["score"]) else None
    grade = str(row["grade"]) if isinstance(row["grade"], str) else None
    county = row["county"] if isinstance(row["county"], str) else None
    return ZoneExplanation(
        instance=instance.name, synthetic=instance.metadata.synthetic, zone=str(row["zone"]),
        name=str(row["name"] or ""), city=str(row["city"]), county=county, level=str(row["level"]),
        kind=str(row["kind"]), land_area_mu=float(row["land_area_mu"]), score=score, grade=grade,
        score_from=score_from, grade_from=grade_from, evaluations=evaluations,
        resources=tuple(s for p in parts for s in p.sections), backend=shown,
        warnings=tuple(w for p in parts for w in p.warnings))


def _evaluations(instance: Instance, j: int, backend: str
                 ) -> tuple[tuple[EvaluationLine, ...], str | None, str | None]:
    """The zone's line in every evaluation, and which evaluation assigned score and grade (the
    last one that assigns each, as the zone table applies them in order)."""
    from zoneopt.evaluation.run import evaluated, score_unit

    lines = []
    score_from = grade_from = None
    for ev in instance.evaluations:  # a loop over evaluations
        if "score" in ev.assign:
            score_from = ev.id
        if "grade" in ev.assign:
            grade_from = ev.id
        try:
            result = evaluated(instance, ev.id, backend=backend)
        except ZoneoptError as exc:
            lines.append(EvaluationLine(ev.id, ev.method, ev.source, None, score_unit(instance, ev.id), None, 0,
                                        None, tuple(ev.assign), str(exc)))
            continue
        z = result.zones
        scores = z["score"].to_numpy(dtype=float)
        s, r, g = scores[j], z["rank"].to_numpy(dtype=float)[j], z["grade"].to_numpy(dtype=object)[j]
        lines.append(EvaluationLine(ev.id, ev.method, ev.source, None if np.isnan(s) else float(s),
                                    result.score_unit, None if np.isnan(r) else float(r),
                                    int(np.count_nonzero(~np.isnan(scores))), g if isinstance(g, str) else None,
                                    tuple(ev.assign)))
    return tuple(lines), score_from, grade_from

