"""The memory a large land solve starts from: load a zone-table instance, build its land model
and solve form, and hand the LP to HiGHS without solving it. Run it as a whole process and read
its peak RSS from outside, against another checkout's ``src`` for a before/after:

    /usr/bin/time -v env PYTHONPATH=src python benchmarks/presolve_memory.py /tmp/zoneopt-bench/table-1000000-s1.json
    /usr/bin/time -v env PYTHONPATH=/path/to/other/src python benchmarks/presolve_memory.py ...

(the instance files are those ``benchmarks/scale.py`` writes to its ``--data`` folder).
"""

from __future__ import annotations

import sys

from zoneopt import load
from zoneopt.core import SolveOptions
from zoneopt.core.backends.highs import new_highs, to_highs_lp
from zoneopt.models.land_form import solve_form
from zoneopt.models.land_quota import build_land_model
from zoneopt.models.presolve import presolve_checks


def main(path: str) -> int:
    inst = load(path)
    lm = build_land_model(inst)
    presolve_checks(inst, lm)
    form = solve_form(lm.model, lm.tilts)
    try:  # what solve_in_form does before a large solve (absent in checkouts before it)
        from zoneopt.core.memory import release_freed_memory
    except ImportError:
        pass
    else:
        release_freed_memory()
    h = new_highs(SolveOptions())
    h.passModel(to_highs_lp(form.model))
    print(f"{form.model.num_vars:,} columns, {form.model.num_rows:,} rows handed to HiGHS")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
