"""Strict input: a number is a number and a boolean a boolean, as the published JSON Schema
says, and the schema and the loader agree; a key given twice, nesting too deep and a file too
large are refused; every error (load, evaluation, model build) names the file, the JSON path
and, for an evaluation, its id, with advice in the input's own terms; exit 2, one line."""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from cli_runner import run, write
from land_cases import EXAMPLE, ROOT, SMALL, small4

from zoneopt import Instance, InstanceError, load

load_module = importlib.import_module("zoneopt.instance.load")  # the module; zoneopt.instance.load is the function

BUNDLED = sorted((ROOT / "instances").glob("*.json"))


def _one_line_error(code: int, out: str, err: str) -> str:
    """The error line of a refused run: exit 2, nothing on stdout, one line, no traceback."""
    assert code == 2, (code, err)
    assert out == "" and err.count("\n") == 1 and "Traceback" not in err, err
    return err


# -- numbers are numbers, booleans are booleans ---------------------------------------------------

@pytest.mark.parametrize(("where", "value", "message"), [
    (("zones", 0, "land_area_mu"), "1000", 'zones[0].land_area_mu: must be a number, got the string "1000"'),
    (("zones", 0, "land_area_mu"), True, "zones[0].land_area_mu: must be a number, got true"),
    (("zones", 0, "land_area_mu"), None, "zones[0].land_area_mu: must be a number, got null"),
    (("pools", "land", "exact"), "yes", 'pools.land.exact: must be true or false, got the string "yes"'),
    (("pools", "land", "exact"), 1, "pools.land.exact: must be true or false, got 1"),
    (("zones", 0, "city"), 7, "zones[0].city: must be a string, got 7"),
    (("zones", 0, "tags"), "a,b", 'zones[0].tags: must be an array, got the string "a,b"'),
    (("pools", "land"), [1000], "pools.land: must be an object, got an array"),
    (("metadata", "year"), "2021", 'metadata.year: must be a whole number, got the string "2021"'),
    (("metadata", "year"), 2021.5, "metadata.year: must be a whole number, got 2021.5"),
    (("version",), True, "version: must be the number 1, got true"),
    (("rules", 2, "floor_mu"), "100", 'rules[2].floor_mu: must be a number or an object, got the string "100"'),
    (("rules", 2, "floor_mu"), {"Q": "100"}, 'rules[2].floor_mu.Q: must be a number, got the string "100"'),
])
def test_a_value_of_the_wrong_type_is_refused(where: tuple[Any, ...], value: Any, message: str) -> None:
    data = small4()
    node: Any = data
    for part in where[:-1]:
        node = node[part]
    node[where[-1]] = value
    with pytest.raises(InstanceError) as info:
        Instance.from_dict(data)
    assert message in [str(i) for i in info.value.issues]


def test_the_issue_cases_exit_2_naming_file_and_path(tmp_path: Path) -> None:
    """The cases of the issue: once coerced (1000 mu; true as 1 mu; "yes" as true), now refused."""
    for where, value, expect in [(("zones", 0, "land_area_mu"), "1000", "zones[0].land_area_mu: must be a number"),
                                 (("zones", 0, "land_area_mu"), True, "zones[0].land_area_mu: must be a number"),
                                 (("pools", "land", "exact"), "yes", "pools.land.exact: must be true or false")]:
        data = small4()
        node: Any = data
        for part in where[:-1]:
            node = node[part]
        node[where[-1]] = value
        path = write(tmp_path, data)
        for verb in ("solve", "validate"):
            err = _one_line_error(*run(verb, str(path)))
            assert f"{path}: {expect}" in err


def test_whole_numbers_may_be_written_with_a_point() -> None:
    """JSON Schema counts 2021.0 as an integer; so does the loader."""
    data = small4()
    data["metadata"]["year"] = 2021.0
    inst = Instance.from_dict(data)
    assert inst.metadata.year == 2021 and isinstance(inst.metadata.year, int)


def test_python_callers_may_still_pass_lists() -> None:
    """Strict types, but a JSON array may be a list or a tuple in Python."""
    from zoneopt.instance import Selector

    assert Selector(zones=["a", "b"]).zones == ("a", "b")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="valid string"):
        Selector(zones=[1])  # type: ignore[list-item]


# -- the JSON Schema and the loader agree ---------------------------------------------------------

SCHEMA = Instance.model_json_schema()
_DEFS = SCHEMA["$defs"]


def _validator(schema: dict[str, Any]) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator({"$defs": _DEFS, **schema})


def _member(schema: dict[str, Any], value: Any) -> dict[str, Any]:
    """``schema`` with references followed and, for a union, the member ``value`` fits."""
    while True:
        if "$ref" in schema:
            schema = _DEFS[schema["$ref"].rsplit("/", 1)[-1]]
        elif len(schema.get("allOf", ())) == 1:
            schema = schema["allOf"][0]
        else:
            break
    for key in ("oneOf", "anyOf"):
        for option in schema.get(key, ()):
            if _validator(option).is_valid(value):
                return _member(option, value)
    return schema


def _places(value: Any, schema: dict[str, Any], loc: tuple[Any, ...] = (), kind: tuple[Any, ...] = ()
            ) -> Iterator[tuple[tuple[Any, ...], tuple[Any, ...], dict[str, Any]]]:
    """Each leaf of a valid document: its location, its place in the schema (array items and
    the values of an identifier-keyed object as ``*``, a rule by its type) and the schema of
    the object or array that holds it."""
    schema = _member(schema, value)
    if isinstance(value, dict):
        for key, item in value.items():
            given = schema.get("properties", {}).get(key)
            pattern = next(iter(schema.get("patternProperties", {}).values()), None)
            inner = given if given is not None else pattern if pattern is not None else schema["additionalProperties"]
            place = key if given is not None else "*"
            if isinstance(item, (dict, list)):
                yield from _places(item, inner, (*loc, key), (*kind, place))
            else:
                yield (*loc, key), (*kind, place), schema
    elif isinstance(value, list):
        for i, item in enumerate(value):
            place = ("*", item.get("type")) if isinstance(item, dict) else "*"
            if isinstance(item, (dict, list)):
                yield from _places(item, schema["items"], (*loc, i), (*kind, place))
            else:
                yield (*loc, i), (*kind, place), schema


def _type_mutations(value: Any) -> list[Any]:
    """Values of another JSON type than ``value`` (never null: a nullable field takes it)."""
    if isinstance(value, bool):
        return ["yes", 1]
    if isinstance(value, (int, float)):
        return [json.dumps(value), True]
    if isinstance(value, str):
        return [5, False]
    return []


def test_every_bundled_instance_fits_the_schema_and_loads() -> None:
    validator = jsonschema.Draft202012Validator(SCHEMA)
    for path in BUNDLED:
        doc = json.loads(path.read_text(encoding="utf-8"))
        assert not list(validator.iter_errors(doc)), path.name
        load(path)


def test_schema_and_loader_refuse_the_same_wrong_types() -> None:
    """Every place of every bundled instance given a value of another JSON type (and an integer
    place given 3.0 and 2.5) gets the same verdict from the loader and from the published
    schema; wrong types are refused, but where a union takes them (``per_mu``: a number or an
    indicator name)."""
    seen: set[tuple[Any, ...]] = set()
    checked = refused = 0
    for path in BUNDLED:
        doc = json.loads(path.read_text(encoding="utf-8"))
        for loc, place, parent_schema in list(_places(doc, SCHEMA)):
            parent: Any = doc
            for part in loc[:-1]:
                parent = parent[part]
            value = parent[loc[-1]]
            if (place, type(value)) in seen:
                continue
            seen.add((place, type(value)))
            trials = [(v, True) for v in _type_mutations(value)]
            if isinstance(value, int) and not isinstance(value, bool):
                trials += [(float(value), False), (value + 0.5, False)]
            for new, wrong_type in trials:
                parent[loc[-1]] = new
                schema_ok = _validator(parent_schema).is_valid(parent)
                try:
                    Instance.from_dict(doc)
                    loader_ok = True
                except InstanceError:
                    loader_ok = False
                assert loader_ok == schema_ok, (f"{path.name}: {loc} = {new!r}", loader_ok, schema_ok)
                checked += wrong_type
                refused += wrong_type and not loader_ok
            parent[loc[-1]] = value
    assert checked > 300 and refused > 0.97 * checked, (checked, refused)


# -- keys given twice, nesting, size -----------------------------------------------------------------

def test_a_key_given_twice_is_refused_naming_its_path(tmp_path: Path) -> None:
    """Once the last one won silently: "total_mu": 1000, "total_mu": 100 solved with 100 mu."""
    text = SMALL.read_text(encoding="utf-8").replace('"total_mu": 1000', '"total_mu": 1000, "total_mu": 100')
    assert text.count('"total_mu"') == 2
    path = tmp_path / "dup.json"
    path.write_text(text, encoding="utf-8")
    err = _one_line_error(*run("solve", str(path)))
    assert f"{path}: pools.land.total_mu: key given more than once" in err


def test_ten_thousand_levels_of_nesting_exit_2_in_one_line(tmp_path: Path) -> None:
    """Once an internal error (RecursionError, exit 1)."""
    for text in ("[" * 10_000 + "]" * 10_000, '{"a":' * 10_000 + "1" + "}" * 10_000):
        path = tmp_path / "deep.json"
        path.write_text(text, encoding="utf-8")
        for verb in ("solve", "validate"):
            err = _one_line_error(*run(verb, str(path)))
            assert f"nested deeper than {load_module.MAX_DEPTH} levels" in err


def test_nesting_below_the_parser_limit_is_named_by_path(tmp_path: Path) -> None:
    data = small4()
    deep: Any = 1
    for _ in range(80):
        deep = [deep]
    data["zones"][2]["tags"] = deep
    path = write(tmp_path, data)
    err = _one_line_error(*run("validate", str(path)))
    assert f"{path}: zones[2].tags[0][0]" in err and "nested deeper than 64 levels" in err
    with pytest.raises(InstanceError, match=r"zones\[2\]\.tags\[0\].*: nested deeper than 50 levels"):
        load(path, max_depth=50)


def test_the_nesting_limit_is_exact(tmp_path: Path) -> None:
    path = tmp_path / "d.json"
    for depth, ok in ((64, True), (65, False)):
        path.write_text("[" * depth + "]" * depth, encoding="utf-8")
        with pytest.raises(InstanceError, match="nested deeper than 64" if not ok else "is a JSON object, got list"):
            load(path)
    assert load_module.nesting_issues([[[]]], 3) == [] and load_module.nesting_issues([[[[]]]], 3)


def _schema_depth(schema: dict[str, Any], seen: tuple[str, ...] = ()) -> int:
    """The deepest nesting of arrays and objects the schema lets a document have."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        assert name not in seen, f"the schema is recursive at {name}: nesting would be unbounded"
        return _schema_depth(_DEFS[name], (*seen, name))
    options = [*schema.get("anyOf", ()), *schema.get("oneOf", ()), *schema.get("allOf", ())]
    inner = [*schema.get("properties", {}).values(), *schema.get("patternProperties", {}).values()]
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            inner.append(schema[key])
    own = 1 if schema.get("type") in ("array", "object") or inner else 0
    return max([own + max([_schema_depth(s, seen) for s in inner], default=0)]
               + [_schema_depth(s, seen) for s in options])


def test_no_valid_instance_nests_near_the_limit() -> None:
    """The loader measures nesting only when validation fails: right, as long as no valid
    document can nest as deep as the limit."""
    assert _schema_depth(SCHEMA) < load_module.MAX_DEPTH / 4


def test_a_file_over_the_size_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(load_module, "MAX_FILE_BYTES", 1000)
    err = _one_line_error(*run("validate", str(EXAMPLE)))
    assert f"{EXAMPLE}: the file is larger than the 1,000 bytes an instance may have" in err
    with pytest.raises(InstanceError, match="larger than"):
        load(SMALL, max_bytes=100)
    assert load(SMALL, max_bytes=10**6).name


def test_a_workbook_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    book = tmp_path / "t.xlsx"
    assert run("template", "--out", str(book))[0] == 0
    with pytest.raises(InstanceError, match="larger than the 1,000 bytes"):
        load(book, max_bytes=1000)


def test_a_directory_or_binary_file_is_refused(tmp_path: Path) -> None:
    _one_line_error(*run("validate", str(tmp_path)))
    (tmp_path / "bin.json").write_bytes(b"\xff\xfe\x00{")
    err = _one_line_error(*run("validate", str(tmp_path / "bin.json")))
    assert "not UTF-8" in err


# -- errors name the file, the JSON path and the evaluation ----------------------------------------

def _example() -> dict[str, Any]:
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))


def test_a_non_reciprocal_ahp_matrix_names_evaluation_and_entry(tmp_path: Path) -> None:
    data = _example()
    ev = next(e for e in data["evaluations"] if e["id"] == "topsis-ahp")
    k = data["evaluations"].index(ev)
    ev["weighting"]["pairwise"][0][1] = 3.0
    ev["weighting"]["pairwise"][1][0] = 3.0
    path = write(tmp_path, data)
    for verb in ("validate", "evaluate", "solve"):
        err = _one_line_error(*run(verb, str(path)))
        assert f"{path}: evaluations[{k}] (topsis-ahp).weighting.pairwise[0][1]: is 3 and pairwise[1][0] is 3" in err
        assert "reciprocal" in err


def test_inconsistent_judgements_advise_the_json_field(tmp_path: Path) -> None:
    data = _example()
    ev = next(e for e in data["evaluations"] if e["id"] == "topsis-ahp")
    k = data["evaluations"].index(ev)
    ev["weighting"]["pairwise"] = [[1, 9, 1 / 9, 1], [1 / 9, 1, 9, 1], [9, 1 / 9, 1, 1], [1, 1, 1, 1]]
    path = write(tmp_path, data)
    err = _one_line_error(*run("evaluate", str(path), "--id", "topsis-ahp"))
    assert f"{path}: evaluations[{k}] (topsis-ahp).weighting.pairwise: AHP judgements are inconsistent: CR = " in err
    assert "weighting.allow_inconsistent" in err and "allow_inconsistent=True" not in err
    ev["weighting"]["allow_inconsistent"] = True
    code, out, err = run("evaluate", str(write(tmp_path, data)), "--id", "topsis-ahp")
    assert code == 0, err


def test_fixed_weights_all_zero_name_the_criteria(tmp_path: Path) -> None:
    data = small4()
    data["evaluations"] = [{"id": "muju", "weighting": {"method": "fixed"},
                            "criteria": [{"name": "t", "of": "tax_per_mu", "weight": 0}]}]
    err = _one_line_error(*run("evaluate", str(write(tmp_path, data))))
    assert "evaluations[0] (muju).criteria: every criterion's weight is 0" in err


@pytest.mark.parametrize(("edit", "verb", "expect"), [
    (lambda d: d.update(objective={"weight": "nonsense"}), "solve", "objective.weight: unknown indicator 'nonsense'"),
    (lambda d: d["rules"].append({"id": "t", "type": "tilt", "by": "nonsense"}), "solve",
     "rules[3].by: unknown indicator 'nonsense'"),
    (lambda d: d.update(evaluations=[{"id": "muju", "assign": ["score"],
                                      "criteria": [{"name": "x", "of": "nonsense"}]}]), "solve",
     "evaluations[0] (muju).criteria[0].of: unknown metric or indicator 'nonsense'"),
    (lambda d: d.update(evaluations=[{"id": "eff", "method": "dea", "assign": ["score"],
                                      "dea": {"inputs": ["nonsense"], "outputs": ["tax"]}}]), "solve",
     "evaluations[0] (eff).dea.inputs[0]: unknown metric or indicator 'nonsense'"),
    (lambda d: d.update(objective={"weight": "nonsense"}), "validate", "objective.weight: unknown indicator"),
])
def test_model_build_errors_name_the_file(tmp_path: Path, edit: Any, verb: str, expect: str) -> None:
    data = small4()
    edit(data)
    path = write(tmp_path, data)
    err = _one_line_error(*run(verb, str(path)))
    assert str(path) in err and expect in err


def test_explain_an_unknown_zone_names_the_file() -> None:
    err = _one_line_error(*run("explain", str(SMALL), "zz"))
    assert f"{SMALL}: no zone 'zz'" in err


def test_several_errors_are_a_short_list_on_one_line(tmp_path: Path) -> None:
    data = small4()
    for z in data["zones"]:
        z["land_area_mu"] = str(z["land_area_mu"])
    data["pools"]["land"]["exact"] = "no"
    data["name"] = 5
    err = _one_line_error(*run("validate", str(write(tmp_path, data))))
    assert err.count("must be") == 5 and err.count("; ") == 4 and err.endswith(" (and 1 more)\n")


def test_option_errors_are_not_blamed_on_the_file(tmp_path: Path) -> None:
    err = _one_line_error(*run("evaluate", str(SMALL), "--id", "nope"))
    assert err.startswith("zoneopt: error: --id nope")
