"""A fuzz test of the command line: hypothesis mutates the bundled instances (values of the
wrong type, missing fields and items, numbers out of range, references to nothing, deep
nesting, keys given twice) and runs ``validate`` and ``solve`` in-process. Every answer is an
exit code 0, 2 or 3 with at most one line on stderr and never a traceback.

Bounded for CI (``ZONEOPT_FUZZ_EXAMPLES`` examples per test, default 30); run longer locally
with e.g. ``ZONEOPT_FUZZ_EXAMPLES=2000``."""

from __future__ import annotations

import copy
import json
import os
import warnings
from pathlib import Path
from typing import Any

import pytest
from cli_runner import run
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from land_cases import ROOT

EXAMPLES = int(os.environ.get("ZONEOPT_FUZZ_EXAMPLES", "30"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

DOCS = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "instances").glob("*.json"))}
# Solved in well under a second each; the others (parcels, portfolio: MIPs; years; parks) are validated.
SOLVED = ("small-4.json", "henan-etdz-45.json", "henan-etdz-45-emissions.json", "henan-etdz-45-funds.json")

_DEEP = "\u0000deep\u0000"  # a marker replaced in the text: json.dumps itself cannot nest 10,000 deep
_TWICE = "\u0000twice\u0000"


def _places(node: Any, loc: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every location in a document, containers and leaves (a list's first items only)."""
    out = [loc] if loc else []
    if isinstance(node, dict):
        for k, v in node.items():
            out += _places(v, (*loc, k))
    elif isinstance(node, list):
        for i, v in enumerate(node[:3]):
            out += _places(v, (*loc, i))
    return out


PLACES = {name: _places(doc) for name, doc in DOCS.items()}

ODD_NUMBERS = [-1, 0, -1e-9, 1e-308, 5e-324, 1e308, 1.7e308, -1e308, 2**63, 10**30, 0.5, 1.5, float("nan"),
               float("inf")]
ODD_VALUES = ["", " ", "1000", "yes", True, False, None, [], {}, [1], {"x": 1}, 0, -1, "no-such-id"]


@st.composite
def mutated(draw: st.DrawFn, names: tuple[str, ...]) -> tuple[str, str]:
    """(instance name, JSON text) of a bundled instance with one to three mutations."""
    name = draw(st.sampled_from(names))
    doc = copy.deepcopy(DOCS[name])
    deep = 0
    twice: list[str] = []
    for _ in range(draw(st.integers(1, 3))):
        loc = draw(st.sampled_from(PLACES[name]))
        parent: Any = doc
        try:
            for part in loc[:-1]:
                parent = parent[part]
            value = parent[loc[-1]]
        except (KeyError, IndexError, TypeError):  # an earlier mutation removed or replaced it
            continue
        kind = draw(st.sampled_from(["type", "drop", "range", "dangling", "deep", "twice"]))
        if kind == "type":
            parent[loc[-1]] = draw(st.sampled_from(ODD_VALUES))
        elif kind == "drop":
            del parent[loc[-1]]
        elif kind == "range":
            parent[loc[-1]] = draw(st.sampled_from(ODD_NUMBERS))
        elif kind == "dangling":
            parent[loc[-1]] = ["no-such-id"] if isinstance(value, list) else "no-such-id"
        elif kind == "deep" and not deep:
            deep = draw(st.sampled_from([65, 500, 10_000]))
            parent[loc[-1]] = _DEEP
        elif kind == "twice" and isinstance(parent, dict):
            # a marker key beside the key; in the text it becomes the key itself, given twice
            parent[_TWICE + loc[-1]] = draw(st.sampled_from([value, 0, "x"]))
            twice.append(loc[-1])
    text = json.dumps(doc, ensure_ascii=False)
    if deep:
        text = text.replace(json.dumps(_DEEP), "[" * deep + "1" + "]" * deep)
    for key in twice:
        text = text.replace(json.dumps(_TWICE + key, ensure_ascii=False), json.dumps(key, ensure_ascii=False))
    return name, text


def _answers_well(tmp: Path, verb: str, text: str) -> None:
    path = tmp / "fuzzed.json"
    path.write_text(text, encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:  # numpy's overflow warnings would be printed
        warnings.simplefilter("always")
        code, out, err = run(verb, str(path))
    assert not [w for w in caught if issubclass(w.category, RuntimeWarning)], [str(w.message) for w in caught]
    assert code in (0, 2, 3), (code, err)
    assert "Traceback" not in err and "internal error" not in err, err
    assert err.count("\n") <= 1, err
    if code == 2:
        assert err.startswith("zoneopt: error: ") and str(path) in err, err


@FUZZ
@given(case=mutated(tuple(DOCS)))
def test_validate_answers_every_mutated_instance(case: tuple[str, str], tmp_path_factory: pytest.TempPathFactory
                                                 ) -> None:
    _answers_well(tmp_path_factory.mktemp("fuzz"), "validate", case[1])


@FUZZ
@given(case=mutated(SOLVED))
def test_solve_answers_every_mutated_instance(case: tuple[str, str], tmp_path_factory: pytest.TempPathFactory) -> None:
    _answers_well(tmp_path_factory.mktemp("fuzz"), "solve", case[1])


@pytest.mark.parametrize(("name", "where", "value"), [
    ("small-4.json", ("pools", "land", "total_mu"), 5e-324),  # the smallest float as the pool
    ("small-4.json", ("zones", 0, "land_area_mu"), 5e-324),  # tax per mu beyond 1e308
    ("small-4.json", ("zones", 0, "metrics", "tax"), 1.7e308),
    ("henan-etdz-45-emissions.json", ("zones", 0, "land_area_mu"), 1e308),  # a tilt coefficient of 1e296
])
def test_extreme_figures_are_answered_without_a_warning(name: str, where: tuple[Any, ...], value: float,
                                                        tmp_path: Path) -> None:
    doc = copy.deepcopy(DOCS[name])
    node: Any = doc
    for part in where[:-1]:
        node = node[part]
    node[where[-1]] = value
    _answers_well(tmp_path, "solve", json.dumps(doc, ensure_ascii=False))
