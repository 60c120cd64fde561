import json

import pytest

from skfrl.experiments import check_config, expand_grid, get_preset, load_config
from skfrl.models import CFair


def test_duplicate_is_always_added_first(tiny_config):
    config = check_config(tiny_config(attacks=["eng", "duplicate", "raa"]))
    assert config["attacks"] == ["duplicate", "eng", "raa"]
    assert check_config(tiny_config())["attacks"][0] == "duplicate"


def test_defaults_are_filled_and_seeds_expanded(tiny_config):
    config = check_config(tiny_config(seeds=3))
    assert config["seeds"] == [0, 1, 2]
    assert config["protocols"] == ["finetune"]
    assert config["target_fraction"] == 0.2
    assert config["feature_domain"] == "infer"
    assert check_config(tiny_config(seeds=[4, 2]))["seeds"] == [4, 2]


@pytest.mark.parametrize(
    "key, value, match",
    [
        ("datasets", ["mnist"], r"Unknown dataset 'mnist'.*'adult'.*'synthetic'"),
        ("victims", ["laftr"], r"Unknown victim 'laftr'.*'cfair_eo'.*'icvae_us'"),
        ("attacks", ["pgd"], r"Unknown attack 'pgd'.*'eng'.*'sensitive_flip'"),
        ("protocols", ["online"], r"Unknown protocol 'online'.*'finetune'"),
        ("poison_ratios", [1.5], r"poison ratio must be a float in \(0, 1\)"),
        ("seeds", 0, r"seeds must be at least 1"),
        ("target_fraction", 1.0, r"target_fraction must be in \(0, 1\)"),
        ("feature_domain", "records", r"feature_domain must be 'infer' or 'box'"),
        ("n_average", 5, r"n_average=5 exceeds n_epochs=2"),
    ],
)
def test_invalid_values_name_the_allowed_ones(key, value, match, tiny_config):
    with pytest.raises(ValueError, match=match):
        check_config(tiny_config(**{key: value}))


def test_unknown_and_missing_keys_are_errors(tiny_config):
    with pytest.raises(ValueError, match=r"Unknown config keys \['ratios'\]"):
        check_config(tiny_config(ratios=[0.1]))
    config = tiny_config()
    del config["seeds"]
    with pytest.raises(ValueError, match=r"lacks the required keys \['seeds'\]"):
        check_config(config)
    with pytest.raises(TypeError, match="config must be a dict"):
        check_config(["german"])


def test_victim_and_attack_params_are_validated(tiny_config):
    with pytest.raises(ValueError, match="victim_params of 'cfair'.*max_epoch"):
        check_config(tiny_config(victim_params={"max_epoch": 2}))
    with pytest.raises(ValueError, match="victim_params of 'cfair'.*max_epochs"):
        check_config(tiny_config(victim_params={"max_epochs": 0}))
    with pytest.raises(ValueError, match="may not set random_state"):
        check_config(tiny_config(victim_params={"random_state": 0}))
    with pytest.raises(ValueError, match=r"Unknown attacks \['engg'\].*'eng'"):
        check_config(tiny_config(attack_params={"engg": {"max_iter": 2}}))
    with pytest.raises(ValueError, match="attack_params of 'eng'.*max_iters"):
        check_config(tiny_config(attack_params={"eng": {"max_iters": 2}}))


def test_per_victim_params_override_shared_ones(tiny_config):
    config = tiny_config(
        victims=["cfair", "icvae_s"],
        victim_params={"max_epochs": 3, "cfair": {"max_epochs": 5}},
    )
    cells = expand_grid(config)
    epochs = {cell["victim"]: cell["victim_params"]["max_epochs"] for cell in cells}
    assert epochs == {"cfair": 5, "icvae_s": 3}


def test_grid_has_one_cell_per_dataset_victim_protocol_ratio_seed(tiny_config):
    config = tiny_config(
        victims=["cfair", "supervised"], protocols=["finetune", "retrain"]
    )
    cells = expand_grid(config)
    assert len(cells) == 2 * 2 * 2 * 2
    keys = {(c["victim"], c["protocol"], c["poison_ratio"], c["seed"]) for c in cells}
    assert len(keys) == len(cells)
    assert all(json.loads(json.dumps(cell)) == cell for cell in cells)
    retrain = next(c for c in cells if c["protocol"] == "retrain")
    assert (retrain["n_epochs"], retrain["n_average"]) == (2, 1)


def test_epoch_defaults_follow_the_protocol(tiny_config):
    config = tiny_config(
        protocols=["finetune", "retrain"], n_epochs=None, n_average=None
    )
    by_protocol = {
        c["protocol"]: (c["n_epochs"], c["n_average"]) for c in expand_grid(config)
    }
    # fine-tune: 10 epochs, last half averaged; retrain: max_epochs, last third
    assert by_protocol == {"finetune": (10, 5), "retrain": (2, 1)}


def test_presets():
    quick, paper = get_preset("quick"), get_preset("paper")
    assert quick["datasets"] == ["german"] and quick["victims"] == ["cfair"]
    assert set(quick["attacks"]) == {"duplicate", "eng", "sensitive_flip"}
    assert len(expand_grid(quick)) == 3
    assert paper["victims"] == ["cfair", "cfair_eo", "icvae_s", "icvae_us"]
    assert set(paper["attacks"]) == {
        "eng",
        "raa",
        "nraa",
        "duplicate",
        "sensitive_flip",
        "random",
    }
    assert len(expand_grid(paper)) == 2 * 4 * 3 * 5
    with pytest.raises(ValueError, match=r"Unknown preset 'fast'.*'paper', 'quick'"):
        get_preset("fast")


def test_load_config_reads_toml_and_presets(tmp_path):
    path = tmp_path / "grid.toml"
    path.write_text(
        'datasets = ["synthetic"]\nvictims = ["cfair"]\nattacks = ["eng"]\n'
        "poison_ratios = [0.1]\nseeds = 2\n\n"
        "[victim_params]\nmax_epochs = 2\nhidden_layer_sizes = [8]\n\n"
        "[attack_params.eng]\nmax_iter = 2\n"
    )
    config = load_config(path)
    assert config["attacks"] == ["duplicate", "eng"]
    assert config["attack_params"] == {"eng": {"max_iter": 2}}
    cell = expand_grid(config)[0]
    assert cell["attack_params"] == {"eng": {"max_iter": 2}}
    assert load_config("quick") == get_preset("quick")
    with pytest.raises(ValueError, match="neither a preset"):
        load_config(tmp_path / "missing.toml")


def test_toml_lists_become_tuples_for_the_victim():
    from skfrl.experiments.catalogue import VICTIMS

    victim = VICTIMS["cfair"].build({"hidden_layer_sizes": [8, 4]})
    assert isinstance(victim, CFair) and victim.hidden_layer_sizes == (8, 4)
    assert VICTIMS["cfair_eo"].build().class_weight is None


def test_a_validated_config_is_read_only_and_passed_on_as_it_is(tiny_config):
    from skfrl.experiments import ExperimentConfig

    config = check_config(tiny_config())
    assert isinstance(config, ExperimentConfig)
    assert check_config(config) is config and load_config(config) is config
    config["attacks"].append("raa")  # a copy: the config does not change
    assert config["attacks"] == ["duplicate", "eng", "sensitive_flip"]
    with pytest.raises(TypeError, match="object does not support item assignment"):
        config["seeds"] = [7]
    with pytest.raises(AttributeError, match="read-only"):
        config.extra = 1
    with pytest.raises(TypeError, match="made by check_config"):
        ExperimentConfig({"datasets": ["german"]})
    assert config.to_dict() == dict(config) and config == config.to_dict()
    import copy
    import pickle

    for twin in (copy.deepcopy(config), pickle.loads(pickle.dumps(config))):
        assert isinstance(twin, ExperimentConfig) and twin == config


def test_strong_probes_are_validated_and_kept_in_catalogue_order(tiny_config):
    config = check_config(tiny_config(strong_probes=["hgb", "mlp"]))
    assert config["strong_probes"] == ["mlp", "hgb"]
    assert check_config(tiny_config())["strong_probes"] == ["hgb"]
    assert check_config(tiny_config(strong_probes=[]))["strong_probes"] == []
    with pytest.raises(ValueError, match="Unknown strong probes \\['logistic'\\]"):
        check_config(tiny_config(strong_probes=["logistic"]))


def test_n_average_beyond_the_default_epochs_fails_at_validation(tiny_config):
    with pytest.raises(ValueError, match="n_average=9 exceeds the 2 epochs"):
        check_config(tiny_config(protocols=["retrain"], n_epochs=None, n_average=9))


def test_one_skfrl_run_validates_its_config_once(tiny_config, tmp_path, monkeypatch):
    from skfrl.experiments import _config
    from skfrl.experiments._cli import main

    calls = []
    check_victim = _config._check_victim
    monkeypatch.setattr(
        _config, "_check_victim", lambda *a: calls.append(a) or check_victim(*a)
    )
    path = tmp_path / "grid.toml"
    path.write_text(
        "datasets = ['synthetic']\nvictims = ['cfair']\nattacks = ['sensitive_flip']\n"
        "poison_ratios = [0.1]\nseeds = 1\nn_epochs = 1\nn_average = 1\n"
        "[victim_params]\nmax_epochs = 1\nhidden_layer_sizes = [8]\n"
    )
    assert (
        main(["run", "--config", str(path), "--out", str(tmp_path / "o"), "--quiet"])
        == 0
    )
    assert len(calls) == 1
