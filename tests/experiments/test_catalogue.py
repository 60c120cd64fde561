"""The catalogue: one entry per victim, dataset, attack and probe, the rest derived."""

import dataclasses

import numpy as np
import pytest

from skfrl.attacks import ATTACK_NAMES, BaseAttack
from skfrl.experiments import catalogue, check_config, expand_grid, run_experiment
from skfrl.experiments._estimate import estimate_cell_seconds
from skfrl.experiments._schema import COLUMNS, CONDITIONS, LABELS, LEAKAGE_METRICS
from skfrl.experiments.catalogue import (
    ATTACKS,
    DATASETS,
    PROBES,
    STRONG_PROBES,
    VICTIMS,
    VictimEntry,
    load_dataset,
)
from skfrl.metrics import PROBE_NAMES
from skfrl.models import CFair


@pytest.mark.parametrize("name", sorted(VICTIMS))
def test_every_victim_builds_with_its_parameters(name):
    entry = VICTIMS[name]
    victim = entry.build({"max_epochs": 3, "hidden_layer_sizes": [8]})
    assert isinstance(victim, entry.estimator)
    assert victim.max_epochs == 3 and victim.hidden_layer_sizes == (8,)
    assert victim.get_params().items() >= dict(entry.params).items()
    overhead, per_row = entry.epoch_seconds
    assert overhead > 0 and per_row > 0 and entry.craft_factor > 0


def test_attacks_and_probes_are_those_of_the_library():
    assert tuple(ATTACKS) == ATTACK_NAMES
    assert all(isinstance(entry.build(), BaseAttack) for entry in ATTACKS.values())
    assert tuple(PROBES) == PROBE_NAMES
    assert PROBE_NAMES[1:] == STRONG_PROBES
    assert CONDITIONS[:2] == ["clean", "duplicate"]
    assert sorted(CONDITIONS[2:]) == sorted(set(ATTACK_NAMES) - {"duplicate"})


def test_the_schema_has_columns_and_labels_for_every_strong_probe():
    for probe in STRONG_PROBES:
        for column in (f"probe_bce_{probe}", f"delta_bce_{probe}_vs_duplicate"):
            assert column in COLUMNS and column in LEAKAGE_METRICS
            assert probe in LABELS[column]
    assert len(COLUMNS) == len(set(COLUMNS))


def test_the_synthetic_dataset_has_its_catalogued_size():
    X, y, s, names = load_dataset("synthetic")
    assert X.shape == (DATASETS["synthetic"].n_rows, len(names))
    assert X.dtype == np.float64 and set(np.unique(s)) == {0, 1} and len(y) == len(X)


def test_config_names_are_the_catalogues(tiny_config):
    for key, entries in (("victims", VICTIMS), ("datasets", DATASETS)):
        config = check_config(tiny_config(**{key: list(entries)}))
        assert config[key] == list(entries)
    with pytest.raises(ValueError, match="choose among"):
        check_config(tiny_config(victims=["not_a_victim"]))


def test_a_victim_added_in_one_place_runs_end_to_end(
    monkeypatch, tiny_config, tmp_path
):
    entry = VictimEntry("cfair_narrow", CFair, {"n_components": 2})
    monkeypatch.setitem(catalogue.VICTIMS, entry.name, entry)
    config = check_config(
        tiny_config(victims=["cfair_narrow"], poison_ratios=[0.1], seeds=1)
    )
    (cell,) = expand_grid(config)
    assert estimate_cell_seconds(cell) > 0
    results = run_experiment(config, tmp_path, verbose=0)
    assert set(results["victim"]) == {"cfair_narrow"}
    assert results["probe_bce"].notna().all()


def test_costs_make_bigger_data_and_more_probes_slower(tiny_config):
    (small,) = expand_grid(check_config(tiny_config(poison_ratios=[0.1], seeds=1)))
    big = {**small, "dataset": "adult"}
    more_probes = {**small, "strong_probes": list(STRONG_PROBES)}
    no_probe = {**small, "strong_probes": []}
    assert estimate_cell_seconds(big) > estimate_cell_seconds(small)
    assert (
        estimate_cell_seconds(more_probes)
        > estimate_cell_seconds(small)
        > estimate_cell_seconds(no_probe)
    )


def test_entries_are_immutable():
    with pytest.raises(dataclasses.FrozenInstanceError):
        VICTIMS["cfair"].craft_factor = 2.0


def test_unrolled_objective_and_samples_of_z_cost_more(tiny_config):
    def estimate(**eng):
        params = {"attack_params": {"eng": {"max_iter": 2, **eng}}}
        (cell,) = expand_grid(
            check_config(tiny_config(**params, poison_ratios=[0.1], seeds=1))
        )
        return estimate_cell_seconds(cell)

    matching = estimate()
    assert estimate(objective="unrolled") > matching
    assert estimate(objective="unrolled", unroll_steps=6) > estimate(
        objective="unrolled"
    )
    assert estimate(match_samples=4) > matching
