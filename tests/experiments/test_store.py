import json

import pandas as pd
import pytest

from skfrl.experiments import load_results
from skfrl.experiments._store import (
    SOURCE_FINGERPRINT,
    cell_done,
    cell_id,
    cell_path,
    prepare_store,
    store_lock,
    versions,
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
        f"{cell_id({**CELL, 'seed': seed})}{suffix}"
        for seed in (0, 1)
        for suffix in (".csv", ".json")
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
    assert set(results["skfrl_source"]) == {SOURCE_FINGERPRINT}


def _one_cell(tmp_path, seed=0, rows=("clean", "duplicate")):
    cell = {**CELL, "seed": seed}
    records = [{**cell, "protocol": "finetune", "condition": c} for c in rows]
    write_cell(tmp_path, cell, records)
    return cell


@pytest.mark.parametrize(
    "damage, problem",
    [
        (lambda p: p.write_text(p.read_text().splitlines()[0] + "\n"), "checksum"),
        (lambda p: p.write_text(""), "checksum"),
        (lambda p: p.write_bytes(b"\x00\xff\xfe binary"), "checksum"),
        (lambda p: p.with_suffix(".json").unlink(), "is missing"),
        (lambda p: p.with_suffix(".json").write_text("{not json"), "unreadable"),
    ],
)
def test_a_damaged_cell_is_not_done_and_not_loaded(tmp_path, damage, problem):
    prepare_store(tmp_path)
    cell = _one_cell(tmp_path)
    assert cell_done(tmp_path, cell)
    damage(cell_path(tmp_path, cell))
    with pytest.warns(UserWarning, match=f"Ignoring the cell file .*{problem}"):
        assert not cell_done(tmp_path, cell)
    with pytest.warns(UserWarning):
        assert load_results(tmp_path).empty


def test_files_the_store_did_not_write_are_ignored(tmp_path):
    cells = prepare_store(tmp_path)
    _one_cell(tmp_path)
    (cells / "notes.csv").write_text("my,notes\n1,2\n")
    with pytest.warns(UserWarning, match=r"did not write .*\['notes.csv'\]"):
        results = load_results(tmp_path)
    assert results["condition"].tolist() == ["clean", "duplicate"]


def test_a_second_run_on_the_same_folder_refuses(tmp_path):
    with (
        store_lock(tmp_path),
        pytest.raises(RuntimeError, match="Another skfrl run .* is writing"),
        store_lock(tmp_path),
    ):
        pass
    with store_lock(tmp_path):  # released: the next run may write
        pass
    assert not (tmp_path / ".lock").exists()


def test_a_dead_runs_lock_is_taken_over(tmp_path):
    import socket

    (tmp_path / ".lock").write_text(
        json.dumps({"pid": 2**22 + 12345, "host": socket.gethostname()})
    )
    with pytest.warns(UserWarning, match="no longer exists"), store_lock(tmp_path):
        assert json.loads((tmp_path / ".lock").read_text())["pid"] != 2**22 + 12345


def _cells_from_sources(tmp_path, sources):
    prepare_store(tmp_path)
    for seed, source in enumerate(sources):
        cell = {**CELL, "seed": seed}
        records = [
            {
                **cell,
                "protocol": "finetune",
                "cell_id": cell_id(cell),
                "condition": c,
                "skfrl_source": source,
            }
            for c in ("clean", "duplicate")
        ]
        write_cell(tmp_path, cell, records)


def test_cells_from_different_source_code_are_loaded_with_a_warning(tmp_path):
    _cells_from_sources(tmp_path, ["aaaaaaaaaaaa", "aaaaaaaaaaaa", "bbbbbbbbbbbb"])
    with pytest.warns(UserWarning, match=r"2 versions .*aaaaaaaaaaaa: 2, bbbb"):
        results = load_results(tmp_path)
    assert len(results) == 6


def test_cells_from_one_source_load_silently(tmp_path, recwarn):
    _cells_from_sources(tmp_path, ["cccccccccccc", "cccccccccccc"])
    assert len(load_results(tmp_path)) == 4
    assert not [w for w in recwarn if "versions of skfrl" in str(w.message)]


def test_the_source_fingerprint_is_recorded_with_the_versions():
    assert len(SOURCE_FINGERPRINT) == 12
    int(SOURCE_FINGERPRINT, 16)  # hexadecimal
    assert versions()["skfrl_source"] == SOURCE_FINGERPRINT
    assert {"scipy", "cpu", "numpy", "torch"} <= set(versions())
