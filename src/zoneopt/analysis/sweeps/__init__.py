"""Sweeps: a base instance solved under many variants — named scenarios, grids over pools and
rule bounds, Monte Carlo draws of the zones' reported figures, each zone forced out or in —
independently, on this machine or a Dask cluster, with the results streamed to Parquet and a
stopped sweep resumable; and the analyses on top: per-zone allocation bands, the probability of
receiving land, grade stability, each zone's replacement cost, and a robust plan.

* :mod:`.noise` — the relative error of each figure and draw ``k``'s factors;
* :mod:`.variants` — the deltas a sweep is made of, and their generators;
* :mod:`.runner` — solving a variant where it runs (the base made once per worker);
* :mod:`.engines` — in this process, a process pool, or Dask;
* :mod:`.store` — Parquet parts, resuming, the final file;
* :mod:`.sweep` — :class:`Sweep` and :func:`run_sweep`;
* :mod:`.analyses` — bands, probability of land, grades, replacement costs;
* :mod:`.robust` — the plan that maximises the worst case (or CVaR) of the objective over draws.

The mathematics is in ``models/sweeps.md``.
"""

from zoneopt.analysis.sweeps.analyses import (
    allocation_bands,
    grade_stability,
    replacement_costs,
    status_counts,
)
from zoneopt.analysis.sweeps.engines import SchedulerError, connect
from zoneopt.analysis.sweeps.noise import MetricNoise, draw_factors, noise_spec, perturbed
from zoneopt.analysis.sweeps.robust import RobustPlan, robust_plan
from zoneopt.analysis.sweeps.store import COLUMNS, read_metadata, read_sweep
from zoneopt.analysis.sweeps.sweep import Sweep, SweepResult, run_sweep, solve_variants
from zoneopt.analysis.sweeps.variants import (
    Base,
    DrawDelta,
    DropRulesDelta,
    FulfilmentDelta,
    ScenarioDelta,
    SetDelta,
    ZoneDelta,
    draw_variants,
    grid_variants,
    scenario_variants,
    set_value,
    standard_variants,
    zone_variants,
)

__all__ = [
    "Sweep", "SweepResult", "run_sweep", "solve_variants", "read_sweep", "read_metadata", "COLUMNS",
    "Base", "ScenarioDelta", "SetDelta", "DrawDelta", "ZoneDelta", "DropRulesDelta", "FulfilmentDelta", "set_value",
    "scenario_variants", "grid_variants", "draw_variants", "zone_variants", "standard_variants",
    "MetricNoise", "noise_spec", "draw_factors", "perturbed",
    "allocation_bands", "grade_stability", "replacement_costs", "status_counts",
    "RobustPlan", "robust_plan", "SchedulerError", "connect",
]
