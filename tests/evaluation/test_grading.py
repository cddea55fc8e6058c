"""grade_by_quantile() and grade_by_threshold(): the counting rule, ties, NaN, groups, checks."""

from __future__ import annotations

import numpy as np
import pytest

from zoneopt.errors import InvalidInputError
from zoneopt.evaluation.grading import UNGRADED, grade_by_quantile, grade_by_threshold


def ids_for(n: int) -> list[str]:
    return [f"z{i:03d}" for i in range(n)]


def test_default_shares_on_twenty_distinct_scores() -> None:
    scores = np.arange(20.0)  # z019 best
    g = grade_by_quantile(scores, ids_for(20))
    # cumulative 0.2, 0.6, 0.95, 1 of 20 → cuts 4, 12, 19, 20
    expected = ["D"] * 1 + ["C"] * 7 + ["B"] * 8 + ["A"] * 4
    assert g.tolist() == expected


def test_cuts_round_cumulative_shares_half_up() -> None:
    # n = 10: cumulative 2, 6, 9.5 → 10, 10: no D; 0.95 × 10 is 9.499999999999998 in floating point
    g = grade_by_quantile(np.arange(10.0), ids_for(10))
    assert (g == "D").sum() == 0 and (g == "C").sum() == 4 and (g == "B").sum() == 4 and (g == "A").sum() == 2
    # n = 7: cumulative 1.4 → 1, 4.2 → 4, 6.65 → 7, 7
    g = grade_by_quantile(np.arange(7.0), ids_for(7))
    assert g.tolist() == ["C", "C", "C", "B", "B", "B", "A"]
    # custom shares, and counts always add up to n
    g = grade_by_quantile(np.arange(3.0), ids_for(3), shares={"top": 0.5, "rest": 0.5})
    assert g.tolist() == ["rest", "top", "top"]  # 1.5 rounds up to 2


def test_ties_take_the_grade_of_the_best_placed_member() -> None:
    # ranks: 9 9 | 8 8 8 8 | 7 ...; with n = 10 the A cut is at 2, the B cut at 6
    scores = np.array([9, 9, 8, 8, 8, 8, 7, 7, 7, 1], dtype=float)
    g = grade_by_quantile(scores, ids_for(10))
    assert g.tolist() == ["A", "A", "B", "B", "B", "B", "C", "C", "C", "C"]
    # a block straddling the A cut: three units tied at the top of ten → all A
    scores = np.array([9, 9, 9, 5, 4, 3, 2, 1, 0, -1], dtype=float)
    assert grade_by_quantile(scores, ids_for(10)).tolist()[:4] == ["A", "A", "A", "B"]
    # everybody tied → everybody gets the best grade
    assert set(grade_by_quantile(np.ones(6), ids_for(6)).tolist()) == {"A"}


def test_ties_are_broken_by_id_for_the_order_only() -> None:
    # two units tied at the B/C boundary with ids in either order get the same grade
    scores = np.array([5.0, 4.0, 3.0, 3.0, 1.0])
    a = grade_by_quantile(scores, ["a", "b", "c", "d", "e"])
    b = grade_by_quantile(scores, ["a", "b", "d", "c", "e"])
    assert a.tolist() == b.tolist()
    assert a[2] == a[3]


def test_nan_scores_get_no_grade_and_are_not_counted() -> None:
    scores = np.r_[np.arange(10.0), np.nan, np.nan]
    g = grade_by_quantile(scores, ids_for(12))
    assert g[10] == UNGRADED == "" and g[11] == ""
    assert g[:10].tolist() == grade_by_quantile(np.arange(10.0), ids_for(10)).tolist()
    assert grade_by_quantile([np.nan, np.nan], ["a", "b"]).tolist() == ["", ""]
    assert grade_by_quantile([], []).shape == (0,)


def test_groups_are_graded_separately() -> None:
    scores = np.array([1.0, 2, 3, 4, 5, 100, 200, 300, 400, 500])
    groups = np.array(["zz"] * 5 + ["aa"] * 5)
    g = grade_by_quantile(scores, ids_for(10), groups=groups)
    alone = grade_by_quantile(scores[:5], ids_for(5))
    assert g[:5].tolist() == alone.tolist() == g[5:].tolist()
    # interleaved groups give the same answer
    perm = np.array([0, 5, 1, 6, 2, 7, 3, 8, 4, 9])
    gp = grade_by_quantile(scores[perm], np.array(ids_for(10))[perm], groups=groups[perm])
    assert gp.tolist() == g[perm].tolist()
    # integer ids and group labels work too
    gi = grade_by_quantile(scores, np.arange(10), groups=np.repeat([2, 1], 5))
    assert gi.tolist() == g.tolist()


def test_quantile_input_errors() -> None:
    with pytest.raises(InvalidInputError, match=r"shares sum to 0.9"):
        grade_by_quantile([1.0], ["a"], shares={"A": 0.5, "B": 0.4})
    with pytest.raises(InvalidInputError, match=r"shares\['B'\] = -0.1"):
        grade_by_quantile([1.0], ["a"], shares={"A": 1.1, "B": -0.1})
    with pytest.raises(InvalidInputError, match=r"shares\['B'\] = 'x' is not a number"):
        grade_by_quantile([1.0], ["a"], shares={"A": 1.0, "B": "x"})  # type: ignore[dict-item]
    with pytest.raises(InvalidInputError, match="non-empty mapping"):
        grade_by_quantile([1.0], ["a"], shares={})
    with pytest.raises(InvalidInputError, match=r"ids has 'z1' twice \(units 1 and 3\)"):
        grade_by_quantile([1.0, 2, 3, 4], ["z0", "z1", "z2", "z1"])
    with pytest.raises(InvalidInputError, match=r"ids has shape \(1,\) but there are 2 scores"):
        grade_by_quantile([1.0, 2.0], ["a"])
    with pytest.raises(InvalidInputError, match=r"groups\[1\] is missing"):
        grade_by_quantile([1.0, 2.0], ["a", "b"], groups=np.array(["x", None], dtype=object))
    with pytest.raises(InvalidInputError, match=r"scores\[1\] is inf"):
        grade_by_quantile([1.0, np.inf], ["a", "b"])
    with pytest.raises(InvalidInputError, match="1-D"):
        grade_by_quantile([[1.0]], ["a"])
    # shares off by rounding only are fine
    assert grade_by_quantile([1.0, 2.0, 3.0], ["a", "b", "c"], shares={"A": 0.1, "B": 0.2, "C": 0.7}).size == 3


def test_threshold_grades() -> None:
    scores = np.array([90.0, 85.0, 84.9, 70.0, 69.0, 10.0, np.nan])
    g = grade_by_threshold(scores, {"A": 85, "B": 70, "C": 60})
    assert g.tolist() == ["A", "A", "B", "B", "C", "D", ""]
    g = grade_by_threshold(scores, {"A": 85, "B": 85, "C": 60}, below="E")
    assert g.tolist() == ["A", "A", "C", "C", "C", "E", ""]
    assert grade_by_threshold([], {"A": 1}).shape == (0,)


def test_threshold_input_errors() -> None:
    with pytest.raises(InvalidInputError, match=r"thresholds\['B'\] = 90 is above thresholds\['A'\] = 80"):
        grade_by_threshold([1.0], {"A": 80, "B": 90, "C": 10})
    with pytest.raises(InvalidInputError, match=r"thresholds\['C'\] = nan"):
        grade_by_threshold([1.0], {"A": 80, "B": 70, "C": float("nan")})
    with pytest.raises(InvalidInputError, match="below = 'C' is also a key"):
        grade_by_threshold([1.0], {"A": 80, "B": 70, "C": 60}, below="C")
    with pytest.raises(InvalidInputError, match="non-empty mapping"):
        grade_by_threshold([1.0], {})
    with pytest.raises(InvalidInputError, match=r"scores\[0\] is -inf"):
        grade_by_threshold([-np.inf], {"A": 1})
