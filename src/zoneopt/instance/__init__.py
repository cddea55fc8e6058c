"""The instance: zones, resource pools, the plan's rules and the objective, as pydantic v2 models.

Units are fixed per quantity and stated in :class:`Units`: land in mu (亩), energy in tonnes of
standard coal equivalent (tce), emissions in tonnes, money in the one unit the instance declares
(``units.money``: yuan, 万元 or 亿元; default 万元). Every flow (tax, value added, revenue, R&D,
energy, emissions) is per year.

Types are strict, as the published JSON Schema states them (a number is not ``"1000"`` nor
``true``; a boolean is not ``"yes"``); unknown fields, NaN and infinity are rejected
everywhere, quantities are non-negative and land areas positive. :func:`load` also refuses a
key given twice, nesting deeper than 64 levels and a file over 256 MiB. :func:`load`,
:meth:`Instance.from_dict` and :meth:`Instance.from_frames` always raise
:class:`~zoneopt.errors.InstanceError` whose issues name the JSON path at fault, e.g.
``zones[12].land_area_mu: must be > 0`` (in a workbook, the sheet, cell and column:
``zones!H13 (land_area_mu): must be > 0``).

One module per domain: ``common`` (base model, units, shared types), ``zones``, ``rules``,
``pools``, ``objectives`` (the tiered target, diminishing returns, priority, fairness),
``portfolio``, ``evaluation``, ``consolidation``, ``designation``, ``periods``, ``management``,
``scenarios``; ``model`` holds :class:`Instance`, ``checks`` its cross-field checks, ``issues``
and ``load`` validation errors and files, ``indicators`` the indicator catalogue. The instance
as tables: ``fields`` (a field by its path, as a cell sees it), ``tables`` (tables of cells and
the document they make), ``sheets`` (which table holds what), ``frames`` (DataFrames),
``edits`` (the ``with_*`` edits), ``workbook`` (reading ``.xlsx``) and ``template`` (writing the
fill-in workbook). ``tabular`` holds zones given as one validated table (a frame, or a Parquet or
CSV file an instance names: the large-instance path), ``tabular_units`` enterprises and projects
given the same way. Every public name is importable from here.
"""

from __future__ import annotations

from zoneopt.instance.checks import cross_check
from zoneopt.instance.common import (
    MONEY_LABEL,
    Grade,
    GroupBy,
    Ident,
    Kind,
    Language,
    Level,
    Metadata,
    MoneyUnit,
    NonNeg,
    Positive,
    Share,
    Units,
)
from zoneopt.instance.consolidation import (
    DEFAULT_GRADE_BONUS,
    DEFAULT_LEVEL_BONUS,
    Consolidation,
    ConsolidationObjective,
    DistanceEntry,
    Relatedness,
)
from zoneopt.instance.designation import (
    Designation,
    DesignationConvert,
    DesignationCount,
    DesignationCounty,
    DesignationCriterion,
    DesignationEstablish,
    DesignationObjective,
    DesignationUpgrade,
)
from zoneopt.instance.evaluation import (
    DEFAULT_GRADE_SHARES,
    Criterion,
    DEASettings,
    Evaluation,
    Grading,
    GroupField,
    Weighting,
)
from zoneopt.instance.issues import issues_from_validation, json_path
from zoneopt.instance.load import load
from zoneopt.instance.management import (
    Management,
    ManagementReduction,
    ManagementRevocation,
    ManagementUpgrade,
    ManagementWarning,
    ScoreHistory,
)
from zoneopt.instance.model import Instance, zones_from_frame
from zoneopt.instance.objectives import (
    DEFAULT_BREAKPOINTS,
    DEFAULT_FACTORS,
    DEFAULT_TIER_MULTIPLIERS,
    FILL_VALUE,
    Band,
    Diminishing,
    Fairness,
    Priority,
    Tiers,
)
from zoneopt.instance.periods import (
    CARRY_OVER_DEFAULT,
    PLAN_YEARS,
    SMOOTHING_DEFAULT,
    Effect,
    GrowthMetric,
    GrowthTarget,
    Periods,
    PlannedResource,
    PlanYear,
    Ramp,
    ResourceEffect,
    ResourcePeriods,
    ResourceRamp,
    ResourceYear,
    Smoothing,
)
from zoneopt.instance.pools import (
    POLLUTANTS,
    EmissionObjective,
    EmissionPools,
    FundObjective,
    FundPool,
    LandPool,
    Objective,
    PollutantPool,
    Pools,
)
from zoneopt.instance.portfolio import (
    CountTarget,
    Portfolio,
    PortfolioObjective,
    PortfolioRule,
    PortfolioTerm,
    Project,
    ProjectSelector,
    ShareTarget,
)
from zoneopt.instance.rules import (
    ExcludeRule,
    FundRule,
    GroupBounds,
    GroupBoundsRule,
    LeverageCap,
    Lock,
    LockRule,
    MinLot,
    MinLotRule,
    RequestCapRule,
    RequestFloorRule,
    ResourceRule,
    Rule,
    TiltRule,
    ZoneBounds,
    ZoneBoundsRule,
)
from zoneopt.instance.scenarios import Scenario
from zoneopt.instance.tabular import TabularZones
from zoneopt.instance.tabular_units import TabularEnterprises, TabularProjects
from zoneopt.instance.targets import (
    ClusterTarget,
    DesignationTarget,
    Industries,
    LevelTarget,
    PeriodTarget,
    TargetScope,
    UnmodelledTarget,
    ZoneCountTarget,
)
from zoneopt.instance.zones import (
    EARTH_RADIUS_KM,
    Enterprise,
    FundRequest,
    Location,
    MetricCondition,
    MetricDef,
    Metrics,
    Requests,
    Selector,
    Zone,
)

__all__ = [
    "Level",
    "Kind",
    "Grade",
    "GroupBy",
    "MoneyUnit",
    "Language",
    "NonNeg",
    "Positive",
    "Share",
    "Ident",
    "MONEY_LABEL",
    "Units",
    "Metadata",
    "Metrics",
    "MetricDef",
    "MetricCondition",
    "LevelTarget",
    "ZoneCountTarget",
    "ClusterTarget",
    "Industries",
    "UnmodelledTarget",
    "DesignationTarget",
    "PeriodTarget",
    "TargetScope",
    "FundRequest",
    "Requests",
    "EARTH_RADIUS_KM",
    "Location",
    "Zone",
    "TabularEnterprises",
    "TabularProjects",
    "TabularZones",
    "LandPool",
    "Pools",
    "Selector",
    "ZoneBoundsRule",
    "RequestCapRule",
    "GroupBoundsRule",
    "ExcludeRule",
    "TiltRule",
    "LockRule",
    "RequestFloorRule",
    "MinLotRule",
    "Rule",
    "POLLUTANTS",
    "ZoneBounds",
    "GroupBounds",
    "Lock",
    "MinLot",
    "LeverageCap",
    "ResourceRule",
    "FundRule",
    "PollutantPool",
    "EmissionObjective",
    "EmissionPools",
    "FundObjective",
    "FundPool",
    "Project",
    "ProjectSelector",
    "CountTarget",
    "ShareTarget",
    "PortfolioRule",
    "PortfolioTerm",
    "PortfolioObjective",
    "Portfolio",
    "Objective",
    "Tiers",
    "Band",
    "Diminishing",
    "Fairness",
    "Priority",
    "DEFAULT_TIER_MULTIPLIERS",
    "DEFAULT_BREAKPOINTS",
    "DEFAULT_FACTORS",
    "FILL_VALUE",
    "Enterprise",
    "GroupField",
    "DEFAULT_GRADE_SHARES",
    "Criterion",
    "Weighting",
    "DEASettings",
    "Grading",
    "Evaluation",
    "Relatedness",
    "DistanceEntry",
    "DEFAULT_LEVEL_BONUS",
    "DEFAULT_GRADE_BONUS",
    "ConsolidationObjective",
    "Consolidation",
    "Designation", "DesignationConvert", "DesignationCount", "DesignationCounty", "DesignationCriterion",
    "DesignationEstablish", "DesignationObjective", "DesignationUpgrade",
    "Scenario",
    "PLAN_YEARS",
    "GrowthMetric",
    "Ramp",
    "Effect",
    "GrowthTarget",
    "PlanYear",
    "PlannedResource",
    "CARRY_OVER_DEFAULT",
    "ResourceYear",
    "ResourceRamp",
    "ResourceEffect",
    "ResourcePeriods",
    "Smoothing",
    "SMOOTHING_DEFAULT",
    "Periods",
    "ScoreHistory",
    "ManagementUpgrade",
    "ManagementWarning",
    "ManagementReduction",
    "ManagementRevocation",
    "Management",
    "Instance",
    "zones_from_frame",
    "load",
    "json_path",
    "issues_from_validation",
    "cross_check",
]
