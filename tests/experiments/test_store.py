import json

import pandas as pd
import pytest

from skfrl.experiments import load_results
from skfrl.experiments._store import (
    cell_id,
    cell_path,
    prepare_store,
    write_cell,
    write_meta,
)

CELL = {"dataset": "synthetic", "victim": "cfair", "poison_ratio": 0.1, "seed": 0}


def test_cell_id_is_a_stable_hash_of_the_whole_config():
    assert cell_id(CELL) == cell_id(dict(reversed(CELL.items())))
    assert cell_id(CELL) != cell_id({**CELL, "seed": 1})
    assert len(cell_id(CELL)) == 16


def test_cells_are_written_whole_and_loaded_together(tmp_path):
    prepare_store(tmp_path)
    for seed in (1, 0):
        cell = {**CELL, "seed": seed}
        records = [
            {
                **cell,
                "protocol": "finetune",
                "condition": c,
                "probe_bce": 0.1 + seed / 3,
            }
            for c in ("clean", "duplicate")
        ]
        write_cell(tmp_path, cell, records)
    assert sorted(p.name for p in (tmp_path / "cells").iterdir()) == sorted(
        f"{cell_id({**CELL, 'seed': seed})}.csv" for seed in (0, 1)
    )
    results = load_results(tmp_path)
    assert results["seed"].tolist() == [0, 0, 1, 1]
    assert results["condition"].tolist() == ["clean", "duplicate"] * 2
    assert results["probe_bce"].iloc[-1] == 0.1 + 1 / 3  # floats round-trip


def test_leftover_temp_files_are_ignored_and_cleaned(tmp_path):
    cells = prepare_store(tmp_path)
    write_cell(tmp_path, CELL, [{**CELL, "protocol": "finetune", "condition": "clean"}])
    partial = cells / f".{cell_path(tmp_path, CELL).name}.abc.tmp"
    partial.write_text("dataset,vic")
    assert len(load_results(tmp_path)) == 1
    prepare_store(tmp_path)
    assert not partial.exists()


def test_a_failed_write_leaves_no_file(tmp_path):
    prepare_store(tmp_path)

    class Unwritable:
        def __str__(self):
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        write_cell(tmp_path, CELL, [{"x": Unwritable()}])
    assert list((tmp_path / "cells").iterdir()) == []


def test_meta_records_versions_and_config(tmp_path):
    write_meta(tmp_path, {"name": "tiny"})
    meta = json.loads((tmp_path / "meta.json").read_text())
    assert meta["config"] == {"name": "tiny"}
    assert set(meta["versions"]) >= {
        "skfrl",
        "torch",
        "scikit-learn",
        "skorch",
        "numpy",
        "python",
    }


def test_load_results_of_an_empty_or_missing_folder(tmp_path):
    prepare_store(tmp_path)
    assert load_results(tmp_path).empty
    with pytest.raises(FileNotFoundError, match="No results folder"):
        load_results(tmp_path / "missing")


def test_records_of_a_run_round_trip(tiny_run):
    out, results = tiny_run
    again = load_results(out)
    pd.testing.assert_frame_equal(again, results)
    row = results[results["condition"] == "eng"].iloc[0]
    config = json.loads(row["cell_config"])
    assert cell_id(config) == row["cell_id"]
    assert len(json.loads(row["probe_bce_by_epoch"])) == config["n_average"]
