"""Settings of the consolidation model (整合提升, 一区多园; models/consolidation.md): the zones are the
parks to consolidate; each hosts (itself a zone), merges into a host as one of its blocks, or is
revoked."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from zoneopt.instance.common import Array, Grade, Ident, Int, Level, NonNeg, Positive, Share, _Strict
from zoneopt.instance.zones import Selector


class Relatedness(_Strict):
    """When two parks' industries are related (产业关联, 2017 §二(一)), from their sector tags.

    * ``by: "tags"``: relatedness 1 when the two parks share a sector tag, else 0.
    * ``by: "matrix"``: the largest ``matrix[s][t]`` over a sector s of one park and t of the
      other; a sector with itself 1 unless the matrix says otherwise; a pair given once counts
      both ways (given both ways, the larger); a pair not given 0.

    ``sectors`` says which tags are sectors (default: every tag; list them when zones carry
    other tags such as ``corridor``). A merge needs relatedness ≥ ``min_relatedness``."""

    by: Literal["tags", "matrix"] = "tags"
    sectors: Array[Ident] | None = None
    matrix: dict[Ident, dict[Ident, Share]] = Field(default_factory=dict)
    min_relatedness: float = Field(0.5, gt=0, le=1, description="a merge needs at least this relatedness")

    @model_validator(mode="after")
    def _matrix_given(self) -> Relatedness:
        if self.by == "matrix" and not self.matrix:
            raise ValueError("by 'matrix' needs the sector relatedness matrix 'matrix'")
        return self


class DistanceEntry(_Strict):
    """The distance between two parks, km (either direction)."""

    a: Ident
    b: Ident
    km: NonNeg


DEFAULT_LEVEL_BONUS: dict[Level, float] = {"national": 0.5}
DEFAULT_GRADE_BONUS: dict[Grade, float] = {"A": 0.3, "B": 0.1}


class ConsolidationObjective(_Strict):
    """What the consolidation optimises (models/consolidation.md).

    * ``relatedness``: maximise, in points, Σ over merges p→h of
      ``relatedness_weight`` · rel(p, h) + ``score_weight`` · (s_h − s_p) / (s_max − s_min)
      − ``distance_weight`` · d(p, h) / ``max_distance_km``, plus for each host h
      ``host_weight`` + ``level_bonus[level_h]`` + ``grade_bonus[grade_h]`` (national and
      high-grade zones preferred as hosts, 2017 §二(一)), plus ``revoke_weight`` per revoked park.
    * ``min_zones``: minimise the number of zones left (hosts); with ``tie_break`` a second
      solve maximises the relatedness objective among the plans with that fewest number.
    """

    kind: Literal["relatedness", "min_zones"] = "relatedness"
    relatedness_weight: NonNeg = 1.0
    score_weight: NonNeg = 1.0
    distance_weight: NonNeg = 1.0
    level_bonus: dict[Level, float] = Field(default_factory=lambda: dict(DEFAULT_LEVEL_BONUS))
    grade_bonus: dict[Grade, float] = Field(default_factory=lambda: dict(DEFAULT_GRADE_BONUS))
    host_weight: float = 0.0
    revoke_weight: float = 0.0
    tie_break: bool = True


class Consolidation(_Strict):
    """Settings of the consolidation model (整合提升, 2017 §二(一)): which park may host, merge
    into which, or be revoked. Distances come from the zones' ``location`` or, when
    ``distances`` is given, from that table alone (a pair not listed is not near)."""

    source: str | None = "2017 §二(一)"
    max_distance_km: Positive = Field(30.0, description="merges only within this distance (区域邻近), km")
    distances: Array[DistanceEntry] | None = None
    max_blocks: Int = Field(3, ge=1, description="blocks per host, itself included (一区多园 一般不超过3块)")
    relatedness: Relatedness = Field(default_factory=Relatedness)
    hosts: Selector | None = Field(None, description="parks that may host (default: any)")
    keep_hosts: Selector | None = Field(None, description="parks that must stay zones (hosts), e.g. national")
    county_cap: Int = Field(1, ge=1, description="hosts per county (原则上每个县设立1家)")
    county_exceptions: dict[Ident, Annotated[Int, Field(ge=1)]] = Field(
        default_factory=dict, description="county → its own cap on hosts (the stated exceptions)")
    county_floor: bool = Field(True, description="a county keeps a host of its own unless all its parks "
                                                 "are revoked (counties where no park may host excepted)")
    revocable: Array[Selector] = Field((), description="a park matching any of these may be revoked")
    revoke_score_below: float | None = Field(None, description="a park scoring below this may be revoked")
    score: str = Field("score", description="indicator for the score gained and the revocation threshold")
    max_zones: Int | None = Field(None, ge=0, description="at most this many zones (hosts) in all")
    objective: ConsolidationObjective = Field(default_factory=ConsolidationObjective)
