"""Zones and enterprises: their yearly figures, requests and locations, and the selector by
which a rule names the zones it covers."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from zoneopt.instance.common import Array, Grade, Ident, Kind, Level, NonNeg, Positive, _Strict


class Metrics(_Strict):
    """A zone's yearly figures. Optional: a model asks only for what it uses, and says which
    zone lacks it."""

    tax: NonNeg | None = Field(None, description="tax revenue per year, money unit")
    value_added: NonNeg | None = Field(None, description="value added (增加值) per year, money unit")
    revenue: NonNeg | None = Field(None, description="operating revenue (营业收入) per year, money unit")
    rd_spending: NonNeg | None = Field(None, description="R&D spending per year, money unit")
    energy_tce: NonNeg | None = Field(None, description="energy use per year, tce")
    employees: NonNeg | None = Field(None, description="employees (persons)")
    emissions_t: dict[Ident, NonNeg] = Field(default_factory=dict,
                                             description="emissions per pollutant per year, tonnes")
    energy_reduction_tce: NonNeg | None = Field(
        None, description="energy-stock reduction (能源消费存量削减量) achieved, tce per year (2017 §六(一))")
    named: dict[Ident, float] | None = Field(
        None, description="any other figure by name (产业用地, 高新技术企业数, 货物进出口总额 …), "
                                          "each declared once with its unit in the instance's `metrics`")


class MetricDef(_Strict):
    """A named zone metric, declared once for the instance (``metrics``): its unit, what it
    is, and where the figure comes from. Zones give its value in ``metrics.named``; targets,
    effects, selectors and indicators name it like a built-in metric (models/targets.md)."""

    unit: str = Field(min_length=1, description="its unit as outputs show it, e.g. 'mu', 'firms', '万元/yr'")
    label: str = Field("", description="what it is, e.g. '产业用地面积'")
    source: str | None = Field(None, description="where the figure comes from (a statistic, a clause)")


class FundRequest(_Strict):
    """A zone's request to the fund: the amount, the investment it would co-finance and the
    yearly tax that investment is expected to bring (all in the money unit)."""

    amount: NonNeg
    investment: NonNeg | None = Field(None, description="investment the fund would co-finance, money unit")
    expected_tax: NonNeg | None = Field(None, description="expected tax per year from that investment, money unit")


class Requests(_Strict):
    """What a zone asks for, per resource."""

    land_mu: NonNeg | None = Field(None, description="new construction land requested, mu")
    emissions_t: dict[Ident, NonNeg] = Field(default_factory=dict,
                                             description="emission allowances requested per pollutant, t/yr")
    funds: FundRequest | None = None


EARTH_RADIUS_KM = 6371.0088
"""Mean Earth radius (IUGG R1), km: great-circle distances between longitude/latitude points."""


class Location(_Strict):
    """Where a zone lies, for the consolidation model's distances (models/consolidation.md):
    longitude and latitude in degrees (WGS 84; the distance is the great-circle distance on a
    sphere of radius :data:`EARTH_RADIUS_KM`) or planar coordinates in km on a projected map
    (Euclidean distance). One or the other; every located zone of an instance uses the same."""

    lon: float | None = Field(None, ge=-180, le=180, description="longitude, degrees east")
    lat: float | None = Field(None, ge=-90, le=90, description="latitude, degrees north")
    x_km: float | None = Field(None, description="planar easting, km")
    y_km: float | None = Field(None, description="planar northing, km")

    @model_validator(mode="after")
    def _one_pair(self) -> Location:
        geo = (self.lon is not None) + (self.lat is not None)
        xy = (self.x_km is not None) + (self.y_km is not None)
        if geo and xy:
            raise ValueError("give lon/lat or x_km/y_km, not both")
        if geo == 1 or xy == 1 or geo + xy == 0:
            raise ValueError("give both lon and lat (degrees), or both x_km and y_km")
        return self

    @property
    def kind(self) -> Literal["lonlat", "xy"]:
        return "lonlat" if self.lon is not None else "xy"


class Zone(_Strict):
    """A development zone (开发区 / 产业集聚区)."""

    id: Ident
    name: str = ""
    city: Ident
    county: Ident | None = None
    level: Level = "provincial"
    kind: Kind = "etdz"
    tags: Array[Ident] = ()
    land_area_mu: Positive = Field(description="existing (built) land area, mu")
    metrics: Metrics = Field(default_factory=Metrics)
    grade: Grade | None = None
    score: float | None = Field(None, description="evaluation score, higher is better")
    requests: Requests = Field(default_factory=Requests)
    meets_env_standards: bool | None = Field(
        None, description="环保达标: meets the environmental standards (None: not assessed)")
    location: Location | None = Field(None, description="where the zone lies (consolidation distances)")


class MetricCondition(_Strict):
    """A condition on a zone figure: ``metric`` (a built-in metric, ``land_area_mu``,
    ``score``, or a metric declared in the instance's ``metrics``), or the ratio ``metric`` /
    ``over``, compared with ``lt`` / ``le`` / ``gt`` / ``ge`` (every bound given must hold),
    e.g. zones whose 产业用地占比 is below 60 %: ``{"metric": "industrial_land_mu", "over":
    "land_area_mu", "lt": 0.6}``. A zone lacking the figure (or with a zero denominator)
    matches no condition."""

    metric: Ident
    over: Ident | None = None
    lt: float | None = None
    le: float | None = None
    gt: float | None = None
    ge: float | None = None

    @model_validator(mode="after")
    def _some_bound(self) -> MetricCondition:
        if self.lt is None and self.le is None and self.gt is None and self.ge is None:
            raise ValueError("give a bound: lt, le, gt or ge")
        return self


class Selector(_Strict):
    """Which zones a rule covers: those matching every given criterion (an empty selector
    matches every zone); ``where``: conditions on zone figures (:class:`MetricCondition`)."""

    zones: Array[Ident] | None = None
    cities: Array[Ident] | None = None
    counties: Array[Ident] | None = None
    levels: Array[Level] | None = None
    kinds: Array[Kind] | None = None
    tags: Array[Ident] | None = None
    grades: Array[Grade] | None = None
    meets_env_standards: bool | None = None
    where: Array[MetricCondition] | None = None


class Enterprise(_Strict):
    """An enterprise (企业) in a zone, for enterprise-level evaluation (亩均效益评价 is done per
    firm in county practice, then summed up to zones)."""

    id: Ident
    name: str = ""
    zone: Ident = Field(description="id of the zone the enterprise is in")
    sector: str | None = None
    land_area_mu: Positive = Field(description="land the enterprise uses, mu")
    metrics: Metrics = Field(default_factory=Metrics)
