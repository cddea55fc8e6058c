"""The highspy API zoneopt relies on, checked on the installed version (1.15 since the pin was
lifted; 1.14 still passes): the options it sets, the interrupt and logging callbacks, the model
statuses it maps, the dual ray of an infeasible LP (zoneopt.core.batch), ranging and the basis
(zoneopt.core.backends.highs.row_ranging), and adding rows to a solved model (row generation).
A highspy upgrade that renames or reshapes any of these fails here by name, not deep inside a
model test."""

from __future__ import annotations

import threading

import highspy
import numpy as np
import pytest

from zoneopt.core import Model, ModelBuilder, SolveOptions
from zoneopt.core.backends.highs import Interrupter, classify, new_highs, run_highs, to_highs_lp

OPTIONS: dict[str, bool | int | float | str] = {
    "output_flag": False, "log_to_console": False, "mip_rel_gap": 1e-4, "threads": 1, "solver": "simplex",
    "presolve": "off", "time_limit": 10.0}


def lp(infeasible: bool = False) -> Model:
    b = ModelBuilder("api", "max")
    b.add_vars("x", 2, lb=0, ub=4, obj=[1, 2])
    b.add_rows("r", np.array([[1.0, 1.0], [1.0, -1.0]]), lb=[-np.inf, 6 if infeasible else -np.inf], ub=[3, np.inf])
    return b.build()


@pytest.mark.parametrize(("name", "value"), list(OPTIONS.items()))
def test_every_option_zoneopt_sets_is_accepted(name: str, value: bool | int | float | str) -> None:
    h = highspy.Highs()
    assert h.setOptionValue(name, value) == highspy.HighsStatus.kOk
    assert h.setOptionValue("no_such_option", 1) != highspy.HighsStatus.kOk


def test_the_statuses_zoneopt_maps_exist() -> None:
    M = highspy.HighsModelStatus
    for name in ("kOptimal", "kInfeasible", "kUnbounded", "kUnboundedOrInfeasible", "kTimeLimit",
                 "kIterationLimit", "kSolutionLimit", "kInterrupt", "kObjectiveBound", "kObjectiveTarget"):
        assert hasattr(M, name), name
    assert highspy.kSolutionStatusFeasible is not None and highspy.kHighsInf == np.inf


def test_solution_duals_ranging_basis_and_added_rows() -> None:
    h = new_highs(SolveOptions())
    h.passModel(to_highs_lp(lp()))
    run_highs(h, None)
    assert classify(h)[0].value == "optimal" and h.modelStatusToString(h.getModelStatus()) == "Optimal"
    info, sol = h.getInfo(), h.getSolution()
    assert info.objective_function_value == pytest.approx(6.0)  # x = (0, 3)
    assert info.dual_solution_status == highspy.kSolutionStatusFeasible
    assert np.asarray(sol.row_dual) == pytest.approx([2.0, 0.0])
    status, rng = h.getRanging()
    assert status == highspy.HighsStatus.kOk and rng.valid and len(rng.row_bound_up.value_) == 2
    status, basic = h.getBasicVariables()
    assert status == highspy.HighsStatus.kOk and len(basic) == 2
    # a row x1 <= 2 added to the solved model (zoneopt.core.rowgen), re-solved from the basis
    h.addRows(1, np.array([-np.inf]), np.array([2.0]), 1, np.array([0], dtype=np.int32),
              np.array([1], dtype=np.int32), np.array([1.0]))
    run_highs(h, None)
    assert h.getInfo().objective_function_value == pytest.approx(5.0)  # x = (1, 2)
    assert np.asarray(h.getSolution().col_value) == pytest.approx([1.0, 2.0])


def test_an_infeasible_lp_has_a_dual_ray() -> None:
    h = new_highs(SolveOptions(extra={"presolve": "off"}))
    h.passModel(to_highs_lp(lp(infeasible=True)))
    run_highs(h, None)
    assert classify(h)[0].value == "infeasible"
    status, has_ray, values = h.getDualRay()
    assert status == highspy.HighsStatus.kOk and has_ray and len(values) == 2


def test_the_interrupt_callbacks_stop_a_run_and_the_log_callback_receives_lines() -> None:
    from hard_models import market_split

    h = new_highs(SolveOptions())
    lines: list[str] = []
    h.setOptionValue("output_flag", True)
    h.setOptionValue("log_to_console", False)
    h.cbLogging.subscribe(lambda event: lines.append(event.message))
    h.passModel(to_highs_lp(market_split()))
    stopper = Interrupter(h)
    threading.Timer(0.5, stopper.stop).start()
    h.run()  # hours without the interrupt
    stopper.close()
    assert h.getModelStatus() == highspy.HighsModelStatus.kInterrupt
    assert lines and any("HiGHS" in line for line in lines)
