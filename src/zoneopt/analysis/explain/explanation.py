"""The whole answer for one zone, :class:`ZoneExplanation`: the zone, its score and grade and
where they came from, its result in each evaluation and a section per resource; as plain
Python (:meth:`~ZoneExplanation.to_dict`, for JSON) and as text (:meth:`~ZoneExplanation.text`:
the zone's header here, each section by :mod:`~zoneopt.analysis.explain.render`). It sits
above the renderer (the records it renders are in ``results.py``) so that the two do not
import each other."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

from zoneopt.analysis.explain.render import evaluation_lines, num, resource_text
from zoneopt.analysis.explain.results import EvaluationLine, ResourceExplanation
from zoneopt.errors import InvalidInputError
from zoneopt.plans.display import Display


@dataclass(frozen=True)
class ZoneExplanation:
    """Why a zone got what it got (:func:`~zoneopt.analysis.explain.zone.explain_zone`). Print
    :meth:`text`; the pieces are fields: the zone's attributes, its ``score`` and ``grade`` as
    the plan used them (with the evaluation that assigned each, ``None`` when given in the
    instance), its result in every evaluation the instance carries, and a
    :class:`~zoneopt.analysis.explain.results.ResourceExplanation` per resource."""

    instance: str
    synthetic: bool
    zone: str
    name: str
    city: str
    county: str | None
    level: str
    kind: str
    land_area_mu: float
    score: float | None
    grade: str | None
    score_from: str | None
    grade_from: str | None
    evaluations: tuple[EvaluationLine, ...]
    resources: tuple[ResourceExplanation, ...]
    backend: str
    warnings: tuple[str, ...] = field(default=())

    def resource(self, name: str) -> ResourceExplanation:
        """The section of resource ``name`` (``"land"``); :class:`InvalidInputError` if absent."""
        for r in self.resources:
            if r.resource == name:
                return r
        raise InvalidInputError(f"explanation of zone {self.zone!r} has no resource {name!r}; it has "
                                f"{', '.join(r.resource for r in self.resources) or 'none'}")

    def to_dict(self) -> dict[str, Any]:
        """Every field as plain Python (for JSON)."""
        return _plain(asdict(self))

    def text(self, display: Display | None = None) -> str:
        """The explanation as readable text (what ``python -m zoneopt explain`` prints), in
        ``display``'s language and money units (default English, the instance's money unit)."""
        return "\n".join(_text(self, display if display is not None else Display()))


def _plain(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if isinstance(v, float) and not math.isfinite(v):
        return None if math.isnan(v) else ("inf" if v > 0 else "-inf")
    if hasattr(v, "item"):
        return _plain(v.item())
    return v


def _text(e: ZoneExplanation, d: Display) -> list[str]:
    """The header (the zone, its score and grade, its evaluations), then each section."""
    lines = [d.t("explain.banner", name=e.instance) + (f" · {d.t('term.synthetic')}" if e.synthetic else "")]
    where = d.t("explain.city", city=e.city) + (d.t("explain.county", county=e.county) if e.county else "")
    lines.append(d.t("explain.zone", zone=e.zone, name=e.name or d.t("explain.no_name"), where=where,
                     level=d.term(f"level.{e.level}", e.level), kind=d.term(f"kind.{e.kind}", e.kind),
                     area=num(e.land_area_mu)))
    score = "-" if e.score is None else num(e.score)
    lines.append(d.t("explain.score", score=score, grade=e.grade or "-",
                     from_=d.t("explain.from", id=e.score_from) if e.score_from else
                     d.t("explain.given") if e.score is not None else "",
                     from_grade=d.t("explain.from", id=e.grade_from) if e.grade_from else
                     d.t("explain.given") if e.grade else ""))
    lines += evaluation_lines(e.evaluations, d)
    for r in e.resources:
        lines += resource_text(r, d)
    for w in e.warnings:
        lines.append(d.t("explain.warning", text=d.clean(w)))
    return lines
