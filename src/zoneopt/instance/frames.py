"""Zone tables (pandas DataFrames, one row per zone) as zone dicts, for validation."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

_METRIC_FIELDS = {"tax", "value_added", "revenue", "rd_spending", "energy_tce", "employees"}


def is_missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA or v is pd.NaT


def zones_from_frame(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of a zone table as zone dicts (see :meth:`Instance.from_frames`). Unknown columns
    are passed through so that validation names them."""
    out: list[dict[str, Any]] = []
    for record in frame.to_dict("records"):
        zone: dict[str, Any] = {}
        metrics: dict[str, Any] = {}
        emissions: dict[str, Any] = {}
        for col, value in record.items():
            key = str(col)
            if is_missing(value) or (isinstance(value, str) and not value.strip() and key != "name"):
                continue
            if hasattr(value, "item"):  # numpy scalar -> Python scalar
                value = value.item()
            if key in _METRIC_FIELDS:
                metrics[key] = value
            elif key.startswith("emissions_") and key.endswith("_t"):
                emissions[key[len("emissions_"):-2]] = value
            elif key == "request_land_mu":
                zone["requests"] = {"land_mu": value}
            elif key == "tags" and isinstance(value, str):
                zone["tags"] = [t.strip() for t in value.split(",") if t.strip()]
            elif key in ("id", "city", "county") and isinstance(value, (int, float)):
                zone[key] = str(value)
            else:
                zone[key] = value
        if emissions:
            metrics["emissions_t"] = emissions
        if metrics:
            zone["metrics"] = metrics
        out.append(zone)
    return out
