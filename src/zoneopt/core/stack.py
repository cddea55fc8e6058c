"""Stacking core models: several :class:`~zoneopt.core.model.Model` side by side in one builder,
block-diagonal, each block renamed with a suffix (e.g. ``x@2021``), so that linking variables and
rows can be added before the whole is built.

The multi-period plan stacks one model per resource and year this way (``models/multi-period.md``).
Every copy is vectorised: a model's rows go in one call per row block, their columns shifted by
the model's offset (no loop over variables or rows).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import scipy.sparse as sp

from zoneopt.core.model import Model, ModelBuilder, RowBlock, Sense, VarBlock
from zoneopt.errors import ModelError


def _cover(count: int, blocks: Sequence[VarBlock | RowBlock], prefix: str) -> list[tuple[str, int, int]]:
    """(name, start, size) runs covering ``0 .. count-1``: the blocks, and a run named
    ``<prefix><start>`` for each gap (a model read from a file may have no blocks)."""
    runs: list[tuple[str, int, int]] = []
    pos = 0
    for b in sorted(blocks, key=lambda b: b.start):
        if b.start < pos:
            raise ModelError(f"blocks overlap at {b.name!r}")
        if b.start > pos:
            runs.append((f"{prefix}{pos}", pos, b.start - pos))
        runs.append((b.name, b.start, b.size))
        pos = b.start + b.size
    if pos < count:
        runs.append((f"{prefix}{pos}", pos, count - pos))
    return runs


def add_model(b: ModelBuilder, model: Model, suffix: str, *, weight: float = 1.0, rule_suffix: bool = True,
              keep_rows: Callable[[RowBlock], bool] | None = None,
              rule_name: Callable[[RowBlock], str] | None = None) -> int:
    """Append ``model`` to the builder ``b``: its variable blocks (bounds, integrality, labels,
    objective × ``weight``, negated when the model's sense differs from the builder's) and its
    row blocks, each named ``<name><suffix>``; a row block's rule id gets the suffix too when
    ``rule_suffix`` (so ``city-cap`` of one year is ``city-cap@2021``), or is
    ``rule_name(block)`` when that is given (e.g. ``city-cap:SO2@2021``); its source stays.
    ``keep_rows`` (a row block → bool) leaves out the blocks it rejects. Returns the column
    offset of the model's first variable in the builder."""
    if not np.isfinite(weight):
        raise ModelError(f"add_model {model.name!r}: weight must be finite, got {weight!r}")
    if model.is_quadratic:
        raise ModelError(f"add_model {model.name!r}: a quadratic objective is not stacked (linear objectives only)")
    offset = b.num_vars
    sign = 1.0 if model.sense == b.sense else -1.0
    c = model.c * (weight * sign)
    labels = {v.name: v.labels for v in model.var_blocks}
    for name, start, size in _cover(model.num_vars, model.var_blocks, "_x"):
        sl = slice(start, start + size)
        b.add_vars(name + suffix, size, lb=model.lb[sl], ub=model.ub[sl], obj=c[sl],
                   integer=model.integer[sl], labels=labels.get(name))
    b.c0 += weight * sign * model.c0
    A = model.A
    width = offset + model.num_vars
    rows = {r.name: r for r in model.row_blocks}
    for name, start, size in _cover(model.num_rows, model.row_blocks, "_r"):
        block = rows.get(name)
        if block is not None and keep_rows is not None and not keep_rows(block):
            continue
        sub = A[start:start + size]
        shifted = sp.csr_matrix((sub.data, sub.indices + offset, sub.indptr), shape=(size, width))
        rule = block.rule if block is not None else None
        if rule is not None and block is not None and rule_name is not None:
            rule = rule_name(block)
        elif rule is not None and rule_suffix:
            rule += suffix
        b.add_rows(name + suffix, shifted, lb=model.row_lb[start:start + size], ub=model.row_ub[start:start + size],
                   rule=rule, source=block.source if block is not None else None,
                   labels=block.labels if block is not None else None)
    return offset


def stack(models: Sequence[Model], suffixes: Sequence[str], *, name: str = "stacked", sense: Sense | None = None,
          weights: Sequence[float] | None = None, rule_suffix: bool = True,
          keep_rows: Callable[[RowBlock], bool] | None = None) -> tuple[ModelBuilder, list[int]]:
    """A builder holding ``models`` block-diagonally (see :func:`add_model`), and each model's
    column offset. The objective is Σ_k weights[k] × c_k (each in the builder's ``sense``,
    default the first model's). Add linking variables and rows to the builder, then
    ``build()``. Raises :class:`ModelError` for mismatched lengths or repeated suffixes."""
    if len(models) != len(suffixes):
        raise ModelError(f"stack: {len(models)} models but {len(suffixes)} suffixes")
    if len(set(suffixes)) != len(suffixes):
        raise ModelError("stack: suffixes must differ (block names would clash)")
    w = [1.0] * len(models) if weights is None else list(weights)
    if len(w) != len(models):
        raise ModelError(f"stack: {len(models)} models but {len(w)} weights")
    if not models:
        return ModelBuilder(name, sense or "min"), []
    b = ModelBuilder(name, sense or models[0].sense)
    offsets = [add_model(b, m, s, weight=wk, rule_suffix=rule_suffix, keep_rows=keep_rows)
               for m, s, wk in zip(models, suffixes, w, strict=True)]
    return b, offsets


__all__ = ["add_model", "stack"]
