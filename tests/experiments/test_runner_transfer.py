"""The runner's surrogates axis: "craft on A, evaluate on B" cells."""

import json

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

#: one German cell, crafted on θ0
BASE = {
    "datasets": ["german"],
    "victims": ["cfair"],
    "attacks": ["eng"],
    "poison_ratios": [0.1],
    "seeds": 1,
}


@pytest.fixture(scope="module")
def transfer_run(tmp_path_factory, tiny_config):
    config = tiny_config(
        victims=["cfair"],
        surrogates=["none", "advfrl"],
        attacks=["eng"],
        poison_ratios=[0.1],
        seeds=2,
    )
    out = tmp_path_factory.mktemp("transfer")
    return config, run_experiment(config, out, verbose=0)


def test_each_victim_gets_a_cell_per_surrogate(transfer_run):
    _, results = transfer_run
    assert results["cell_id"].nunique() == 4
    assert sorted(results["surrogate"].unique()) == ["advfrl", "none"]
    crafted_on = results[results.surrogate == "advfrl"]
    cells = [json.loads(c) for c in crafted_on["cell_config"].unique()]
    assert {c["surrogate"] for c in cells} == {"advfrl"}
    assert all(c["surrogate_params"]["n_components"] == 4 for c in cells)
    for _, cell in results.groupby("cell_id"):
        duplicate = cell.set_index("condition")["probe_bce"]["duplicate"]
        np.testing.assert_allclose(
            cell["delta_bce_vs_duplicate"], duplicate - cell["probe_bce"]
        )


def test_crafting_on_a_surrogate_changes_the_poisons_not_theta0(transfer_run):
    _, results = transfer_run
    by = results.set_index(["surrogate", "seed", "condition"])["probe_bce"]
    for seed in (0, 1):
        # θ0 and its clean fine-tuning do not depend on who crafted
        assert by["none", seed, "clean"] == by["advfrl", seed, "clean"]
        assert by["none", seed, "eng"] != by["advfrl", seed, "eng"]


def test_the_summary_and_the_table_keep_surrogates_apart(transfer_run):
    _, results = transfer_run
    summary = summarise(results)
    assert summary["surrogate"].unique().tolist() == ["advfrl", "none"]
    assert (summary["n_seeds"] == 2).all()
    table = summary_to_markdown(summary)
    assert "| surrogate |" in table
    assert "| cfair | advfrl | finetune |" in table


def test_stores_without_surrogates_summarise_as_white_box(transfer_run):
    _, results = transfer_run
    white_box = results[results.surrogate == "none"].drop(columns="surrogate")
    summary = summarise(white_box)
    assert summary["surrogate"].unique().tolist() == ["none"]
    assert "surrogate" not in summary_to_markdown(summary).splitlines()[0]


def test_white_box_cells_keep_their_ids_and_transfer_costs_more():
    plain = expand_grid(check_config(BASE))
    both = expand_grid(check_config({**BASE, "surrogates": ["none", "icvae_s"]}))
    assert len(plain) == 1 and len(both) == 2
    assert both[0] == plain[0] and "surrogate" not in plain[0]
    assert both[1]["surrogate"] == "icvae_s"
    assert estimate_cell_seconds(both[1]) > estimate_cell_seconds(plain[0])


def test_surrogates_are_validated_like_victims():
    with pytest.raises(ValueError, match="Unknown surrogate 'cfiar' in surrogates"):
        check_config({**BASE, "surrogates": ["cfiar"]})
    with pytest.raises(TypeError, match="surrogates must be a non-empty list"):
        check_config({**BASE, "surrogates": []})
    with pytest.raises(ValueError, match="victim_params of 'advfrl'"):
        check_config(
            {**BASE, "surrogates": ["advfrl"], "victim_params": {"advfrl": {"x": 1}}}
        )
