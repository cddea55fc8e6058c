"""Infeasibility diagnosis of an instance's resource models in their natural units (mu, t,
money, zones): :func:`diagnose_land` and :func:`diagnose_resource` build the model and run the
generic rule-level diagnosis of :mod:`zoneopt.core.diagnose` on it (the mathematics is in
``models/diagnosis.md``)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from zoneopt.core.diagnose import ConflictRule, Diagnosis, Relaxation, diagnose, fmt_amount
from zoneopt.core.solution import SolveOptions
from zoneopt.core.solve import DEFAULT_BACKEND
from zoneopt.errors import ModelError
from zoneopt.instance import Instance
from zoneopt.models.land_quota import LandModel, build_land_model, diagnose_land_model
from zoneopt.resources import ResourceModel, build_resource_model


# -- land ---------------------------------------------------------------------------------------

def diagnose_land(instance_or_model: Instance | LandModel, backend: str = DEFAULT_BACKEND, *,
                  time_limit: float | None = None, shortlist: bool = True) -> Diagnosis:
    """Diagnose the land-quota model of an instance (or an already built :class:`LandModel`)
    in plan units: slacks weighed and reported in mu (model units × ``land_unit``), rules
    with the type, source and note the instance gives them; the pool total is the rule
    ``land-total``. A parcel model stays a MIP. ``time_limit`` is seconds for the whole
    diagnosis; ``shortlist`` as in :func:`diagnose`.

    Raises :class:`~zoneopt.errors.InstanceError` for an instance the land model cannot be
    built from, and :class:`~zoneopt.errors.NoSolutionError` when a solve ends undecided.
    """
    lm = instance_or_model if isinstance(instance_or_model, LandModel) else build_land_model(instance_or_model)
    return diagnose_land_model(lm, backend, time_limit=time_limit, shortlist=shortlist)


# -- any resource ---------------------------------------------------------------------------------

def diagnose_resource(instance_or_model: Instance | ResourceModel, resource: str | None = None,
                      backend: str = DEFAULT_BACKEND, *, time_limit: float | None = None,
                      shortlist: bool = True) -> Diagnosis | None:
    """Diagnose one resource model of an instance (``land``, ``emissions``, ``funds`` or
    ``portfolio``; or an already built :class:`~zoneopt.resources.ResourceModel`) in its
    natural units: mu for land, t for emission allowances (labels name the pollutant, e.g.
    ``a (SO2)``), the money unit for funds; a portfolio's relaxations each in the unit of the
    rows they move (mu, t, money, or zones for a count target). Returns None for the ZSG-DEA
    emission reallocation, which applies no rules.

    Raises :class:`~zoneopt.errors.InstanceError` naming the resource when its model cannot
    be built, :class:`~zoneopt.errors.InfeasibleError` for a portfolio count target that no
    choice of projects can meet (found while building), and
    :class:`~zoneopt.errors.NoSolutionError` when a solve ends undecided."""
    if isinstance(instance_or_model, ResourceModel):
        rm = instance_or_model
    else:
        if resource is None:
            raise ModelError("diagnose_resource: name the resource (land, emissions, funds or portfolio)")
        rm = build_resource_model(instance_or_model, resource)
    if rm.model is None:
        return None
    weight = None
    if rm.resource == "portfolio":
        # A count target's per-zone reach row relaxed by 1 counts a zone that does not reach
        # the threshold, as lowering the count by 1 zone does: say the latter (a margin the
        # MIP's tolerances cannot blur), unless a zone falls short by under 2/3 of its gap.
        weight = np.ones(rm.model.num_rows)
        for b in rm.model.row_blocks:  # a loop over row blocks
            if b.rule and b.name == f"{b.rule}:reach":
                weight[b.slice] = 1.5
    # HiGHS 1.14's MIP presolve returned a worse elastic point than the optimum (called optimal)
    # on a small portfolio; its relaxations are the least change only without presolve.
    options = SolveOptions(extra={"presolve": "off"}) if backend == "highs" and rm.model.is_mip else None
    d = diagnose(rm.model, backend=backend, row_scale=rm.row_scale, unit=rm.unit, rules=rm.rules,
                 time_limit=time_limit, shortlist=shortlist, row_unit=rm.row_unit,
                 qualify_labels=rm.resource in ("emissions", "portfolio"), row_weight=weight, options=options)
    return replace(d, name=rm.built.instance.name)


__all__ = ["Diagnosis", "ConflictRule", "Relaxation", "diagnose", "diagnose_land", "diagnose_resource",
           "fmt_amount"]
