"""Monte Carlo draws of the zones' reported figures: which metrics carry what relative error,
the factors of draw ``k`` (the same whatever the engine, the worker or the order in which draws
are solved), and the instance with its metrics multiplied by them.

A draw's random stream is ``numpy.random.Generator(PCG64(SeedSequence(seed, spawn_key=(k,))))``:
the k-th child of the sweep's seed, a pure function of ``(seed, k)``. It draws, in the order of
the noise specification, one value per zone for each metric (every pollutant the instance
reports, in sorted order, for ``emissions``), whether or not a zone reports the metric, so the
layout of the stream depends on the specification and the zone count only. A figure a zone does
not report stays missing. The distributions are in ``models/sweeps.md``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from zoneopt.data.zones import METRICS
from zoneopt.errors import InvalidInputError
from zoneopt.instance import Instance
from zoneopt.instance.indicators import EMISSIONS_PREFIX

FloatArray = npt.NDArray[np.float64]
Distribution = Literal["normal", "lognormal", "uniform"]
DISTRIBUTIONS: tuple[str, ...] = ("normal", "lognormal", "uniform")

EMISSIONS = "emissions"
"""The noise target naming every pollutant's emissions (each drawn independently)."""
REPORTED: tuple[str, ...] = (*METRICS, EMISSIONS)
"""The zones' reported figures a bare ``--error`` perturbs: every :class:`~zoneopt.instance.Metrics`
field (tax, value added, revenue, R&D, energy, employees, energy-stock reduction) and emissions."""


@dataclass(frozen=True)
class MetricNoise:
    """The error of one reported figure, relative to the reported value: a draw multiplies the
    figure of zone i by a factor f_i, independent across zones and metrics:

    * ``normal``: f = max(0, 1 + error · z), z ~ N(0, 1) (error is the standard deviation);
    * ``lognormal``: f = exp(error · z − error² / 2) (mean 1, never negative);
    * ``uniform``: f = max(0, 1 + error · (2u − 1)), u ~ U[0, 1) (error is the half-width).

    ``metric`` is a :class:`~zoneopt.instance.Metrics` field, ``emissions`` (every pollutant)
    or ``emissions.<pollutant>``."""

    metric: str
    error: float
    distribution: Distribution = "normal"

    def __post_init__(self) -> None:
        if not (self.metric in REPORTED or self.metric.startswith(EMISSIONS_PREFIX)):
            raise InvalidInputError(f"noise: unknown metric {self.metric!r}; choose one of "
                                    f"{', '.join(REPORTED)} or emissions.<pollutant>")
        if self.distribution not in DISTRIBUTIONS:
            raise InvalidInputError(f"noise {self.metric}: unknown distribution {self.distribution!r}; "
                                    f"choose one of {', '.join(DISTRIBUTIONS)}")
        if not (math.isfinite(self.error) and self.error >= 0):
            raise InvalidInputError(f"noise {self.metric}: the relative error must be finite and >= 0, "
                                    f"got {self.error!r}")

    def describe(self) -> dict[str, object]:
        return {"metric": self.metric, "error": self.error, "distribution": self.distribution}


def noise_spec(error: float | None = None,
               metrics: Mapping[str, float | tuple[str, float]] | None = None,
               distribution: Distribution = "normal") -> tuple[MetricNoise, ...]:
    """The noise of a Monte Carlo sweep: ``error`` on every reported figure (:data:`REPORTED`)
    with ``distribution``, and ``metrics`` naming a figure's own error (a number, with
    ``distribution``) or ``(distribution, error)``, which replaces the common one for that
    figure. Raises :class:`InvalidInputError` for an unknown metric, distribution or a
    negative error, and when nothing is perturbed."""
    given: dict[str, MetricNoise] = {}
    if error is not None:
        given = {m: MetricNoise(m, float(error), distribution) for m in REPORTED}
    for name, spec in (metrics or {}).items():
        dist, err = (spec if isinstance(spec, tuple) else (distribution, spec))
        given[name] = MetricNoise(name, float(err), dist)  # type: ignore[arg-type]
    if not given:
        raise InvalidInputError("noise: give a relative error (e.g. 0.05) or one per metric")
    return tuple(given.values())


def pollutants(instance: Instance) -> tuple[str, ...]:
    """Every pollutant some zone of ``instance`` reports, sorted (the order draws use)."""
    return tuple(sorted({p for z in instance.zones for p in z.metrics.emissions_t}))  # a loop over zones


def _targets(noise: Sequence[MetricNoise], polluting: Sequence[str]) -> list[tuple[str, MetricNoise]]:
    """(figure, noise) in stream order: ``emissions`` expands to ``emissions.<p>`` per pollutant;
    a later entry for the same figure replaces an earlier one in place."""
    out: dict[str, MetricNoise] = {}
    for spec in noise:
        names = [EMISSIONS_PREFIX + p for p in polluting] if spec.metric == EMISSIONS else [spec.metric]
        for name in names:
            out[name] = spec
    return list(out.items())


def draw_rng(seed: int, k: int) -> np.random.Generator:
    """The random stream of draw ``k`` of a sweep seeded ``seed``: the k-th child of
    ``SeedSequence(seed)``, whatever else is drawn before or elsewhere."""
    if seed < 0 or k < 0:
        raise InvalidInputError(f"draw {k} of seed {seed}: seeds and draw numbers are >= 0")
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(k,))))


def draw_factors(noise: Sequence[MetricNoise], seed: int, k: int, n_zones: int,
                 polluting: Sequence[str] = ()) -> dict[str, FloatArray]:
    """The factors of draw ``k``: figure name (a metric, ``emissions.<p>``) → one factor per
    zone. ``polluting`` lists the pollutants (:func:`pollutants`) ``emissions`` stands for."""
    rng = draw_rng(seed, k)
    out: dict[str, FloatArray] = {}
    for name, spec in _targets(noise, polluting):  # a loop over figures, not zones
        e = spec.error
        if spec.distribution == "normal":
            f = np.maximum(0.0, 1.0 + e * rng.standard_normal(n_zones))
        elif spec.distribution == "lognormal":
            f = np.exp(e * rng.standard_normal(n_zones) - 0.5 * e * e)
        else:
            f = np.maximum(0.0, 1.0 + e * (2.0 * rng.random(n_zones) - 1.0))
        out[name] = f
    return out


def perturbed(instance: Instance, factors: Mapping[str, FloatArray]) -> Instance:
    """``instance`` with each zone's reported figures multiplied by its factor (missing figures
    stay missing). A copy sharing everything but the zones, which are copies (not re-validated:
    a non-negative figure times a non-negative factor is one)."""
    columns = {name: f.tolist() for name, f in factors.items()}
    plain = [(m, columns[m]) for m in METRICS if m in columns]
    emitted = {name[len(EMISSIONS_PREFIX):]: f for name, f in columns.items() if name.startswith(EMISSIONS_PREFIX)}
    zones = []
    for i, z in enumerate(instance.zones):  # building the zone objects of an instance: one per zone
        m = z.metrics
        update: dict[str, object] = {}
        for name, f in plain:
            value = getattr(m, name)
            if value is not None:
                update[name] = value * f[i]
        if emitted and m.emissions_t:
            update["emissions_t"] = {p: v * emitted[p][i] if p in emitted else v for p, v in m.emissions_t.items()}
        zones.append(z.model_copy(update={"metrics": m.model_copy(update=update)}) if update else z)
    return instance.model_copy(update={"zones": tuple(zones)})


__all__ = ["MetricNoise", "DISTRIBUTIONS", "REPORTED", "EMISSIONS", "noise_spec", "pollutants", "draw_rng",
           "draw_factors", "perturbed"]
