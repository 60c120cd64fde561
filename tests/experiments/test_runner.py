import os
import signal
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import pytest

from skfrl.experiments import check_config, expand_grid, load_results, run_experiment
from skfrl.experiments._estimate import describe_plan, estimate_cell_seconds

CONDITIONS = ["clean", "duplicate", "eng", "sensitive_flip"]


def test_each_cell_stores_every_condition_against_one_theta0(tiny_run):
    out, results = tiny_run
    assert len(list((out / "cells").glob("*.csv"))) == 4
    assert results["cell_id"].nunique() == 4
    for _, cell in results.groupby("cell_id"):
        assert cell["condition"].tolist() == CONDITIONS
        assert cell["theta0_seconds"].nunique() == 1  # one θ0 per cell
        duplicate = cell.set_index("condition")["probe_bce"]["duplicate"]
        np.testing.assert_allclose(
            cell["delta_bce_vs_duplicate"], duplicate - cell["probe_bce"]
        )
    clean = results[results["condition"] == "clean"]
    assert (clean["delta_bce_vs_clean"] == 0).all() and (clean["n_poison"] == 0).all()
    assert clean["feature_change_frequency"].isna().all()
    attacks = results[results["condition"] != "clean"]
    assert (attacks["craft_seconds"] >= 0).all() and (attacks["l2"] >= 0).all()
    assert set(results["n_poison"]) == {0, 24, 48}  # 10 % and 20 % of 240 rows


def test_rerun_skips_finished_cells(tiny_run, tiny_config, capsys):
    out, results = tiny_run
    again = run_experiment(tiny_config(), out, verbose=1)
    assert "4 cells, all already done." in capsys.readouterr().out
    pd.testing.assert_frame_equal(again, results)


def test_plan_prints_an_estimate(tiny_config, tmp_path, capsys):
    run_experiment(tiny_config(poison_ratios=[0.1], seeds=1), tmp_path, verbose=1)
    out = capsys.readouterr().out
    assert "1 cells, 0 already done, 1 to run on 1 worker(s); estimated" in out
    assert "synthetic cfair finetune ratio=0.1 seed=0" in out
    assert "ΔBCE vs duplicate: clean" in out


def test_estimates_grow_with_the_data_and_the_grid():
    quick = check_config(
        {
            "datasets": ["german"],
            "victims": ["cfair"],
            "attacks": ["eng"],
            "poison_ratios": [0.1],
            "seeds": 1,
        }
    )
    german = estimate_cell_seconds(expand_grid(quick)[0])
    adult = estimate_cell_seconds(expand_grid({**quick, "datasets": ["adult"]})[0])
    # Adult has 45 times German's rows; the fixed costs keep the ratio lower
    assert 4 * german < adult < 45 * german

    def adult_with(**eng):
        config = {**quick, "datasets": ["adult"], "attack_params": {"eng": eng}}
        return estimate_cell_seconds(expand_grid(config)[0])

    # a round of the record search is priced as one more descent step
    assert adult > adult_with(search_steps=0)
    assert adult == pytest.approx(adult_with(max_iter=100, search_steps=0))
    # in the box there are no records to search
    box = estimate_cell_seconds(
        expand_grid({**quick, "datasets": ["adult"], "feature_domain": "box"})[0]
    )
    assert box == pytest.approx(adult_with(search_steps=0))
    # every refresh trains the look-ahead copies once more; without copies, no cost
    no_refresh = adult_with(refresh_lookahead=0)
    one_refresh = adult_with(refresh_lookahead=1) - no_refresh
    assert one_refresh > 0
    assert adult == pytest.approx(no_refresh + 3 * one_refresh)
    assert adult_with(match_epochs=(0,)) == pytest.approx(
        adult_with(match_epochs=(0,), refresh_lookahead=0)
    )
    cells = expand_grid({**quick, "seeds": 4})
    assert "estimated" in describe_plan(quick, cells, cells, 2)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"backend": "ray"}, "backend must be 'loky' or 'dask'"),
        (
            {"scheduler": "tcp://localhost:8786"},
            "scheduler address needs backend='dask'",
        ),
    ],
)
def test_invalid_backend_options(tiny_config, tmp_path, kwargs, match):
    with pytest.raises(ValueError, match=match):
        run_experiment(tiny_config(), tmp_path, verbose=0, **kwargs)


def _toml(config):
    params = config["victim_params"]
    return (
        f"name = 'crash'\ndatasets = {config['datasets']}\n"
        f"victims = {config['victims']}\nattacks = {config['attacks']}\n"
        f"poison_ratios = {config['poison_ratios']}\nseeds = {config['seeds']}\n"
        f"n_epochs = {config['n_epochs']}\nn_average = {config['n_average']}\n"
        "[victim_params]\n"
        f"max_epochs = {params['max_epochs']}\n"
        f"hidden_layer_sizes = {params['hidden_layer_sizes']}\n"
        "[attack_params.eng]\nmax_iter = 2\n"
    )


def test_resume_after_kill_loses_and_duplicates_nothing(tiny_config, tmp_path, capsys):
    config = tiny_config(poison_ratios=[0.1], seeds=3)  # 3 cells
    path = tmp_path / "crash.toml"
    path.write_text(_toml(config))
    out = tmp_path / "out"
    command = [
        sys.executable,
        "-m",
        "skfrl.experiments._cli",
        "run",
        "--config",
        str(path),
        "--out",
        str(out),
        "--quiet",
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    try:
        while not list(out.glob("cells/*.json")):  # a manifest: a finished cell
            assert process.poll() is None, "the run ended before its first cell"
            assert time.monotonic() < deadline, "no cell finished within 120 s"
            time.sleep(0.05)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.kill()
        process.wait()
    finished = {p.name: p.read_bytes() for p in (out / "cells").glob("*.json")}
    n_before = len(finished)
    assert n_before < 3, "the kill came after the run had finished"

    with pytest.warns(UserWarning, match="lock of a run that no longer exists"):
        results = run_experiment(check_config(_reloaded(path)), out, verbose=1)
    assert f"3 cells, {n_before} already done" in capsys.readouterr().out
    assert results["cell_id"].nunique() == 3
    assert results.groupby("cell_id").size().eq(len(CONDITIONS)).all()
    assert len(load_results(out)) == 3 * len(CONDITIONS)
    assert {p.suffix for p in (out / "cells").iterdir()} == {".csv", ".json"}
    assert not (out / ".lock").exists()
    # the cells finished before the kill were kept as they were, not rerun
    for name, manifest in finished.items():
        assert (out / "cells" / name).read_bytes() == manifest


def _reloaded(path):
    import tomllib

    return tomllib.loads(path.read_text())


def test_dask_cells_equal_the_sequential_ones(tiny_run, tiny_config, tmp_path):
    distributed = pytest.importorskip("distributed")
    _, sequential = tiny_run
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        results = run_experiment(
            tiny_config(poison_ratios=[0.1]),
            tmp_path,
            backend="dask",
            scheduler=cluster.scheduler_address,
            verbose=0,
        )
    assert results["cell_id"].nunique() == 2
    expected = sequential[sequential["cell_id"].isin(results["cell_id"])]
    key = ["cell_id", "condition"]
    pd.testing.assert_series_equal(
        results.set_index(key)["probe_bce"].sort_index(),
        expected.set_index(key)["probe_bce"].sort_index(),
        check_exact=True,
    )


def test_runner_records_the_strong_probe_and_feasible_poisons(tiny_run):
    _, results = tiny_run
    assert results["probe_bce_hgb"].notna().all()
    assert results["sensitive_entropy"].between(0.3, 0.7).all()
    duplicate = results[results["condition"] == "duplicate"]
    assert (duplicate["delta_bce_hgb_vs_duplicate"] == 0).all()
    eng = results[results["condition"] == "eng"]
    assert (eng["fields"] <= eng["l0"]).all()
    assert all('"feature_domain": "infer"' in c for c in results["cell_config"])


def test_remaining_time_is_calibrated_on_finished_cells(tiny_config):
    from skfrl.experiments._estimate import RemainingTime

    cells = expand_grid(check_config(tiny_config()))
    estimates = [estimate_cell_seconds(cell) for cell in cells]
    eta = RemainingTime(cells, n_workers=1)
    assert eta.factor == 1.0
    assert eta.seconds() == pytest.approx(sum(estimates))
    eta.finished(dict(cells[0]), 2 * estimates[0])  # a copy, as from a worker
    assert eta.factor == pytest.approx(2.0)
    assert eta.seconds() == pytest.approx(2 * sum(estimates[1:]))
    assert "left (cells take 2x the estimate)" in eta.describe()
    for cell in cells[1:]:
        eta.finished(cell, 1.0)
    assert eta.seconds() == 0.0


def _running(pid):
    """Whether ``pid`` runs (a zombie, dead but not yet reaped, does not)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads /proc")
def test_workers_do_not_outlive_a_killed_run(tiny_config, tmp_path):
    config = tiny_config(poison_ratios=[0.1, 0.2], seeds=4)  # 8 cells
    path = tmp_path / "grid.toml"
    path.write_text(_toml(config))
    out = tmp_path / "out"
    command = [sys.executable, "-m", "skfrl.experiments._cli", "run"]
    command += ["--config", str(path), "--out", str(out), "--quiet", "--n-jobs", "2"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    try:
        while not list(out.glob("cells/*.json")):
            assert process.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        listing = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(process.pid)],
            capture_output=True,
            text=True,
            check=False,
        )
        workers = [int(pid) for pid in listing.stdout.split()]
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.kill()
        process.wait()
    assert workers, "the run started no worker process"
    deadline = time.monotonic() + 15
    while any(map(_running, workers)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(map(_running, workers)), "workers outlived their run by 15 s"
