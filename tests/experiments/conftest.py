import json

import pandas as pd
import pytest

from skfrl.experiments import run_experiment


@pytest.fixture
def pyplot():
    """matplotlib's pyplot on the Agg backend, closing every figure afterwards."""
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    plt = pytest.importorskip("matplotlib.pyplot")
    yield plt
    plt.close("all")


def _tiny_config(**changes):
    """A grid of synthetic cells that each run in about a second."""
    config = {
        "name": "tiny",
        "datasets": ["synthetic"],
        "victims": ["cfair"],
        "attacks": ["eng", "sensitive_flip"],
        "poison_ratios": [0.1, 0.2],
        "seeds": 2,
        "n_epochs": 2,
        "n_average": 1,
        "victim_params": {
            "max_epochs": 2,
            "hidden_layer_sizes": [8],
            "n_components": 4,
            "cfair": {"adversary_layer_sizes": [8]},
        },
        "attack_params": {"eng": {"max_iter": 2}},
    }
    return {**config, **changes}


@pytest.fixture(scope="session")
def tiny_config():
    """Return a tiny configuration, with keys replaced by keyword arguments."""
    return _tiny_config


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory):
    """A finished run of the tiny grid (4 cells): its folder and results."""
    out = tmp_path_factory.mktemp("tiny_run")
    return out, run_experiment(_tiny_config(), out, verbose=0)


def _fake_results(victims=("cfair", "icvae_s"), ratios=(0.05, 0.1), seeds=(0, 1, 2)):
    """Records with known paired differences: eng is 0.02 + ratio below duplicate."""
    rows = []
    for victim in victims:
        for ratio in ratios:
            for seed in seeds:
                base = 0.5 + 0.01 * seed
                for condition, shift in [
                    ("clean", 0.01),
                    ("duplicate", 0.0),
                    ("eng", -0.02 - ratio),
                    ("raa", 0.005),
                ]:
                    rows.append(
                        {
                            "dataset": "german",
                            "victim": victim,
                            "protocol": "finetune",
                            "poison_ratio": ratio,
                            "seed": seed,
                            "condition": condition,
                            "probe_bce": base + shift,
                            "delta_bce_vs_duplicate": -shift,
                            "delta_bce_vs_clean": 0.01 - shift,
                            "sensitive_entropy": 0.6,
                            "probe_bce_hgb": base - 0.1 + 2 * shift,
                            "delta_bce_hgb_vs_duplicate": -2 * shift,
                            "downstream_accuracy": 0.7,
                            "demographic_parity_difference": 0.1,
                            "equalized_odds_difference": 0.2,
                            "feature_change_frequency": json.dumps(
                                {"age": 0.9, "job": 0.1 * seed}
                            )
                            if condition == "eng"
                            else None,
                        }
                    )
    return pd.DataFrame(rows)


@pytest.fixture(scope="session")
def fake_results():
    """Return hand-made records; keywords choose victims, ratios and seeds."""
    return _fake_results
