"""Validation errors as issues (:class:`~zoneopt.errors.Issue`) that name the JSON path at fault,
in plain words."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import ValidationError

from zoneopt.errors import Issue


def json_path(loc: Iterable[int | str]) -> str:
    """``("zones", 12, "land_area_mu")`` → ``zones[12].land_area_mu``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _num(v: Any) -> str:
    return f"{v:g}" if isinstance(v, (int, float)) else str(v)


def _describe(err: Mapping[str, Any]) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    value = err.get("input")
    if kind == "greater_than":
        return f"must be > {_num(ctx.get('gt'))}, got {value!r}"
    if kind == "greater_than_equal":
        return f"must be >= {_num(ctx.get('ge'))} (no negative quantities), got {value!r}"
    if kind == "less_than_equal":
        return f"must be <= {_num(ctx.get('le'))}, got {value!r}"
    if kind == "finite_number":
        return "must be a finite number (NaN and infinity are not allowed)"
    if kind == "extra_forbidden":
        return "unknown field (a typo?)"
    if kind == "missing":
        return "required field is missing"
    if kind == "literal_error":
        return f"{value!r} is not one of {ctx.get('expected')}"
    if kind == "union_tag_invalid":
        return f"unknown rule type {ctx.get('tag')!r}; expected one of {ctx.get('expected_tags')}"
    if kind == "union_tag_not_found":
        return "a rule needs a 'type' field"
    if kind == "too_short" and value == []:
        return "must not be empty"
    if kind == "string_pattern_mismatch":
        return f"{value!r} must not be empty or start or end with white space"
    msg = str(err.get("msg", kind))
    return msg[len("Value error, "):] if msg.startswith("Value error, ") else msg


# The rule unions' tags: pydantic puts them in an error's location, a JSON path does not.
_UNION_TAGS = {"zone_bounds", "request_cap", "group_bounds", "exclude", "tilt", "lock",
               "leverage_cap", "count_target", "share_target"}


def issues_from_validation(exc: ValidationError) -> list[Issue]:
    issues = []
    for err in exc.errors():
        loc = [p for p in err["loc"] if not (isinstance(p, str) and p in _UNION_TAGS)]
        issues.append(Issue(json_path(loc), _describe(err)))
    return issues

