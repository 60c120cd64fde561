"""The runner's defences axis: every condition sanitised, paired per defence."""

import numpy as np
import pytest

from skfrl.experiments import (
    check_config,
    expand_grid,
    run_experiment,
    summarise,
    summary_to_markdown,
)
from skfrl.experiments._estimate import estimate_cell_seconds
from skfrl.experiments.catalogue import DEFENCES


@pytest.fixture(scope="module")
def defended_run(tmp_path_factory, tiny_config):
    config = tiny_config(
        poison_ratios=[0.1], seeds=2, defences=["sphere", "record_validity"]
    )
    out = tmp_path_factory.mktemp("defended")
    return config, run_experiment(config, out, verbose=0)


def test_each_defence_sanitises_every_condition(defended_run):
    _, results = defended_run
    for _, cell in results.groupby("cell_id"):
        assert (
            cell["defence"].tolist()
            == ["none"] * 4 + ["sphere"] * 4 + ["record_validity"] * 4
        )
        for _, rows in cell.groupby("defence"):
            duplicate = rows.set_index("condition")["probe_bce"]["duplicate"]
            np.testing.assert_allclose(
                rows["delta_bce_vs_duplicate"], duplicate - rows["probe_bce"]
            )
    sphere = results[(results.defence == "sphere") & (results.condition != "clean")]
    assert sphere["detection_auc"].between(0, 1).all()
    assert (sphere["n_removed"] == round(0.1 * 264)).all()
    assert results[results.defence == "none"]["detection_auc"].isna().all()


def test_the_summary_and_the_table_keep_defences_apart(defended_run):
    _, results = defended_run
    summary = summarise(results)
    assert summary["defence"].unique().tolist() == ["none", "sphere", "record_validity"]
    assert (summary["n_seeds"] == 2).all()
    table = summary_to_markdown(summary)
    assert "| defence |" in table and "detection AUC" in table
    assert "| sphere | eng |" in table


def test_cells_without_defences_keep_their_ids_and_estimates_grow():
    base = {
        "datasets": ["german"],
        "victims": ["cfair"],
        "attacks": ["eng"],
        "poison_ratios": [0.1],
        "seeds": 1,
    }
    plain = expand_grid(check_config(base))[0]
    defended = expand_grid(check_config({**base, "defences": ["spectral"]}))[0]
    assert "defences" not in plain and defended["defences"] == ["spectral"]
    assert estimate_cell_seconds(defended) > 1.5 * estimate_cell_seconds(plain)


def test_unknown_defences_are_refused_with_the_choices():
    with pytest.raises(ValueError, match="Unknown defence 'dp' in defences"):
        check_config(
            {
                "datasets": ["german"],
                "victims": ["cfair"],
                "attacks": ["eng"],
                "poison_ratios": [0.1],
                "seeds": 1,
                "defences": ["dp"],
            }
        )
    assert set(DEFENCES) >= {"sphere", "spectral", "record_validity"}


def test_a_training_time_defence_needs_a_victim_with_its_parameters():
    config = {
        "datasets": ["german"],
        "victims": ["cfair", "icvae_s"],
        "attacks": ["eng"],
        "poison_ratios": [0.1],
        "seeds": 1,
        "defences": ["dp_sgd"],
    }
    with pytest.raises(ValueError, match="'dp_sgd' sets .*'icvae_s'"):
        check_config(config)
    cell = expand_grid(check_config({**config, "victims": ["cfair"]}))[0]
    assert DEFENCES["dp_sgd"].build(None, None) == {
        "per_sample_clip_norm": 8.0,
        "noise_multiplier": 1.0,
    }
    plain = expand_grid(check_config({**config, "victims": ["cfair"], "defences": []}))
    assert estimate_cell_seconds(cell) > 2 * estimate_cell_seconds(plain[0])
