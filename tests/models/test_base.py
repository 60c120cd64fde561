"""Behaviour every skfrl representation learner shares, from ``_base.py``."""

import copy
import pickle
import warnings

import numpy as np
import pytest
import sklearn
import torch
from numpy.testing import assert_array_equal
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler
from skorch.callbacks import EarlyStopping, EpochScoring, ProgressBar

from skfrl.base import DifferentiableEncoder
from skfrl.models import ICVAE, AdvFRL, CFair, SupervisedEncoder

TINY = dict(hidden_layer_sizes=(16,), max_epochs=2, batch_size=64, random_state=0)
MODELS = {
    "cfair": lambda **kw: CFair(**{**TINY, **kw}),
    "cfair_eo": lambda **kw: CFair(class_weight=None, **{**TINY, **kw}),
    "advfrl": lambda **kw: AdvFRL(**{**TINY, **kw}),
    "icvae_s": lambda **kw: ICVAE(**{**TINY, **kw}),
    "icvae_us": lambda **kw: ICVAE(supervised=False, **{**TINY, **kw}),
    "supervised": lambda **kw: SupervisedEncoder(**{**TINY, **kw}),
}
FAIR = [name for name in MODELS if name != "supervised"]
SUPERVISED = [name for name in MODELS if name != "icvae_us"]


@pytest.fixture(params=list(MODELS))
def make(request):
    return MODELS[request.param]


@pytest.fixture
def fitted(make, biased_data):
    X, y, s = biased_data
    return make().fit(X, y, sensitive_features=s)


def test_transform_returns_float32_of_n_components(fitted, biased_data):
    X, _, _ = biased_data
    Z = fitted.transform(X.astype(np.float64))
    assert Z.dtype == np.float32
    assert Z.shape == (len(X), fitted.n_components)
    assert fitted.n_iter_ == 2 and fitted.n_features_in_ == X.shape[1]


# -- copies and seeds -----------------------------------------------------------


@pytest.mark.parametrize(
    "duplicate", [copy.deepcopy, lambda m: pickle.loads(pickle.dumps(m))]
)
def test_copies_give_identical_transform(fitted, biased_data, duplicate):
    X, _, _ = biased_data
    np.testing.assert_array_equal(duplicate(fitted).transform(X), fitted.transform(X))


def test_same_random_state_gives_bit_identical_z(make, biased_data):
    X, y, s = biased_data
    Z = [make().fit(X, y, sensitive_features=s).transform(X) for _ in range(2)]
    np.testing.assert_array_equal(Z[0], Z[1])
    Z_other = make(random_state=1).fit(X, y, sensitive_features=s).transform(X)
    assert not np.allclose(Z[0], Z_other)


def test_global_random_generators_are_untouched(make, biased_data):
    X, y, s = biased_data
    np.random.seed(123)
    torch.manual_seed(123)
    numpy_state, torch_state = np.random.get_state(), torch.random.get_rng_state()
    model = make(validation_fraction=0.2).fit(X, y, sensitive_features=s)
    model.partial_fit(X, y, sensitive_features=s)
    model.transform(X)
    np.testing.assert_array_equal(np.random.get_state()[1], numpy_state[1])
    assert torch.equal(torch.random.get_rng_state(), torch_state)


# -- sensitive features and partial_fit -----------------------------------------


@pytest.mark.parametrize("name", FAIR)
def test_fit_without_sensitive_features_warns_and_still_works(name, biased_data):
    X, y, _ = biased_data
    with pytest.warns(UserWarning, match="without sensitive_features"):
        model = MODELS[name]().fit(X, y)
    assert model.sensitive_groups_ is None
    assert np.isfinite(model.transform(X)).all()


def test_supervised_encoder_ignores_sensitive_features_silently(biased_data):
    X, y, s = biased_data
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = MODELS["supervised"]().fit(X, y, sensitive_features=s)
    assert model.sensitive_groups_ is None


def test_partial_fit_continues_from_the_current_state(make, biased_data):
    X, y, s = biased_data
    model = make().partial_fit(X, y, sensitive_features=s)  # first call initialises
    assert model.n_iter_ == 1 and len(model.net_.history) == 1
    Z_before = model.transform(X)
    model.partial_fit(X, y, sensitive_features=s)
    assert model.n_iter_ == 2
    assert not np.allclose(model.transform(X), Z_before)
    assert len(model.net_.optimizer_.state) > 0  # the optimizer state is kept


def test_fit_then_partial_fit_equals_a_longer_fit(make, biased_data):
    X, y, s = biased_data
    longer = make(max_epochs=3).fit(X, y, sensitive_features=s)
    model = make(max_epochs=2).fit(X, y, sensitive_features=s)
    model.partial_fit(X, y, sensitive_features=s)
    np.testing.assert_array_equal(model.transform(X), longer.transform(X))
    model.fit(X, y, sensitive_features=s)
    assert model.n_iter_ == 2  # fit starts over


@pytest.mark.parametrize("name", SUPERVISED)
def test_partial_fit_rejects_unseen_classes(name, biased_data):
    X, y, s = biased_data
    model = MODELS[name]().fit(X, y, sensitive_features=s)
    with pytest.raises(ValueError, match="y contains labels \\[7\\] unseen"):
        model.partial_fit(X, np.where(y == 1, 7, y), sensitive_features=s)


@pytest.mark.parametrize("name", FAIR)
def test_partial_fit_rejects_unseen_groups(name, biased_data):
    X, y, s = biased_data
    model = MODELS[name]().fit(X, y, sensitive_features=s)
    with pytest.raises(ValueError, match="sensitive_features has groups"):
        model.partial_fit(X, y, sensitive_features=s + 5)


# -- the DifferentiableEncoder protocol -----------------------------------------


def test_encoder_parameters_are_the_encoders(fitted):
    assert isinstance(fitted, DifferentiableEncoder)
    expected = list(fitted.net_.module_.encoder.parameters())
    params = fitted.encoder_parameters()
    assert len(params) == len(expected)
    assert all(p is q for p, q in zip(params, expected, strict=True))


def test_encode_tensor_equals_transform_and_is_differentiable(fitted, biased_data):
    X, _, _ = biased_data
    X_t = torch.tensor(X, requires_grad=True)
    Z = fitted.encode_tensor(X_t)
    np.testing.assert_allclose(Z.detach().numpy(), fitted.transform(X), rtol=1e-6)
    (grad,) = torch.autograd.grad(Z.sum(), X_t)
    assert grad.abs().sum() > 0


def _net_loss(model, X, y, s):
    """The loss of one batch computed through skorch's own infer/get_loss."""
    net = model.net_
    batch = {"X": torch.as_tensor(X)}
    if s is not None:
        batch["s"] = torch.as_tensor(s)
    y_codes = None if y is None else torch.as_tensor(np.searchsorted(model.classes_, y))
    net.module_.eval()
    try:
        return net.get_loss(net.infer(batch), y_codes, X=batch)
    finally:
        net.module_.train()


def test_training_loss_equals_the_nets_loss(fitted, biased_data):
    X, y, s = biased_data
    y_used = y[:50] if fitted._requires_y else None
    s_used = s[:50] if fitted.sensitive_groups_ is not None else None
    expected = _net_loss(fitted, X[:50], y_used, s_used)
    actual = fitted.training_loss(X[:50], y[:50], s[:50])
    torch.testing.assert_close(actual, expected)


def test_training_loss_is_twice_differentiable(fitted, biased_data):
    X, y, s = biased_data
    X_t = torch.tensor(X[:40], requires_grad=True)
    loss = fitted.training_loss(X_t, y[:40], s[:40])
    assert loss.ndim == 0
    (grad_X,) = torch.autograd.grad(loss, X_t, retain_graph=True)
    assert grad_X.abs().sum() > 0
    params = fitted.encoder_parameters()
    grads = torch.autograd.grad(loss, params, create_graph=True)
    gradient_norm = sum(g.pow(2).sum() for g in grads)
    (second,) = torch.autograd.grad(gradient_norm, X_t)
    assert torch.isfinite(second).all() and second.abs().sum() > 0


def test_protocol_methods_leave_the_fitted_state_alone(fitted, biased_data):
    X, y, s = biased_data
    Z = fitted.transform(X)
    state = copy.deepcopy(fitted.net_.module_.state_dict())
    generator = getattr(fitted.net_.module_, "_generator", None)
    noise_state = None if generator is None else generator.get_state()
    X_t = torch.tensor(X, requires_grad=True)
    torch.autograd.grad(fitted.training_loss(X_t, y, s), X_t)
    torch.autograd.grad(fitted.encode_tensor(X_t).sum(), X_t)
    np.testing.assert_array_equal(fitted.transform(X), Z)
    for key, value in fitted.net_.module_.state_dict().items():
        assert torch.equal(value, state[key])
    assert fitted.net_.module_.training
    if noise_state is not None:
        assert torch.equal(generator.get_state(), noise_state)


def test_training_loss_takes_codes_not_labels(biased_data):
    X, y, s = biased_data
    y_labels, s_labels = np.where(y == 1, "yes", "no"), s * 3 + 2
    model = MODELS["cfair"]().fit(X, y_labels, sensitive_features=s_labels)
    y_codes = np.searchsorted(model.classes_, y_labels)
    s_codes = np.searchsorted(model.sensitive_groups_, s_labels)
    expected = _net_loss(model, X, y_labels, s_codes)
    torch.testing.assert_close(model.training_loss(X, y_codes, s_codes), expected)
    tensors = (torch.as_tensor(y_codes), torch.as_tensor(s_codes))
    torch.testing.assert_close(model.training_loss(X, *tensors), expected)


@pytest.mark.parametrize(
    "name, codes",
    [
        ("s", lambda y, s: (y, np.full_like(s, 9))),
        ("s", lambda y, s: (y, s - 1)),
        ("y", lambda y, s: (y + 2, s)),
        ("y", lambda y, s: (np.where(y == 1, "yes", "no"), s)),
        ("s", lambda y, s: (y, s.reshape(-1, 1))),
    ],
)
def test_training_loss_rejects_what_is_not_a_code(name, codes, biased_data):
    X, y, s = biased_data
    model = MODELS["cfair"]().fit(X, y, sensitive_features=s)
    with pytest.raises(
        ValueError, match=f"{name} must be a 1-D array of integer codes"
    ):
        model.training_loss(X, *codes(y, s))


# -- bad inputs -----------------------------------------------------------------


def _bad_inputs(X, y, s):
    X_nan, X_inf = X.copy(), X.copy()
    X_nan[3, 1], X_inf[5, 0] = np.nan, np.inf
    return {
        "nan": (dict(X=X_nan), ValueError, "Input X contains NaN"),
        "inf": (dict(X=X_inf), ValueError, "Input X contains infinity"),
        "strings": (dict(X=X.astype(str).astype(object) + "x"), ValueError, "float"),
        "one group": (
            dict(s=np.zeros_like(s)),
            ValueError,
            "sensitive_features .* got 1",
        ),
        "three groups": (
            dict(s=np.arange(len(s)) % 3),
            ValueError,
            "exactly two groups",
        ),
        "short s": (dict(s=s[:-1]), ValueError, "sensitive_features has 399 samples"),
        "short y": (dict(y=y[:-1]), ValueError, "y has 399 samples but X has 400"),
    }


@pytest.mark.parametrize(
    "case", ["nan", "inf", "strings", "one group", "three groups", "short s", "short y"]
)
def test_bad_training_data_is_rejected_by_name(case, biased_data):
    X, y, s = biased_data
    changes, error, match = _bad_inputs(X, y, s)[case]
    data = {"X": X, "y": y, "s": s, **changes}
    with pytest.raises(error, match=match):
        MODELS["cfair"]().fit(data["X"], data["y"], sensitive_features=data["s"])


@pytest.mark.parametrize("name", SUPERVISED)
def test_supervised_models_require_y(name, biased_data):
    X, _, s = biased_data
    with pytest.raises(ValueError, match=f"{type(MODELS[name]()).__name__} requires y"):
        MODELS[name]().fit(X, None, sensitive_features=s)


def test_strings_in_x_error_names_x(biased_data):
    X, y, s = biased_data
    words = np.where(X > 0, "high", "low")
    with pytest.raises(ValueError, match="X must be numeric"):
        MODELS["cfair"]().fit(words, y, sensitive_features=s)


def test_transform_rejects_wrong_width_and_nan(fitted, biased_data):
    X, _, _ = biased_data
    with pytest.raises(ValueError, match="X has 5 features, but .* is expecting 6"):
        fitted.transform(X[:, :5])
    X_nan = X.copy()
    X_nan[0, 0] = np.nan
    with pytest.raises(ValueError, match="Input X contains NaN"):
        fitted.transform(X_nan)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_inputs_are_never_modified(make, biased_data, dtype):
    # float32 X is used without a copy, so the net's tensors share its memory.
    X, y, s = biased_data
    X, y_labels, s_labels = X.astype(dtype), np.where(y == 1, "yes", "no"), s * 3
    copies = [a.copy() for a in (X, y_labels, s_labels)]
    model = make().fit(X, y_labels, sensitive_features=s_labels)
    model.partial_fit(X, y_labels, sensitive_features=s_labels)
    model.transform(X)
    model.training_loss(X, y, s)
    for after, before in zip((X, y_labels, s_labels), copies, strict=True):
        np.testing.assert_array_equal(after, before)


# -- callbacks ------------------------------------------------------------------


def test_early_stopping_stops_before_max_epochs(biased_data):
    X, y, s = biased_data
    callbacks = [EarlyStopping(patience=2, threshold=0.5)]
    model = MODELS["cfair"](max_epochs=40, validation_fraction=0.2, callbacks=callbacks)
    model.fit(X, y, sensitive_features=s)
    assert model.n_iter_ == len(model.net_.history) < 10
    assert "valid_loss" in model.net_.history[-1]
    assert callbacks[0].misses_ == 0  # the estimator trained a copy


def test_validation_callbacks_without_a_split_say_what_to_pass(biased_data):
    X, y, s = biased_data
    model = MODELS["cfair"](max_epochs=3, callbacks=[EarlyStopping()])
    with pytest.raises(ValueError, match="monitors 'valid_loss'.*validation_fraction"):
        model.fit(X, y, sensitive_features=s)
    model.set_params(callbacks=[EarlyStopping(monitor="train_loss")])
    assert model.fit(X, y, sensitive_features=s).n_iter_ >= 1


@pytest.mark.parametrize("name", ["cfair", "advfrl", "icvae_s", "supervised"])
@pytest.mark.parametrize("on_train", [False, True])
def test_epoch_scoring_accuracy_scores_the_task_head(name, on_train, biased_data):
    X, y, s = biased_data
    scoring = EpochScoring("accuracy", lower_is_better=False, on_train=on_train)
    model = MODELS[name](
        max_epochs=2, validation_fraction=0.25, callbacks=[scoring]
    ).fit(X, y, sensitive_features=s)
    scores = model.net_.history[:, "accuracy"]
    assert len(scores) == 2 and all(0 <= a <= 1 for a in scores)
    # predict is the task head's argmax in eval mode
    logits = model.net_.module_.task_logits(
        model.net_.module_.eval()(torch.as_tensor(X))
    )
    expected = logits.argmax(dim=1).numpy()
    assert_array_equal(model.net_.predict({"X": torch.as_tensor(X)}), expected)


def test_epoch_scoring_without_a_task_head_says_what_to_pass(biased_data):
    X, y, s = biased_data
    scoring = EpochScoring("accuracy", lower_is_better=False)
    model = ICVAE(
        supervised=False, max_epochs=1, validation_fraction=0.25, callbacks=[scoring]
    )
    with pytest.raises(ValueError, match="no task head.*callable scoring"):
        model.fit(X, y, sensitive_features=s)


def test_progress_bar_with_verbose(biased_data, capsys):
    X, y, s = biased_data
    callbacks = [ProgressBar()]
    model = MODELS["advfrl"](verbose=1, callbacks=callbacks)
    model.fit(X, y, sensitive_features=s)
    assert "train_loss" in capsys.readouterr().out
    assert model.callbacks == callbacks and not hasattr(callbacks[0], "pbar_")


def test_verbose_zero_is_silent(biased_data, capsys):
    X, y, s = biased_data
    MODELS["cfair"]().fit(X, y, sensitive_features=s)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


# -- pipelines ------------------------------------------------------------------


def test_pipeline_routes_sensitive_features_by_step_name(biased_data):
    X, y, s = biased_data
    pipeline = Pipeline(
        [
            ("scale", StandardScaler()),
            ("frl", AdvFRL(random_state=0, max_epochs=2)),
            ("clf", LogisticRegression()),
        ]
    ).fit(X, y, frl__sensitive_features=s)
    assert pipeline.named_steps["frl"].sensitive_groups_ is not None
    assert pipeline.score(X, y) > max(y.mean(), 1 - y.mean())


def test_grid_search_over_fairness_weight(biased_data):
    X, y, s = biased_data
    pipeline = make_pipeline(StandardScaler(), MODELS["cfair"](), LogisticRegression())
    search = GridSearchCV(pipeline, {"cfair__fairness_weight": [0.0, 1.0]}, cv=2)
    search.fit(X, y, cfair__sensitive_features=s)
    assert search.best_params_["cfair__fairness_weight"] in (0.0, 1.0)
    assert search.best_estimator_[1].sensitive_groups_ is not None


def test_metadata_routing_reaches_the_model(biased_data):
    X, y, s = biased_data
    with sklearn.config_context(enable_metadata_routing=True):
        frl = MODELS["cfair"]().set_fit_request(sensitive_features=True)
        pipeline = make_pipeline(StandardScaler(), frl, LogisticRegression())
        pipeline.fit(X, y, sensitive_features=s)
        search = GridSearchCV(pipeline, {"cfair__fairness_weight": [0.0, 1.0]}, cv=2)
        search.fit(X, y, sensitive_features=s)
    assert pipeline[1].sensitive_groups_ is not None
    assert search.best_estimator_[1].sensitive_groups_ is not None


@pytest.mark.parametrize("name", ["cfair", "advfrl", "icvae_s"])
def test_diverging_training_stops_with_a_clear_error(name, biased_data):
    X, y, s = biased_data
    model = MODELS[name](lr=1e10, optimizer="sgd", max_epochs=5)
    with pytest.raises(FloatingPointError, match="Training diverged.*Lower lr"):
        model.fit(X, y, sensitive_features=s)


def test_non_finite_representations_are_an_error_not_a_result(biased_data):
    X, y, s = biased_data
    model = MODELS["cfair"]().fit(X, y, sensitive_features=s)
    with torch.no_grad():  # weights that overflow float32 on ordinary X
        for weight in model.encoder_parameters():
            weight.mul_(1e30)
    with pytest.raises(FloatingPointError, match="encodes X into non-finite"):
        model.transform(X)


@pytest.mark.parametrize(
    "params, error, message",
    [
        ({"hidden_layer_sizes": (0,)}, ValueError, "hidden_layer_sizes must hold"),
        ({"hidden_layer_sizes": (-1,)}, ValueError, "hidden_layer_sizes must hold"),
        ({"hidden_layer_sizes": (2.5,)}, ValueError, "hidden_layer_sizes must hold"),
        ({"hidden_layer_sizes": ("a",)}, ValueError, "hidden_layer_sizes must hold"),
        ({"adversary_layer_sizes": (0,)}, ValueError, "adversary_layer_sizes must"),
        ({"max_epochs": True}, TypeError, "max_epochs must be a positive int"),
        ({"optimizer": dict}, TypeError, "subclass of torch.optim.Optimizer"),
        ({"callbacks": [1]}, TypeError, "callbacks must hold skorch callbacks"),
        ({"device": "bogus"}, ValueError, "device must name a torch device"),
        ({"validation_fraction": 0.999}, ValueError, "leaves 0 for training"),
    ],
)
def test_parameters_torch_would_choke_on_are_named(params, error, message, biased_data):
    X, y, s = biased_data
    with pytest.raises(error, match=message):
        MODELS["cfair"](**params).fit(X, y, sensitive_features=s)


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a CPU-only torch")
def test_cuda_without_a_cuda_device_is_a_clear_error(biased_data):
    X, y, s = biased_data
    with pytest.raises(ValueError, match="this torch has no CUDA device"):
        MODELS["cfair"](device="cuda").fit(X, y, sensitive_features=s)


def test_labels_of_mixed_types_are_named(biased_data):
    X, _, s = biased_data
    y = np.array([0, "a"] * (len(X) // 2), dtype=object)
    with pytest.raises(ValueError, match="y must hold class labels of one type"):
        MODELS["cfair"]().fit(X, y, sensitive_features=s)


def test_deterministic_encoders_refuse_noise(biased_data):
    X, y, s = biased_data
    model = CFair(max_epochs=1, hidden_layer_sizes=(8,), n_components=4)
    model.fit(X, y, sensitive_features=s)
    with pytest.raises(TypeError, match="CFair's encoder is deterministic"):
        model.training_loss(X[:4], y[:4], s[:4], noise=np.zeros((4, 4)))
