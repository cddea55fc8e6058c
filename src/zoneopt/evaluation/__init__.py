"""Evaluation of zones (and enterprises) on indicators such as 亩均税收: normalisation of an
indicator matrix, criterion weights (entropy, CRITIC, standard deviation, fixed, AHP), aggregation
(weighted sum, TOPSIS) and A/B/C/D grading. The functions here are pure numpy: a matrix X of
units × criteria in, numpy arrays and frozen result records out.
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
