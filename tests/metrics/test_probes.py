import numpy as np
import pytest
from sklearn.base import is_classifier
from sklearn.linear_model import LogisticRegression

from skfrl.metrics import PROBE_NAMES, make_probe, probe_bce, sensitive_entropy


def noise(n, d, p, seed):
    rng = np.random.RandomState(seed)
    return rng.normal(size=(n, d)), (rng.rand(n) < p).astype(int)


def spread_only(n, seed):
    """s doubles the spread of one coordinate and leaves every mean at 0."""
    rng = np.random.RandomState(seed)
    s = rng.randint(2, size=n)
    Z = rng.normal(size=(n, 4))
    Z[:, 0] *= np.where(s == 1, 3.0, 1.0)
    return Z, s


@pytest.mark.parametrize("name", PROBE_NAMES)
@pytest.mark.parametrize("n, d, p", [(200, 60, 0.3), (2000, 20, 0.4)])
def test_probe_on_noise_scores_about_the_entropy(name, n, d, p):
    Z, s = noise(n, d, p, seed=n)
    entropy = sensitive_entropy(s)
    bce = probe_bce(Z, s, probe=name)
    assert entropy - 0.03 <= bce <= entropy + 0.01


@pytest.mark.parametrize("name", PROBE_NAMES)
def test_probe_on_noise_scores_about_the_entropy_held_out(name):
    Z, s = noise(400, 60, 0.3, seed=1)
    bce = probe_bce(Z[200:], s[200:], probe=name, Z_fit=Z[:200], s_fit=s[:200])
    assert bce <= sensitive_entropy(s[200:]) + 0.01


def test_strong_probes_see_what_a_linear_probe_cannot():
    Z, s = spread_only(1500, seed=0)
    entropy = sensitive_entropy(s)
    assert probe_bce(Z, s, probe="logistic") > entropy - 0.01
    assert probe_bce(Z, s, probe="hgb") < entropy - 0.1
    assert probe_bce(Z, s, probe="mlp") < entropy - 0.05


@pytest.mark.parametrize("name", PROBE_NAMES)
def test_default_probes_are_deterministic(name):
    Z, s = spread_only(300, seed=1)
    assert probe_bce(Z, s, probe=name) == probe_bce(Z, s, probe=name)


def test_random_state_selects_other_folds():
    Z, s = spread_only(300, seed=2)
    assert probe_bce(Z, s) == probe_bce(Z, s, random_state=0)
    assert probe_bce(Z, s) != probe_bce(Z, s, random_state=1)


@pytest.mark.parametrize("name", PROBE_NAMES)
def test_make_probe_returns_a_fresh_classifier(name):
    first, second = make_probe(name), make_probe(name)
    assert first is not second
    assert is_classifier(first) and hasattr(first, "predict_proba")


def test_make_probe_clones_a_classifier_and_defaults_to_logistic():
    classifier = LogisticRegression(C=0.5)
    probe = make_probe(classifier)
    assert probe is not classifier and probe.get_params()["C"] == 0.5
    assert type(make_probe(None)) is type(make_probe("logistic"))


def test_make_probe_rejects_unknown_names_and_non_classifiers():
    with pytest.raises(ValueError, match="probe must be one of"):
        make_probe("svm")
    with pytest.raises(TypeError, match="predict_proba"):
        make_probe(object())
