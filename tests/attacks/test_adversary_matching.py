"""ENG's adversary term: matching the adversaries' gradient too."""

import numpy as np
import pytest
import torch

from skfrl.attacks import ENGAttack, FairRepresentationPoisoner
from skfrl.datasets import make_biased_classification
from skfrl.experiments import run_paired_trial
from skfrl.models import ICVAE, AdvFRL, CFair


def small(victim_class, **params):
    return victim_class(
        max_epochs=2, hidden_layer_sizes=(8,), n_components=4, random_state=0, **params
    )


def poisoner(victim, **attack_params):
    attack = ENGAttack(max_iter=4, **attack_params)
    return FairRepresentationPoisoner(victim, attack=attack, random_state=0)


@pytest.mark.parametrize("victim_class", [AdvFRL, CFair])
def test_adversarial_victims_expose_their_adversaries(victim_class, biased_data):
    victim = small(victim_class).fit(
        *biased_data[:2], sensitive_features=biased_data[2]
    )
    params = victim.adversary_parameters()
    assert params and all(isinstance(p, torch.nn.Parameter) for p in params)
    encoder = {id(p) for p in victim.encoder_parameters()}
    assert not encoder & {id(p) for p in params}


def test_icvae_has_no_adversaries(biased_data):
    X, y, s = biased_data
    victim = ICVAE(max_epochs=1, n_components=4, random_state=0).fit(
        X, y, sensitive_features=s
    )
    assert victim.adversary_parameters() == []


def test_adversary_term_is_matched_and_logged(biased_data):
    history, poisons = {}, {}
    for weight in (0.0, 4.0):
        p = poisoner(small(AdvFRL), adversary_weight=weight)
        X_res, _, _ = p.fit_resample(*biased_data)
        assert np.isfinite(X_res).all()
        history[weight] = p.history_["adversary_matching_loss"]
        poisons[weight] = X_res[p.poison_mask_]
    assert history[0.0].isna().all()
    losses = history[4.0]
    assert losses.notna().all() and ((losses >= 0) & (losses <= 2)).all()
    # rows that keep their s pull the adversaries towards s: cos starts near -1
    assert losses.iloc[0] > 1.5
    assert not np.allclose(poisons[0.0], poisons[4.0])


def test_default_weight_gives_the_same_poisons(biased_data):
    X_default, _, _ = poisoner(small(CFair)).fit_resample(*biased_data)
    X_zero, _, _ = poisoner(small(CFair), adversary_weight=0.0).fit_resample(
        *biased_data
    )
    np.testing.assert_array_equal(X_default, X_zero)


def test_victim_without_adversaries_is_refused(biased_data):
    victim = ICVAE(max_epochs=1, n_components=4, random_state=0)
    with pytest.raises(ValueError, match="adversary_weight needs a victim"):
        poisoner(victim, adversary_weight=1.0).fit_resample(*biased_data)


def test_explicit_target_needs_its_labels(biased_data):
    X, y, s = biased_data
    p = poisoner(small(CFair), adversary_weight=1.0)
    with pytest.raises(ValueError, match="y_target"):
        p.fit_resample(X, y, s, X_target=X[:50], s_target=s[:50])
    X_res, _, _ = p.fit_resample(
        X, y, s, X_target=X[:50], s_target=s[:50], y_target=y[:50]
    )
    assert np.isfinite(X_res).all()


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"y_target": np.zeros(50)}, "without X_target"),
        ({"X_target": "X", "s_target": "s", "y_target": np.zeros(49)}, "one label"),
        ({"X_target": "X", "s_target": "s", "y_target": np.full(50, 7)}, "labels"),
    ],
)
def test_bad_y_target_is_refused(kwargs, message, biased_data):
    X, y, s = biased_data
    stand_in = {"X": X[:50], "s": s[:50]}
    kwargs = {
        k: stand_in.get(v, v) if isinstance(v, str) else v for k, v in kwargs.items()
    }
    y_before = y.copy()
    with pytest.raises(ValueError, match=message):
        poisoner(small(CFair)).fit_resample(X, y, s, **kwargs)
    np.testing.assert_array_equal(y, y_before)


def test_paired_trial_passes_the_target_labels():
    X, y, s = make_biased_classification(n_samples=300, random_state=0)
    records = run_paired_trial(
        X,
        y,
        s,
        victim=small(CFair),
        attacks={"adv": ENGAttack(max_iter=2, adversary_weight=1.0)},
        poison_ratio=0.1,
        seed=0,
        n_epochs=2,
    )
    assert np.isfinite([r["probe_bce"] for r in records]).all()
