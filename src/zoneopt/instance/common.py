"""What every part of an instance shares: the strict base model, the units and the metadata,
the identifier, quantity and array types, the base of every rule (id, source clause, note),
and the check that a list of years runs on without gaps.

Strict types, as the published JSON Schema states them: a number is a JSON number (not a
string such as ``"1000"``, not ``true``), a boolean is ``true`` or ``false`` (not ``"yes"`` or
``1``), a string is a string, an integer a whole number. pydantic's strict mode says so for
every field; :data:`Array` keeps JSON arrays (Python lists) acceptable where the model holds a
tuple, and :data:`Int` takes a whole number written as ``2021.0``, which JSON Schema counts as
an integer too, so the schema and the loader agree on every value.
"""

from __future__ import annotations

import numbers
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, Strict

Level = Literal["national", "provincial", "other"]
Kind = Literal["etdz", "hitech", "cluster", "bonded", "other"]
Grade = Literal["A", "B", "C", "D"]
GroupBy = Literal["city", "county", "level", "kind", "tag"]
MoneyUnit = Literal["yuan", "wan_yuan", "yi_yuan"]
Language = Literal["zh", "en"]

T = TypeVar("T")

Array = Annotated[tuple[T, ...], Strict(False)]
"""A JSON array held as a tuple: a list or a tuple is taken (pydantic's strict mode takes only
a tuple); its items stay strict."""


def _whole(v: Any) -> Any:
    # 2021.0 is an integer to JSON Schema; a numpy integer is one to Python. Not a bool.
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, numbers.Integral) and not isinstance(v, bool):
        return int(v)
    return v


Int = Annotated[int, BeforeValidator(_whole)]
"""An integer: a JSON whole number (``3`` or ``3.0``), never a string or a boolean."""

NonNeg = Annotated[float, Field(ge=0)]
Positive = Annotated[float, Field(gt=0)]
Share = Annotated[float, Field(ge=0, le=1)]
Ident = Annotated[str, Field(min_length=1, max_length=200, pattern=r"^\S(.*\S)?$")]

MONEY_LABEL: dict[str, str] = {"yuan": "yuan", "wan_yuan": "万元 (1e4 yuan)", "yi_yuan": "亿元 (1e8 yuan)"}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=True, strict=True,
                              str_strip_whitespace=False, validate_default=True)


class Units(_Strict):
    """Units of the instance. Land is always mu, energy tce, emissions tonnes; money is one
    stated unit for every money field (tax, value added, revenue, R&D spending)."""

    land: Literal["mu"] = "mu"
    money: MoneyUnit = "wan_yuan"
    money_display: MoneyUnit | None = Field(
        None, description="the unit tables and reports show money amounts in (亿元 for a province's plan); "
                          "rates per mu or per t stay in `money`; default: `money`")
    energy: Literal["tce"] = "tce"
    emissions: Literal["t"] = "t"


class Metadata(_Strict):
    """Where the instance comes from. ``synthetic`` must be true for made-up data."""

    description: str = ""
    synthetic: bool = False
    source: str = ""
    region: str = ""
    year: Int | None = None
    notes: str = ""
    language: Language | None = Field(
        None, description="the language of printed tables, exports and reports (zh or en; default en); "
                          "the command line's --lang overrides it")


class _Rule(_Strict):
    id: Ident
    source: str | None = Field(None, description="the policy clause, e.g. '2017 §六(一)'")
    # None (not stated) is read as false and left out of dumps, so instances written before the
    # field existed are written byte for byte the same.
    assumption: bool | None = Field(None, description="true: the rule's number is not in its cited clause, it is "
                                                      "an assumption of the plan's authors (outputs mark it)")
    note: str | None = None

    @property
    def cited(self) -> str | None:
        """The source as outputs show it: the clause, marked ``(assumption)`` when the rule's
        number is not in it (``assumption``), or ``assumption`` alone when no clause is cited."""
        if not self.assumption:
            return self.source
        return f"{self.source} (assumption)" if self.source else "assumption"


def every_rule(model: BaseModel, skip: tuple[str, ...] = ()) -> list[tuple[str, _Rule]]:
    """Every rule inside ``model`` — of any resource, a target, a ramp, a management step —
    with its JSON path, in field order. The top-level fields ``skip`` are not searched (the
    zones hold no rule, and searching 100k of them takes a while)."""
    out: list[tuple[str, _Rule]] = []

    def walk(node: Any, path: str) -> None:
        if isinstance(node, _Rule):
            out.append((path, node))
        if isinstance(node, BaseModel):
            for name in type(node).model_fields:
                if not (path == "" and name in skip):
                    walk(getattr(node, name), f"{path}.{name}" if path else name)
        elif isinstance(node, (tuple, list)):
            for k, item in enumerate(node):
                walk(item, f"{path}[{k}]")
        elif isinstance(node, dict):
            for key, item in node.items():
                walk(item, f"{path}.{key}")

    walk(model, "")
    return out


def _consecutive(years: tuple[int, ...]) -> tuple[int, ...]:
    if any(b != a + 1 for a, b in zip(years, years[1:], strict=False)):
        raise ValueError(f"years must be consecutive and increasing, got {list(years)}")
    return years
