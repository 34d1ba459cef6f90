"""Year-end projection backtest and rank-uncertainty timing on the demo province.

    .venv/bin/python bench/projection.py                      # loads a fresh demo in a temp folder
    PARINDEX_DATA_DIR=/tmp/p12 .venv/bin/python bench/projection.py   # a demo already loaded there
    .venv/bin/python bench/projection.py --as-of 2025-06-30 --draws 10000

What it measures, on the demo's 2025 groups (GENERATED data, labelled as such):

1. **Backtest.** Each group is projected to the year's end from the dossier data up to
   `--as-of` (default the end of June; `parindex.plans.selectors.projection`, the method of
   docs/planning.md), and compared with the results computed from the whole year's data
   (31/12): the mean absolute error of the total in points, the largest error, the share of
   units whose class was projected right, and the share whose actual total fell inside the
   projected 90 % interval. The other criteria are the same on both sides, so the error is the
   projection's of the data-scored rates. These are figures, not test assertions.
2. **Monte Carlo.** `parindex.planning.rank_uncertainty` on each group's results and
   estimates (survey estimates; the departments' data-scored rates with a binomial error, as
   the demo configures), `--draws` draws, timed alone; and, once, what the `plans.uncertainty`
   job reads before it (the group's entries and results, the survey's estimates, the settings).

Exits 0 either way.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _setup(folder: str | None) -> None:
    os.environ.setdefault("PARINDEX_DEBUG", "1")
    os.environ.setdefault("PARINDEX_DEMO", "1")
    if folder:
        os.environ["PARINDEX_DATA_DIR"] = folder
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parindex.web.settings")
    import django

    django.setup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--as-of", default="2025-06-30")
    parser.add_argument("--draws", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    folder = None
    if not os.environ.get("PARINDEX_DATA_DIR"):
        folder = tempfile.mkdtemp(prefix="parindex-bench-projection-")
    _setup(folder)

    from django.core.management import call_command

    from parindex.demo.loader import demo_loaded, load_demo

    if not demo_loaded():
        print(f"loading the demo province into {os.environ['PARINDEX_DATA_DIR']} …", flush=True)
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        load_demo(log=lambda _message: None)
        print(f"  demo loaded in {time.perf_counter() - started:.0f} s")

    from parindex.periods.models import UnitGroup
    from parindex.planning import rank_uncertainty
    from parindex.plans.selectors.data import group_data
    from parindex.plans.selectors.projection import backtest, compute_projection
    from parindex.plans.selectors.uncertainty import simulation_inputs

    as_of = datetime.date.fromisoformat(args.as_of)
    groups = list(
        UnitGroup.objects.filter(period__year=as_of.year)
        .select_related("period", "framework")
        .order_by("position")
    )
    print(f"\nBacktest: projection from the data up to {as_of:%d/%m/%Y} against 31/12/{as_of.year}")
    print(
        f"{'group':<32} {'units':>5} {'MAE (points)':>13} {'max error':>10} "
        f"{'class right':>12} {'in 90% interval':>16} {'time':>7}"
    )
    for group in groups:
        started = time.perf_counter()
        projected = compute_projection(group, as_of)
        actual = compute_projection(group, datetime.date(as_of.year, 12, 31))
        seconds = time.perf_counter() - started
        figures = backtest(projected, actual)
        print(
            f"{group.name[:32]:<32} {figures['units']:>5} {figures['mae_points']:>13.4f} "
            f"{figures['max_error']:>10.4f} {figures['class_right']:>12.0%} "
            f"{figures['coverage']:>16.0%} {seconds:>6.2f}s"
        )

    print(f"\nRank uncertainty: {args.draws} draws, median of {args.repeat} runs")
    print(f"{'group':<32} {'units':>5} {'estimates':>9} {'read inputs':>12} {'simulation':>11}")
    for group in groups:
        started = time.perf_counter()
        data = group_data(group)
        inputs = simulation_inputs(group, data)
        reading = time.perf_counter() - started
        count = sum(len(nodes) for nodes in inputs.estimates.values())
        if not count:
            print(f"{group.name[:32]:<32} {len(inputs.results):>5} {0:>9}  (nothing to draw)")
            continue
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            rank_uncertainty(inputs.results, inputs.estimates, draws=args.draws)
            times.append(time.perf_counter() - started)
        print(
            f"{group.name[:32]:<32} {len(inputs.results):>5} {count:>9} "
            f"{reading:>11.2f}s {statistics.median(times):>10.3f}s"
        )
    print("\nData are GENERATED (demo province); the demo's units keep the same habits all year,")
    print("so a year-to-date rate projects its December figure well. Real data drift more.")


if __name__ == "__main__":
    main()
