"""A field of the schema reached by its path, as a table cell sees it: what values it takes
(:class:`Kind`: text, a number and its bounds, a yes/no, one of fixed choices, a list, a
mapping, or something only JSON text can write) and how a cell's value becomes that field's
JSON value (:func:`cell_value`). Tables (:mod:`zoneopt.instance.tables`), workbooks and the
fill-in template all read the schema through here, so a field added to a model reaches them
without a second list to keep in step."""

from __future__ import annotations

import functools
import json
import re
import types
import typing
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Union

from pydantic import BaseModel
from pydantic.fields import FieldInfo

Part = str | int
"""One step of a path: a field or mapping key (str), or a list index (int)."""

LIST_SEPARATORS = re.compile(r"[,，、;；\n]")
"""What separates the items of a list written as text: commas (also the Chinese 、 and ，),
semicolons or line breaks."""
TRUE_WORDS = frozenset({"是", "对", "真", "true", "yes", "y", "t", "on", "1"})
FALSE_WORDS = frozenset({"否", "不", "假", "false", "no", "n", "f", "off", "0"})
"""Yes/no typed as text in a cell (any case): Excel's TRUE and FALSE, and the words a cell's
text may carry. A JSON instance takes only true and false; a cell is read by these."""


@dataclass(frozen=True)
class Kind:
    """What values a field takes, merged over the members of a union."""

    text: bool = False
    free: bool = False
    """Any text (not only fixed choices)."""
    number: bool = False
    integer: bool = False
    boolean: bool = False
    choices: tuple[Any, ...] = ()
    items: Kind | None = None
    """A list (a tuple in the schema) of these."""
    values: Kind | None = None
    """A mapping from names to these."""
    nested: bool = False
    """A model, or a list or mapping of them: only JSON text writes it in one cell."""
    ge: float | None = None
    gt: float | None = None
    le: float | None = None
    lt: float | None = None
    description: str | None = field(default=None, compare=False)

    @property
    def flat(self) -> bool:
        """Whether one cell holds it as a plain value or a short list or mapping."""
        return not self.nested

    def merged(self, other: Kind) -> Kind:
        def both(a: Kind | None, b: Kind | None) -> Kind | None:
            return a if b is None else b if a is None else a.merged(b)

        def bound(a: float | None, b: float | None) -> float | None:
            # A number's bound holds for the union if every member that is a number has it.
            if not self.number:
                return b
            if not other.number:
                return a
            return a if a == b else None

        return Kind(text=self.text or other.text, free=self.free or other.free, number=self.number or other.number,
                    integer=self.integer or other.integer, boolean=self.boolean or other.boolean,
                    choices=tuple(dict.fromkeys(self.choices + other.choices)),
                    items=both(self.items, other.items), values=both(self.values, other.values),
                    nested=self.nested or other.nested,
                    ge=bound(self.ge, other.ge), gt=bound(self.gt, other.gt),
                    le=bound(self.le, other.le), lt=bound(self.lt, other.lt),
                    description=self.description or other.description)


# -- walking the schema ----------------------------------------------------------------------

_Candidate = tuple[Any, tuple[Any, ...], str | None]  # annotation, constraint metadata, description


def _expand(annotation: Any, metadata: tuple[Any, ...], description: str | None) -> list[_Candidate]:
    """The plain types an annotation stands for: Annotated, Optional and unions unwrapped,
    with the constraints met on the way."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        base, *extra = typing.get_args(annotation)
        more: list[Any] = []
        for e in extra:
            more += list(e.metadata) if isinstance(e, FieldInfo) else [e]
            if isinstance(e, FieldInfo) and e.description and not description:
                description = e.description
        return _expand(base, metadata + tuple(more), description)
    if origin is Union or origin is types.UnionType:
        out: list[_Candidate] = []
        for arg in typing.get_args(annotation):
            out += _expand(arg, metadata, description)
        return out
    return [(annotation, metadata, description)]


def _step(candidate: _Candidate, part: Part) -> list[_Candidate]:
    annotation, _, _ = candidate
    origin = typing.get_origin(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        info = annotation.model_fields.get(part) if isinstance(part, str) else None
        if info is None:
            return []
        return _expand(info.annotation, tuple(info.metadata), info.description)
    if origin in (tuple, list) and isinstance(part, int):
        args = [a for a in typing.get_args(annotation) if a is not Ellipsis]
        return [c for a in args[:1] for c in _expand(a, (), None)]
    if origin is dict and isinstance(part, str):
        return _expand(typing.get_args(annotation)[1], (), None)
    return []


def _candidates(root: type[BaseModel], path: Sequence[Part]) -> list[_Candidate]:
    current: list[_Candidate] = [(root, (), None)]
    for part in path:
        current = [n for c in current for n in _step(c, part)]
    return [e for c in current for e in _expand(*c)]


def resolves(root: type[BaseModel], path: Sequence[Part]) -> bool:
    """Whether ``path`` names a field (or a mapping entry, or a list item) under ``root``."""
    return bool(_candidates(root, path))


def kind_at(root: type[BaseModel], path: Sequence[Part]) -> Kind | None:
    """What the field at ``path`` under ``root`` takes (None: no such field). A step into a
    union of models (the rule types) reaches the field of every member that has it. List
    indexes do not matter; the answers are kept (the schema does not change)."""
    return _kind_at(root, tuple(0 if isinstance(p, int) else p for p in path))


@functools.lru_cache(maxsize=4096)
def _kind_at(root: type[BaseModel], path: tuple[Part, ...]) -> Kind | None:
    found = _candidates(root, path)
    if not found:
        return None
    kind = Kind()
    for annotation, metadata, description in found:
        kind = kind.merged(_kind_of(annotation, metadata, description))
    return kind


def _kind_of(annotation: Any, metadata: tuple[Any, ...], description: str | None) -> Kind:
    bounds = {name: getattr(m, name) for m in metadata for name in ("ge", "gt", "le", "lt")
              if getattr(m, name, None) is not None}
    origin = typing.get_origin(annotation)
    if annotation is type(None):
        return Kind(description=description)
    if annotation is bool:
        return Kind(boolean=True, description=description)
    if annotation is int:
        return Kind(number=True, integer=True, description=description, **bounds)
    if annotation is float:
        return Kind(number=True, description=description, **bounds)
    if annotation is str:
        return Kind(text=True, free=True, description=description)
    if origin is Literal:
        values = typing.get_args(annotation)
        return Kind(text=any(isinstance(v, str) for v in values), choices=values, description=description)
    if origin in (tuple, list):
        args = [a for a in typing.get_args(annotation) if a is not Ellipsis]
        items = Kind()
        for a in args[:1]:
            for c in _expand(a, (), None):
                items = items.merged(_kind_of(*c))
        nested = items.nested or items.items is not None or items.values is not None
        return Kind(items=items, nested=nested, description=description)
    if origin is dict:
        entries = Kind()
        for c in _expand(typing.get_args(annotation)[1], (), None):
            entries = entries.merged(_kind_of(*c))
        nested = entries.nested or entries.items is not None or entries.values is not None
        return Kind(values=entries, nested=nested, description=description)
    return Kind(nested=True, description=description)  # a model, or a type only JSON can write


def leaf_paths(model: type[BaseModel], skip: Sequence[str] = ()) -> list[tuple[str, ...]]:
    """The paths of ``model``'s fields that a cell can hold, in the schema's order: a field
    whose type is one model (or an optional one) is opened into its own fields; lists,
    mappings and unions of models stay one path (written as lists, ``key=value`` pairs or
    JSON). ``skip`` leaves out top-level fields."""
    out: list[tuple[str, ...]] = []
    for name, info in model.model_fields.items():
        if name in skip:
            continue
        inner = [a for a, _, _ in _expand(info.annotation, (), None) if a is not type(None)]
        if len(inner) == 1 and isinstance(inner[0], type) and issubclass(inner[0], BaseModel):
            out += [(name, *p) for p in leaf_paths(inner[0])]
        else:
            out.append((name,))
    return out


# -- cells to JSON values ----------------------------------------------------------------------

def number_text(value: float) -> str:
    """A number read where text is expected (an id typed as 101): ``101``, not ``101.0``."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def split_list(text: str) -> list[str]:
    return [p.strip() for p in LIST_SEPARATORS.split(text) if p.strip()]


def cell_value(value: Any, kind: Kind | None) -> Any:
    """A cell's value as the JSON value of a field that takes ``kind`` (None: unknown field,
    the value is passed on as it is for validation to name). Blank text is a missing value
    (None). Text becomes a list (``a, b``) or a mapping (``a=1, b=2``) where the field takes
    one, JSON where it starts with ``[`` or ``{`` (and must, for a nested section), ``是``/``否``
    a yes/no, a number where the field takes a number and not text; a number becomes text
    where the field takes text only (an id typed as 101).
    Raises ValueError, with a message for people, for text that cannot be read."""
    if value is None or kind is None:
        return value
    if isinstance(value, str):
        return _text_value(value, kind)
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        if kind.boolean and not kind.number and value in (0, 1):
            return bool(value)  # a yes/no typed as 1 or 0
        if kind.number or kind.boolean:
            return value
        if kind.text:
            return number_text(value)
        if kind.items is not None:
            return [cell_value(value, kind.items)]
        return value
    if isinstance(value, (list, tuple)) and kind.items is not None:
        return [cell_value(v, kind.items) if not isinstance(v, (dict, list)) else v for v in value]
    return value


def _text_value(value: str, kind: Kind) -> Any:
    s = value.strip()
    if not s:
        return None
    structured = kind.nested or kind.items is not None or kind.values is not None
    if structured and s[0] in "[{":
        try:
            return json.loads(s)
        except json.JSONDecodeError as exc:
            raise ValueError(f"not valid JSON: {exc.msg} at character {exc.pos + 1}") from None
    if kind.text:
        return value  # as given: a sheet's cells are stripped when read; a frame's text is the caller's
    if kind.nested:
        raise ValueError("write this as JSON text: {...} or [...]")
    if kind.items is not None:
        return [cell_value(p, kind.items) for p in split_list(s)]
    if kind.values is not None and not (kind.number and _is_number(s)):
        return _pairs(s, kind.values)
    if kind.boolean and not (kind.number and _is_number(s)) and (s.lower() in TRUE_WORDS or s.lower() in FALSE_WORDS):
        return s.lower() in TRUE_WORDS
    if kind.number and _is_number(s):
        return int(s) if s.lstrip("+-").isdigit() else float(s)
    return s


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _pairs(text: str, values: Kind) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in split_list(text):
        key, sep, val = item.replace("＝", "=").partition("=")
        if not sep or not key.strip():
            raise ValueError(f"write name=value pairs separated by commas (e.g. a=10, b=20), got {item!r}")
        out[key.strip()] = cell_value(val.strip(), values)
    return out


# -- JSON values to cells --------------------------------------------------------------------

def _plain(item: Any) -> bool:
    return not isinstance(item, str) or not (LIST_SEPARATORS.search(item) or "=" in item or item[:1] in "[{")


def cell_text(value: Any, kind: Kind | None) -> Any:
    """The inverse of :func:`cell_value`: a field's JSON value as a cell (a number, yes/no or
    text; a list as ``a, b``, a mapping as ``a=1, b=2``, anything else as JSON text), chosen
    so that :func:`cell_value` reads back the same value."""
    if isinstance(value, (list, tuple)):
        if kind is not None and not kind.nested and not kind.text and all(
                isinstance(v, (str, int, float)) and not isinstance(v, bool) and _plain(v) for v in value) and value:
            return ", ".join(number_text(v) if not isinstance(v, str) else v for v in value)
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        if kind is not None and not kind.nested and kind.values is not None and not kind.text and value and all(
                _plain(k) and isinstance(v, (int, float)) and not isinstance(v, bool) for k, v in value.items()):
            return ", ".join(f"{k}={number_text(v)}" for k, v in value.items())
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, str) and kind is not None and not kind.text:
        # Text where a list, mapping or number goes would be read as one: keep it as JSON text.
        return json.dumps(value, ensure_ascii=False) if (kind.items or kind.values or kind.nested) else value
    return value

