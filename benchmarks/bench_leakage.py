"""The cost of skfrl.metrics.leakage_report against one probe fit.

On a synthetic representation of Adult's target-set size (9,000 rows, 60
columns; ``s`` shifts the mean of some columns and the spread of others),
times ``leakage_report`` with the three probes, 5 folds and 3 repeats, and,
in the same process, one fit of each probe on 4/5 of the rows; prints the
report's time, each probe's fit time, and the report's time over one fit of
the default probe. Writes ``<out>/leakage.csv``.

Example::

    python benchmarks/bench_leakage.py --n-jobs 2 --threads 1 --out bench_out
"""

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd

from skfrl.metrics import PROBE_NAMES, leakage_report, make_probe
from skfrl.utils import limit_threads


def representation(n_rows, n_columns, seed):
    """A Z whose columns leak s through the mean (first 5) or the spread (next 5)."""
    rng = np.random.RandomState(seed)
    s = (rng.rand(n_rows) < 0.33).astype(int)
    Z = rng.normal(size=(n_rows, n_columns))
    Z[:, :5] += 0.3 * s[:, None]
    Z[:, 5:10] *= np.where(s == 1, 1.5, 1.0)[:, None]
    return Z, s


def timed(function):
    start = time.perf_counter()
    result = function()
    return result, time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=9000)
    parser.add_argument("--columns", type=int, default=60)
    parser.add_argument(
        "--threads", type=int, default=1, help="BLAS/OpenMP threads per process"
    )
    parser.add_argument("--n-jobs", type=int, default=2, help="parallel probe fits")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=Path("bench_out"))
    args = parser.parse_args()
    Z, s = representation(args.rows, args.columns, args.seed)
    fit_rows = slice(0, 4 * args.rows // 5)
    with limit_threads(args.threads):
        fits = {
            name: timed(lambda p=name: make_probe(p).fit(Z[fit_rows], s[fit_rows]))[1]
            for name in PROBE_NAMES
        }
        report, report_seconds = timed(lambda: leakage_report(Z, s, n_jobs=args.n_jobs))
    print(report.round(4).to_string())
    rows = [{"what": f"fit {name}", "seconds": sec} for name, sec in fits.items()]
    rows.append({"what": "leakage_report", "seconds": report_seconds})
    table = pd.DataFrame(rows)
    table["over_one_logistic_fit"] = table["seconds"] / fits["logistic"]
    print(table.round(3).to_string(index=False))
    print(
        f"\nleakage_report: {report_seconds:.1f} s, {args.n_jobs} job(s) of "
        f"{args.threads} thread(s) "
        f"(target ≤ 30 s), {report_seconds / fits['logistic']:.0f} × one fit of "
        "the default probe."
    )
    args.out.mkdir(parents=True, exist_ok=True)
    table.to_csv(args.out / "leakage.csv", index=False)


if __name__ == "__main__":
    main()
