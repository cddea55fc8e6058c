"""Validation errors as issues (:class:`~zoneopt.errors.Issue`) that name the JSON path at fault,
in plain words and in the input's own terms: a value is "a number", "a string", "true or
false", "an array" or "an object", as JSON says, never a Python type; and an evaluation's
path carries its id (``evaluations[0] (muju-2022).weighting.pairwise[0][1]``)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

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


def json_value(v: Any, limit: int = 40) -> str:
    """A value as JSON writes it, for messages: ``"1000"`` (a string), ``true``, ``null``, ``3``;
    an array or an object by its kind."""
    if isinstance(v, (list, tuple)):
        return "an array"
    if isinstance(v, (dict, BaseModel)):
        return "an object"
    if isinstance(v, str):
        text = json.dumps(v, ensure_ascii=False)
        return f"the string {text if len(text) <= limit else text[:limit - 4] + '…' + chr(34)}"
    if isinstance(v, bool) or v is None:
        return json.dumps(v)
    if isinstance(v, (int, float)):
        return f"{v:g}" if isinstance(v, float) else str(v)
    return type(v).__name__


def _num(v: Any) -> str:
    return f"{v:g}" if isinstance(v, (int, float)) else str(v)


# What a value must be, by pydantic's error type, in JSON's words.
_EXPECTED = {
    "float_type": "a number", "float_parsing": "a number", "int_type": "a whole number",
    "int_parsing": "a whole number", "int_from_float": "a whole number", "bool_type": "true or false",
    "bool_parsing": "true or false", "string_type": "a string", "tuple_type": "an array",
    "list_type": "an array", "dict_type": "an object", "model_type": "an object",
    "model_attributes_type": "an object", "none_required": "null",
}


def _describe(err: Mapping[str, Any]) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    value = err.get("input")
    if kind in _EXPECTED:
        return f"must be {_EXPECTED[kind]}, got {json_value(value)}"
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
        shown = repr(value) if isinstance(value, str) else json_value(value)
        return f"{shown} is not one of {ctx.get('expected')}"
    if kind == "union_tag_invalid":
        return f"unknown rule type {ctx.get('tag')!r}; expected one of {ctx.get('expected_tags')}"
    if kind == "union_tag_not_found":
        return "a rule needs a 'type' field"
    if kind == "too_short" and value in ([], ()):
        return "must not be empty"
    if kind == "string_pattern_mismatch":
        return f"{value!r} must not be empty or start or end with white space"
    msg = str(err.get("msg", kind))
    return msg[len("Value error, "):] if msg.startswith("Value error, ") else msg


# The rule unions' tags: pydantic puts them in an error's location, a JSON path does not. Used
# when the input is not at hand to tell a tag from a key.
_UNION_TAGS = {"zone_bounds", "request_cap", "group_bounds", "exclude", "tilt", "lock",
               "leverage_cap", "count_target", "share_target"}
_MISSING = object()


def _child(node: Any, part: int | str) -> Any:
    """``node[part]`` (a JSON object's key, an array's item, a model's field), or _MISSING."""
    if isinstance(part, int):
        return node[part] if isinstance(node, (list, tuple)) and -len(node) <= part < len(node) else _MISSING
    if isinstance(node, Mapping):
        return node.get(part, _MISSING)
    if isinstance(node, BaseModel) and part in type(node).model_fields:
        return getattr(node, part)
    return _MISSING


def _clean_loc(loc: Sequence[int | str], data: Any, kind: str) -> tuple[list[int | str], int | None]:
    """The JSON path of an error's location, without the union members pydantic names in it
    (``cap_mu.constrained-float``), and where the last such member was (None: no union)."""
    out: list[int | str] = []
    union_at: int | None = None
    node = data
    for k, part in enumerate(loc):
        child = _child(node, part) if node is not _MISSING else _MISSING
        if child is not _MISSING or isinstance(part, int):
            out.append(part)
            node = child
        elif node is _MISSING:  # below a value that is not there: keep what pydantic says
            if not (isinstance(part, str) and part in _UNION_TAGS):
                out.append(part)
        elif k == len(loc) - 1 and kind in ("missing", "extra_forbidden"):
            out.append(part)  # a missing field (or an unknown one on a model instance)
            node = _MISSING
        elif isinstance(node, Mapping) and node.get("type") == part:
            continue  # a rule's tag: the rule is the same object
        else:
            union_at = len(out)  # a member of a union of types: the value stays where it is
    return out, union_at


def issues_from_validation(exc: ValidationError, data: Any = _MISSING) -> list[Issue]:
    """One issue per error of ``exc``; given the validated ``data``, a value that fits none of
    a union's types gets one issue saying what it may be, and a value that fits one of them
    but fails its bounds gets that member's issue alone."""
    found: list[tuple[str, str | None]] = []  # (path, message) or (union path, None), in order
    unions: dict[str, list[tuple[Mapping[str, Any], bool]]] = {}
    for err in exc.errors():
        loc, union_at = _clean_loc(err["loc"], data, err["type"])
        if union_at is None:
            found.append((json_path(loc), _describe(err)))
        else:
            base = json_path(loc[:union_at])
            unions.setdefault(base, []).append((err, union_at == len(loc)))
            found.append((base, None))
    issues: list[Issue] = []
    for path, message in found:
        if message is not None:
            issues.append(Issue(path, message))
            continue
        errors = unions.pop(path, None)
        if errors is None:  # this union's issues are in already
            continue
        misses = [e for e, at in errors if at and e["type"] in _EXPECTED]
        others = [e for e, at in errors if not (at and e["type"] in _EXPECTED)]
        for e in others:  # the value fits a member's type: that member's complaint is the one
            loc, _ = _clean_loc(e["loc"], data, e["type"])
            issues.append(Issue(json_path(loc), _describe(e)))
        if misses and not others:
            kinds = list(dict.fromkeys(_EXPECTED[e["type"]] for e in misses))
            expected = ", ".join(kinds[:-1]) + " or " + kinds[-1] if len(kinds) > 1 else kinds[0]
            issues.append(Issue(path, f"must be {expected}, got {json_value(misses[0].get('input'))}"))
    return list(dict.fromkeys(issues))


_EVALUATION = re.compile(r"^evaluations\[(\d+)\](?=$|[.\[])")


def with_evaluation_ids(issues: Iterable[Issue], ids: Sequence[Any]) -> list[Issue]:
    """Issues whose path is inside ``evaluations[k]`` with the evaluation's id after it, as in
    ``evaluations[0] (muju-2022).weighting.pairwise[0][1]`` (``ids[k]``: the id, or anything
    else when it has none)."""
    def named(path: str) -> str:
        m = _EVALUATION.match(path)
        if m is None or " (" in path[m.end():m.end() + 2]:
            return path
        k = int(m.group(1))
        ident = ids[k] if k < len(ids) else None
        return f"{m.group(0)} ({ident}){path[m.end():]}" if isinstance(ident, str) and ident else path

    return [Issue(named(i.path), i.message) for i in issues]


_NAMED_EVALUATION = re.compile(r"^(evaluations\[\d+\]) \(.*?\)(?=$|[.\[])")


def plain_json_path(path: str) -> str:
    """``path`` without an evaluation's id (:func:`with_evaluation_ids` undone): a JSON path."""
    return _NAMED_EVALUATION.sub(r"\1", path, count=1)


def evaluation_ids(data: Any) -> list[Any]:
    """The ``id`` of each evaluation of a parsed instance (None where it has none)."""
    evaluations = data.get("evaluations") if isinstance(data, Mapping) else None
    if not isinstance(evaluations, (list, tuple)):
        return []
    return [e.get("id") if isinstance(e, Mapping) else getattr(e, "id", None) for e in evaluations]
