"""A sweep's results on disk: Parquet parts written as variants finish, a resumable sweep, and
the one Parquet file they end as.

While a sweep runs, ``<out>.parts/`` holds ``manifest.json`` (the sweep's fingerprint) and
parts ``part-<first>-<stop>.parquet``, each a run of consecutive variants written atomically, in
variant order (results that finish early wait in a bounded buffer for those before them). So
what is on disk is always a prefix of the sweep: a sweep stopped at any moment (a kill, a
crash, a lost cluster) and started again with the same fingerprint skips that prefix. When
every variant is in, the parts are streamed into ``<out>`` (atomically) in row groups of a fixed
size, whatever the parts were, and the directory is removed: the file is the same byte for byte
however often the sweep was stopped, and on whichever engine it ran.

The table has one row per variant and zone (:data:`COLUMNS` describes each column); the sweep's
description is in the schema metadata under ``zoneopt.sweep`` (:func:`read_sweep` returns it as
``attrs["sweep"]``).
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from zoneopt.analysis.sweeps.runner import Layout, VariantRows
from zoneopt.errors import InvalidInputError
from zoneopt.files import atomic_write, atomic_write_text

if TYPE_CHECKING:
    import pyarrow as pa

METADATA_KEY = b"zoneopt.sweep"
ROW_GROUP_ROWS = 1 << 16
"""Rows per row group of the final file (fixed, so the file does not depend on the parts)."""
PARTS_SUFFIX = ".parts"
_PART = re.compile(r"^part-(\d{10})-(\d{10})\.parquet$")

COLUMNS = {
    "variant": "the variant's number (0 = the base), in sweep order",
    "kind": "base, scenario, grid, draw or zone",
    "label": "base, the scenario id, path=value,..., 'draw k', 'out:<zone>' or 'in:<zone>'",
    "status": "the worst of the resources' statuses: optimal, feasible, no solution, unbounded, infeasible, "
              "invalid",
    "message": "why a resource has no optimal plan (the infeasibility diagnosis ...), '' otherwise",
    "objective": "the main resource's objective (land when configured), natural units; NaN without a plan",
    "objective_<resource>": "each configured resource's objective",
    "status_<resource>": "each configured resource's status",
    "zone": "the zone id",
    "score": "the zone's score in this variant (its evaluation re-run on a draw's figures)",
    "grade": "the zone's grade in this variant (null: ungraded)",
    "alloc_<quantity>": "what the zone gets: alloc_land (mu), alloc_<pollutant> (t/yr), alloc_funds (money), "
                        "alloc_projects (count); NaN without a plan",
    "weight": "the land objective's weight for the zone in this variant (亩均税收 ...); NaN when none",
}


def _pa() -> Any:
    try:
        import pyarrow as pa
        import pyarrow.parquet  # noqa: F401  (the submodule, used as pa.parquet)
    except ImportError:  # pragma: no cover - a dependency
        raise InvalidInputError("sweeps write Parquet: install pyarrow (pip install 'pyarrow>=15')") from None
    return pa


def schema(layout: Layout, metadata: dict[str, Any] | None = None) -> pa.Schema:
    """The Arrow schema of a sweep table with ``layout`` (columns as :data:`COLUMNS`)."""
    pa = _pa()
    fields = [("variant", pa.int64()), ("kind", pa.string()), ("label", pa.string()), ("status", pa.string()),
              ("message", pa.string()), ("objective", pa.float64())]
    fields += [(f"objective_{r}", pa.float64()) for r in layout.resources]
    fields += [(f"status_{r}", pa.string()) for r in layout.resources]
    fields += [("zone", pa.string()), ("score", pa.float64()), ("grade", pa.string())]
    fields += [(f"alloc_{q}", pa.float64()) for q in layout.quantities]
    fields += [("weight", pa.float64())]
    meta = {METADATA_KEY: json.dumps(metadata, ensure_ascii=False, sort_keys=True).encode()} if metadata else None
    return pa.schema(fields, metadata=meta)


def to_table(rows: Sequence[VariantRows], layout: Layout) -> pa.Table:
    """The rows of consecutive variants as an Arrow table (zone rows in instance order)."""
    pa = _pa()
    n, m = len(layout.zones), len(rows)
    each = np.repeat(np.arange(m), n)

    def per_variant(values: list[Any], kind: Any) -> Any:
        return pa.array(values, type=kind).take(pa.array(each))

    def per_zone(arrays: list[np.ndarray]) -> np.ndarray:
        return np.concatenate(arrays) if arrays else np.zeros(0)

    cols: list[Any] = [
        pa.array(np.repeat(np.array([r.index for r in rows], dtype=np.int64), n)),
        per_variant([r.kind for r in rows], pa.string()), per_variant([r.label for r in rows], pa.string()),
        per_variant([r.status for r in rows], pa.string()), per_variant([r.message for r in rows], pa.string()),
        per_variant([r.objective for r in rows], pa.float64()),
    ]
    cols += [per_variant([r.objectives[k] for r in rows], pa.float64()) for k in range(len(layout.resources))]
    cols += [per_variant([r.statuses[k] for r in rows], pa.string()) for k in range(len(layout.resources))]
    cols += [pa.array(list(layout.zones), type=pa.string()).take(pa.array(np.tile(np.arange(n), m))),
             pa.array(per_zone([r.score for r in rows]), type=pa.float64()),
             pa.array(per_zone([r.grade for r in rows]).tolist(), type=pa.string())]
    cols += [pa.array(per_zone([r.allocations[k] for r in rows]), type=pa.float64())
             for k in range(len(layout.quantities))]
    cols += [pa.array(per_zone([r.weight for r in rows]), type=pa.float64())]
    return pa.Table.from_arrays(cols, schema=schema(layout))


class SweepStore:
    """The parts of one sweep (fingerprint ``fingerprint``, ``total`` variants) beside ``out``."""

    def __init__(self, out: str | Path, fingerprint: str, layout: Layout, metadata: dict[str, Any],
                 total: int) -> None:
        self.out = Path(out)
        self.parts = self.out.with_name(self.out.name + PARTS_SUFFIX)
        self.fingerprint = fingerprint
        self.layout = layout
        self.metadata = {**metadata, "fingerprint": fingerprint}
        self.total = total
        self.done = 0

    # -- opening and resuming ----------------------------------------------------------------
    def open(self, fresh: bool = False) -> int:
        """Make or resume the parts directory; return how many variants (a prefix) are done.
        ``fresh`` discards the parts of an earlier run. Raises :class:`InvalidInputError` when
        the parts are another sweep's (another instance, variants, backend or options)."""
        if fresh and self.parts.exists():
            shutil.rmtree(self.parts)
        if not self.parts.exists():
            if not fresh and self.complete():
                self.done = self.total
                return self.done
            self.parts.mkdir(parents=True)
            atomic_write_text(self.parts / "manifest.json",
                              json.dumps({"fingerprint": self.fingerprint, "variants": self.total}) + "\n")
            return 0
        manifest = self.parts / "manifest.json"
        try:
            found = json.loads(manifest.read_text(encoding="utf-8")).get("fingerprint")
        except (OSError, ValueError):
            found = None
        if found != self.fingerprint:
            raise InvalidInputError(f"{self.parts} holds the parts of another sweep (another instance, variants, "
                                    "backend or options): remove it, choose another output, or start afresh "
                                    "(fresh=True, --fresh)")
        for stray in self.parts.glob(".part-*.tmp"):  # a write that was killed before its rename
            stray.unlink()
        stop = 0
        for start, end, _ in self._part_files():
            if start != stop:
                raise InvalidInputError(f"{self.parts}: the parts do not run on from variant {stop} (found a part "
                                        f"from {start}); start afresh (--fresh)")
            stop = end
        self.done = stop
        return self.done

    def complete(self) -> bool:
        """Whether ``out`` is this sweep's finished file."""
        if not self.out.exists():
            return False
        try:
            meta = read_metadata(self.out)
        except Exception:  # not a Parquet file, or not a sweep's: it will be replaced
            return False
        return meta.get("fingerprint") == self.fingerprint

    def _part_files(self) -> list[tuple[int, int, Path]]:
        found = []
        for p in self.parts.iterdir():
            m = _PART.match(p.name)
            if m:
                found.append((int(m.group(1)), int(m.group(2)), p))
        return sorted(found)

    # -- writing -----------------------------------------------------------------------------
    def write(self, rows: Sequence[VariantRows]) -> None:
        """Write the next run of variants (they must follow on from those written) as a part."""
        if not rows:
            return
        first, stop = rows[0].index, rows[-1].index + 1
        if first != self.done or stop - first != len(rows):
            raise InvalidInputError(f"sweep store: variants {first}..{stop - 1} do not follow on from {self.done}")
        table = to_table(rows, self.layout)
        pq = _pa().parquet
        atomic_write(self.parts / f"part-{first:010d}-{stop:010d}.parquet", lambda t: pq.write_table(table, t))
        self.done = stop

    def finish(self) -> Path:
        """Stream the parts into ``out`` (atomically, fixed row groups) and remove them."""
        if not self.parts.exists() and self.complete():
            return self.out
        if self.done != self.total:
            raise InvalidInputError(f"sweep store: {self.done} of {self.total} variants done; cannot finish")
        pa = _pa()
        pq = pa.parquet
        target = schema(self.layout, self.metadata)
        files = [p for _, _, p in self._part_files()]

        def write(tmp: Path) -> None:
            with pq.ParquetWriter(tmp, target, compression="zstd") as writer:
                held: list[Any] = []
                rows = 0
                for path in files:  # one part in memory at a time
                    part = pq.read_table(path).cast(target)
                    held.append(part)
                    rows += part.num_rows
                    while rows >= ROW_GROUP_ROWS:
                        table = pa.concat_tables(held).combine_chunks()
                        writer.write_table(table.slice(0, ROW_GROUP_ROWS), row_group_size=ROW_GROUP_ROWS)
                        rest = table.slice(ROW_GROUP_ROWS)
                        held, rows = [rest], rest.num_rows
                if rows:
                    writer.write_table(pa.concat_tables(held).combine_chunks(), row_group_size=ROW_GROUP_ROWS)

        atomic_write(self.out, write)
        shutil.rmtree(self.parts)
        return self.out


def read_metadata(path: str | Path) -> dict[str, Any]:
    """The ``zoneopt.sweep`` description of a sweep file. Raises :class:`InvalidInputError` for
    a file that is not a sweep's."""
    pa = _pa()
    if not Path(path).is_file():
        raise InvalidInputError(f"{path}: no such sweep file")
    try:
        meta = pa.parquet.read_schema(path).metadata or {}
    except pa.ArrowException as exc:
        raise InvalidInputError(f"{path} is not a Parquet file ({exc})") from None
    if METADATA_KEY not in meta:
        raise InvalidInputError(f"{path} is not a zoneopt sweep (no {METADATA_KEY.decode()} metadata)")
    found: dict[str, Any] = json.loads(meta[METADATA_KEY])
    return found


def read_sweep(path: str | Path) -> pd.DataFrame:
    """A sweep file as a pandas table (one row per variant and zone), its description in
    ``attrs["sweep"]``."""
    pq = _pa().parquet
    meta = read_metadata(path)
    frame: pd.DataFrame = pq.read_table(path).to_pandas()
    frame.attrs["sweep"] = meta
    return frame


__all__ = ["SweepStore", "schema", "to_table", "read_sweep", "read_metadata", "COLUMNS", "METADATA_KEY",
           "ROW_GROUP_ROWS"]
