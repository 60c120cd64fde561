"""Generated inputs for every public estimator and metric: a clear error or a result.

Each case either raises a ``ValueError``, ``TypeError`` or
``FloatingPointError`` whose message names an argument, or returns a finite
result of the documented shape; it never crashes inside torch, numpy,
pandas, skorch or fairlearn, never returns NaN silently, and never changes
its inputs. The default run generates 440 cases (60 per model, 80 for the
poisoner, 120 for the metrics); ``-m slow`` five times as many.
"""

import re
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skfrl.attacks import ATTACK_NAMES, FairRepresentationPoisoner, make_attack
from skfrl.metrics import (
    delta_bce,
    feature_change_frequency,
    fld_score,
    perturbation_stats,
    probe_bce,
    sensitive_entropy,
)
from skfrl.models import ICVAE, AdvFRL, CFair, SupervisedEncoder

ERRORS = (ValueError, TypeError, FloatingPointError)
MODELS = [CFair, AdvFRL, ICVAE, SupervisedEncoder]
#: what a model parameter may be set to: valid values and the usual mistakes
PARAMETER_VALUES = {
    "n_components": [1, 3, 0, -2, 2.5, True, "8", None],
    "hidden_layer_sizes": [(4,), (4, 3), (), (0,), (-1,), (2.5,), ("a",), 8, None],
    "max_epochs": [1, 2, 0, -1, True, 1.5, "2"],
    "batch_size": [4, 64, 0, -3, 2.0],
    "lr": [1e-3, 0.1, 0.0, -1.0, np.nan, np.inf, "fast"],
    "optimizer": ["adam", "sgd", "nesterov", dict, 3],
    "device": ["cpu", "bogus", 7],
    "validation_fraction": [None, 0.25, 0.0, 1.0, 0.999, -0.5, "0.2"],
    "callbacks": [None, [], [1], "early"],
    "activation": ["relu", "tanh", "swish", None],
}
ARGUMENT_NAMES = {
    *PARAMETER_VALUES,
    "X",
    "y",
    "sensitive_features",
    "Z",
    "s_fit",
    "Z_fit",
    "bce_clean",
    "bce_poisoned",
    "X_original",
    "X_poisoned",
    "poison_ratio",
    "target_size",
    "attack",
    "feature_domain",
    "random_state",
    "tol",
    "ridge",
    "probe",
    "cv",
    "groups",
    "labels",
    "input",
}


#: scikit-learn's own validation messages, clear enough where they apply
SKLEARN_PHRASES = ("parameter of", "Found array with", "Expected 2D array")


def _names_an_argument(error):
    """Whether the message names one of the arguments (or is sklearn's own)."""
    message = str(error)
    words = set(re.findall(r"[A-Za-z_]+", message))
    return bool(words & ARGUMENT_NAMES) or any(p in message for p in SKLEARN_PHRASES)


def _data(draw, n_rows=None):
    """Tiny X, y, s: mostly valid, sometimes with the usual problems."""
    n = draw(st.integers(0, 24)) if n_rows is None else n_rows
    d = draw(st.integers(1, 4))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    X = rng.normal(size=(n, d)).astype(np.float32)
    problem = draw(st.sampled_from(["none"] * 4 + ["nan", "inf", "1d", "huge"]))
    if problem == "nan" and n:
        X[0, 0] = np.nan
    elif problem == "inf" and n:
        X[-1, -1] = np.inf
    elif problem == "1d":
        X = X[:, 0]
    elif problem == "huge":
        X = X * np.float32(1e30)
    y = rng.integers(0, 2, size=n)
    s = rng.integers(0, 2, size=n)
    s_kind = draw(st.sampled_from(["ok", "ok", "short", "three_groups", "one_group"]))
    if s_kind == "short":
        s = s[:-1]
    elif s_kind == "three_groups":
        s = np.arange(n) % 3
    elif s_kind == "one_group":
        s = np.zeros(n, dtype=int)
    return X, y, s


def _check_outcome(call, inputs):
    """Run ``call``; assert a named error or a finite result, inputs untouched."""
    copies = [np.array(a, copy=True) for a in inputs]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = call()
    except ERRORS as error:
        assert _names_an_argument(error), f"unclear error: {error!r}"
        return None
    finally:
        for before, after in zip(copies, inputs, strict=True):
            np.testing.assert_array_equal(before, after)
    values = np.asarray(result, dtype=np.float64)
    assert np.isfinite(values).all(), f"non-finite result {result!r}"
    return result


def _settings(n):
    return settings(
        max_examples=n,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


def _model_case(Model):
    @st.composite
    def case(draw):
        names = [n for n in PARAMETER_VALUES if n in Model().get_params()]
        chosen = draw(st.lists(st.sampled_from(names), max_size=2, unique=True))
        params = {
            name: draw(st.sampled_from(PARAMETER_VALUES[name])) for name in chosen
        }
        params.setdefault("max_epochs", 1)
        return params, _data(draw)

    return case()


def _fit_transform(Model, params, X, y, s):
    model = Model(random_state=0).set_params(**params)
    model.fit(X, y, sensitive_features=s)
    Z = model.transform(X)
    assert Z.shape == (len(X), model.n_components)
    return Z


#: generated cases per test: the default run, and five times as many under -m slow
SIZES = [
    pytest.param(1, id="default"),
    pytest.param(5, marks=pytest.mark.slow, id="slow"),
]


@pytest.mark.parametrize("scale", SIZES)
@pytest.mark.parametrize("Model", MODELS, ids=lambda M: M.__name__)
def test_models_on_generated_parameters_and_data(Model, scale):
    @_settings(60 * scale)
    @given(_model_case(Model))
    def check(case):
        params, (X, y, s) = case
        _check_outcome(lambda: _fit_transform(Model, params, X, y, s), [X, y, s])

    check()


@st.composite
def _poisoner_case(draw):
    params = {
        "attack": draw(st.sampled_from([*ATTACK_NAMES, "ENG", 3])),
        "poison_ratio": draw(st.sampled_from([0.1, 0.5, 0.0, 1.0, -0.1, "0.1"])),
        "target_size": draw(st.sampled_from([0.2, 0.5, 0.0, 1.5])),
        "feature_domain": draw(st.sampled_from(["infer", "box", None, "records"])),
    }
    return params, _data(draw, n_rows=draw(st.integers(2, 24)))


def _resample(params, X, y, s):
    attack = params["attack"]
    if attack == "eng":
        attack = make_attack("eng", max_iter=2)
    poisoner = FairRepresentationPoisoner(
        CFair(max_epochs=1, hidden_layer_sizes=(4,), n_components=2),
        random_state=0,
        verbose=0,
        **{**params, "attack": attack},
    )
    X_res, y_res, s_res = poisoner.fit_resample(X, y, s)
    assert len(X_res) == len(y_res) == len(s_res) == len(X) + poisoner.n_poison_
    return X_res


@pytest.mark.parametrize("scale", SIZES)
def test_the_poisoner_on_generated_parameters_and_data(scale):
    @_settings(80 * scale)
    @given(_poisoner_case())
    def check(case):
        params, (X, y, s) = case
        _check_outcome(lambda: _resample(params, X, y, s), [X, y, s])

    check()


@st.composite
def _metric_case(draw):
    X, _, s = _data(draw)
    metric = draw(
        st.sampled_from(
            ["fld_score", "sensitive_entropy", "delta_bce", "perturbation_stats",
             "feature_change_frequency", "probe_bce"]
        )
    )  # fmt: skip
    return metric, X, s, draw(st.sampled_from([0.5, -1.0, "a", np.nan, [0.1, 0.2]]))


def _metric(metric, X, s, other):
    if metric == "fld_score":  # documented: inf when the groups differ, no spread
        score = fld_score(X, s)
        return 0.0 if np.isinf(score) else score
    if metric == "sensitive_entropy":
        return sensitive_entropy(s)
    if metric == "delta_bce":
        return delta_bce(other, 0.5)
    if metric == "perturbation_stats":
        return perturbation_stats(X, X + 1).to_numpy()
    if metric == "feature_change_frequency":
        return feature_change_frequency(X, X).to_numpy()
    return probe_bce(X, s, cv=2)


@pytest.mark.parametrize("scale", SIZES)
def test_metrics_on_generated_inputs(scale):
    @_settings(120 * scale)
    @given(_metric_case())
    def check(case):
        metric, X, s, other = case
        _check_outcome(lambda: _metric(metric, X, s, other), [X, s])

    check()
