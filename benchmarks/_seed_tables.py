"""What the paired-trial benchmarks share: their command line, a seed
summary and flat records.

Imported by the ``bench_*.py`` scripts of this folder, which Python runs
with the folder on ``sys.path``.
"""

import argparse
import json
from pathlib import Path

import pandas as pd

from skfrl.utils import library_versions, limit_threads


def trial_parser(doc, *, seeds, out):
    """Return a parser with the options every paired-trial benchmark takes.

    Parameters
    ----------
    doc : str
        The script's docstring; its first paragraph is the description.
    seeds : int
        Default of ``--seeds`` (seeds 0 .. n-1).
    out : str
        Default of ``--out``, the folder of the CSVs.

    Returns
    -------
    parser : argparse.ArgumentParser
        With ``--seeds``, ``--ratio`` (default 0.1), ``--threads`` (torch
        threads, default 1) and ``--out``.
    """
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=seeds, help="seeds 0 .. n-1")
    parser.add_argument("--ratio", type=float, default=0.1)
    parser.add_argument("--threads", type=int, default=1, help="torch threads")
    parser.add_argument("--out", type=Path, default=Path(out))
    return parser


def run_parsed(parser, run):
    """Parse the command line and call ``run(args)`` under ``--threads`` threads.

    Writes ``versions.json`` (:func:`skfrl.utils.library_versions`) to
    ``--out`` first: the same seeds give the same numbers only with the
    same libraries.
    """
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "versions.json").write_text(
        json.dumps(library_versions(), indent=2) + "\n"
    )
    with limit_threads(args.threads):
        run(args)


def seed_summary(frame, by, rows):
    """Return mean ± sd over seeds per value of ``by`` (wins for ΔBCE rows).

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per seed and value of ``by``.
    by : str
        The column naming the table's columns (a victim, a pair).
    rows : list of (label, column, kind)
        The table's rows; ``kind == "delta"`` prints a sign and the seeds
        with ΔBCE > 0.

    Returns
    -------
    table : pandas.DataFrame of str
    """
    columns = {}
    for name, group in frame.groupby(by, sort=False):
        cells = []
        for _, column, kind in rows:
            values = group[column]
            cell = (
                f"{values.mean():+.4f}" if kind == "delta" else f"{values.mean():.4f}"
            )
            if len(values) > 1:
                cell += f" ± {values.std():.4f}"
            if kind == "delta":
                cell += f" ({int((values > 0).sum())}/{len(values)})"
            cells.append(cell)
        columns[name] = cells
    return pd.DataFrame(columns, index=[label for label, _, _ in rows])


def flat_record(record, key):
    """Return a trial record as one CSV row: its epoch BCEs as text, with ``key``."""
    record = dict(record)
    record.pop("feature_change_frequency", None)
    record["probe_bce_by_epoch"] = " ".join(
        f"{v:.4f}" for v in record["probe_bce_by_epoch"]
    )
    return {**key, **record}
