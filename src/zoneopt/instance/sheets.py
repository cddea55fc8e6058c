"""The instance as the tables an analyst keeps: which table holds which part of an instance,
their columns, the instance document the tables make (:func:`assemble`) and an instance's
tables (:func:`instance_tables`, their inverse). :meth:`Instance.from_frames` and
:meth:`Instance.to_frames` use them with DataFrames, the workbook reader and the fill-in
template with sheets.

The tables:

* ``zones``: one row per zone, flat columns (:data:`ZONE_LAYOUT`): ``tax`` is
  ``metrics.tax`` (every metric likewise), ``emissions_SO2_t`` is ``metrics.emissions_t.SO2``,
  ``metric_<name>`` a named metric (``metrics.named.<name>``), ``request_land_mu`` is
  ``requests.land_mu``, ``request_SO2_t`` is
  ``requests.emissions_t.SO2``, ``request_funds`` / ``request_funds_investment`` /
  ``request_funds_expected_tax`` the fund request, ``lon``/``lat`` (or ``x_km``/``y_km``)
  the location;
* ``pools``: one row per ``resource`` — ``land``, ``funds``, a pollutant, or ``emissions`` for
  what every pollutant shares: ``total`` (``total_mu``, ``budget``, ``total_t``), ``exact``,
  ``step`` (``parcel_mu``, ``tranche``), ``source``, the resource's objective as
  ``objective.*`` (on the land row: the plan's ``objective``) and any other field of the pool
  (``sector_priority``);
* ``rules``: one row per rule; ``resource`` (blank: land) and ``scenario`` (blank: the base
  plan; else a land rule of that scenario) say where it goes; ``floor``, ``cap`` and
  ``values`` are in the resource's unit (mu for land, where the schema says ``floor_mu`` …);
* ``evaluations`` (one row each) and ``criteria`` (one row per criterion, ``evaluation``
  naming its evaluation); ``scenarios``; ``projects`` (``emissions_<pollutant>_t``);
  ``enterprises`` (flat metrics, as zones);
* ``settings``: ``key`` (a dotted path: ``name``, ``metadata.synthetic``, ``units.money``,
  ``periods``) and ``value``.

Any other column is a dotted path into its row's part of the schema (``select.cities``,
``weighting.method``, ``pools.land.total_mu`` for a scenario). A cell holds a number, yes/no,
text, a list (``a, b``), a mapping (``a=1, b=2``) or JSON text (:mod:`zoneopt.instance.fields`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pydantic import BaseModel

from zoneopt.errors import Issue
from zoneopt.instance.fields import Kind, cell_text, kind_at
from zoneopt.instance.portfolio import Project
from zoneopt.instance.tables import Assembly, Layout, Path, Table, flatten, get
from zoneopt.instance.zones import Enterprise, FundRequest, Location, Metrics, Zone

TABLES = ("settings", "zones", "pools", "evaluations", "criteria", "scenarios", "rules", "projects", "enterprises")
"""Every table, in the order they are assembled (a rule names its pool and scenario, a
criterion its evaluation)."""
RESOURCE_WORDS = ("land", "emissions", "funds")
"""What a rules or pools row's ``resource`` names besides a pollutant."""


def _metric_columns() -> dict[str, Path]:
    return {name: ("metrics", name) for name in Metrics.model_fields if name not in ("emissions_t", "named")}


def _zone_columns() -> dict[str, Path]:
    out: dict[str, Path] = {}
    for name in Zone.model_fields:
        if name == "metrics":
            out.update(_metric_columns())
        elif name == "requests":
            out["request_land_mu"] = ("requests", "land_mu")
            out.update({"request_funds" if f == "amount" else f"request_funds_{f}": ("requests", "funds", f)
                        for f in FundRequest.model_fields})
        elif name == "location":
            out.update({f: ("location", f) for f in Location.model_fields})
        else:
            out[name] = (name,)
    return out


NAMED_METRIC = ("metric_", "", ("metrics", "named"))
"""A named metric's column (``metric_<name>``), declared in the instance's ``metrics``."""
ZONE_LAYOUT = Layout(_zone_columns(), (("emissions_", "_t", ("metrics", "emissions_t")),
                                       ("request_", "_t", ("requests", "emissions_t")), NAMED_METRIC))
"""The zone table's columns: every field of :class:`~zoneopt.instance.zones.Zone`, flat."""
ENTERPRISE_LAYOUT = Layout({**{n: (n,) for n in Enterprise.model_fields if n != "metrics"}, **_metric_columns()},
                           (("emissions_", "_t", ("metrics", "emissions_t")), NAMED_METRIC))
PROJECT_LAYOUT = Layout({n: (n,) for n in Project.model_fields if n not in ("emissions_t", "metrics")},
                        (("emissions_", "_t", ("emissions_t",)), ("metric_", "", ("metrics",))))
LAND_RULE_LAYOUT = Layout({"floor": ("floor_mu",), "cap": ("cap_mu",), "values": ("values_mu",)},
                          routing=("resource", "scenario"))
RESOURCE_RULE_LAYOUT = Layout(routing=("resource", "scenario"))
CRITERIA_LAYOUT = Layout(routing=("evaluation",))
PLAIN_LAYOUT = Layout()
POOL_COLUMNS: dict[str, dict[str, str]] = {
    "land": {"total": "total_mu", "step": "parcel_mu"},
    "funds": {"total": "budget", "step": "tranche"},
    "pollutant": {"total": "total_t"},
    "emissions": {},
}
"""The pools table's ``total`` and ``step`` columns, by the kind of row."""

_RECORD_TABLES: dict[str, tuple[Layout, Path]] = {
    "zones": (ZONE_LAYOUT, ("zones",)),
    "evaluations": (PLAIN_LAYOUT, ("evaluations",)),
    "scenarios": (PLAIN_LAYOUT, ("scenarios",)),
    "projects": (PROJECT_LAYOUT, ("projects",)),
    "enterprises": (ENTERPRISE_LAYOUT, ("enterprises",)),
}
_WHOLE_FIELDS = frozenset({"zones", "pools", "rules", "evaluations", "scenarios", "projects", "enterprises"})
"""The top-level fields a table of that name gives whole: an error on the field itself names the table."""


# -- tables to a document --------------------------------------------------------------------------

def assemble(root: type[BaseModel], tables: Mapping[str, Table], base: Mapping[str, Any] | None = None) -> Assembly:
    """The instance document ``tables`` make on top of ``base`` (fields given whole). Problems
    found on the way (unreadable cells, unknown columns and settings, rows naming a pool,
    scenario or evaluation that is not there) are the assembly's ``issues``; validating the
    document is the caller's."""
    asm = Assembly(root, base)
    for name in TABLES:
        table = tables.get(name)
        if table is None:
            continue
        if table.located and table.where_table and name in _WHOLE_FIELDS:
            asm.locator.tables[name] = table.where_table
        if name == "settings":
            _settings(asm, table)
        elif name == "pools":
            _pools(asm, table)
        elif name == "rules":
            _rules(asm, table)
        elif name == "criteria":
            _criteria(asm, table)
        else:
            _records(asm, table, *_RECORD_TABLES[name])
    return asm


def _records(asm: Assembly, table: Table, layout: Layout, at: Path) -> None:
    """A table of records (one per row) appended to the list at ``at``."""
    asm.check_headers(table, lambda h: asm.knows((*at, 0, *(layout.path(h) or ()))))
    if at == ("zones",) and "zones" not in asm.doc:
        asm.doc["zones"] = []  # an empty zones table is an empty zone list, which validation names
    for i in range(len(table.rows)):
        asm.append(table, i, layout, at)


def _settings(asm: Assembly, table: Table) -> None:
    key_col, value_col = table.column("key"), table.column("value")
    if key_col is None or value_col is None:
        asm.issues.append(Issue(table.where_table or table.name, "the settings need the columns 'key' and 'value'"))
        return
    asm.check_headers(table, lambda h: h in ("key", "value"))
    for i in range(len(table.rows)):
        key = table.text(i, "key")
        if key is None:
            if table.rows[i][value_col] is not None:
                asm.issues.append(Issue(table.cell(i, key_col), "a value without a key"))
            continue
        path = tuple(key.split("."))
        if not asm.knows(path):
            asm.issues.append(Issue(table.cell(i, key_col), f"unknown setting {key!r} (a typo?); the README sheet "
                                                            "lists them"))
            continue
        v = asm.value(table, i, value_col, path)
        if v is not None:
            asm.give(path, v, table.cell(i, value_col))
            asm.register(table, i, (path,), ((value_col, path),))


def _pool_kind(resource: str) -> str:
    return resource if resource in RESOURCE_WORDS else "pollutant"


def pool_path(resource: str) -> Path:
    """Where a resource's pool is: ``land``, ``funds``, ``emissions`` (what every pollutant
    shares) or a pollutant's."""
    return {"land": ("pools", "land"), "funds": ("pools", "funds"),
            "emissions": ("pools", "emissions")}.get(resource, ("pools", "emissions", "pollutants", resource))


def pool_column(resource: str, header: str) -> Path | str:
    """Where a pools row's column goes, or why it cannot."""
    kind = _pool_kind(resource)
    base = pool_path(resource)
    if header in ("total", "step"):
        name = POOL_COLUMNS[kind].get(header)
        if name is None:
            return ("the 'emissions' row holds what every pollutant shares (its objective): give each pollutant's "
                    "pool on a row of its own" if kind == "emissions" else "a pollutant's pool has no step")
        return (*base, name)
    if header.startswith("objective."):
        if kind == "pollutant":
            return "the emission objective is on the 'emissions' row"
        return (("objective",) if kind == "land" else (*base, "objective")) + tuple(header.split(".")[1:])
    return (*base, *header.split("."))


def _pools(asm: Assembly, table: Table) -> None:
    col = table.column("resource")
    if col is None:
        asm.issues.append(Issue(table.where_table or table.name, "the pools need a 'resource' column"))
        return

    def known(h: str) -> bool:
        return h == "resource" or any(isinstance(p, tuple) and asm.knows(p) for p in
                                      (pool_column(r, h) for r in ("land", "funds", "emissions", "SO2")))

    asm.check_headers(table, known)
    seen: dict[str, str] = {}
    for i in range(len(table.rows)):
        resource = table.text(i, "resource")
        if resource is None:
            if any(v is not None for v in table.rows[i]):
                asm.issues.append(Issue(table.cell(i, col), "name the resource: land, funds, emissions or a pollutant"))
            continue
        if resource in seen:
            asm.issues.append(Issue(table.cell(i, col), f"resource {resource!r} is also on {seen[resource]}"))
            continue
        seen[resource] = table.row(i)
        cols = []
        for j, h in enumerate(table.headers):
            if j == col or (table.check_headers and not known(h)):
                continue
            target = pool_column(resource, h)
            if isinstance(target, tuple):
                cols.append((j, target))
            if table.rows[i][j] is None:
                continue
            if isinstance(target, str):
                asm.issues.append(Issue(table.cell(i, j), target))
                continue
            v = asm.value(table, i, j, target)
            if v is not None:
                asm.give(target, v, table.cell(i, j))
        anchors = [pool_path(resource), ("objective",)] if resource == "land" else [pool_path(resource)]
        asm.register(table, i, anchors, tuple(cols))


def _rule_list(asm: Assembly, table: Table, i: int) -> Path | None:
    """The list a rules row goes to (None: an issue was recorded)."""
    resource = table.text(i, "resource") or "land"
    scenario = table.text(i, "scenario")
    where = table.cell(i, table.column("resource") or 0) if table.column("resource") is not None else table.row(i)
    if scenario is not None:
        scol = table.column("scenario")
        assert scol is not None
        if resource != "land":
            asm.issues.append(Issue(table.cell(i, scol), "a scenario's rules are land rules (a scenario changes "
                                                         "other resources through its pools)"))
            return None
        ids = [s.get("id") if isinstance(s, dict) else None for s in get(asm.doc, ("scenarios",)) or []]
        if scenario not in ids:
            asm.issues.append(Issue(table.cell(i, scol), f"no scenario {scenario!r} (the scenarios sheet has "
                                                         f"{', '.join(map(str, ids)) or 'none'})"))
            return None
        return ("scenarios", ids.index(scenario), "rules")
    if resource == "land":
        return ("rules",)
    pollutants = get(asm.doc, ("pools", "emissions", "pollutants")) or {}
    if resource == "emissions" or resource in pollutants:
        if not pollutants:
            asm.issues.append(Issue(where, "no emission pool: give each pollutant's pool in the pools sheet"))
            return None
        return ("pools", "emissions", "rules") if resource == "emissions" else \
            ("pools", "emissions", "pollutants", resource, "rules")
    if resource == "funds":
        if get(asm.doc, ("pools", "funds")) is None:
            asm.issues.append(Issue(where, "no fund pool: give the funds row of the pools sheet"))
            return None
        return ("pools", "funds", "rules")
    asm.issues.append(Issue(where, f"unknown resource {resource!r}: land, emissions (every pollutant), funds or "
                                   f"a pollutant of the pools sheet ({', '.join(pollutants) or 'none'})"))
    return None


def _rules(asm: Assembly, table: Table) -> None:
    asm.check_headers(table, lambda h: h in LAND_RULE_LAYOUT.routing or any(
        asm.knows((*at, 0, *(layout.path(h) or ()))) for layout, at in
        ((LAND_RULE_LAYOUT, ("rules",)), (RESOURCE_RULE_LAYOUT, ("pools", "funds", "rules")))))
    for i in range(len(table.rows)):
        at = _rule_list(asm, table, i)
        if at is not None:
            asm.append(table, i, LAND_RULE_LAYOUT if at[0] != "pools" else RESOURCE_RULE_LAYOUT, at)


def _criteria(asm: Assembly, table: Table) -> None:
    col = table.column("evaluation")
    asm.check_headers(table, lambda h: h == "evaluation" or asm.knows(("evaluations", 0, "criteria", 0,
                                                                      *h.split("."))))
    ids = [e.get("id") if isinstance(e, dict) else None for e in get(asm.doc, ("evaluations",)) or []]
    for i in range(len(table.rows)):
        ev = table.text(i, "evaluation")
        if ev is None and len(ids) == 1:
            ev = ids[0]  # one evaluation: the column may stay blank
        if ev not in ids:
            where = table.cell(i, col) if col is not None else table.row(i)
            asm.issues.append(Issue(where, f"no evaluation {ev!r} (the evaluations sheet has "
                                           f"{', '.join(map(str, ids)) or 'none'})" if ev is not None
                                    else "name the evaluation this criterion belongs to"))
            continue
        asm.append(table, i, CRITERIA_LAYOUT, ("evaluations", ids.index(ev), "criteria"))


# -- an instance as tables -------------------------------------------------------------------------

def instance_tables(doc: Mapping[str, Any], root: type[BaseModel]) -> dict[str, list[dict[str, Any]]]:
    """An instance document (``model_dump(exclude_unset=True)``: only what was given) as rows
    of cells per table, header → cell value; :func:`assemble` of these tables gives the
    document back. Whatever no other table holds is a ``settings`` row."""
    doc = {k: v for k, v in doc.items() if k != "version"}

    def kind_of(at: Path) -> Callable[[Path], Kind | None]:
        return lambda p: kind_at(root, (*at, *p))

    out: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
    land_rule, fund_rule = kind_of(("rules", 0)), kind_of(("pools", "funds", "rules", 0))
    out["rules"] = [flatten(r, LAND_RULE_LAYOUT, land_rule) for r in doc.pop("rules", ())]
    for name, (layout, at) in _RECORD_TABLES.items():
        for rec in doc.pop(name, None) or []:
            rec = dict(rec)
            if name == "evaluations":
                out["criteria"] += [{"evaluation": rec.get("id"), **flatten(c, CRITERIA_LAYOUT, kind_of(
                    ("evaluations", 0, "criteria", 0)))} for c in rec.pop("criteria", ())]
            if name == "scenarios":
                out["rules"] += [{"scenario": rec.get("id"), **flatten(r, LAND_RULE_LAYOUT, land_rule)}
                                 for r in rec.pop("rules", ())]
            out[name].append(flatten(rec, layout, kind_of((*at, 0))))

    pools = dict(doc.pop("pools", None) or {})
    emissions = dict(pools.get("emissions") or {})
    pollutants = emissions.pop("pollutants", {})
    rows = [("land", pools.get("land"), doc.pop("objective", None)),
            ("emissions", None, emissions.get("objective")),
            *((p, pool, None) for p, pool in pollutants.items()),
            ("funds", pools.get("funds"), (pools.get("funds") or {}).get("objective"))]
    rules = [("emissions", emissions.get("rules", ())), *((p, pool.get("rules", ())) for p, pool in pollutants.items()),
             ("funds", (pools.get("funds") or {}).get("rules", ()))]
    for resource, pool, objective in rows:
        if pool is None and objective is None:
            continue
        row: dict[str, Any] = {"resource": resource}
        names = {v: k for k, v in POOL_COLUMNS[_pool_kind(resource)].items()}
        for key, value in (pool or {}).items():
            if key not in ("rules", "objective"):
                target = pool_column(resource, names.get(key, key))
                kind = kind_at(root, target) if isinstance(target, tuple) else None
                row[names.get(key, key)] = cell_text(value, kind)
        obj_at: Path = ("objective",) if resource == "land" else ("pools", resource, "objective")
        row.update({f"objective.{k}": v for k, v in flatten(objective or {}, PLAIN_LAYOUT, kind_of(obj_at)).items()})
        out["pools"].append(row)
    for resource, listed in rules:
        out["rules"] += [{"resource": resource, **flatten(r, RESOURCE_RULE_LAYOUT, fund_rule)} for r in listed]

    out["settings"] = [{"key": k, "value": v} for k, v in flatten(doc, PLAIN_LAYOUT, kind_of(())).items()]
    return {name: rows for name, rows in out.items() if rows}
