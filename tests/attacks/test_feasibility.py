"""Every attack returns records by default; the relaxed box is an opt-in."""

import numpy as np
import pandas as pd
import pytest

from skfrl.attacks import (
    ENGAttack,
    FairRepresentationPoisoner,
    RandomPerturbationAttack,
)
from skfrl.models import CFair
from skfrl.utils import FeatureDomain

ATTACKS = {
    "eng": ENGAttack(max_iter=15, init_scale=0.5),
    "raa": "raa",
    "nraa": "nraa",
    "label_flip": "label_flip",
    "random": RandomPerturbationAttack(scale=2.0),
    "sensitive_flip": "sensitive_flip",
    "duplicate": "duplicate",
}


def poisoner(attack, **params):
    victim = CFair(
        max_epochs=2, hidden_layer_sizes=(8,), n_components=4, random_state=0
    )
    return FairRepresentationPoisoner(
        victim, attack=attack, poison_ratio=0.2, random_state=0, **params
    )


def assert_records(poisons_raw, frame):
    """Each poison, in raw units, holds values a real record could hold."""
    age = poisons_raw["age"].to_numpy()
    np.testing.assert_allclose(age, np.round(age), atol=1e-6)
    assert ((age >= frame["age"].min()) & (age <= frame["age"].max())).all()
    colours = poisons_raw[["colour=red", "colour=green", "colour=blue"]].to_numpy()
    np.testing.assert_allclose(
        np.sort(colours, axis=1), [[0, 0, 1]] * len(colours), atol=1e-9
    )
    assert np.isin(np.round(poisons_raw["smoker"], 9), [0.0, 1.0]).all()
    income = poisons_raw["income"]
    assert (income >= frame["income"].min() - 1e-9).all()
    assert (income <= frame["income"].max() + 1e-9).all()


@pytest.mark.parametrize("name", list(ATTACKS))
def test_every_attack_returns_records_by_default(name, mixed_data):
    X, y, s, frame, scaler = mixed_data
    p = poisoner(ATTACKS[name])
    X_res, _, _ = p.fit_resample(X, y, s)
    poisons = X_res[p.poison_mask_]
    raw = pd.DataFrame(scaler.inverse_transform(poisons), columns=frame.columns)
    assert_records(raw, frame)
    # exact training values, not float32 approximations of them
    assert FeatureDomain.from_data(X).is_feasible(poisons).all()
    assert set(poisons["smoker"]) <= set(X["smoker"])
    assert p.feature_domain_.field_names == ["age", "colour", "smoker", "income"]


def test_box_mode_gives_non_records(mixed_data):
    X, y, s, _, _ = mixed_data
    p = poisoner(ENGAttack(max_iter=15, init_scale=0.5), feature_domain="box")
    X_res, _, _ = p.fit_resample(X, y, s)
    poisons = X_res[p.poison_mask_]
    assert not FeatureDomain.from_data(X).is_feasible(poisons).all()
    assert (poisons >= X.min()).all().all() and (poisons <= X.max()).all().all()


def test_eng_edits_fields_and_reports_them(mixed_data):
    X, y, s, _, _ = mixed_data
    p = poisoner(ENGAttack(max_iter=15, init_scale=0.5))
    p.fit_resample(X, y, s)
    norms = p.perturbation_norms_
    assert list(norms.columns) == ["fields", "l0", "l1", "l2"]
    assert (norms["fields"] <= norms["l0"]).all()
    assert (norms["fields"] == p.field_changes_.sum(axis=1)).all()
    assert list(p.field_changes_.columns) == ["age", "colour", "smoker", "income"]
    assert np.isfinite(p.attack_.matching_loss_)
    assert np.isfinite(p.attack_.relaxed_matching_loss_)


def test_explicit_domain_is_used_and_checked(mixed_data):
    X, y, s, _, _ = mixed_data
    domain = FeatureDomain.from_data(X.to_numpy(), categorical_features=[5])
    p = poisoner(RandomPerturbationAttack(scale=2.0), feature_domain=domain)
    X_res, _, _ = p.fit_resample(X, y, s)
    assert set(X_res[p.poison_mask_]["income"]) <= set(X["income"])
    narrow = FeatureDomain.from_data(X.to_numpy()[:, :5])
    with pytest.raises(ValueError, match="describes 5 columns but X has 6"):
        poisoner("duplicate", feature_domain=narrow).fit_resample(X, y, s)
    with pytest.raises(ValueError, match="feature_domain"):
        poisoner("duplicate", feature_domain="records").fit_resample(X, y, s)


def test_numpy_float32_input_keeps_its_dtype(mixed_data):
    X, y, s, _, _ = mixed_data
    X32 = X.to_numpy(np.float32)
    p = poisoner(RandomPerturbationAttack(scale=2.0))
    X_res, _, _ = p.fit_resample(X32, y, s)
    assert X_res.dtype == np.float32
    assert FeatureDomain.from_data(X32).is_feasible(X_res[p.poison_mask_]).all()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_records_pass_through_bit_identical(dtype, mixed_data):
    X, y, s, _, _ = mixed_data
    X = X.to_numpy(dtype)
    p = poisoner("duplicate")
    X_res, _, _ = p.fit_resample(X, y, s)
    n = len(X)
    np.testing.assert_array_equal(X_res[n:], X[p.sample_indices_[n:]])
    assert (p.perturbation_norms_["fields"] == 0).all()


def test_poison_records_are_readable(mixed_data):
    X, y, s, frame, scaler = mixed_data
    p = poisoner(RandomPerturbationAttack(scale=2.0))
    X_res, _, _ = p.fit_resample(X, y, s)
    records = p.poison_records(X_res, scaler=scaler)
    assert records.columns.tolist() == [
        "base_row",
        "age",
        "colour",
        "smoker",
        "income",
        "edited_fields",
        "edits",
    ]
    edited = records[records["edited_fields"] != ""].iloc[0]
    assert " → " in edited["edits"]
    assert len(records) == p.n_poison_
    assert set(records["colour"]) <= {"red", "green", "blue"}
    np.testing.assert_allclose(records["age"], np.round(records["age"]), atol=1e-6)
    first = records.iloc[0]
    base = frame.iloc[first["base_row"]]
    changed = [
        f for f in ("age", "smoker", "income") if first[f] != pytest.approx(base[f])
    ]
    assert set(changed) <= set(first["edited_fields"].split(", "))
    with pytest.raises(ValueError, match="rows but fit_resample returned"):
        p.poison_records(X_res[:10])
    with pytest.raises(ValueError, match="feature_names has 2 names"):
        p.poison_records(X_res, feature_names=["a", "b"])
