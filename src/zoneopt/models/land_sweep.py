"""The Lagrangian subproblem of the land model, solved exactly by one sorted sweep: maximise a
linear objective over per-column bounds and one tilt chain (the polytope X of
``models/land-lagrange.md``).

A tilt over members in tiers 0 … K−1 (tier 0 the highest score), weight w_i > 0, levels
u_0 … u_{K−2}: y_i = x_i / w_i must satisfy u_t ≤ y_i ≤ u_{t−1} for a member of tier t (no
lower level for the last tier, no upper one for tier 0), with lb_i ≤ x_i ≤ ub_i. With g_i the
objective per unit of y_i, the value is a sum of concave functions of one level each
(:class:`Sweep`), and the optimal levels come from a threshold argument: for every θ the set
of levels above θ is a prefix {0 … m−1}, and the best prefix, m*(θ), is the largest maximiser
of the prefix sums of the levels' slopes at θ. m*(θ) never increases with θ, and u_k is the
largest θ with m*(θ) > k. The events (the bounds where a slope changes) are sorted once; per
objective the work is a few passes over them (bincounts and cumulative sums) plus a loop over
the chunks of events where m* changes (at most K of them). The proof is in the page.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

MATRIX_CELLS = 2_000_000
"""Levels × chunk boundaries held at once (the slopes at every chunk boundary)."""
MIN_CHUNK = 32
EPS = float(np.finfo(np.float64).eps)


@dataclass(frozen=True, eq=False)
class Sweep:
    """What does not depend on the objective: the chain's members (column, tier, weight,
    bounds), the level bounds implied by the members' bounds, and the events sorted by value.

    Events: a member of tier t ≥ 1 with a positive slope g is held by level t−1 from above
    (its value ub/w: the level's slope gains g below it); a member of tier t ≤ K−2 with a
    negative slope is held by level t from below (value lb/w: the slope gains g above it);
    and each level's own bounds lo_k, hi_k (no slope: they only split the cells). Position p
    (0 … E) is the open cell (v_{p−1}, v_p) of θ, v_{−1} = 0, v_E = ∞; it is *valid* when not
    empty."""

    cols: IntArray
    tier: IntArray
    weight: FloatArray
    lb: FloatArray
    ub: FloatArray
    K: int
    lo: FloatArray
    """levels' lower bounds (non-increasing in k)."""
    hi: FloatArray
    """levels' upper bounds (non-increasing in k)."""
    ev_member: IntArray
    """per event, the member it belongs to (-1: a level bound)."""
    ev_pos: BoolArray
    """per event, True: an upper event (value ub/w), False: a lower one (lb/w) or a level bound."""
    ev_level: IntArray
    value: FloatArray
    last_valid: IntArray
    """per position p, the last valid position ≤ p (-1: none)."""
    m_lo: IntArray
    """per position, levels forced above θ: #{k: lo_k ≥ v_p}."""
    m_hi: IntArray
    """per position, levels allowed above θ: #{k: hi_k ≥ v_p}."""
    chunk: int
    up_events: IntArray
    """the upper events (positions in the sorted order), and their (level, chunk) cell key."""
    up_key: IntArray
    down_events: IntArray
    """the lower events of members, and their (level, chunk + 1) cell key."""
    down_key: IntArray

    @property
    def events(self) -> int:
        return int(self.value.size)

    @property
    def theta_max(self) -> float:
        return float(self.hi[0]) if self.hi.size else 0.0


def prepare(cols: IntArray, tier: IntArray, weight: FloatArray, lb: FloatArray, ub: FloatArray,
            level_lb: FloatArray, level_ub: FloatArray) -> Sweep | str:
    """The :class:`Sweep` of a chain (members' columns, tiers, weights and bounds; the level
    columns' own bounds), or the reason it cannot be swept (an infinite bound, an empty X)."""
    K = int(tier.max()) + 1 if tier.size else 1
    if not (np.all(np.isfinite(lb)) and np.all(np.isfinite(ub))):
        return "a tilt member without finite bounds"
    if (lb < 0).any() or (level_lb < 0).any():
        return "a tilt member or level with a negative lower bound"
    if (weight <= 0).any():
        return "a tilt weight that is not positive"
    yl, yh = lb / weight, ub / weight
    rho = np.full(K, np.inf)
    np.minimum.at(rho, tier, yh)
    phi = np.zeros(K)
    np.maximum.at(phi, tier, yl)
    # u_k <= y_i for tier k (so <= rho_k), u_k >= y_j for tier k+1 (so >= phi_{k+1}); the chain
    # u_0 >= u_1 >= ... makes the running minimum / maximum exact.
    hi = np.minimum.accumulate(np.minimum(rho[:-1], level_ub))
    lo = np.maximum.accumulate(np.maximum(phi[1:], level_lb)[::-1])[::-1]
    if (lo > hi).any() or (yl > yh).any():
        return "the tilt and the bounds leave no feasible point"
    if not np.all(np.isfinite(hi)):
        return "a tilt level without a finite bound"
    members = np.arange(tier.size)
    up = members[tier >= 1]
    down = members[tier <= K - 2]
    L = K - 1
    ev_member = np.concatenate([up, down, np.full(2 * L, -1)])
    ev_pos = np.concatenate([np.ones(up.size, bool), np.zeros(down.size + 2 * L, bool)])
    ev_level = np.concatenate([tier[up] - 1, tier[down], np.full(2 * L, -1)])
    value = np.concatenate([yh[up], yl[down], lo, hi])
    order = np.argsort(value, kind="stable")
    ev_member, ev_pos, ev_level, value = ev_member[order], ev_pos[order], ev_level[order], value[order]
    E = value.size
    v = np.r_[value, np.inf]
    prev = np.r_[0.0, value]
    valid = v > prev
    last_valid = np.maximum.accumulate(np.where(valid, np.arange(E + 1), -1))
    m_lo = np.asarray(L - np.searchsorted(np.sort(lo), v, side="left"), dtype=np.int64)
    m_hi = np.asarray(L - np.searchsorted(np.sort(hi), v, side="left"), dtype=np.int64)
    # about sqrt(E) chunks balances the boundary matrix (K × chunks) against the work inside
    # the chunks where m* changes (chunk length × the levels it crosses, at most 2K in all)
    nb = max(1, min(E // MIN_CHUNK, int(np.sqrt(E)), MATRIX_CELLS // max(K, 1)))
    chunk = max(1, -(-E // nb))
    W = -(-E // chunk) + 1  # chunk boundaries, the last at E
    up_events = np.flatnonzero(ev_pos)
    down_events = np.flatnonzero(~ev_pos & (ev_member >= 0))
    up_key = ev_level[up_events] * W + up_events // chunk
    down_key = ev_level[down_events] * W + down_events // chunk + 1
    return Sweep(cols.astype(np.int64), tier.astype(np.int64), weight, lb, ub, K, lo, hi,
                 ev_member.astype(np.int64), ev_pos, ev_level.astype(np.int64), value,
                 last_valid.astype(np.int64), m_lo, m_hi, chunk, up_events.astype(np.int64),
                 up_key.astype(np.int64), down_events.astype(np.int64), down_key.astype(np.int64))


def _largest_argmax(S: FloatArray, lo: IntArray, hi: IntArray) -> IntArray:
    """Per column of ``S`` (rows m = 0 … M), the largest m in [lo, hi] maximising S[m]."""
    m = np.arange(S.shape[0])[:, None]
    masked = np.where((m >= lo[None, :]) & (m <= hi[None, :]), S, -np.inf)
    return (S.shape[0] - 1 - np.argmax(masked[::-1], axis=0)).astype(np.int64)


def levels(sw: Sweep, g: FloatArray) -> FloatArray:
    """The optimal levels u_0 … u_{K−2} for slopes ``g`` (objective per unit of y = x/w, one per
    member): u_k = sup{θ : m*(θ) > k} (module docstring)."""
    L, E, s = sw.K - 1, sw.events, sw.chunk
    if L == 0:
        return np.zeros(0)
    nb = -(-E // s)  # boundaries at positions b*s (b < nb) and E
    bpos = np.r_[np.arange(nb) * s, E]
    W = nb + 1
    # An upper event (slope g > 0) counts at boundaries b*s <= e, a lower one (g < 0) at b*s > e.
    gu = g[sw.ev_member[sw.up_events]]
    up = gu > 0
    H = np.bincount(sw.up_key[up], weights=gu[up], minlength=L * W).astype(np.float64, copy=False).reshape(L, W)
    C = np.cumsum(H, axis=1)
    D = C[:, -1:] - C + H  # the sum over chunks >= b
    gd = g[sw.ev_member[sw.down_events]]
    down = gd < 0
    Hd = np.bincount(sw.down_key[down], weights=gd[down], minlength=L * W).astype(np.float64, copy=False)
    D += np.cumsum(Hd.reshape(L, W), axis=1)
    S = np.vstack([np.zeros((1, W)), np.cumsum(D, axis=0)])  # S[m] = slopes of levels < m
    mb = _largest_argmax(S, sw.m_lo[bpos], sw.m_hi[bpos])
    mstar = np.repeat(mb[:-1], np.diff(bpos))
    mstar = np.r_[mstar, mb[-1]]
    for b in np.flatnonzero(mb[:-1] > mb[1:]):  # chunks where m* changes: at most K of them
        p0, p1 = int(bpos[b]), int(bpos[b + 1])
        lo_m, hi_m = int(mb[b + 1]), int(mb[b])
        n_pos, n_m = p1 - p0, hi_m - lo_m + 1
        ev = np.arange(p0, p1 - 1)  # events at e affect positions > e within the chunk
        member = sw.ev_member[ev]
        ge = np.where(member >= 0, g[np.maximum(member, 0)], 0.0)
        # crossing an event lowers its level's slope: an upper one by g > 0, a lower one adds g < 0
        delta = np.where(sw.ev_pos[ev], np.where(ge > 0, -ge, 0.0), np.where(ge < 0, ge, 0.0))
        col = sw.ev_level[ev] + 1 - lo_m
        keep = (delta != 0) & (col < n_m)
        Z = np.zeros((n_pos, n_m))
        np.add.at(Z, (ev[keep] - p0 + 1, np.maximum(col[keep], 0)), delta[keep])
        Z = np.cumsum(np.cumsum(Z, axis=0), axis=1) + S[lo_m:hi_m + 1, b][None, :]
        mstar[p0:p1] = lo_m + _largest_argmax(Z.T, sw.m_lo[p0:p1] - lo_m, sw.m_hi[p0:p1] - lo_m)
    mstar = np.minimum.accumulate(mstar)  # rounding cannot break the order m* has exactly
    first_not = np.searchsorted(-mstar, -np.arange(L), side="left")  # first p with m*(p) <= k
    last = np.where(first_not > 0, sw.last_valid[np.maximum(first_not - 1, 0)], -1)
    v = np.r_[sw.value, np.inf]
    u = np.where(last >= 0, v[np.maximum(last, 0)], 0.0)
    u = np.clip(u, sw.lo, sw.hi)
    return np.minimum.accumulate(u)


def members_at(sw: Sweep, g: FloatArray, u: FloatArray) -> FloatArray:
    """The members' x for slopes ``g`` and levels ``u``: with a positive slope as high as the
    level above and the bound allow, otherwise as low as the level below and the bound allow."""
    up = np.r_[np.inf, u][sw.tier]  # u_{t-1}
    down = np.r_[u, -np.inf][sw.tier]  # u_t
    high = np.minimum(sw.ub, sw.weight * up)
    low = np.maximum(sw.lb, sw.weight * down)
    return np.where(g > 0, high, low)


def rounding_allowance(sw: Sweep, g: FloatArray) -> float:
    """A bound on what floating-point rounding of the slopes' sums can cost the sweep's value:
    an error of at most (E + K)·eps·Σ|g| in a prefix sum, over θ from 0 to the highest level."""
    return 2.0 * (sw.events + sw.K) * EPS * float(np.abs(g).sum()) * sw.theta_max
