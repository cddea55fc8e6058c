"""The report's charts: a renderer that draws on matplotlib's Agg canvas (never a display) with
the Noto Sans CJK font, so Chinese zone names render, and one painter per chart (land: the
allocation per zone, score against allocation per existing mu, totals per city, the what-if
curve, the frontier; emission allowances, funds, the portfolio's pool use and revenue).

matplotlib and the font come with the ``report`` extra (``pip install "zoneopt[report]"``);
they are imported on first use (:meth:`ChartRenderer.load`, and inside the painters), so
importing the report does not import matplotlib. Without them :class:`MissingDependencyError`
(exit code 2) says what to install.

A painter takes matplotlib's ``Figure`` class and its data and returns the figure, or a string
saying why there is nothing to draw.
"""

from __future__ import annotations

import importlib
import io
import math
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from zoneopt.errors import InvalidInputError
from zoneopt.plans.display import Display, fixed, percent
from zoneopt.report.document import Block, Chart, ChartNote

BAR_ZONES = 60
"""At most this many zones in the allocation bar chart (the largest allocations)."""
SCATTER_LABELS = 40
"""At most this many zones with land are named in the score chart (the largest allocations)."""
STRIP_ZONES = 60
"""Zones at 0 are named below the score chart only when there are at most this many."""
PANEL_ZONES = 12
"""Zones per pollutant panel of the emission chart (the largest allocations)."""

FONT_FAMILY = "Noto Sans CJK SC"
INSTALL_HINT = 'pip install "zoneopt[report]"'


class MissingDependencyError(InvalidInputError):
    """An optional package a feature needs is not installed (exit code 2); the message says
    what to install."""


# -- the renderer ---------------------------------------------------------------------------

_FONT_LOCK = threading.Lock()
_FONT_PATH: list[str] = []


class ChartRenderer:
    """matplotlib on the Agg canvas with the Noto CJK font registered. ``rc_context`` changes
    matplotlib's global settings, so drawing is serialised by a lock."""

    lock = threading.Lock()

    def __init__(self, font_path: str) -> None:
        self.font_path = font_path

    @classmethod
    def load(cls) -> ChartRenderer:
        """Import matplotlib and the font, or raise :class:`MissingDependencyError`."""
        try:
            importlib.import_module("matplotlib")
            importlib.import_module("matplotlib.figure")
            importlib.import_module("matplotlib.backends.backend_agg")
            font_manager = importlib.import_module("matplotlib.font_manager")
        except ImportError as exc:
            raise MissingDependencyError(
                f"report charts need matplotlib, which is not installed ({exc}); install the report extra: "
                f"{INSTALL_HINT}") from None
        try:
            font = importlib.import_module("noto_cjk_sans_otc")
        except ImportError as exc:
            raise MissingDependencyError(
                f"report charts need the Noto Sans CJK font package noto-cjk-sans-otc, which is not installed "
                f"({exc}); install the report extra: {INSTALL_HINT}") from None
        path = str(font.FONT_PATH)
        with _FONT_LOCK:
            if path not in _FONT_PATH:
                if not Path(path).is_file():
                    raise MissingDependencyError(f"the font file {path} of noto-cjk-sans-otc is missing; reinstall "
                                                 f"it: {INSTALL_HINT}")
                font_manager.fontManager.addfont(path)
                _FONT_PATH.append(path)
        return cls(path)

    def draw(self, paint: Callable[..., Any], *args: Any) -> bytes | str:
        """Run ``paint(Figure, *args)``; PNG bytes, or the reason (a string) when there is
        nothing to draw."""
        import matplotlib
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        rc: Any = {"font.family": [FONT_FAMILY, "DejaVu Sans"], "axes.unicode_minus": False, "font.size": 9,
              "axes.titlesize": 11, "axes.spines.top": False, "axes.spines.right": False}
        with self.lock, matplotlib.rc_context(rc):
            result = paint(Figure, *args)
            if isinstance(result, str):
                return result
            fig = result
            FigureCanvasAgg(fig)
            buf = io.BytesIO()
            fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
            return buf.getvalue()


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height in pixels of a PNG (its IHDR chunk)."""
    import struct

    w, h = struct.unpack(">II", data[16:24])
    return int(w), int(h)


def chart_or_note(renderer: ChartRenderer | None, name: str, title: str, paint: Callable[..., Any],
                  *args: Any) -> Block:
    """The chart ``paint`` draws from ``args``, or a note saying why it was not drawn (charts
    are off: ``renderer`` is None, or there is nothing to draw)."""
    if renderer is None:
        d = next((a for a in args if isinstance(a, Display)), None)
        return ChartNote(name, title, d.t("note.charts_off") if d is not None
                         else "charts were not drawn (charts=False)")
    result = renderer.draw(paint, *args)
    if isinstance(result, str):
        return ChartNote(name, title, result)
    return Chart(name, title, result)


def _thousands(axis: Any) -> None:
    """Tick labels with thousands separators."""
    from matplotlib.ticker import FuncFormatter

    from zoneopt.plans.display import significant

    # never scientific notation (``f"{1e-05:g}"`` is): small ticks to 6 significant digits
    axis.set_major_formatter(FuncFormatter(lambda v, _: significant(v, 6, 8) if abs(v) < 1000 else f"{v:,.0f}"))


def _label(names: pd.Series, ids: pd.Series) -> list[str]:
    return [n if isinstance(n, str) and n else str(i) for n, i in zip(names, ids, strict=True)]


# -- land -------------------------------------------------------------------------------------

def allocation_chart(Figure: Any, a: pd.DataFrame, s: Any, d: Display) -> Any:
    alloc = a["allocation_mu"].to_numpy(dtype=float)
    got = np.flatnonzero(alloc > 1e-9)
    if got.size == 0:
        return d.t("note.no_land")
    order = got[np.argsort(-alloc[got], kind="stable")][:BAR_ZONES]
    names = _label(a["name"].iloc[order], a["zone"].iloc[order])
    values = alloc[order]
    fulfil = a["fulfilment"].to_numpy(dtype=float)[order]
    n = order.size
    fig = Figure(figsize=(9, max(2.5, 0.34 * n + 1.3)))
    ax = fig.add_subplot()
    y = np.arange(n)
    ax.barh(y, values, color="#3b78b0")
    ax.set_yticks(y, names)
    ax.invert_yaxis()
    ax.set_xlabel(d.t("chart.new_land_mu"))
    shown = d.t("chart.largest_of", n=n, got=got.size) if got.size > n else f"{n}"
    ax.set_title(d.t("chart.allocation_title", shown=shown, none=a.shape[0] - got.size))
    top = float(values.max())
    for k in range(n):
        text = f"{values[k]:,.1f}" + (d.t("chart.of_request", p=percent(fulfil[k], 0))
                                      if np.isfinite(fulfil[k]) else "")
        ax.text(values[k] + 0.01 * top, y[k], text, va="center", fontsize=8)
    ax.set_xlim(0, top * 1.3)
    ax.grid(axis="x", alpha=0.3)
    _thousands(ax.xaxis)
    return fig


_GRADE_COLOURS = {"A": "#2a9d3c", "B": "#3b78b0", "C": "#e08a1e", "D": "#c0392b"}


def score_chart(Figure: Any, a: pd.DataFrame, d: Display) -> Any:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    score = a["score"].to_numpy(dtype=float)
    per = a["allocation_per_mu"].to_numpy(dtype=float)
    ok = np.isfinite(score) & np.isfinite(per)
    if not ok.any():
        return d.t("note.no_score")
    if not (per[ok] > 1e-12).any():
        return d.t("note.no_land")
    idx = np.flatnonzero(ok)
    grades = a["grade"].to_numpy(dtype=object)
    names = _label(a["name"], a["zone"])
    pos = idx[per[idx] > 1e-12]
    zero = idx[per[idx] <= 1e-12]
    alloc = a["allocation_mu"].to_numpy(dtype=float)
    named = pos[np.argsort(-alloc[pos], kind="stable")][:SCATTER_LABELS]
    strip_zeros = zero if zero.size <= STRIP_ZONES else zero[:0]
    # The strip of names of the zones at 0 is as tall as the longest name (CJK characters are
    # about 1 em wide at 7.5 pt, others about 0.6 em) plus the leader lines (the top 30 %).
    longest = max((sum(1.0 if ord(ch) > 0x2E80 else 0.6 for ch in names[i]) for i in strip_zeros.tolist()),
                  default=0.0)
    strip_in = (longest * 7.5 / 72.0 + 0.1) / 0.7
    fig = Figure(figsize=(10, 5.6 + strip_in if strip_zeros.size else 6.5))
    if strip_zeros.size:
        ax, strip = fig.subplots(2, 1, sharex=True,
                                 gridspec_kw={"height_ratios": [5.0, strip_in], "hspace": 0.04})
    else:
        ax, strip = fig.add_subplot(), None
    canvas = FigureCanvasAgg(fig)
    for g in ["A", "B", "C", "D", None]:  # a loop over grades
        sel = idx[[(grades[i] if isinstance(grades[i], str) else None) == g for i in idx]]
        if sel.size:
            ax.scatter(score[sel], per[sel], s=36, color=_GRADE_COLOURS.get(g or "", "#888888"),
                       label=d.t("chart.grade", g=g) if g else d.t("chart.no_grade"), zorder=3, edgecolor="white",
                       linewidth=0.5)
    top = float(per[idx].max())
    span = float(score[idx].max() - score[idx].min()) or 1.0
    ax.set_xlim(float(score[idx].min()) - 0.04 * span, float(score[idx].max()) + 0.04 * span)
    ax.set_ylim(-0.04 * top, top * 1.15)
    ax.set_ylabel(d.t("chart.per_existing_mu"))
    unnamed = []
    if named.size < pos.size:
        unnamed.append(d.t("chart.named_largest", n=named.size))
    if zero.size and not strip_zeros.size:
        unnamed.append(d.t("chart.zeros_unnamed"))
    ax.set_title(d.t("chart.score_title", pos=pos.size, zero=zero.size,
                     extra=("；" if d.zh else "; ") + d.join(unnamed) if unnamed else ""))
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", frameon=False)
    _place_labels(ax, canvas, score[named], per[named], [names[i] for i in named.tolist()], score[idx], per[idx])
    if strip is None:
        ax.set_xlabel(d.t("chart.score"))
        return fig
    # Zones at 0: their names in a strip below, spread out so they do not overlap, each joined to
    # its score by a thin line.
    ax.tick_params(labelbottom=False)
    strip.set_ylim(0, 1)
    strip.set_yticks([])
    strip.spines["left"].set_visible(False)
    strip.set_xlabel(d.t("chart.score"))
    # "at 0:" as the strip's own y label, beside it like the plot's: always inside the figure's
    # bounds and clear of the names (a text placed in axes coordinates was cut off at the edge).
    strip.set_ylabel(d.t("chart.at_zero"), rotation=0, ha="right", va="center", fontsize=9,
                     color="#444444", labelpad=6)
    order = strip_zeros[np.argsort(score[strip_zeros], kind="stable")]
    to_px = strip.transData.transform
    px = to_px(np.column_stack([score[order], np.zeros(order.size)]))[:, 0]
    left, right = to_px([[ax.get_xlim()[0], 0], [ax.get_xlim()[1], 0]])[:, 0]
    spread = _dodge(px, gap=11.0 * fig.dpi / 72.0, lo=left + 4, hi=right - 4)
    xs = strip.transData.inverted().transform(np.column_stack([spread, np.zeros(order.size)]))[:, 0]
    texts = []
    for k, i in enumerate(order.tolist()):  # the labels of the zones at 0
        strip.plot([score[i], score[i], xs[k]], [1.0, 0.88, 0.74], color="#aaaaaa", linewidth=0.5)
        texts.append(strip.text(xs[k], 0.7, names[i], rotation=90, ha="center", va="top", fontsize=7.5,
                                color="#444444"))
    # Lower the strip's bottom until the longest name fits: with ylim (b, 1) the names' top (0.7)
    # is (0.7 − b)/(1 − b) of the strip's height above its bottom.
    renderer = canvas.get_renderer()
    need = max(tx.get_window_extent(renderer).height for tx in texts) + 6.0
    k_fit = min(need / max(strip.get_window_extent(renderer).height, 1.0), 0.95)
    strip.set_ylim(min(0.0, (0.7 - k_fit) / (1.0 - k_fit)), 1.0)
    return fig


def _dodge(px: npt.NDArray[np.float64], gap: float, lo: float, hi: float) -> npt.NDArray[np.float64]:
    """Sorted positions moved apart to at least ``gap`` each, kept within [lo, hi] where room allows."""
    out = np.clip(px.astype(float), lo, hi)
    for k in range(1, out.size):  # a loop over labels
        out[k] = max(out[k], out[k - 1] + gap)
    if out.size and out[-1] > hi:
        out[-1] = hi
        for k in range(out.size - 2, -1, -1):
            out[k] = min(out[k], out[k + 1] - gap)
    return out


def _place_labels(ax: Any, canvas: Any, xs: npt.NDArray[np.float64], ys: npt.NDArray[np.float64],
                  labels: list[str], all_x: npt.NDArray[np.float64], all_y: npt.NDArray[np.float64]) -> None:
    """Label points without overlaps: each label tries offsets around its point (nearest first)
    and takes the first whose box overlaps no other label, no marker and stays in the axes; a
    label placed away from its point gets a thin leader line. Each label is measured once; the
    candidate boxes are arithmetic (pixels)."""
    renderer = canvas.get_renderer()
    axbox = ax.get_window_extent(renderer)
    marks = ax.transData.transform(np.column_stack([all_x, all_y]))
    anchors = ax.transData.transform(np.column_stack([xs, ys]))
    px_per_pt = ax.figure.dpi / 72.0
    r = 5.0
    placed: list[tuple[float, float, float, float]] = []
    steps = [0, 12, -12, 24, -24, 36, -36, 48, -48, 60, -60, 72, -72, 84, -84, 96, -96]
    candidates = [(6, dy, "left") for dy in steps] + [(-6, dy, "right") for dy in steps]
    order = np.lexsort((xs, -ys))  # from the top, left to right
    for k in order.tolist():  # a loop over the labelled points
        probe = ax.text(0, 0, labels[k], fontsize=8)
        ext = probe.get_window_extent(renderer)
        probe.remove()
        w, h = ext.width * 1.04 + 2, ext.height * 1.15 + 2
        ax_, ay = anchors[k]
        chosen = None
        for dx, dy, ha in candidates:
            x0 = ax_ + dx * px_per_pt - (w if ha == "right" else 0.0)
            y0 = ay + dy * px_per_pt - h / 2
            box = (x0, y0, x0 + w, y0 + h)
            inside = axbox.x0 <= box[0] and box[2] <= axbox.x1 and axbox.y0 <= box[1] and box[3] <= axbox.y1
            if not inside:
                continue
            if np.any((marks[:, 0] + r > box[0]) & (marks[:, 0] - r < box[2])
                      & (marks[:, 1] + r > box[1]) & (marks[:, 1] - r < box[3])):
                continue
            if any(box[0] < q[2] and q[0] < box[2] and box[1] < q[3] and q[1] < box[3] for q in placed):
                continue
            chosen = (dx, dy, ha)
            placed.append(box)
            break
        if chosen is None:  # no free place: a small label right at the point
            ax.annotate(labels[k], (xs[k], ys[k]), xytext=(4, 4), textcoords="offset points", fontsize=6.5,
                        color="#555555")
            continue
        dx, dy, ha = chosen
        arrow = {"arrowstyle": "-", "color": "#999999", "linewidth": 0.5, "shrinkA": 0, "shrinkB": 3} if dy else None
        ax.annotate(labels[k], (xs[k], ys[k]), xytext=(dx, dy), textcoords="offset points", fontsize=8, ha=ha,
                    va="center", arrowprops=arrow)


def city_chart(Figure: Any, cities: pd.DataFrame, d: Display) -> Any:
    values = cities["allocation_mu"].to_numpy(dtype=float)
    if not (values > 1e-9).any():
        return d.t("note.no_city_land")
    n = len(cities)
    fig = Figure(figsize=(9, max(2.5, 0.34 * n + 1.3)))
    ax = fig.add_subplot()
    y = np.arange(n)
    ax.barh(y, values, color="#5a9e6f")
    ax.set_yticks(y, [str(c) for c in cities["city"]])
    ax.invert_yaxis()
    ax.set_xlabel(d.t("chart.new_land_mu"))
    ax.set_title(d.t("chart.cities_title"))
    top = float(values.max())
    share = cities["share_of_pool"].to_numpy(dtype=float)
    for k in range(n):
        ax.text(values[k] + 0.01 * top, y[k], f"{values[k]:,.1f}" + d.t("chart.of_pool", p=percent(share[k])),
                va="center", fontsize=8)
    ax.set_xlim(0, top * 1.3)
    ax.grid(axis="x", alpha=0.3)
    _thousands(ax.xaxis)
    return fig


def _unit_note(ax: Any, text: str) -> None:
    """The y axis' unit above its top-left corner: a long unit (a blend's) beside a rotated label
    would run into it."""
    ax.annotate(text, xy=(0.0, 1.0), xycoords="axes fraction", xytext=(0, 5), textcoords="offset points",
                ha="left", va="bottom", fontsize=8, color="#444444")


def what_if_chart(Figure: Any, pts: pd.DataFrame, unit: str, d: Display) -> Any:
    ok = pts["status"].isin(["optimal", "feasible"]).to_numpy()
    if ok.sum() < 2:
        return d.t("note.what_if_few", factors=", ".join(f"×{f:g}" for f in pts["factor"]))
    if not (pts["allocated_mu"].to_numpy(dtype=float)[ok] > 1e-9).any():
        return d.t("note.what_if_none")
    pool = pts["pool_mu"].to_numpy(dtype=float)
    factor_money = d.money_factor if unit.startswith(d.money_unit) else 1.0  # the objective shown in 亿元
    fig = Figure(figsize=(9, 6.5))
    ax1, ax2 = fig.subplots(2, 1, sharex=True)
    objective = pts["objective"].to_numpy(dtype=float) * factor_money
    ax1.plot(pool[ok], objective[ok], marker="o", color="#3b78b0")
    ax1.set_ylabel(d.t("chart.objective"))
    _unit_note(ax1, d.t("chart.unit", unit=unit))
    ax1.set_title(d.t("chart.what_if_title"))
    ax2.plot(pool[ok], pts["allocated_mu"].to_numpy(dtype=float)[ok], marker="o", color="#5a9e6f",
             label=d.t("chart.allocated"))
    ax2.plot(pool, pool, linestyle=":", color="#999999", label=d.t("chart.pool_all"))
    ax2.set_ylabel(d.t("chart.allocated_mu"))
    ax2.set_xlabel(d.t("chart.pool_mu"))
    factor = pts["factor"].to_numpy(dtype=float)
    for k in np.flatnonzero(ok).tolist():
        ax1.annotate(f"×{factor[k]:g}", (pool[k], objective[k]), xytext=(0, 7),
                     textcoords="offset points", ha="center", fontsize=8)
    bad = np.flatnonzero(~ok)
    for ax in (ax1, ax2):
        ax.grid(alpha=0.3)
        for k in bad.tolist():
            ax.axvline(pool[k], color="#c0392b", alpha=0.4, linestyle="--")
    for k in bad.tolist():
        ax1.annotate(f"×{factor[k]:g}: {d.term('status.' + str(pts['status'].iloc[k]), str(pts['status'].iloc[k]))}",
                     (pool[k], 0.5), xycoords=("data", "axes fraction"),
                     rotation=90, ha="right", va="center", fontsize=8, color="#c0392b")
    ax2.legend(loc="upper left", frameon=False)
    for axis in (ax1.yaxis, ax2.yaxis, ax2.xaxis):
        _thousands(axis)
    return fig


def frontier_chart(Figure: Any, front: pd.DataFrame, unit: str, d: Display) -> Any:
    ok = front["status"].isin(["optimal", "feasible"]).to_numpy()
    if ok.sum() < 2:
        return d.t("note.frontier_few")
    x = front["min_fulfilment"].to_numpy(dtype=float)[ok] * 100.0
    y = front["efficiency"].to_numpy(dtype=float)[ok] * (d.money_factor if unit.startswith(d.money_unit) else 1.0)
    fig = Figure(figsize=(9, 5.5))
    ax = fig.add_subplot()
    ax.plot(x, y, marker="o", color="#8e44ad")
    ax.annotate(d.t("chart.eff_optimum"), (x[0], y[0]), xytext=(8, 0), textcoords="offset points", fontsize=8,
                va="center")
    ax.annotate(d.t("chart.eq_optimum"), (x[-1], y[-1]), xytext=(-8, 0), textcoords="offset points", fontsize=8,
                ha="right", va="center")
    ax.set_xlabel(d.t("chart.min_fulfilment"))
    ax.set_ylabel(d.t("chart.efficiency"))
    _unit_note(ax, d.t("chart.unit", unit=unit))
    ax.set_title(d.t("chart.frontier_title"))
    ax.grid(alpha=0.3)
    _thousands(ax.yaxis)
    return fig



# -- emission allowances, funds and the portfolio ---------------------------------------------

def emission_chart(Figure: Any, a: pd.DataFrame, pollutants: list[str], d: Display) -> Any:
    data = {p: a[f"{p}_t"].to_numpy(dtype=float) for p in pollutants}
    shown = [p for p in pollutants if (data[p] > 1e-9).any()]
    if not shown:
        return d.t("note.no_allowances")
    names = _label(a["name"], a["zone"])
    cols = min(3, len(shown))
    rows = math.ceil(len(shown) / cols)
    fig = Figure(figsize=(4.6 * cols, 0.26 * PANEL_ZONES * rows + 1.2 * rows + 0.6))
    axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False)).ravel()
    for ax, p in zip(axes, shown, strict=False):  # a loop over pollutants
        v = data[p]
        got = np.flatnonzero(v > 1e-9)
        order = got[np.argsort(-v[got], kind="stable")][:PANEL_ZONES]
        y = np.arange(order.size)
        ax.barh(y, v[order], color="#c27c2c")
        ax.set_yticks(y, [names[i] for i in order.tolist()], fontsize=8)
        ax.invert_yaxis()
        total = float(v.sum())
        more = d.t("chart.top_of", n=order.size, got=got.size) if got.size > order.size else ""
        ax.set_title(d.t("chart.emission_panel", p=p, total=fixed(total, 1), got=got.size, more=more), fontsize=9.5)
        ax.set_xlabel(d.t("chart.t_per_year"), fontsize=8)
        top = float(v[order].max())
        for k, i in enumerate(order.tolist()):
            ax.text(v[i] + 0.01 * top, y[k], fixed(v[i], 1), va="center", fontsize=7)
        ax.set_xlim(0, top * 1.28)
        ax.grid(axis="x", alpha=0.3)
    for ax in axes[len(shown):]:
        ax.set_visible(False)
    fig.suptitle(d.t("chart.emission_title"), fontsize=11)
    fig.subplots_adjust(wspace=0.55, hspace=0.45)
    return fig


def fund_chart(Figure: Any, a: pd.DataFrame, d: Display) -> Any:
    funds = a["funds"].to_numpy(dtype=float) * d.money_factor  # in the display's money unit
    got = np.flatnonzero(funds > 1e-9)
    if got.size == 0:
        return d.t("note.no_funds")
    order = got[np.argsort(-funds[got], kind="stable")][:BAR_ZONES]
    names = _label(a["name"].iloc[order], a["zone"].iloc[order])
    req = np.nan_to_num(a["request_funds"].to_numpy(dtype=float)[order]) * d.money_factor
    v = funds[order]
    n = order.size
    fig = Figure(figsize=(9, max(2.5, 0.34 * n + 1.5)))
    ax = fig.add_subplot()
    y = np.arange(n)
    ax.barh(y, req, color="#d9d9d9", label=d.t("chart.request"))
    ax.barh(y, v, height=0.55, color="#7a5195", label=d.t("chart.funds"))
    ax.set_yticks(y, names)
    ax.invert_yaxis()
    ax.set_xlabel(d.t("chart.funds_axis", money=d.money_unit))
    shown = d.t("chart.largest_of", n=n, got=got.size) if got.size > n else f"{n}"
    ax.set_title(d.t("chart.funds_title", shown=shown, none=a.shape[0] - got.size))
    top = float(max(v.max(), req.max()))
    lev = a["leverage"].to_numpy(dtype=float)[order] if "leverage" in a else np.full(n, np.nan)
    for k in range(n):
        text = d.money_value(v[k] / d.money_factor) + (d.t("chart.leverage", p=percent(lev[k]))
                                                      if np.isfinite(lev[k]) else "")
        ax.text(max(v[k], req[k]) + 0.01 * top, y[k], text, va="center", fontsize=8)
    ax.set_xlim(0, top * 1.35)
    ax.grid(axis="x", alpha=0.3)
    ax.legend(loc="lower right", frameon=False)
    _thousands(ax.xaxis)
    return fig


def pool_use_chart(Figure: Any, s: Any, d: Display) -> Any:
    pools = list(s.pools)
    if not pools:
        return d.t("note.no_pools")
    share = np.array([p.allocated / p.total if p.total > 0 else 0.0 for p in pools])
    if not (share > 1e-9).any():
        return d.t("note.no_projects")
    n = len(pools)
    fig = Figure(figsize=(9, max(2.5, 0.45 * n + 1.4)))
    ax = fig.add_subplot()
    y = np.arange(n)
    ax.barh(y, np.ones(n) * 100, color="#eeeeee")
    ax.barh(y, share * 100, color="#2a7f62")
    ax.set_yticks(y, [d.term(f"pool.{p.pool}", p.pool) for p in pools])
    ax.invert_yaxis()
    ax.set_xlim(0, 135)
    ax.set_xticks([0, 20, 40, 60, 80, 100])  # the room past 100 % holds the labels
    ax.set_xlabel(d.t("chart.share_used"))
    ax.set_title(d.t("chart.pools_title", chosen=s.projects_chosen, total=s.projects))
    for k, p in enumerate(pools):
        allocated, _ = d.quantity_parts(p.allocated, p.unit)
        total, unit = d.quantity_parts(p.total, p.unit)
        ax.text(101, y[k], d.t("chart.pool_line", p=percent(share[k]), a=allocated, t=total, unit=unit), va="center",
                fontsize=8)
    ax.grid(axis="x", alpha=0.3)
    return fig


def revenue_chart(Figure: Any, a: pd.DataFrame, base: npt.NDArray[np.float64], counts: list[Any],
                  d: Display) -> Any:
    metric = counts[0].metric
    words = d.term(f"indicator.{metric}", metric)
    after = a[f"{metric}_after"].to_numpy(dtype=float) * d.money_factor  # in the display's money unit
    base = base * d.money_factor
    if not np.isfinite(after).any():
        return d.t("note.no_metric", metric=words)
    order = np.argsort(-np.nan_to_num(after), kind="stable")[:BAR_ZONES]
    names = _label(a["name"].iloc[order], a["zone"].iloc[order])
    n = order.size
    before = np.nan_to_num(base[order])
    gain = np.maximum(np.nan_to_num(after[order]) - before, 0.0)
    fig = Figure(figsize=(9, max(3.0, 0.3 * n + 1.8)))
    ax = fig.add_subplot()
    y = np.arange(n)
    ax.barh(y, before, color="#b0c4de", label=d.t("chart.before", metric=words))
    ax.barh(y, gain, left=before, color="#3b78b0", label=d.t("chart.added"))
    ax.set_yticks(y, names, fontsize=8)
    ax.invert_yaxis()
    styles = ["--", ":", "-.", (0, (5, 1, 1, 1))]
    for k, c in enumerate(t for t in counts if t.metric == metric):  # a loop over count targets
        ax.axvline(c.threshold * d.money_factor, color="#c0392b", linestyle=styles[k % len(styles)], linewidth=1.2,
                   label=d.t("chart.target_line", id=c.id, threshold=d.money_words(c.threshold, per_year=True),
                             n=c.at_least))
    ax.set_xlabel(d.t("chart.metric_axis", metric=words, money=d.money_unit))
    ax.set_title(d.t("chart.revenue_title", metric=words))
    ax.grid(axis="x", alpha=0.3)
    ax.legend(loc="lower right", frameon=True, fontsize=8)
    _thousands(ax.xaxis)
    return fig

