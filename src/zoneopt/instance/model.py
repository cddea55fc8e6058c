"""The instance: the zones, pools, rules and objective and every other domain's settings in one
validated, immutable model, and the values derived from it once and reused."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal, TypeVar

import pandas as pd
from pydantic import Field, PrivateAttr, ValidationError, field_validator, model_validator
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from zoneopt.errors import InstanceError
from zoneopt.instance.checks import cross_check
from zoneopt.instance.common import Array, Ident, Metadata, Units, _Strict
from zoneopt.instance.consolidation import Consolidation
from zoneopt.instance.evaluation import Evaluation
from zoneopt.instance.frames import is_missing, zones_from_frame
from zoneopt.instance.issues import evaluation_ids, issues_from_validation, with_evaluation_ids
from zoneopt.instance.management import Management
from zoneopt.instance.periods import Periods
from zoneopt.instance.pools import Objective, Pools
from zoneopt.instance.portfolio import Portfolio, Project
from zoneopt.instance.rules import Rule
from zoneopt.instance.scenarios import Scenario
from zoneopt.instance.zones import Enterprise, Zone

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
    zones: Array[Zone]
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
    def from_dict(cls, data: Any, source: str | None = None) -> Instance:
        """Validate a parsed JSON document; raise :class:`InstanceError` with JSON paths (an
        evaluation's with its id). Types are strict, as the JSON Schema states them: a number
        must be a number, not a string or a boolean (see :mod:`zoneopt.instance.common`)."""
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            issues = issues_from_validation(exc, data)
        except InstanceError as exc:
            issues = list(exc.issues)
        raise InstanceError(with_evaluation_ids(issues, evaluation_ids(data)), source) from None

    @classmethod
    def from_frames(cls, zones: pd.DataFrame, *, name: str, pools: Mapping[str, Any] | None = None,
                    rules: Sequence[Mapping[str, Any]] | pd.DataFrame = (),
                    objective: Mapping[str, Any] | None = None,
                    metadata: Mapping[str, Any] | None = None,
                    units: Mapping[str, Any] | None = None) -> Instance:
        """Build an instance from a zone table (one row per zone).

        Columns: ``id, city, land_area_mu`` (required); ``name, county, level, kind, grade,
        score``; ``tags`` (a list or a comma-separated string); metrics ``tax, value_added,
        revenue, rd_spending, energy_tce, employees``; ``emissions_<pollutant>_t`` for each
        pollutant; ``request_land_mu``. Empty cells are missing values. Unknown columns are
        rejected. Errors name ``zones[<row>].<field>``.
        """
        data: dict[str, Any] = {"name": name, "zones": zones_from_frame(zones)}
        if pools is not None:
            data["pools"] = dict(pools)
        if isinstance(rules, pd.DataFrame):
            rules = [{k: v for k, v in r.items() if not is_missing(v)} for r in rules.to_dict("records")]
        data["rules"] = list(rules)
        for key, value in (("objective", objective), ("metadata", metadata), ("units", units)):
            if value is not None:
                data[key] = dict(value)
        return cls.from_dict(data, source="tables")

    # -- lookups -----------------------------------------------------------------------------
    @property
    def zone_ids(self) -> list[str]:
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
