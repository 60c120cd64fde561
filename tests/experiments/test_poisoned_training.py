import numpy as np
import pytest

from skfrl.attacks import PROTOCOLS
from skfrl.experiments import HeldOutSplit, poisoned_victim_leakage
from skfrl.metrics import probe_bce, sensitive_entropy
from skfrl.models import CFair


def fit_victim(biased_data, max_epochs):
    """θ0 fitted on the first 300 rows, the others held out."""
    X, y, s = biased_data
    victim = CFair(
        max_epochs=max_epochs, hidden_layer_sizes=(8,), n_components=4, random_state=0
    )
    victim.fit(X[:300], y[:300], sensitive_features=s[:300])
    held_out = HeldOutSplit.from_arrays(
        X[300:], y[300:], s[300:], np.random.RandomState(0)
    )
    return victim, held_out, (X[:300], y[:300], s[:300])


@pytest.fixture(scope="module")
def fitted(biased_data):
    return fit_victim(biased_data, max_epochs=2)


def test_held_out_split_halves_every_row_once(biased_data):
    X, y, s = biased_data
    split = HeldOutSplit.from_arrays(X, y, s, np.random.RandomState(0))
    assert len(split.X_fit) + len(split.X_eval) == len(X)
    rows = np.vstack([split.X_fit, split.X_eval])
    assert sorted(map(tuple, rows.tolist())) == sorted(map(tuple, X.tolist()))


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_poisoned_victim_leakage_never_touches_theta0(fitted, protocol):
    victim, held_out, (X, y, s) = fitted
    Z_before = victim.transform(X)
    result = poisoned_victim_leakage(
        victim,
        X,
        y,
        s,
        held_out,
        protocol=protocol,
        n_epochs=3,
        n_average=2,
        random_state=1,
    )
    np.testing.assert_array_equal(victim.transform(X), Z_before)
    assert len(result["probe_bce_by_epoch"]) == 2
    assert result["probe_bce"] == pytest.approx(np.mean(result["probe_bce_by_epoch"]))
    assert 0 <= result["downstream_accuracy"] <= 1
    expected_epochs = victim.n_iter_ + 3 if protocol == "finetune" else 3
    assert result["victim"].n_iter_ == expected_epochs


def test_retrain_same_init_starts_from_theta0s_initial_weights(fitted):
    victim, held_out, (X, y, s) = fitted
    # on θ0's own training data, θ0's initial weights retrain into θ0
    result = poisoned_victim_leakage(
        victim, X, y, s, held_out, protocol="retrain_same_init", n_epochs=2
    )
    np.testing.assert_array_equal(result["victim"].transform(X), victim.transform(X))
    fresh = poisoned_victim_leakage(
        victim, X, y, s, held_out, protocol="retrain", n_epochs=2, random_state=1
    )
    assert not np.array_equal(fresh["victim"].transform(X), victim.transform(X))


def test_retrain_same_init_needs_an_int_seed_and_protocols_are_checked(fitted):
    victim, held_out, data = fitted
    unseeded = CFair(max_epochs=1, hidden_layer_sizes=(8,), n_components=4)
    unseeded.fit(*data[:2], sensitive_features=data[2])
    with pytest.raises(ValueError, match="only an int random_state of θ0"):
        poisoned_victim_leakage(unseeded, *data, held_out, protocol="retrain_same_init")
    with pytest.raises(ValueError, match="protocol must be one of"):
        poisoned_victim_leakage(victim, *data, held_out, protocol="scratch")


def test_finetune_is_deterministic(fitted):
    victim, held_out, (X, y, s) = fitted
    first = poisoned_victim_leakage(victim, X, y, s, held_out, n_epochs=2, n_average=1)
    second = poisoned_victim_leakage(victim, X, y, s, held_out, n_epochs=2, n_average=1)
    assert first["probe_bce"] == second["probe_bce"]


def test_protocol_measures_with_the_one_default_probe(fitted):
    victim, held_out, data = fitted
    result = poisoned_victim_leakage(
        victim, *data, held_out, n_epochs=1, n_average=1, strong_probes=("hgb",)
    )
    trained = result["victim"]
    Z_fit, Z_eval = (
        trained.transform(held_out.X_fit),
        trained.transform(held_out.X_eval),
    )
    for key, probe in (("probe_bce", "logistic"), ("probe_bce_hgb", "hgb")):
        expected = probe_bce(
            Z_eval, held_out.s_eval, probe=probe, Z_fit=Z_fit, s_fit=held_out.s_fit
        )
        assert result[key] == expected
    assert result["sensitive_entropy"] == sensitive_entropy(held_out.s_eval)


@pytest.mark.parametrize(
    "protocol, epochs, averaged", [("finetune", 10, 5), ("retrain", 6, 2)]
)
def test_epochs_default_to_the_protocols(biased_data, protocol, epochs, averaged):
    victim, held_out, data = fit_victim(biased_data, max_epochs=6)
    result = poisoned_victim_leakage(victim, *data, held_out, protocol=protocol)
    # fine-tuning continues θ0 10 epochs; retraining is one full training
    start = victim.n_iter_ if protocol == "finetune" else 0
    assert result["victim"].n_iter_ == start + epochs
    assert len(result["probe_bce_by_epoch"]) == averaged


def test_more_epochs_averaged_than_trained_are_refused(fitted):
    victim, held_out, data = fitted
    with pytest.raises(ValueError, match="n_average=4 exceeds the 3 epochs"):
        poisoned_victim_leakage(victim, *data, held_out, n_epochs=3, n_average=4)


def test_retraining_a_victim_without_max_epochs_needs_n_epochs():
    from sklearn.preprocessing import StandardScaler

    from skfrl.experiments._poisoned_training import protocol_epochs

    assert protocol_epochs("finetune", StandardScaler()) == (10, 5)
    with pytest.raises(ValueError, match="has no max_epochs: pass n_epochs"):
        protocol_epochs("retrain", StandardScaler())
    assert protocol_epochs("retrain", StandardScaler(), n_epochs=9) == (9, 3)
