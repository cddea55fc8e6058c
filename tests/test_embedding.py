"""Embedding: the public API is listed and importable (lazily: importing zoneopt loads no heavy
library), the library never prints, solver logs go to logging, and parallel solves in threads
give the same answers as sequential ones."""

from __future__ import annotations

import ast
import importlib
import logging
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from fresh_process import heavy_after
from land_cases import cases

import zoneopt
from zoneopt import Instance, SolveOptions, solve_land


def test_public_api_is_listed_and_importable() -> None:
    for name in zoneopt.__all__:
        assert hasattr(zoneopt, name), name
    assert {"load", "solve", "Plan", "Instance", "InstanceError", "solve_model"} <= set(zoneopt.__all__)


def test_every_typed_error_is_public() -> None:
    """Whatever the library raises on purpose can be caught by its name from ``zoneopt``."""
    import zoneopt.errors as errors

    raised = {name for name, obj in vars(errors).items()
              if isinstance(obj, type) and issubclass(obj, BaseException) and obj.__module__ == errors.__name__}
    assert raised and raised <= set(zoneopt.__all__)


def test_every_public_name_resolves_to_its_module() -> None:
    """Each lazily exported name is the object its table entry names, and ``dir`` and
    ``from zoneopt import *`` see every name in ``__all__``."""
    assert set(zoneopt._EXPORTS) <= set(zoneopt.__all__)
    for name, target in zoneopt._EXPORTS.items():
        module, _, attribute = target.partition(":")
        assert getattr(zoneopt, name) is getattr(importlib.import_module(module), attribute or name), name
    namespace: dict[str, object] = {}
    exec("from zoneopt import *", namespace)
    assert set(zoneopt.__all__) <= set(namespace) and set(zoneopt.__all__) <= set(dir(zoneopt))
    assert callable(zoneopt.solve) and zoneopt.solve.__module__ == "zoneopt"


@pytest.mark.parametrize("package", ["zoneopt", "zoneopt.core"])
def test_lazy_table_matches_the_type_checking_imports(package: str) -> None:
    """The names a type checker sees (the ``if TYPE_CHECKING:`` imports) are those
    ``__getattr__`` serves, from the same modules."""
    module = importlib.import_module(package)
    assert module.__file__ is not None
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    seen: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            for imp in node.body:
                assert isinstance(imp, ast.ImportFrom) and imp.module is not None
                for alias in imp.names:
                    renamed = alias.asname not in (None, alias.name)
                    seen[alias.asname or alias.name] = f"{imp.module}:{alias.name}" if renamed else imp.module
    assert seen == module._EXPORTS


def test_import_zoneopt_loads_no_heavy_library() -> None:
    """``import zoneopt`` (and ``python -m zoneopt --help``, which imports it first) stays cheap:
    pandas, scipy, the solvers and matplotlib load when a name that needs them is first used."""
    assert heavy_after("import zoneopt") == []
    assert heavy_after("import zoneopt\nzoneopt.InstanceError, zoneopt.__version__") == []
    assert "pandas" in heavy_after("import zoneopt\nzoneopt.load")


def test_package_is_typed() -> None:
    from importlib.resources import files
    assert files("zoneopt").joinpath("py.typed").is_file()


@pytest.mark.parametrize("backend", ["highs", "pulp-cbc", "pulp-highs"])
def test_library_never_prints(backend: str, capfd: pytest.CaptureFixture[str]) -> None:
    """Nothing on stdout or stderr, even from the solvers' C code (captured at the fd level)."""
    for case in cases():
        solve_land(Instance.from_dict(case.data), backend)
    out, err = capfd.readouterr()
    assert out == "" and err == ""


def test_verbose_solver_log_goes_to_logging(caplog: pytest.LogCaptureFixture,
                                            capfd: pytest.CaptureFixture[str]) -> None:
    inst = Instance.from_dict(cases()[0].data)
    with caplog.at_level(logging.INFO, logger="zoneopt.solver"):
        solve_land(inst, options=SolveOptions(verbose=True))
    assert any(r.name == "zoneopt.solver" for r in caplog.records)
    out, _ = capfd.readouterr()
    assert out == ""


def test_parallel_solves_match_sequential() -> None:
    instances = [Instance.from_dict(c.data) for c in cases()] * 3
    sequential = [solve_land(i) for i in instances]
    with ThreadPoolExecutor(max_workers=4) as pool:
        parallel = list(pool.map(solve_land, instances))
    for s, p in zip(sequential, parallel, strict=True):
        assert p.objective == pytest.approx(s.objective, rel=1e-9)
        assert np.allclose(p.allocation().to_numpy(), s.allocation().to_numpy(), rtol=1e-9, atol=1e-9)


def test_solve_is_deterministic() -> None:
    inst = Instance.from_dict(cases()[0].data)
    a, b = solve_land(inst), solve_land(inst)
    assert a.allocations.equals(b.allocations) and a.bindings.equals(b.bindings)


def test_public_names_do_not_hide_submodules() -> None:
    """``zoneopt.analysis.diagnose`` etc. stay modules (a re-exported function of the same name would
    break ``zoneopt.analysis.diagnose.diagnose_land`` and monkeypatching by dotted path)."""
    import importlib
    import pkgutil
    import types

    import zoneopt

    for info in pkgutil.iter_modules(zoneopt.__path__):
        importlib.import_module(f"zoneopt.{info.name}")
        assert isinstance(getattr(zoneopt, info.name), types.ModuleType), info.name
