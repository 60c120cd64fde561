import numpy as np
import pandas as pd
import pytest
from fairlearn.preprocessing import PrototypeRepresentationLearner
from imblearn.pipeline import Pipeline
from numpy.testing import assert_array_equal
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.utils.validation import check_is_fitted

from skfrl.attacks import (
    AnchoringAttack,
    DuplicateAttack,
    ENGAttack,
    FairRepresentationPoisoner,
    LabelFlipAttack,
    RandomPerturbationAttack,
    SensitiveFlipAttack,
)
from skfrl.models import CFair
from skfrl.utils.estimator_checks import check_poisoner, check_poisoner_outputs

BLACK_BOX_ALIASES = [
    "raa",
    "nraa",
    "label_flip",
    "sensitive_flip",
    "random",
    "duplicate",
]
ATTACK_OBJECTS = [
    ENGAttack(max_iter=3),
    ENGAttack(max_iter=2, flip_sensitive=True, proxy="sfld"),
    AnchoringAttack(strategy="non-random", tau=2.0, n_poison_per_target=3),
    LabelFlipAttack(strategy="targeted"),
    RandomPerturbationAttack(scale=0.5, n_features_changed=2),
    DuplicateAttack(),
    SensitiveFlipAttack(),
]


def tiny_cfair(**params):
    return CFair(
        max_epochs=1,
        hidden_layer_sizes=(8,),
        n_components=4,
        batch_size=64,
        random_state=0,
        **params,
    )


def make_poisoner(attack="duplicate", **params):
    return FairRepresentationPoisoner(
        tiny_cfair(), attack=attack, random_state=0, **params
    )


@pytest.mark.parametrize("attack", BLACK_BOX_ALIASES + ATTACK_OBJECTS, ids=repr)
def test_poisoner_contract(attack, biased_data):
    check_poisoner(make_poisoner(attack), *biased_data)


def test_eng_alias_keeps_the_output_contract(biased_data):
    # the alias runs ENG's 200 default steps: check the outputs only
    check_poisoner_outputs(make_poisoner("eng", poison_ratio=0.02), *biased_data)


def test_poison_ratio_sets_the_budget(biased_data):
    X, y, s = biased_data
    for ratio, expected in ((0.05, 20), (0.001, 1), (0.5, 200)):
        poisoner = make_poisoner(poison_ratio=ratio)
        X_res, _, _ = poisoner.fit_resample(X, y, s)
        assert poisoner.n_poison_ == expected == len(X_res) - len(X)


@pytest.mark.parametrize("ratio", [0, 1, -0.1, 1.5])
def test_poison_ratio_outside_open_interval_raises(ratio, biased_data):
    with pytest.raises(ValueError, match="poison_ratio"):
        make_poisoner(poison_ratio=ratio).fit_resample(*biased_data)


def test_bad_data_raises(biased_data):
    X, y, s = biased_data
    X_nan = X.copy()
    X_nan[3, 2] = np.nan
    cases = [
        ((X, y, np.zeros_like(s)), "exactly two groups"),
        ((X_nan, y, s), "NaN"),
        ((X, y[:-1], s), "y has"),
        ((X, y, s[:-1]), "sensitive_features has"),
    ]
    for args, message in cases:
        with pytest.raises(ValueError, match=message):
            make_poisoner().fit_resample(*args)


def test_unknown_alias_raises(biased_data):
    with pytest.raises(ValueError, match="attack"):
        make_poisoner("nope").fit_resample(*biased_data)


def test_sensitive_features_given_both_ways_or_neither_raises(biased_data):
    X, y, s = biased_data
    with pytest.raises(ValueError, match="both"):
        make_poisoner(sensitive_feature_ids=[-1]).fit_resample(np.c_[X, s], y, s)
    with pytest.raises(ValueError, match="sensitive_features is required"):
        make_poisoner().fit_resample(X, y)


def test_string_groups_are_kept(biased_data):
    X, y, s = biased_data
    s_str = np.array(["female", "male"])[s]
    _, _, s_res = make_poisoner("sensitive_flip").fit_resample(X, y, s_str)
    assert s_res.dtype == s_str.dtype
    assert set(s_res[len(X) :]) <= {"female", "male"}
    assert_array_equal(s_res[: len(X)], s_str)


def prototype_learner():
    return PrototypeRepresentationLearner(n_prototypes=2, max_iter=5, random_state=0)


def test_eng_needs_differentiable_encoder(biased_data):
    poisoner = FairRepresentationPoisoner(prototype_learner(), attack="eng")
    with pytest.raises(TypeError, match="encoder_parameters, encode_tensor"):
        poisoner.fit_resample(*biased_data)


@pytest.mark.parametrize("attack", BLACK_BOX_ALIASES)
def test_black_box_attacks_need_fit_and_transform_only(attack, biased_data):
    X, y, s = biased_data
    poisoner = FairRepresentationPoisoner(
        prototype_learner(), attack=attack, poison_ratio=0.05, random_state=0
    )
    X_res, y_res, s_res = poisoner.fit_resample(X, y, s)
    assert X_res.shape == (len(X) + 20, X.shape[1])
    assert len(y_res) == len(s_res) == len(X_res)
    assert poisoner.estimator_.transform(X).shape[0] == len(X)


def test_target_set_arguments(biased_data):
    X, y, s = biased_data
    poisoner = make_poisoner()
    poisoner.fit_resample(X, y, s, X_target=X[:50], s_target=s[:50])
    assert poisoner.target_indices_ is None
    with pytest.raises(ValueError, match="without s_target"):
        make_poisoner().fit_resample(X, y, s, X_target=X[:50])
    with pytest.raises(ValueError, match="without X_target"):
        make_poisoner().fit_resample(X, y, s, s_target=s[:50])
    with pytest.raises(ValueError, match="features"):
        make_poisoner().fit_resample(X, y, s, X_target=X[:50, :3], s_target=s[:50])


def test_column_mode_in_imblearn_pipeline(biased_data):
    X, y, s = biased_data
    Xs = np.c_[X, s]
    poisoner = make_poisoner("random", poison_ratio=0.1, sensitive_feature_ids=[-1])
    X_res, y_res = clone(poisoner).fit_resample(Xs, y)
    n = len(X)
    assert X_res.shape == (n + 40, Xs.shape[1])
    assert len(y_res) == n + 40
    assert set(np.unique(X_res[n:, -1])) <= {0.0, 1.0}
    assert_array_equal(X_res[n:, -1], s[poisoner.fit(Xs, y).sample_indices_[n:]])

    drop_s = ColumnTransformer([("s", "drop", [X.shape[1]])], remainder="passthrough")
    pipeline = Pipeline(
        [("poison", poisoner), ("frl", drop_s), ("clf", LogisticRegression())]
    )
    pipeline.fit(Xs, y)
    assert pipeline.predict(Xs).shape == (n,)
    assert pipeline.named_steps["poison"].n_poison_ == 40
    assert pipeline.score(Xs, y) > 0.7


def test_column_mode_by_name_in_a_dataframe(biased_data):
    X, y, s = biased_data
    frame = pd.DataFrame(X, columns=list("abcdef")).assign(group=s)
    poisoner = make_poisoner("label_flip", sensitive_feature_ids="group")
    X_res, y_res = poisoner.fit_resample(frame, pd.Series(y))
    assert list(X_res.columns) == [*"abcdef", "group"]
    assert X_res["group"].dtype == frame["group"].dtype
    assert poisoner.estimator_.n_features_in_ == 6


def test_attack_hyperparameters_are_tunable_and_cloneable():
    poisoner = make_poisoner(ENGAttack(max_iter=3))
    poisoner.set_params(attack__l1_weight=0.5, poison_ratio=0.2)
    assert poisoner.get_params()["attack__l1_weight"] == 0.5
    cloned = clone(poisoner)
    assert cloned.attack is not poisoner.attack
    assert cloned.get_params()["attack__l1_weight"] == 0.5
    assert cloned.get_params()["estimator__max_epochs"] == 1


def test_estimator_and_attack_objects_are_not_modified(biased_data):
    victim, attack = tiny_cfair(), ENGAttack(max_iter=3)
    victim_params, attack_params = victim.get_params(), attack.get_params()
    poisoner = FairRepresentationPoisoner(victim, attack=attack, random_state=0)
    poisoner.fit_resample(*biased_data)
    assert victim.get_params() == victim_params
    assert attack.get_params() == attack_params
    with pytest.raises(NotFittedError):
        check_is_fitted(victim)
    assert not hasattr(attack, "history_")
    assert poisoner.estimator_ is not victim
    assert poisoner.attack_ is not attack
    assert len(poisoner.attack_.history_) == 3


def test_prefit_uses_a_deep_copy(biased_data):
    X, y, s = biased_data
    victim = tiny_cfair().fit(X, y, sensitive_features=s)
    Z_before = victim.transform(X)
    poisoner = FairRepresentationPoisoner(
        victim, attack=ENGAttack(max_iter=3), prefit=True, random_state=0
    )
    poisoner.fit_resample(X, y, s)
    assert poisoner.estimator_ is not victim
    assert poisoner.estimator_.net_ is not victim.net_
    assert_array_equal(poisoner.estimator_.transform(X), Z_before)
    assert_array_equal(victim.transform(X), Z_before)


def test_prefit_needs_a_fitted_estimator(biased_data):
    poisoner = make_poisoner(prefit=True)
    with pytest.raises(NotFittedError):
        poisoner.fit_resample(*biased_data)


def test_perturbation_diagnostics(biased_data):
    X, y, s = biased_data
    poisoner = make_poisoner(RandomPerturbationAttack(scale=0.1), feature_domain=None)
    X_res, _, _ = poisoner.fit_resample(X, y, s)
    n = len(X)
    delta = X_res[n:] - X[poisoner.sample_indices_[n:]]
    np.testing.assert_allclose(poisoner.perturbations_, delta)
    np.testing.assert_allclose(poisoner.perturbation_norms_["l2"], 0.1, rtol=1e-4)
    assert poisoner.history_ is None


def test_verbose_shows_one_bar_over_theta0_and_crafting(biased_data, capsys):
    from skfrl.attacks import ENGAttack

    X, y, s = biased_data
    victim = CFair(max_epochs=1, hidden_layer_sizes=(8,), n_components=4)
    poisoner = FairRepresentationPoisoner(
        victim, attack=ENGAttack(max_iter=4), random_state=0, verbose=1
    )
    poisoner.fit_resample(X, y, s)
    err = capsys.readouterr().err
    assert "training the clean victim θ0" in err
    assert "ENG crafting: 100%" in err and "4/4" in err
    assert err.count("\n") == 1  # one bar, redrawn in place, closed once
    quiet = FairRepresentationPoisoner(victim, attack=ENGAttack(max_iter=4))
    quiet.set_params(random_state=0).fit_resample(X, y, s)  # verbose=None
    assert capsys.readouterr().err == ""


def test_non_finite_poisons_are_an_error_not_a_result(biased_data):
    from skfrl.attacks import ENGAttack

    X, y, s = biased_data
    poisoner = FairRepresentationPoisoner(
        CFair(max_epochs=1, hidden_layer_sizes=(8,)),
        attack=ENGAttack(max_iter=2),
        random_state=0,
    )
    with pytest.raises(FloatingPointError, match="non-finite poisons"):
        poisoner.fit_resample(X * 1e20, y, s)


def _duplicates(**params):
    victim = CFair(max_epochs=1, hidden_layer_sizes=(8,), n_components=4)
    return FairRepresentationPoisoner(
        victim, attack="duplicate", random_state=0, **params
    )


def test_two_sensitive_columns_form_groups_in_both_modes(biased_data):
    X, y, s = biased_data
    n = len(X)
    s2 = np.c_[s, 1 - s] * [1, 7]  # two columns, two intersectional groups
    X_res, _, s_res = _duplicates().fit_resample(X, y, s2)
    assert s_res.shape == (X_res.shape[0], 2)
    frame = pd.DataFrame(s2, columns=["sex", "age_group"])
    _, _, s_frame = _duplicates().fit_resample(X, y, frame)
    assert list(s_frame.columns) == ["sex", "age_group"]
    assert s_frame.dtypes.eq(np.int64).all()
    poisoner = _duplicates()
    X_res, _, s_res = poisoner.fit_resample(X, y, s2)
    base = poisoner.sample_indices_[poisoner.poison_mask_]
    assert_array_equal(s_res[n:], s2[base])  # duplicates keep their groups


@pytest.mark.filterwarnings("ignore:A column-vector y was passed")
def test_column_mode_with_string_groups_and_a_column_y(biased_data):
    X, y, s = biased_data
    frame = pd.DataFrame(X, columns=[f"x{j}" for j in range(X.shape[1])])
    frame["sex"] = np.where(s == 1, "f", "m")
    X_res, y_res = _duplicates(sensitive_feature_ids="sex").fit_resample(
        frame, y.reshape(-1, 1)
    )
    assert set(X_res["sex"]) == {"f", "m"}
    assert X_res.dtypes.equals(frame.dtypes)
    assert y_res.shape == (len(X_res), 1)


@pytest.mark.parametrize(
    "X_target, message",
    [
        ("nan", "Input X_target contains NaN"),
        ("empty", "X_target has 0 rows"),
    ],
)
def test_bad_target_sets_are_named(X_target, message, biased_data):
    X, y, s = biased_data
    X_target = X[:0] if X_target == "empty" else np.where(X[:20] > 1, np.nan, X[:20])
    with pytest.raises(ValueError, match=message):
        _duplicates().fit_resample(
            X, y, s, X_target=X_target, s_target=s[: len(X_target)]
        )


def test_transfer_crafts_on_the_surrogate_and_keeps_the_victim(biased_data):
    from skfrl.attacks import ENGAttack
    from skfrl.base import DifferentiableEncoder

    X, y, s = biased_data
    victim = PrototypeRepresentationLearner(n_prototypes=3, max_iter=5)
    assert not isinstance(victim, DifferentiableEncoder)
    with pytest.raises(TypeError, match="needs encoder_parameters"):
        FairRepresentationPoisoner(victim, attack=ENGAttack(max_iter=2)).fit_resample(
            X, y, s
        )
    surrogate = CFair(max_epochs=1, hidden_layer_sizes=(8,), n_components=4)
    poisoner = FairRepresentationPoisoner(
        victim, attack=ENGAttack(max_iter=2), surrogate=surrogate, random_state=0
    )
    X_res, _, _ = poisoner.fit_resample(X, y, s)
    assert isinstance(poisoner.estimator_, PrototypeRepresentationLearner)
    assert isinstance(poisoner.surrogate_, CFair)
    assert poisoner.attack_.history_.shape[0] == 2
    assert poisoner.feature_domain_.is_feasible(X_res[len(X) :]).all()
    white_box = FairRepresentationPoisoner(surrogate, attack="duplicate")
    white_box.set_params(random_state=0).fit_resample(X, y, s)
    assert white_box.surrogate_ is white_box.estimator_
