"""Edits of an instance document (what ``Instance.model_dump(mode="json", exclude_unset=True)``
gives): a pool replaced or changed, a rule added or replaced, a rule left out, zone figures
from a table. :class:`~zoneopt.instance.model.Instance` validates the edited document into a new
instance (``with_pool``, ``with_rule``, ``without_rule``, ``with_zone_metrics``), so a bad
edit is reported like any invalid field, by its JSON path."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

import pandas as pd
from pydantic import BaseModel

from zoneopt.errors import InstanceError, Issue
from zoneopt.instance.frames import TableLike, frame_table
from zoneopt.instance.issues import json_path
from zoneopt.instance.sheets import assemble, pool_path
from zoneopt.instance.tables import Path, get, put


def rule_list_path(resource: str) -> Path:
    """Where a resource's rules are (``land``: the plan's ``rules``)."""
    return ("rules",) if resource == "land" else (*pool_path(resource), "rules")


def _plain(value: Mapping[str, Any] | BaseModel) -> dict[str, Any]:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_unset=True)
    return copy.deepcopy(dict(value))


def with_pool(doc: dict[str, Any], resource: str, pool: Mapping[str, Any] | BaseModel | None,
              changes: Mapping[str, Any]) -> dict[str, Any]:
    """``doc`` with the pool of ``resource`` replaced by ``pool`` (when given) and then its
    fields ``changes`` set (a new pool when there was none)."""
    at = pool_path(resource)
    if pool is None and not changes:
        raise InstanceError([Issue(json_path(at), "give the pool, or the fields to change")])
    current = _plain(pool) if pool is not None else copy.deepcopy(get(doc, at) or {})
    for key, value in changes.items():
        current[key] = _plain(value) if isinstance(value, BaseModel) else value
    put(doc, at, current)
    return doc


def with_rule(doc: dict[str, Any], rule: Mapping[str, Any] | BaseModel, resource: str) -> dict[str, Any]:
    """``doc`` with ``rule`` replacing the rule of its id in ``resource``'s rules, or added at
    their end."""
    new = _plain(rule)
    at = rule_list_path(resource)
    rules = list(get(doc, at) or [])
    ids = [r.get("id") for r in rules]
    if new.get("id") in ids:
        rules[ids.index(new.get("id"))] = new
    else:
        rules.append(new)
    put(doc, at, rules)
    return doc


def _rule_lists(doc: dict[str, Any]) -> list[Path]:
    pollutants = get(doc, ("pools", "emissions", "pollutants")) or {}
    return [rule_list_path("land"), rule_list_path("emissions"), *(rule_list_path(p) for p in pollutants),
            rule_list_path("funds")]


def without_rule(doc: dict[str, Any], rule_id: str, resource: str | None) -> dict[str, Any]:
    """``doc`` without the rule ``rule_id`` (in ``resource``'s rules, or wherever it is)."""
    lists = [rule_list_path(resource)] if resource is not None else _rule_lists(doc)
    for at in lists:
        rules = get(doc, at) or []
        kept = [r for r in rules if r.get("id") != rule_id]
        if len(kept) < len(rules):
            put(doc, at, kept)
            return doc
    known = [str(r.get("id")) for at in lists for r in get(doc, at) or []]
    where = json_path(lists[0]) if resource is not None else "rules"
    raise InstanceError([Issue(where, f"no rule {rule_id!r}; the rules are: {', '.join(known) or 'none'}")])


def _merge(into: dict[str, Any], new: Mapping[str, Any]) -> None:
    for key, value in new.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value


def with_zone_metrics(doc: dict[str, Any], table: TableLike, root: type[BaseModel]) -> dict[str, Any]:
    """``doc`` with zone figures from a zone table (the columns of the zone table, e.g. ``tax``,
    ``emissions_SO2_t``, ``request_land_mu``), one row per zone named by its ``id`` column
    (or, without one, by the DataFrame's index). A blank cell keeps the zone's figure."""
    if isinstance(table, pd.DataFrame) and "id" not in table.columns:
        table = table.rename_axis("id").reset_index()
    asm = assemble(root, {"zones": frame_table("zone_metrics", table)})
    if asm.issues:
        raise InstanceError(asm.issues, "zone metrics")
    zones = doc.get("zones") or []
    index = {z.get("id"): k for k, z in enumerate(zones)}
    issues = []
    for row, rec in enumerate(asm.doc.get("zones", [])):
        k = index.get(rec.get("id"))
        if k is None:
            issues.append(Issue(f"zone metrics row {row}", f"no zone {rec.get('id')!r} in the instance"))
            continue
        _merge(zones[k], rec)
    if issues:
        raise InstanceError(issues, "zone metrics")
    return doc
