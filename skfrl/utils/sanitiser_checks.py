"""The contract every sanitiser keeps, as checks runnable on any sanitiser.

A sanitiser (see :class:`skfrl.defences.BaseSanitiser`) scores every input
row in ``decision_scores_`` (higher = more suspicious), removes the
highest-scoring ones and returns the others, unchanged and in order, in the
caller's containers; ``sample_indices_`` says which rows were kept. The same
``random_state`` keeps the same rows, inputs are never modified, and column
mode keeps what explicit mode keeps. :func:`check_sanitiser` runs every
check below; each raises an ``AssertionError`` saying what broke.
"""

import copy

import numpy as np
import pandas as pd
from joblib import hash as joblib_hash
from numpy.testing import assert_array_equal
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

__all__ = [
    "check_sanitiser",
    "check_sanitiser_column_mode",
    "check_sanitiser_deterministic",
    "check_sanitiser_inputs_unchanged",
    "check_sanitiser_outputs",
    "check_sanitiser_pandas",
]


def _seeded(sanitiser, **params):
    """Return an unfitted copy of ``sanitiser`` with a fixed ``random_state``.

    A deep copy, not a clone: a clone would unfit a ``prefit`` estimator.
    """
    sanitiser = copy.deepcopy(sanitiser).set_params(**params)
    if "random_state" in sanitiser.get_params() and sanitiser.random_state is None:
        sanitiser.set_params(random_state=0)
    return sanitiser


def check_sanitiser_outputs(sanitiser, X, y, s):
    """Check the kept rows, the scores and the fitted state."""
    sanitiser = _seeded(sanitiser, sensitive_feature_ids=None)
    X_kept, y_kept, s_kept = sanitiser.fit_resample(X, y, s)
    n = len(X)
    scores = sanitiser.decision_scores_
    assert scores.shape == (n,), f"decision_scores_ has shape {scores.shape}."
    assert np.isfinite(scores).all(), "decision_scores_ holds NaN or infinity."
    kept = sanitiser.sample_indices_
    assert np.all(np.diff(kept) > 0), "sample_indices_ is not increasing."
    assert ((kept >= 0) & (kept < n)).all(), "sample_indices_ outside the input."
    assert sanitiser.n_removed_ == n - len(kept), "n_removed_ disagrees."
    for name, original, result in zip(
        ("X_kept", "y_kept", "s_kept"), (X, y, s), (X_kept, y_kept, s_kept), strict=True
    ):
        assert_array_equal(result, original[kept], err_msg=f"{name} is not X[kept].")
        assert result.dtype == original.dtype, f"{name} changed dtype."
    removed = np.setdiff1d(np.arange(n), kept)
    if removed.size:
        assert scores[removed].min() >= sanitiser.threshold_, (
            "A removed row scores below threshold_."
        )
        assert kept.size == 0 or scores[kept].max() <= sanitiser.threshold_, (
            "A kept row scores above threshold_."
        )


def check_sanitiser_deterministic(sanitiser, X, y, s):
    """Check that one ``random_state`` keeps the same rows, with the same scores."""
    first = _seeded(sanitiser, sensitive_feature_ids=None)
    second = copy.deepcopy(first)
    first.fit_resample(X, y, s)
    second.fit_resample(X, y, s)
    assert_array_equal(first.sample_indices_, second.sample_indices_)
    assert_array_equal(first.decision_scores_, second.decision_scores_)


def _fitted_output(estimator, X):
    """``estimator.transform(X)`` of a fitted estimator parameter, else None."""
    try:
        check_is_fitted(estimator)
    except (NotFittedError, TypeError):
        return None
    return np.asarray(estimator.transform(X))


def check_sanitiser_inputs_unchanged(sanitiser, X, y, s):
    """Check that neither the data nor the sanitiser's parameters change.

    A fitted ``estimator`` parameter (``prefit=True``) must transform as
    before; the other parameters must hash as before.
    """
    sanitiser = _seeded(sanitiser, sensitive_feature_ids=None)
    copies = [np.array(a, copy=True) for a in (X, y, s)]
    params = sanitiser.get_params(deep=False)
    estimator = params.pop("estimator", None)
    params_hash = joblib_hash(params)
    output = None if estimator is None else _fitted_output(estimator, X)
    sanitiser.fit_resample(X, y, s)
    for name, before, after in zip("Xys", copies, (X, y, s), strict=True):
        assert_array_equal(after, before, err_msg=f"fit_resample modified {name}.")
    params = sanitiser.get_params(deep=False)
    params.pop("estimator", None)
    assert joblib_hash(params) == params_hash, (
        "fit_resample modified a constructor parameter."
    )
    if output is not None:
        assert_array_equal(
            estimator.transform(X), output, err_msg="fit_resample changed estimator."
        )


def _frame(X, y, s):
    index = pd.RangeIndex(100, 100 + len(X))  # a caller's own index survives
    X_df = pd.DataFrame(
        X, columns=[f"feature_{j}" for j in range(X.shape[1])], index=index
    )
    return (
        X_df,
        pd.Series(y, name="label", index=index),
        pd.Series(s, name="group", index=index),
    )


def check_sanitiser_pandas(sanitiser, X, y, s):
    """Check that pandas in gives pandas out, the kept rows with their index."""
    sanitiser = _seeded(sanitiser, sensitive_feature_ids=None)
    frames = _frame(X, y, s)
    results = sanitiser.fit_resample(*frames)
    kept = sanitiser.sample_indices_
    for original, result in zip(frames, results, strict=True):
        assert type(result) is type(original), (
            f"{type(result).__name__} returned for a {type(original).__name__}."
        )
        expected = original.iloc[kept]
        if isinstance(original, pd.DataFrame):
            pd.testing.assert_frame_equal(result, expected)
        else:
            pd.testing.assert_series_equal(result, expected)


def check_sanitiser_column_mode(sanitiser, X, y, s):
    """Check that column mode keeps explicit mode's rows, ``s`` still in ``X``."""
    explicit = _seeded(sanitiser, sensitive_feature_ids=None)
    explicit.fit_resample(X, y, s)
    X_df, y_sr, s_sr = _frame(X, y, s)
    for X_in, y_in, ids in (
        (np.column_stack([X, s]), y, [-1]),
        (pd.concat([X_df, s_sr], axis=1), y_sr, ["group"]),
    ):
        column = _seeded(sanitiser, sensitive_feature_ids=ids)
        results = column.fit_resample(X_in, y_in)
        assert len(results) == 2, f"Column mode returned {len(results)} outputs."
        assert type(results[0]) is type(X_in), "Column mode changed the container."
        assert_array_equal(column.sample_indices_, explicit.sample_indices_)
        assert_array_equal(
            np.asarray(results[0]), np.asarray(X_in)[explicit.sample_indices_]
        )


def check_sanitiser(sanitiser, X, y, s):
    """Run every sanitiser check on ``sanitiser`` with ``(X, y, s)``.

    Parameters
    ----------
    sanitiser : sanitiser instance
        An unfitted sanitiser with a ``sensitive_feature_ids`` parameter; it
        is cloned, never fitted.
    X : ndarray of shape (n_samples, n_features)
        Numeric features.
    y : ndarray of shape (n_samples,)
        Task labels.
    s : ndarray of shape (n_samples,)
        A numeric binary sensitive attribute.

    Raises
    ------
    AssertionError
        Naming the first broken part of the contract.
    TypeError
        If ``sanitiser`` has no ``fit_resample`` or no ``decision_scores_``
        contract (not a :class:`~skfrl.defences.BaseSanitiser`).
    """
    from ..defences import is_sanitiser

    if not is_sanitiser(sanitiser):
        raise TypeError(
            "check_sanitiser needs a sanitiser (a subclass of "
            f"skfrl.defences.BaseSanitiser); got {type(sanitiser).__name__}."
        )
    for check in (
        check_sanitiser_outputs,
        check_sanitiser_deterministic,
        check_sanitiser_inputs_unchanged,
        check_sanitiser_pandas,
        check_sanitiser_column_mode,
    ):
        check(sanitiser, X, y, s)
