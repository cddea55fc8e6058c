"""The package's imports point down its layers (tests/layers.py) and never run in a circle,
counting imports made inside functions and under ``TYPE_CHECKING``."""

from __future__ import annotations

from pathlib import Path

from layers import LAYERS, cycles, edges, layer_of, modules, upward

SRC = Path(__file__).resolve().parents[1] / "src"


def test_every_module_has_a_layer() -> None:
    for module in modules(SRC):
        layer_of(module)  # raises, naming the module, when it is in no layer


def test_no_import_runs_upward() -> None:
    found = upward(edges(SRC))
    assert not found, "imports from a lower layer of a higher one:\n" + "\n".join(
        f"  {e.source} (line {e.line}, layer {LAYERS[layer_of(e.source)][0]}) imports {e.target} "
        f"(layer {LAYERS[layer_of(e.target)][0]})" for e in found)


def test_no_import_cycle() -> None:
    found = cycles(edges(SRC))
    assert not found, "import cycles:\n" + "\n".join("  " + " <-> ".join(c) for c in found)


def _package(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / "zoneopt" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_the_walk_finds_a_planted_cycle_and_an_upward_import(tmp_path: Path) -> None:
    """The checks can fail: a cycle hidden in a function body, an upward import hidden under
    TYPE_CHECKING, and a relative import are all seen."""
    src = _package(tmp_path, {
        "__init__.py": "",
        "errors.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from zoneopt.models.a import A\n",
        "models/__init__.py": "",
        "models/a.py": "def f():\n    from zoneopt.models import b\n",
        "models/b.py": "from .a import f\n",
    })
    found = edges(src)
    assert [c for c in cycles(found)] == [["zoneopt.models.a", "zoneopt.models.b"]]
    assert [(e.source, e.target) for e in upward(found)] == [("zoneopt.errors", "zoneopt.models.a")]
