"""Run a grid of paired poisoning trials, one cell at a time, resumably.

Each cell (dataset, victim, poisoning ratio, seed, protocol) runs
:func:`run_paired_trial` once with all the grid's attacks, so they share the
clean victim θ0, the base rows and the ``"duplicate"`` control. Cells run in
parallel with joblib (loky processes, or Dask workers), each on one torch
thread; the parent writes each finished cell to the result store at once.
"""

import json
import logging
import math
import os
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import joblib
from tqdm.auto import tqdm

from .. import __version__
from ..metrics import delta_bce
from ..utils import limit_threads
from ._config import load_config
from ._estimate import RemainingTime, describe_plan
from ._grid import expand_grid
from ._schema import COLUMNS, strong_probe_columns
from ._store import (
    SOURCE_FINGERPRINT,
    cell_done,
    cell_id,
    load_results,
    prepare_store,
    store_lock,
    write_cell,
    write_meta,
)
from ._trial import run_paired_trial
from .catalogue import ATTACKS, DEFENCES, VICTIMS, load_dataset

__all__ = ["run_experiment"]

_WATCH_SECONDS = 1.0  # how often a worker checks that its run still exists


def run_experiment(config, out, *, n_jobs=1, backend="loky", scheduler=None, verbose=1):
    """Run every cell of a configuration not yet in ``out``; return the results.

    A cell is one (dataset, victim, poisoning ratio, seed, protocol). It
    trains one clean victim θ0 and measures, against that same θ0 and the
    same base rows, the clean condition, the ``"duplicate"`` control (always
    run, even when the configuration omits it) and every attack of the grid.
    Each finished cell is written to ``<out>/cells/`` at once, so an
    interrupted run loses no finished cell and a rerun skips them.

    Parameters
    ----------
    config : dict, str or path-like
        A configuration dict, a preset name (``"quick"``, ``"paper"``) or a
        TOML file; see :func:`check_config`.
    out : str or path-like
        Output folder; created if needed. It may already hold results.
    n_jobs : int, default=1
        Cells run at once under ``backend="loky"`` (-1: one per core), or
        workers of the local Dask cluster started when ``backend="dask"``
        and no ``scheduler`` is given. Each cell uses one torch thread.
    backend : {"loky", "dask"}, default="loky"
        Local processes, or the workers of a Dask ``distributed`` cluster.
    scheduler : str, default=None
        Address of a running Dask scheduler (``backend="dask"`` only); every
        worker then takes cells, and ``n_jobs`` is ignored.
    verbose : int, default=1
        0 is silent; 1 prints the plan with its estimated runtime, a progress
        bar and one line per finished cell.

    Returns
    -------
    results : pandas.DataFrame
        The records of the configuration's cells, as :func:`load_results`.

    See Also
    --------
    load_results : Read a results folder.
    summarise : The paper-style table of a results frame.

    Examples
    --------
    >>> from skfrl.experiments import run_experiment
    >>> config = {"datasets": ["synthetic"], "victims": ["cfair"],
    ...     "attacks": ["sensitive_flip"], "poison_ratios": [0.1], "seeds": 1,
    ...     "n_epochs": 1, "victim_params": {"max_epochs": 1}}
    >>> import tempfile
    >>> results = run_experiment(config, tempfile.mkdtemp(), verbose=0)
    >>> results["condition"].tolist()
    ['clean', 'duplicate', 'sensitive_flip']
    """
    if backend not in ("loky", "dask"):
        raise ValueError(f"backend must be 'loky' or 'dask'; got {backend!r}.")
    if scheduler is not None and backend != "dask":
        raise ValueError("A scheduler address needs backend='dask'.")
    config = load_config(config)
    cells = expand_grid(config)
    out = Path(out)
    with store_lock(out):
        prepare_store(out)
        write_meta(out, config)
        todo = [cell for cell in cells if not cell_done(out, cell)]
        if verbose and not todo:
            print(describe_plan(config, cells, todo, 0), flush=True)
        if todo:
            _run_cells(todo, out, n_jobs, backend, scheduler, verbose, config, cells)
    ids = {cell_id(cell) for cell in cells}
    results = load_results(out)
    return results[results["cell_id"].isin(ids)].reset_index(drop=True)


def _run_cells(todo, out, n_jobs, backend, scheduler, verbose, config, cells):
    """Run ``todo`` in parallel; store each cell as soon as it finishes."""
    with _parallel(backend, n_jobs, scheduler) as (parallel, n_workers):
        if verbose:
            print(describe_plan(config, cells, todo, n_workers), flush=True)
        parent = os.getpid() if backend == "loky" else None
        jobs = (joblib.delayed(run_cell)(cell, parent) for cell in todo)
        eta = RemainingTime(todo, n_workers)
        with tqdm(total=len(todo), unit="cell", disable=not verbose) as bar:
            for cell, records in parallel(jobs):
                write_cell(out, cell, records)
                eta.finished(cell, records[0]["cell_seconds"])
                bar.set_postfix_str(eta.describe(), refresh=False)
                bar.update()
                if verbose:
                    bar.write(_cell_line(records))


@contextmanager
def _parallel(backend, n_jobs, scheduler):
    """Yield a joblib ``Parallel`` yielding cells as they finish, and its width."""
    options = dict(return_as="generator_unordered", batch_size=1)
    if backend == "loky":
        yield (
            joblib.Parallel(n_jobs=n_jobs, backend="loky", **options),
            joblib.effective_n_jobs(n_jobs),
        )
        return
    from distributed import Client

    if scheduler is None:
        client = Client(
            n_workers=joblib.effective_n_jobs(n_jobs),
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,  # not the nanny's shutdown chatter
        )
    else:
        client = Client(scheduler)
    with client, joblib.parallel_config(backend="dask"):
        n_workers = sum(client.nthreads().values())
        yield joblib.Parallel(n_jobs=-1, **options), n_workers


def run_cell(cell, parent_pid=None):
    """Run one cell on one thread; return it with its tidy records.

    Parameters
    ----------
    cell : dict
        One cell of :func:`expand_grid`.
    parent_pid : int, default=None
        The pid of the run that sent the cell to this worker process: the
        worker then exits when that process dies (a killed run leaves no
        worker computing cells nobody will store). None in the run's own
        process.
    """
    if parent_pid is not None and parent_pid != os.getpid():
        _exit_with(parent_pid)
    start = time.perf_counter()
    with limit_threads(1):  # n workers on n cores, no oversubscription
        records = _paired_records(cell)
    seconds = time.perf_counter() - start
    return cell, [_tidy(cell, record, records, seconds) for record in records]


_WATCHED = set()


def _exit_with(pid):
    """Exit this worker process soon after process ``pid`` is gone."""
    if pid in _WATCHED:
        return
    _WATCHED.add(pid)

    def watch():
        while _alive(pid):
            time.sleep(_WATCH_SECONDS)
        os._exit(1)  # the run that owned this worker was killed

    threading.Thread(target=watch, name="skfrl-parent-watch", daemon=True).start()


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _paired_records(cell):
    X, y, s, _ = load_dataset(cell["dataset"])
    return run_paired_trial(
        X,
        y,
        s,
        victim=VICTIMS[cell["victim"]].build(cell["victim_params"]),
        attacks={
            name: ATTACKS[name].build(cell["attack_params"].get(name))
            for name in cell["attacks"]
        },
        poison_ratio=cell["poison_ratio"],
        seed=cell["seed"],
        protocol=cell["protocol"],
        n_epochs=cell["n_epochs"],
        n_average=cell["n_average"],
        target_fraction=cell["target_fraction"],
        strong_probes=cell["strong_probes"],
        feature_domain=cell["feature_domain"],
        defences={name: DEFENCES[name].build for name in cell.get("defences", [])},
        surrogate=(
            VICTIMS[cell["surrogate"]].build(cell["surrogate_params"])
            if "surrogate" in cell
            else None
        ),
    )


def _tidy(cell, record, records, seconds):
    """One row of the store: keys, paired differences, JSON for lists.

    Differences pair each record with the duplicates and the clean run of
    its own defence ("none" without one).
    """
    defence = record.get("defence", "none")
    same_defence = [r for r in records if r.get("defence", "none") == defence]
    control = next(r for r in same_defence if r["condition"] == "duplicate")
    clean = next(r for r in same_defence if r["condition"] == "clean")
    frequency = record.get("feature_change_frequency")
    if frequency is not None:
        names = load_dataset(cell["dataset"])[3]
        frequency = json.dumps(dict(zip(names, frequency, strict=True)))
    row = {
        **{key: cell[key] for key in ("dataset", "victim", "protocol")},
        **{key: cell[key] for key in ("poison_ratio", "seed")},
        **record,
        "defence": defence,
        "surrogate": cell.get("surrogate", "none"),
        "cell_id": cell_id(cell),
        "delta_bce_vs_duplicate": delta_bce(control["probe_bce"], record["probe_bce"]),
        "delta_bce_vs_clean": delta_bce(clean["probe_bce"], record["probe_bce"]),
        "n_poison": record.get("n_poison", 0),
        "cell_seconds": seconds,
        "probe_bce_by_epoch": json.dumps(record["probe_bce_by_epoch"]),
        "feature_change_frequency": frequency,
        "skfrl_version": __version__,
        "skfrl_source": SOURCE_FINGERPRINT,
        "cell_config": json.dumps(cell, sort_keys=True),
    }
    for probe in cell["strong_probes"]:
        bce, delta = strong_probe_columns(probe)
        row[delta] = delta_bce(control[bce], record[bce])
    return {key: row.get(key, math.nan) for key in COLUMNS}


def _cell_line(records):
    """Return the log line of a cell: its duration and paired differences."""
    first = records[0]
    probes = json.loads(first["cell_config"])["strong_probes"]
    deltas = ", ".join(
        ("" if r["defence"] == "none" else f"{r['defence']}/")
        + f"{r['condition']} {r['delta_bce_vs_duplicate']:+.4f}"
        + "".join(
            f" ({probe} {r[strong_probe_columns(probe)[1]]:+.4f})" for probe in probes
        )
        for r in records
        if r["condition"] != "duplicate"
    )
    crafted_on = (
        "" if first["surrogate"] == "none" else f" (crafted on {first['surrogate']})"
    )
    return (
        f"{first['dataset']} {first['victim']}{crafted_on} {first['protocol']} "
        f"ratio={first['poison_ratio']:g} seed={first['seed']} "
        f"({first['cell_seconds']:.0f} s): H(s) {first['sensitive_entropy']:.4f}, "
        f"duplicate BCE {records[1]['probe_bce']:.4f}; ΔBCE vs duplicate: {deltas}"
    )
