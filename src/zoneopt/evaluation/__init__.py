"""Evaluation of zones (and enterprises) on indicators such as 亩均税收: normalisation of an
indicator matrix, criterion weights (entropy, CRITIC, standard deviation, fixed, AHP), aggregation
(weighted sum, TOPSIS) and A/B/C/D grading. The functions here are pure numpy: a matrix X of
units × criteria in, numpy arrays and frozen result records out.

Importing any module of the package runs this file first, so it imports only those numpy
modules eagerly. DEA efficiency — :func:`dea` (CCR/BCC, :mod:`~zoneopt.evaluation.dea_radial`),
:func:`sbm` (:mod:`~zoneopt.evaluation.dea_sbm`) and their results :class:`DEAResult`,
:class:`SBMResult` (:mod:`~zoneopt.evaluation.dea_results`) — is exported too but loaded on first
use (PEP 562), since it solves LPs; its data checks are in :mod:`~zoneopt.evaluation.dea_data`,
the LP engine in :mod:`~zoneopt.evaluation.dea_family`, :mod:`~zoneopt.evaluation.dea_solve` and
:mod:`~zoneopt.evaluation.dea_check`. The instance side is :mod:`~zoneopt.evaluation.indicators`
and the pipeline :mod:`~zoneopt.evaluation.run`.
"""

from typing import TYPE_CHECKING

from zoneopt.evaluation.aggregate import TopsisResult, topsis, weighted_sum
from zoneopt.evaluation.grading import DEFAULT_SHARES, UNGRADED, grade_by_quantile, grade_by_threshold
from zoneopt.evaluation.normalise import NormaliseMethod, normalise
from zoneopt.evaluation.weights import (
    CR_THRESHOLD,
    RANDOM_INDEX,
    AHPResult,
    RandomIndex,
    ahp,
    combine_weights,
    critic_weights,
    entropy_weights,
    fixed_weights,
    stdev_weights,
)
from zoneopt.lazy import lazy_exports

_EXPORTS: dict[str, str] = {
    "dea": "zoneopt.evaluation.dea_radial",
    "sbm": "zoneopt.evaluation.dea_sbm",
    "DEAResult": "zoneopt.evaluation.dea_results",
    "SBMResult": "zoneopt.evaluation.dea_results",
}

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:  # what __getattr__ returns, for type checkers
    from zoneopt.evaluation.dea_radial import dea
    from zoneopt.evaluation.dea_results import DEAResult, SBMResult
    from zoneopt.evaluation.dea_sbm import sbm

__all__ = [
    "normalise",
    "NormaliseMethod",
    "entropy_weights",
    "critic_weights",
    "stdev_weights",
    "fixed_weights",
    "combine_weights",
    "ahp",
    "AHPResult",
    "RANDOM_INDEX",
    "RandomIndex",
    "CR_THRESHOLD",
    "weighted_sum",
    "topsis",
    "TopsisResult",
    "grade_by_quantile",
    "grade_by_threshold",
    "DEFAULT_SHARES",
    "UNGRADED",
    "dea",
    "sbm",
    "DEAResult",
    "SBMResult",
]
