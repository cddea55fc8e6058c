"""A solved designation's statuses (models/designation.md, "Statuses"): per status and zone,
whether it is awarded and in which year, and for every other zone why not — it holds the
status already, a rule excludes it, it must convert or converts, it fails a criterion, the
count's places go to zones that score higher, or (weight 0) it is not needed: the named zones
and the targets are met without it. Vectorised per status (a loop over statuses only)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from zoneopt.models.designation import DesignationModel
from zoneopt.models.designation_parts import count_tight, fail_text, first_failed
from zoneopt.models.designation_status import StatusPart

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

AWARDED = "awarded"
"""The ``decision`` of a zone awarded a status."""
STATUS_COLUMNS = ["status", "label", "zone", "name", "city", "county", "level", "kind", "score", "qualifies",
                  "held", "named", "failed", "decision", "year", "value", "reason", "rule", "source"]


def _reasons(dm: DesignationModel, p: StatusPart, chosen: BoolArray, converts: BoolArray, act: FloatArray
             ) -> tuple[npt.NDArray[np.object_], npt.NDArray[np.object_], npt.NDArray[np.object_]]:
    """Reason, rule and source per zone of the status (models/designation.md, "Why not")."""
    st = p.status
    n = p.zones.size
    reason = np.full(n, "", dtype=object)
    rule, source = first_failed(p)
    failed = p.failed.astype(str) != ""
    reason[failed] = "fails " + fail_text(p)[failed]
    named = chosen & p.named  # the figure it ranks by is a column of its own (``score``), in its unit
    reason[chosen] = np.where(named[chosen], "named by its clause; meets every criterion", "meets every criterion")
    if st.named is not None:
        rule[named], source[named] = st.named.id, st.named.cited
    rest = ~chosen
    for mask, text, rid, cited in (  # a loop over the four reasons a zone may not be awarded it at all
            (p.held, "holds it already (its targets count it)", st.id, st.cited),
            (p.excluded, f"excluded by rule `{st.exclude.id}`" if st.exclude else "excluded",
             st.exclude.id if st.exclude else "", st.exclude.cited if st.exclude else None),
            (p.must_convert, "must convert to an urban functional area (convert.required): not awarded", st.id,
             st.cited),
            (converts, "converts to an urban functional area: a converted zone is awarded no status", st.id,
             st.cited)):
        hit = rest & mask
        reason[hit], rule[hit], source[hit] = text, rid, cited
        rest &= ~hit
        if text.startswith("excluded"):  # held and excluded come first; then a failed criterion's reason
            rest &= ~failed
    if rest.any() and p.count is not None and count_tight(dm.model, p.counts, act):
        low = float(np.nanmin(p.score[chosen])) if chosen.any() else float("nan")
        reason[rest] = f"the count's places go to parks that score higher (lowest chosen {low:.6g})"
        rule[rest], source[rest] = p.count.id, p.count.cited
        rest[:] = False
    if p.weight > 0:
        worth = np.nan_to_num(p.score) * p.weight
        reason[rest] = np.where(worth[rest] <= 0, "adds nothing to the measure (its value is 0)",
                                "not chosen: the count and target rules together (see bindings)")
    else:
        reason[rest] = "not needed: the named zones and the targets are met without it"
    return reason, rule, source


def status_table(dm: DesignationModel, x: FloatArray, act: FloatArray) -> pd.DataFrame:
    """One row per status and zone it applies to (columns :data:`STATUS_COLUMNS`, then one per
    criterion with the zone's value): awarded (``decision`` ``awarded``, ``year``) or why not."""
    if not dm.statuses:
        return pd.DataFrame(columns=STATUS_COLUMNS)
    f = dm.zones.frame
    years = np.asarray(dm.years)
    T = years.size
    conv = dm.parts.get("convert")
    converted = np.zeros(dm.zones.size, dtype=bool)
    if conv is not None:
        converted[conv.zones[x[conv.var.slice].reshape(conv.zones.size, T).sum(axis=1) > 0.5]] = True
    frames = []
    for sid, p in dm.statuses.items():  # a loop over statuses
        X = x[p.var.slice].reshape(p.zones.size, T) > 0.5
        chosen = np.asarray(X.any(axis=1), dtype=bool)
        yi = X.argmax(axis=1)
        reason, rule, source = _reasons(dm, p, chosen, converted[p.zones], act)
        c = dm.model.c[p.var.slice].reshape(p.zones.size, T)
        base = {col: f[col].to_numpy()[p.zones] for col in ("zone", "name", "city", "county", "level", "kind")}
        frame = pd.DataFrame({"status": sid, "label": p.label, **base, "score": p.score, "qualifies": p.ok,
                              "held": p.held, "named": p.named | (p.held & np.isin(base["zone"], list(
                                  p.status.named.zones if p.status.named else ()))),
                              "failed": p.failed, "decision": np.where(chosen, AWARDED, ""),
                              "year": pd.array(np.where(chosen, years[yi], 0), dtype="Int64"),
                              "value": np.where(chosen, c[np.arange(p.zones.size), yi], 0.0),
                              "reason": reason, "rule": rule, "source": source})
        frame.loc[~chosen, "year"] = pd.NA
        for crit in p.criteria:  # one column per criterion
            frame[crit.id] = p.values[crit.id]
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


__all__ = ["status_table", "AWARDED", "STATUS_COLUMNS"]
