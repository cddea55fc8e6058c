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

    def text(self) -> str:
        """The explanation as readable text (what ``python -m zoneopt explain`` prints)."""
        return "\n".join(_text(self))


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


def _text(e: ZoneExplanation) -> list[str]:
    """The header (the zone, its score and grade, its evaluations), then each section."""
    lines = [f"zoneopt explain · {e.instance}" + (" · SYNTHETIC data" if e.synthetic else "")]
    where = f"city {e.city}" + (f", county {e.county}" if e.county else "")
    lines.append(f"zone {e.zone} · {e.name or '(no name)'} · {where} · {e.level} {e.kind} · "
                 f"existing land {num(e.land_area_mu)} mu")
    score = "-" if e.score is None else num(e.score)
    lines.append(f"score {score}" + (f" (from evaluation {e.score_from})" if e.score_from else
                                     " (as given in the instance)" if e.score is not None else "")
                 + f" · grade {e.grade or '-'}" + (f" (from evaluation {e.grade_from})" if e.grade_from else
                                                   " (as given in the instance)" if e.grade else ""))
    lines += evaluation_lines(e.evaluations)
    for r in e.resources:
        lines += resource_text(r)
    for w in e.warnings:
        lines.append(f"warning: {w}")
    return lines
