"""Solved plans and how they are written: the land plan (:mod:`~zoneopt.plans.land`), the
other resources' plans and plan sets (:mod:`~zoneopt.plans.resources`), the plan over years
(:mod:`~zoneopt.plans.years`), the designation plan
(:mod:`~zoneopt.plans.designation`), dynamic management's decisions (:mod:`~zoneopt.plans.management`),
a plan's shape figures (:mod:`~zoneopt.plans.shape`), what every output shares
(:mod:`~zoneopt.plans.output`), and tables safe to open in a spreadsheet program
(:mod:`~zoneopt.plans.spreadsheets`). This module only re-exports their public names."""

from zoneopt.plans.designation import DesignationPlan, DesignationRecord, DesignationSummary
from zoneopt.plans.land import Plan, PlanRecord, PlanSummary, ZoneAllocation
from zoneopt.plans.management import Exclusion, ManagementResult
from zoneopt.plans.output import Binding, PlanOutput, clean_value, records, write_by_suffix, write_sheets
from zoneopt.plans.resources import (
    PlanSet,
    PlanSetRecord,
    PoolUse,
    ResourcePlan,
    ResourcePlanRecord,
    ResourceSummary,
    TargetResult,
)
from zoneopt.plans.shape import PlanShape, PoolLapse, ZeroZone, gini, plan_shape, summary_rows
from zoneopt.plans.spreadsheets import FORMULA_START, csv_escaped, is_formula_like, write_csv, write_frame
from zoneopt.plans.years import (
    MultiPeriodPlan,
    MultiPeriodRecord,
    MultiPeriodSummary,
    ResourceObjective,
    TrackSummary,
)

__all__ = [
    "Binding", "DesignationPlan", "DesignationRecord", "DesignationSummary",
    "Exclusion", "ManagementResult", "MultiPeriodPlan", "MultiPeriodRecord", "MultiPeriodSummary", "Plan",
    "PlanOutput", "PlanRecord", "PlanSet", "PlanSetRecord", "PlanSummary", "PoolUse", "ResourceObjective",
    "ResourcePlan", "ResourcePlanRecord", "ResourceSummary", "TargetResult", "TrackSummary", "ZoneAllocation",
    "clean_value", "records", "write_by_suffix", "write_sheets", "FORMULA_START", "csv_escaped", "is_formula_like",
    "write_csv", "write_frame", "PlanShape", "PoolLapse", "ZeroZone", "gini", "plan_shape", "summary_rows",
]
