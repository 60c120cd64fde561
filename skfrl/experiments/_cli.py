"""The ``skfrl`` command line."""

import argparse
import sys
import tomllib
from pathlib import Path

__all__ = ["main"]


def _add_demo(subparsers):
    parser = subparsers.add_parser(
        "demo",
        help="run a small, paired ENG attack on real data and print the table",
        description=(
            "Attack CFair with ENG under the fine-tune protocol: per seed, compare "
            "the held-out probe BCE of s after clean training, after adding "
            "unperturbed duplicates and after adding ENG poisons."
        ),
    )
    parser.add_argument(
        "--dataset",
        choices=["auto", "german", "adult"],  # _demo.DEMO_DATASETS
        default="auto",
        help="auto: adult when its files are in SKFRL_DATA_HOME (no download), "
        "else german, which ships with skfrl; adult downloads when missing "
        "(default: %(default)s)",
    )
    parser.add_argument(
        "--seeds", type=int, default=3, help="paired seeds (default: %(default)s)"
    )
    parser.add_argument(
        "--ratio",
        type=float,
        default=0.1,
        help="poisoning ratio (default: %(default)s)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="torch and BLAS threads (default: %(default)s; results are "
        "bit-identical for one thread count)",
    )
    parser.set_defaults(handler=_demo)


def _demo(args):
    from ._demo import run_demo

    run_demo(
        dataset=args.dataset,
        n_seeds=args.seeds,
        poison_ratio=args.ratio,
        n_threads=args.threads,
    )


def _add_run(subparsers):
    parser = subparsers.add_parser(
        "run",
        help="run a grid of paired poisoning trials into a results folder",
        description=(
            "Run every cell (dataset x victim x poisoning ratio x seed x "
            "protocol) of a preset or TOML configuration. Each cell trains one "
            "clean victim and runs the clean condition, the 'duplicate' "
            "control (always added) and every attack against it. Finished "
            "cells are written to OUT/cells/ at once; rerunning the same "
            "command skips them, so an interrupted run resumes."
        ),
    )
    parser.add_argument(
        "--preset",
        choices=["quick", "paper"],
        help="a named configuration: 'quick' (German, CFair, ENG, about 20 s on "
        "one core) or 'paper' (Adult and German, 4 victims, 6 attacks, 3 "
        "ratios, 5 seeds)",
    )
    parser.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="a TOML configuration (keys as skfrl.experiments.check_config); "
        "with --preset, its keys replace the preset's",
    )
    parser.add_argument(
        "--out", type=Path, required=True, help="results folder (created if needed)"
    )
    parser.add_argument(
        "--n-jobs",
        type=int,
        default=1,
        metavar="N",
        help="cells run at once, one torch thread each; -1: one per core. "
        "With --backend dask and no --scheduler: workers of the local "
        "cluster (default: %(default)s)",
    )
    parser.add_argument(
        "--backend",
        choices=["loky", "dask"],
        help="loky: local processes; dask: workers of a Dask cluster "
        "(default: dask with --scheduler, loky otherwise)",
    )
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="address of a running Dask scheduler, e.g. tcp://10.0.0.1:8786",
    )
    parser.add_argument(
        "--protocol",
        # skfrl.attacks.PROTOCOLS, written out: --help must not import torch
        choices=["finetune", "retrain", "retrain_same_init"],
        help="threat model, replacing the configuration's protocols: "
        "fine-tune the clean victim on the poisoned data, retrain it from "
        "scratch, or retrain it from the clean victim's initial weights",
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="print the number of cells and the estimated runtime; run nothing",
    )
    parser.add_argument(
        "--quiet", action="store_true", help="print nothing while running"
    )
    parser.set_defaults(handler=_run)


def _run_config(args):
    """Merge the preset, the TOML file and the flags; validate the result once."""
    from ._config import check_config
    from ._presets import preset

    if args.preset is None and args.config is None:
        raise SystemExit("skfrl run: give --preset, --config or both.")
    config = {} if args.preset is None else preset(args.preset)
    if args.config is not None:
        with args.config.open("rb") as f:
            config.update(tomllib.load(f))
    if args.protocol is not None:
        config["protocols"] = [args.protocol]
    return check_config(config)


def _run(args):
    import joblib

    from ._estimate import describe_plan
    from ._grid import expand_grid
    from ._runner import run_experiment
    from ._store import cell_done

    try:
        config = _run_config(args)
    except (TypeError, ValueError) as exc:
        raise SystemExit(f"skfrl run: {exc}") from exc
    backend = args.backend or ("dask" if args.scheduler else "loky")
    if args.dry_run:
        cells = expand_grid(config)
        todo = [cell for cell in cells if not cell_done(args.out, cell)]
        print(describe_plan(config, cells, todo, joblib.effective_n_jobs(args.n_jobs)))
        return
    try:
        run_experiment(
            config,
            args.out,
            n_jobs=args.n_jobs,
            backend=backend,
            scheduler=args.scheduler,
            verbose=0 if args.quiet else 1,
        )
    except RuntimeError as exc:  # another run holds the folder
        raise SystemExit(f"skfrl run: {exc}") from exc
    print(f"results in {args.out}; tables and plots: skfrl report {args.out}")


def _add_report(subparsers):
    parser = subparsers.add_parser(
        "report",
        help="write the table and plots of a results folder",
        description=(
            "Average the finished cells of a results folder over seeds; write "
            "table.md, table.csv and PNG plots (leakage and fairness against "
            "the poisoning ratio, features ENG changes); print the table."
        ),
    )
    parser.add_argument("results", type=Path, help="folder given to skfrl run --out")
    parser.add_argument(
        "--out-dir",
        type=Path,
        help="where the table and plots go (default: the results folder)",
    )
    parser.set_defaults(handler=_report)


def _report(args):
    import matplotlib

    matplotlib.use("Agg")  # files only, never a window

    from ._report import write_report
    from ._store import load_results

    try:
        results = load_results(args.results)
    except FileNotFoundError as exc:
        raise SystemExit(f"skfrl report: {exc}") from exc
    if results.empty:
        raise SystemExit(f"skfrl report: no finished cell in {args.results}.")
    try:
        paths = write_report(results, args.out_dir or args.results)
    except ValueError as exc:  # e.g. cells of several configurations
        raise SystemExit(f"skfrl report: {exc}") from exc
    print(paths[0].read_text(encoding="utf-8"))
    print("wrote " + ", ".join(str(path) for path in paths))


def build_parser():
    """Return the ``skfrl`` argument parser."""
    parser = argparse.ArgumentParser(
        prog="skfrl", description="Attack and audit fair representation learning."
    )
    subparsers = parser.add_subparsers(title="commands", required=True)
    _add_demo(subparsers)
    _add_run(subparsers)
    _add_report(subparsers)
    return parser


def main(argv=None):
    """Run the ``skfrl`` command line; return its exit status."""
    args = build_parser().parse_args(argv)
    args.handler(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
