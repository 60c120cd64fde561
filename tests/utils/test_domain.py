import numpy as np
import pandas as pd
import pytest
from sklearn.preprocessing import StandardScaler

from skfrl.utils import FeatureDomain


def mixed_records(n=300, seed=0):
    """Age (integer), one-hot colour (3 levels), a binary flag, income (real)."""
    rng = np.random.default_rng(seed)
    colour = rng.integers(3, size=n)
    frame = pd.DataFrame(
        {
            "age": rng.integers(18, 80, size=n).astype(float),
            "colour=red": (colour == 0).astype(float),
            "colour=green": (colour == 1).astype(float),
            "colour=blue": (colour == 2).astype(float),
            "smoker": rng.integers(2, size=n).astype(float),
            "income": rng.lognormal(3, 1, size=n),
        }
    )
    return frame


def test_groups_from_names_and_from_runs_agree():
    frame = mixed_records()
    by_names = FeatureDomain.from_data(frame)
    by_runs = FeatureDomain.from_data(frame.to_numpy())
    assert by_names.groups == by_runs.groups == [(1, 2, 3)]
    assert by_names.field_names == ["age", "colour", "smoker", "income"]
    assert by_runs.field_names == ["x0", "x1...", "x4", "x5"]


def test_kinds_of_columns_are_inferred():
    domain = FeatureDomain.from_data(mixed_records())
    assert domain.values[0] is None and domain.steps[0] == pytest.approx(1.0)
    assert domain.values[4].tolist() == [0.0, 1.0]
    assert domain.values[5] is None and domain.steps[5] == 0


@pytest.mark.parametrize("scaled", [False, True])
def test_projection_gives_records_whatever_the_scaling(scaled):
    frame = mixed_records()
    X = frame.to_numpy()
    scaler = StandardScaler().fit(X)
    X_fit = scaler.transform(X) if scaled else X
    domain = FeatureDomain.from_data(X_fit)
    assert domain.is_feasible(X_fit).all()
    noisy = X_fit[:50] + np.random.default_rng(1).normal(0, 0.7, size=(50, 6))
    assert not domain.is_feasible(noisy).all()
    projected = domain.project(noisy)
    assert domain.is_feasible(projected).all()
    raw = scaler.inverse_transform(projected) if scaled else projected
    np.testing.assert_allclose(raw[:, 0], np.round(raw[:, 0]), atol=1e-6)
    np.testing.assert_allclose(raw[:, 1:4].sum(axis=1), 1.0)
    assert set(np.round(raw[:, 4], 6)) <= {0.0, 1.0}
    assert (raw[:, 5] >= X[:, 5].min() - 1e-9).all()
    assert (raw[:, 5] <= X[:, 5].max() + 1e-9).all()


def test_projection_keeps_records_unchanged():
    X = mixed_records().to_numpy()
    domain = FeatureDomain.from_data(X)
    np.testing.assert_array_equal(domain.project(X), X)


def test_one_hot_projection_takes_the_highest_level():
    domain = FeatureDomain.from_data(mixed_records())
    row = np.array([[30, 0.2, 0.9, 0.4, 0.3, 20.0]])
    assert domain.project(row)[0, 1:4].tolist() == [0.0, 1.0, 0.0]


def test_categorical_features_are_forced_discrete():
    X = mixed_records().to_numpy()
    domain = FeatureDomain.from_data(X, categorical_features=[0])
    assert domain.values[0] is not None
    assert set(domain.project(X[:5] + 0.3)[:, 0]) <= set(X[:, 0])


def test_box_domain_only_clips():
    X = mixed_records().to_numpy()
    box = FeatureDomain.box(X)
    row = np.array([[30.5, 0.2, 0.9, 0.4, 0.3, 1e9]])
    projected = box.project(row)
    assert projected[0, :5].tolist() == [30.5, 0.2, 0.9, 0.4, 0.3]
    assert projected[0, 5] == X[:, 5].max()


def test_field_changes_count_groups_once():
    X = mixed_records().to_numpy()
    domain = FeatureDomain.from_data(X)
    edited = X[:3].copy()
    edited[0, 1:4] = [0, 0, 1] if X[0, 3] == 0 else [1, 0, 0]  # another colour
    edited[1, 0] += 1
    changes = domain.field_changes(edited, X[:3])
    assert list(changes.columns) == domain.field_names
    assert changes.sum(axis=1).tolist() == [1, 1, 0]
    assert changes.loc[0, "x1..."]


def test_inputs_are_not_modified():
    X = mixed_records().to_numpy()
    copy = X.copy()
    domain = FeatureDomain.from_data(X)
    noisy = X + 0.1
    noisy_copy = noisy.copy()
    domain.project(noisy)
    np.testing.assert_array_equal(X, copy)
    np.testing.assert_array_equal(noisy, noisy_copy)


def test_bad_inputs_raise_clear_errors():
    X = mixed_records().to_numpy()
    domain = FeatureDomain.from_data(X)
    with pytest.raises(ValueError, match="describes 6 columns but X has 5"):
        domain.project(X[:, :5])
    with pytest.raises(ValueError, match="NaN"):
        domain.project(np.full((1, 6), np.nan))
    with pytest.raises(ValueError, match="NaN"):
        FeatureDomain.from_data(np.r_[X, np.full((1, 6), np.nan)])
    with pytest.raises(ValueError, match="feature_names has 2 names"):
        FeatureDomain.from_data(X, feature_names=["a", "b"])
    with pytest.raises(ValueError, match="max_levels"):
        FeatureDomain.from_data(X, max_levels=1)
    with pytest.raises(ValueError, match="categorical_features"):
        FeatureDomain.from_data(X, categorical_features=[9])
    with pytest.raises(ValueError, match="2-D"):
        FeatureDomain.from_data(X[:, 0])
    with pytest.raises(ValueError, match="exactly 2 values"):
        FeatureDomain(
            values=[np.array([0.0, 1.0, 2.0]), np.array([0.0, 1.0])],
            low=[0, 0],
            high=[2, 1],
            steps=[0, 0],
            groups=[(0, 1)],
        )
    assert not domain.is_feasible(np.full((1, 6), np.inf)).any()
