"""The instance: the zones, pools, rules and objective and every other domain's settings in one
validated, immutable model, and the values derived from it once and reused."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Literal, TypeVar

import pandas as pd
from pydantic import BaseModel, Field, PrivateAttr, ValidationError, field_validator, model_validator
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from zoneopt.errors import InstanceError
from zoneopt.instance import edits
from zoneopt.instance.checks import cross_check
from zoneopt.instance.common import Array, Ident, Metadata, Units, _Strict
from zoneopt.instance.consolidation import Consolidation
from zoneopt.instance.designation import Designation
from zoneopt.instance.evaluation import Evaluation
from zoneopt.instance.frames import TableLike, frame_table
from zoneopt.instance.issues import evaluation_ids, issues_from_validation, with_evaluation_ids
from zoneopt.instance.management import Management
from zoneopt.instance.periods import Periods
from zoneopt.instance.pools import Objective, Pools
from zoneopt.instance.portfolio import Portfolio, Project
from zoneopt.instance.rules import Rule
from zoneopt.instance.scenarios import Scenario
from zoneopt.instance.sheets import assemble, instance_tables
from zoneopt.instance.tabular import TabularZones, Zones, zone_table_source
from zoneopt.instance.zones import Enterprise, MetricDef

T = TypeVar("T")

DERIVED_FROM = ("zones", "enterprises", "evaluations", "units")
"""The fields that values made by :meth:`Instance.derived` may read: the zone table
(:class:`zoneopt.data.zones.ZoneTable`) and evaluation results (:mod:`zoneopt.evaluation.run`)
read nothing else."""


class _Derived:
    """Values computed from the fields :data:`DERIVED_FROM` of one instance, by key, with those
    fields themselves (``basis``): the values hold while an instance's fields are these very
    objects. A cache, not part of the instance's value: every two compare equal."""

    __slots__ = ("basis", "values")

    def __init__(self, basis: tuple[Any, ...] = ()) -> None:
        self.basis = basis
        self.values: dict[str, Any] = {}

    def holds_for(self, basis: tuple[Any, ...]) -> bool:
        return len(basis) == len(self.basis) and all(a is b for a, b in zip(basis, self.basis))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Derived)


class InstanceJsonSchema(GenerateJsonSchema):
    """The JSON Schema as strict as the loader: an object whose keys are identifiers (pollutants,
    zones, cities) takes no key that is not one (pydantic states the pattern of the keys it
    takes, and leaves the others free)."""

    def dict_schema(self, schema: core_schema.DictSchema) -> JsonSchemaValue:
        out = super().dict_schema(schema)
        if "patternProperties" in out:
            out["additionalProperties"] = False
        return out


class Instance(_Strict):
    """A zoneopt instance. Build one with :func:`load`, :meth:`from_dict` or
    :meth:`from_frames`, which report every problem by JSON path."""

    version: Literal[1] = 1
    name: Ident
    metadata: Metadata = Field(default_factory=Metadata)
    units: Units = Field(default_factory=Units)
    metrics: dict[Ident, MetricDef] | None = Field(
        None, description="named zone metrics, each declared once with its unit (zones give them in metrics.named)")
    zones: Zones
    """the zones: a list in JSON, or a table (:class:`~zoneopt.instance.tabular.TabularZones`:
    a frame, or a Parquet or CSV file named in JSON) for large instances."""
    pools: Pools = Field(default_factory=Pools)
    rules: Array[Rule] = ()
    objective: Objective = Field(default_factory=Objective)
    enterprises: Array[Enterprise] = ()
    evaluations: Array[Evaluation] = ()
    scenarios: Array[Scenario] = ()
    projects: Array[Project] = ()
    portfolio: Portfolio = Field(default_factory=Portfolio)
    periods: Periods | None = None
    management: Management | None = None
    consolidation: Consolidation | None = None
    designation: Designation | None = None
    """which candidate parks become provincial zones in which year, which zones to recommend for
    national status or convert (models/designation.md)."""
    # Values derived from the instance (see derived), made on first use.
    _derived: _Derived = PrivateAttr(default_factory=_Derived)

    @field_validator("version", mode="before")
    @classmethod
    def _version_is_a_number(cls, v: Any) -> Any:
        if isinstance(v, bool):  # True == 1 to Python, not to JSON
            raise ValueError(f"must be the number 1, got {str(v).lower()}")
        return v

    @field_validator("zones", mode="before")
    @classmethod
    def _not_empty(cls, v: Any) -> Any:
        if isinstance(v, (list, tuple)) and len(v) == 0:
            raise ValueError("the zone list is empty: give at least one zone")
        return v

    @model_validator(mode="after")
    def _cross_check(self) -> Instance:
        issues = cross_check(self)
        if issues:
            # Not a ValueError: pydantic would fold it into one message at the root.
            raise InstanceError(issues)
        return self

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """The published JSON Schema (``python -m zoneopt schema``): what the loader takes."""
        kwargs.setdefault("schema_generator", InstanceJsonSchema)
        return super().model_json_schema(*args, **kwargs)

    # -- construction ------------------------------------------------------------------------
    @classmethod
    def from_dict(cls, data: Any, source: str | None = None, base: Path | None = None) -> Instance:
        """Validate a parsed JSON document; raise :class:`InstanceError` with JSON paths (an
        evaluation's with its id). Types are strict, as the JSON Schema states them: a number
        must be a number, not a string or a boolean (see :mod:`zoneopt.instance.common`). Its
        ``zones`` may be a zone table: a frame, or the name of a Parquet or CSV file (relative
        to ``base``, default the working directory), see :mod:`zoneopt.instance.tabular`."""
        try:
            if isinstance(data, dict) and not isinstance(data.get("zones", ()), (list, tuple)):
                data = {**data, "zones": zone_table_source(data["zones"], base)}
            return cls.model_validate(data)
        except ValidationError as exc:
            issues = issues_from_validation(exc, data)
        except InstanceError as exc:
            issues = list(exc.issues)
        raise InstanceError(with_evaluation_ids(issues, evaluation_ids(data)), source) from None

    @classmethod
    def from_frames(cls, zones: TableLike, *, name: str,
                    pools: Mapping[str, Any] | TableLike | None = None,
                    rules: TableLike = (),
                    objective: Mapping[str, Any] | None = None,
                    metadata: Mapping[str, Any] | None = None,
                    units: Mapping[str, Any] | None = None,
                    evaluations: TableLike = (), criteria: TableLike = (),
                    scenarios: TableLike = (), projects: TableLike = (), enterprises: TableLike = (),
                    periods: Mapping[str, Any] | None = None, management: Mapping[str, Any] | None = None,
                    consolidation: Mapping[str, Any] | None = None,
                    designation: Mapping[str, Any] | None = None,
                    portfolio: Mapping[str, Any] | None = None,
                    metrics: Mapping[str, Any] | None = None) -> Instance:
        """Build an instance from tables: DataFrames (one row per record) or lists of
        mappings; :meth:`to_frames` gives them back. The tables and their columns are those of
        :mod:`zoneopt.instance.sheets`:

        * ``zones``: ``id, city, land_area_mu`` (required); ``name, county, level, kind,
          grade, score, meets_env_standards``; ``tags`` (a list or ``a, b``); every metric
          by name (``tax, value_added, revenue, rd_spending, energy_tce, employees,
          energy_reduction_tce``); ``emissions_<pollutant>_t``; requests ``request_land_mu``,
          ``request_<pollutant>_t``, ``request_funds`` (``_investment``, ``_expected_tax``);
          location ``lon, lat`` or ``x_km, y_km``;
        * ``pools``: the JSON mapping, or a table with one row per ``resource`` (``land``,
          ``funds``, ``emissions``, a pollutant): ``total, exact, step, source,
          objective.*``;
        * ``rules``: one row per rule (JSON mappings, or flat columns with dotted paths such
          as ``select.cities``); ``resource`` (default land) and ``scenario`` say where it
          goes; ``floor``/``cap``/``values`` in the resource's unit;
        * ``evaluations`` and ``criteria`` (``evaluation`` naming its evaluation),
          ``scenarios``, ``projects``, ``enterprises``: one row each;
        * ``objective``, ``metadata``, ``units``, ``periods``, ``management``,
          ``consolidation``, ``designation``, ``portfolio``, ``metrics`` (the named metrics'
          declarations): their JSON mappings; a named metric's zone column is ``metric_<name>``.

        Empty cells are missing values; unknown columns are rejected. Errors name the JSON
        path (``zones[<row>].<field>``), or the table, row and column of a cell that cannot be
        read.
        """
        base: dict[str, Any] = {"name": name}
        for key, value in (("objective", objective), ("metadata", metadata), ("units", units),
                           ("periods", periods), ("management", management), ("consolidation", consolidation),
                           ("designation", designation), ("portfolio", portfolio), ("metrics", metrics)):
            if value is not None:
                base[key] = dict(value)
        tables = {"zones": frame_table("zones", zones)}
        if isinstance(pools, Mapping):
            base["pools"] = dict(pools)
        elif pools is not None:
            tables["pools"] = frame_table("pools", pools)
        for key, table in (("rules", rules), ("evaluations", evaluations), ("criteria", criteria),
                           ("scenarios", scenarios), ("projects", projects), ("enterprises", enterprises)):
            tables[key] = frame_table(key, table)
        asm = assemble(cls, tables, base)
        if asm.issues:
            raise InstanceError(asm.issues, "tables")
        return cls.from_dict(asm.doc, source="tables")

    def to_frames(self) -> dict[str, Any]:
        """The instance as the tables :meth:`from_frames` takes (its keyword arguments):
        ``zones``, ``pools``, ``rules``, ``evaluations``, ``criteria``, ``scenarios``,
        ``projects``, ``enterprises`` as DataFrames (those the instance has), the other fields
        as mappings. Only what was given is there (a default left unstated stays unstated),
        so ``Instance.from_frames(**inst.to_frames()) == inst``."""
        doc = self.model_dump(mode="json", exclude_unset=True)
        out: dict[str, Any] = {"name": self.name}
        for key, rows in instance_tables(doc, type(self)).items():
            if key != "settings":
                out[key] = pd.DataFrame(rows)
        for key in ("metadata", "units", "periods", "management", "consolidation", "designation", "portfolio",
                    "metrics"):
            if key in doc:
                out[key] = doc[key]
        return out

    # -- edits -------------------------------------------------------------------------------
    def _edited(self, doc: dict[str, Any]) -> Instance:
        return type(self).from_dict(doc, source="edit")

    def _doc(self) -> dict[str, Any]:
        # Only what was given: a field left unset keeps meaning "the default" (a preset's own
        # missing-data policy, say) in the edited instance.
        return self.model_dump(mode="json", exclude_unset=True)

    def with_pool(self, resource: str, pool: Mapping[str, Any] | BaseModel | None = None, /,
                  **changes: Any) -> Instance:
        """A new instance with the pool of ``resource`` (``land``, ``funds``, ``emissions``
        for what every pollutant shares, or a pollutant) replaced by ``pool``, and/or its
        fields ``changes`` set: ``inst.with_pool("land", total_mu=5000)``. Validated: an
        error names the field (``pools.land.total_mu``)."""
        return self._edited(edits.with_pool(self._doc(), resource, pool, changes))

    def with_rule(self, rule: Mapping[str, Any] | BaseModel, *, resource: str = "land") -> Instance:
        """A new instance with ``rule`` (a mapping or a rule model) replacing the rule of the
        same id among ``resource``'s rules (``land``: ``rules``; ``emissions``, a pollutant,
        ``funds``: that pool's rules), or added after them. Validated."""
        return self._edited(edits.with_rule(self._doc(), rule, resource))

    def without_rule(self, rule_id: str, *, resource: str | None = None) -> Instance:
        """A new instance without the rule ``rule_id`` (among ``resource``'s rules, or
        wherever it is). An unknown id is an :class:`InstanceError` listing the rules."""
        return self._edited(edits.without_rule(self._doc(), rule_id, resource))

    def with_zone_metrics(self, table: TableLike) -> Instance:
        """A new instance with zone figures from a table: one row per zone, named by its
        ``id`` column (or the DataFrame's index), and any columns of the zone table
        (:meth:`from_frames`), e.g. ``tax``, ``energy_reduction_tce``, ``emissions_SO2_t``,
        ``request_land_mu``. A blank cell keeps the zone's figure; an unknown zone is an
        error. Validated: an error names the field (``zones[3].metrics.tax``)."""
        return self._edited(edits.with_zone_metrics(self._doc(), table, type(self)))

    # -- lookups -----------------------------------------------------------------------------
    @property
    def zone_ids(self) -> list[str]:
        if isinstance(self.zones, TabularZones):
            return list(self.zones.ids)
        return [z.id for z in self.zones]

    def to_json(self, indent: int | None = 2) -> str:
        return self.model_dump_json(indent=indent, exclude_defaults=False)

    # -- derived values ----------------------------------------------------------------------
    def derived(self, key: str, make: Callable[[], T]) -> T:
        """A value computed once from this immutable instance and then reused: ``make()`` on
        the first call with ``key``, the same object after. ``make`` may read only the fields
        :data:`DERIVED_FROM` (the zone table, evaluation results). A copy of the instance
        (``model_copy``) shares the values while it shares those fields, and computes its own
        once it has others, e.g. other ``zones``. Two threads may both compute a value; the
        first one stored is kept."""
        basis = tuple(getattr(self, name) for name in DERIVED_FROM)
        cache = self._derived
        if not cache.holds_for(basis):
            # First use, or a copy (model_copy shares the private attributes) whose zones,
            # enterprises, evaluations or units are not those the values were computed from.
            cache = _Derived(basis)
            self._derived = cache
        values = cache.values
        if key not in values:
            values.setdefault(key, make())
        return values[key]


def zones_from_frame(frame: TableLike) -> list[dict[str, Any]]:
    """Rows of a zone table as zone dicts (the columns of :meth:`Instance.from_frames`).
    Unknown columns are passed on, for validation to name them; a cell that cannot be read
    (bad JSON text) raises :class:`InstanceError`."""
    asm = assemble(Instance, {"zones": frame_table("zones", frame)})
    if asm.issues:
        raise InstanceError(asm.issues, "tables")
    zones: list[dict[str, Any]] = asm.doc.get("zones", [])
    return zones
