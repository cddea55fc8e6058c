"""The allocation models, one module per formulation, on the shared rule builders of
:mod:`zoneopt.models.rules`; :mod:`zoneopt.models.outcome` turns a solve's status into typed
errors with a diagnosis in natural units. ``ARCHITECTURE.md`` says where each lives."""
