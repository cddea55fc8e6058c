"""Infeasibility diagnosis of an instance's resource models in their natural units (mu, t,
money, zones): :func:`diagnose_land` and :func:`diagnose_resource` build the model and run the
generic rule-level diagnosis of :mod:`zoneopt.core.diagnose` on it (the mathematics is in
``models/diagnosis.md``)."""

from __future__ import annotations

from zoneopt.core.diagnose import Diagnosis
from zoneopt.core.solve import DEFAULT_BACKEND
from zoneopt.errors import ModelError
from zoneopt.instance import Instance
from zoneopt.models.land_plan import diagnose_land_model
from zoneopt.models.land_quota import LandModel, build_land_model
from zoneopt.models.outcome import ResourceModel, diagnose_resource_model
from zoneopt.resources import build_resource_model

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
    return diagnose_resource_model(rm, backend, time_limit=time_limit, shortlist=shortlist)


__all__ = ["diagnose_land", "diagnose_resource"]
