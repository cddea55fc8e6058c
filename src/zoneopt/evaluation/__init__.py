"""Evaluation of zones (and enterprises) on indicators such as 亩均税收: normalisation of an
indicator matrix, criterion weights (entropy, CRITIC, standard deviation, fixed, AHP), aggregation
(weighted sum, TOPSIS) and A/B/C/D grading. The functions here are pure numpy: a matrix X of
units × criteria in, numpy arrays and frozen result records out.

Importing any module of the package runs this file first, so it re-exports only those numpy
modules. What solves LPs or reads instances is imported from its own module: DEA efficiency —
:mod:`~zoneopt.evaluation.dea_radial` (CCR/BCC), :mod:`~zoneopt.evaluation.dea_sbm` (SBM), their
results in :mod:`~zoneopt.evaluation.dea_results`, the data checks in
:mod:`~zoneopt.evaluation.dea_data`, the LP engine in :mod:`~zoneopt.evaluation.dea_family`,
:mod:`~zoneopt.evaluation.dea_solve` and :mod:`~zoneopt.evaluation.dea_check` — and the
instance side, :mod:`~zoneopt.evaluation.indicators` and the pipeline
:mod:`~zoneopt.evaluation.run`.
"""

from zoneopt.evaluation.aggregate import TopsisResult, topsis, weighted_sum
from zoneopt.evaluation.grading import DEFAULT_SHARES, UNGRADED, grade_by_quantile, grade_by_threshold
from zoneopt.evaluation.normalise import NormaliseMethod, normalise
from zoneopt.evaluation.weights import (
    CR_THRESHOLD,
    RANDOM_INDEX,
    AHPResult,
    ahp,
    combine_weights,
    critic_weights,
    entropy_weights,
    fixed_weights,
    stdev_weights,
)

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
    "CR_THRESHOLD",
    "weighted_sum",
    "topsis",
    "TopsisResult",
    "grade_by_quantile",
    "grade_by_threshold",
    "DEFAULT_SHARES",
    "UNGRADED",
]
