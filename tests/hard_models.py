"""Models that no backend solves to optimality in the time a test waits: for the interrupt and
time-limit tests, which need a solve that is still running (with an incumbent) when the signal
or the deadline comes.

* :func:`market_split` — Cornuéjols & Dawande's market split problem (1999): ``m`` equality
  rows ``a_i @ x = floor(sum(a_i) / 2)`` over ``n = 10 (m - 1)`` binaries with ``a_ij`` uniform
  in 0..99, here as "minimise the total slack". Branch and bound cannot prove anything from the
  LP bound (0 at every node) and 2^50 points are too many: HiGHS, CBC, SCIP and CP-SAT all run
  for hours at m = 6, while any point (x = 0 with the slacks) is an incumbent at once. Every
  variable is integer (the data are), so CP-SAT takes it too.
* :func:`multi_knapsack` — a portfolio instance (项目为王) that is a 0-1 multidimensional knapsack
  with correlated profits (Chu & Beasley 1998 style: 250 projects, land, funds and 8 pollutants,
  pools at a quarter of the demand): HiGHS, CBC and SCIP all stop at 30 s with gaps of 0.4-0.9 %.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from zoneopt.core import Model, write_mps


def market_split(m: int = 6, seed: int = 1) -> Model:
    rng = np.random.default_rng(seed)
    n = 10 * (m - 1)
    a = rng.integers(0, 100, size=(m, n)).astype(float)
    b = np.floor(a.sum(axis=1) / 2)
    A = sp.hstack([sp.csr_matrix(a), sp.eye(m), -sp.eye(m)], format="csr")
    return Model(c=np.concatenate([np.zeros(n), np.ones(2 * m)]), A=A, row_lb=b, row_ub=b,
                 lb=np.zeros(n + 2 * m), ub=np.concatenate([np.ones(n), np.full(2 * m, np.inf)]),
                 integer=np.ones(n + 2 * m, dtype=bool), sense="min", name="market-split")


def market_split_mps(path: Path) -> Path:
    write_mps(market_split(), path)
    return path


def multi_knapsack(projects: int = 250, pollutants: int = 8, scenarios: int = 0, seed: int = 7) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    rows = 2 + pollutants
    W = rng.integers(1, 1001, size=(rows, projects)).astype(float)
    tax = np.round(W.sum(axis=0) / rows + 500 * rng.random(projects))
    names = [f"P{i}" for i in range(pollutants)]
    cap = 0.25 * W.sum(axis=1)
    data: dict[str, Any] = {
        "name": "multi-knapsack",
        "zones": [{"id": f"z{k}", "city": "C", "land_area_mu": 1e6, "score": 50.0,
                   "metrics": {"revenue": 1e6, "tax": 1.0}} for k in range(10)],
        "projects": [{"id": f"p{j}", "zone": f"z{j % 10}", "land_mu": W[0, j], "fund": W[1, j],
                      "emissions_t": {p: W[2 + i, j] for i, p in enumerate(names)},
                      "investment": 1.0, "tax": tax[j], "revenue": 1.0} for j in range(projects)],
        "pools": {"land": {"total_mu": cap[0]}, "funds": {"budget": cap[1]},
                  "emissions": {"pollutants": {p: {"total_t": cap[2 + i]} for i, p in enumerate(names)}}},
    }
    if scenarios:
        data["scenarios"] = [{"id": f"land+{k + 1}pct", "pools": {"land": {"total_mu": cap[0] * (1 + 0.01 * (k + 1))}}}
                             for k in range(scenarios)]
    return data
