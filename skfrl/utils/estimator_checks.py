"""The contract every poisoner keeps, as checks runnable on any poisoner.

A poisoner (see :class:`skfrl.base.BasePoisoner`) returns every input row,
unchanged and in order, then ``round(poison_ratio * n_samples)`` poisons, in
the caller's containers, the same poisons for the same ``random_state``, in
both of its modes. :func:`check_poisoner` runs every check below; each
raises an ``AssertionError`` saying what broke.
"""

import numpy as np
import pandas as pd
from joblib import hash as joblib_hash
from numpy.testing import assert_array_equal
from sklearn.base import clone

from ..base import is_poisoner

__all__ = [
    "check_poisoner",
    "check_poisoner_column_mode",
    "check_poisoner_deterministic",
    "check_poisoner_inputs_unchanged",
    "check_poisoner_outputs",
    "check_poisoner_pandas",
    "check_poisoner_sensitive_arguments",
    "expected_failed_checks",
]


def _seeded(poisoner, **params):
    """Return an unfitted copy of ``poisoner`` with a fixed ``random_state``."""
    poisoner = clone(poisoner).set_params(**params)
    if poisoner.random_state is None:
        poisoner.set_params(random_state=0)
    return poisoner


def _n_poison(poisoner, n_samples):
    return max(1, round(poisoner.poison_ratio * n_samples))


def _assert_appended(name, original, resampled, n_poison):
    """Assert originals first and unchanged, then ``n_poison`` rows, same dtype."""
    n = len(original)
    assert len(resampled) == n + n_poison, (
        f"{name} has {len(resampled)} rows; expected {n} + {n_poison} poisons."
    )
    assert resampled.dtype == original.dtype, (
        f"{name} has dtype {resampled.dtype}; the input had {original.dtype}."
    )
    assert_array_equal(resampled[:n], original, err_msg=f"{name} changed input rows.")


def check_poisoner_outputs(poisoner, X, y, s):
    """Check shapes, dtypes, budget, originals first and fitted state."""
    poisoner = _seeded(poisoner, sensitive_feature_ids=None)
    X_res, y_res, s_res = poisoner.fit_resample(X, y, s)
    n, n_poison = len(X), _n_poison(poisoner, len(X))
    assert poisoner.n_poison_ == n_poison, (
        f"n_poison_ is {poisoner.n_poison_}; expected max(1, round(poison_ratio * "
        f"n_samples)) = {n_poison}."
    )
    assert X_res.shape[1] == X.shape[1], "X_res has another number of features."
    for name, original, resampled in zip(
        ("X_res", "y_res", "s_res"), (X, y, s), (X_res, y_res, s_res), strict=True
    ):
        _assert_appended(name, original, resampled, n_poison)
    assert np.isfinite(X_res).all(), "The poisons have NaN or infinite features."
    assert set(np.unique(s_res[n:])) <= set(np.unique(s)), "Poisons have a new group."
    assert set(np.unique(y_res[n:])) <= set(np.unique(y)), "Poisons have a new label."
    assert_array_equal(poisoner.poison_mask_, np.arange(n + n_poison) >= n)
    indices = poisoner.sample_indices_
    assert_array_equal(indices[:n], np.arange(n))
    assert ((indices[n:] >= 0) & (indices[n:] < n)).all(), "Bad sample_indices_."


def check_poisoner_deterministic(poisoner, X, y, s):
    """Check that one ``random_state`` gives the same poisons twice."""
    poisoner = _seeded(poisoner, sensitive_feature_ids=None)
    first = clone(poisoner).fit_resample(X, y, s)
    second = clone(poisoner).fit_resample(X, y, s)
    for name, a, b in zip(("X_res", "y_res", "s_res"), first, second, strict=True):
        assert_array_equal(a, b, err_msg=f"{name} differs between two seeded runs.")


def check_poisoner_inputs_unchanged(poisoner, X, y, s):
    """Check that neither the data nor the poisoner's parameters change."""
    poisoner = _seeded(poisoner, sensitive_feature_ids=None)
    copies = [np.array(a, copy=True) for a in (X, y, s)]
    params_hash = joblib_hash(poisoner.get_params(deep=False))
    poisoner.fit_resample(X, y, s)
    for name, before, after in zip("Xys", copies, (X, y, s), strict=True):
        assert_array_equal(after, before, err_msg=f"fit_resample modified {name}.")
    assert joblib_hash(poisoner.get_params(deep=False)) == params_hash, (
        "fit_resample modified a constructor parameter (estimator or attack?)."
    )


def _frame(X, y, s):
    X_df = pd.DataFrame(X, columns=[f"feature_{j}" for j in range(X.shape[1])])
    return X_df, pd.Series(y, name="label"), pd.Series(s, name="group")


def _assert_same_container(name, original, resampled, n_poison):
    assert type(resampled) is type(original), (
        f"{name} is a {type(resampled).__name__}; the input was a "
        f"{type(original).__name__}."
    )
    n = len(original)
    assert_array_equal(resampled.index, np.arange(n + n_poison))
    if isinstance(original, pd.DataFrame):
        assert list(resampled.columns) == list(original.columns), f"{name} columns."
        pd.testing.assert_series_equal(resampled.dtypes, original.dtypes)
        pd.testing.assert_frame_equal(resampled.iloc[:n], original)
    else:
        assert resampled.name == original.name, f"{name} lost its name."
        assert resampled.dtype == original.dtype, f"{name} changed dtype."
        pd.testing.assert_series_equal(resampled.iloc[:n], original)


def check_poisoner_pandas(poisoner, X, y, s):
    """Check that a DataFrame and Series in give a DataFrame and Series out."""
    X_df, y_sr, s_sr = _frame(X, y, s)
    poisoner = _seeded(poisoner, sensitive_feature_ids=None)
    results = poisoner.fit_resample(X_df, y_sr, s_sr)
    n_poison = _n_poison(poisoner, len(X))
    for name, original, resampled in zip(
        ("X_res", "y_res", "s_res"), (X_df, y_sr, s_sr), results, strict=True
    ):
        _assert_same_container(name, original, resampled, n_poison)


def check_poisoner_column_mode(poisoner, X, y, s):
    """Check that column mode returns ``(X_res, y_res)`` with ``s`` in its column.

    Run with the same ``random_state``, column mode must append the poisons of
    explicit mode, their groups in the sensitive column: ``s_res`` is aligned
    with ``X_res``.
    """
    explicit = _seeded(poisoner, sensitive_feature_ids=None)
    X_exp, y_exp, s_exp = explicit.fit_resample(X, y, s)
    n = len(X)
    X_df, y_sr, s_sr = _frame(X, y, s)
    for X_in, y_in, ids in (
        (np.column_stack([X, s]), y, [-1]),
        (pd.concat([X_df, s_sr], axis=1), y_sr, ["group"]),
    ):
        column = _seeded(poisoner, sensitive_feature_ids=ids)
        results = column.fit_resample(X_in, y_in)
        assert len(results) == 2, f"Column mode returned {len(results)} outputs."
        X_res, y_res = (np.asarray(a) for a in results)
        assert type(results[0]) is type(X_in), "Column mode changed the container."
        assert_array_equal(X_res[:n], np.asarray(X_in))
        np.testing.assert_allclose(X_res[n:, :-1], X_exp[n:], rtol=1e-6, atol=1e-6)
        assert_array_equal(X_res[n:, -1], s_exp[n:])
        assert_array_equal(y_res, y_exp)


def check_poisoner_sensitive_arguments(poisoner, X, y, s):
    """Check that giving ``s`` both ways, or neither, is a ``ValueError``."""
    for params, args, problem in (
        ({"sensitive_feature_ids": [-1]}, (np.column_stack([X, s]), y, s), "both"),
        ({"sensitive_feature_ids": None}, (X, y), "neither"),
    ):
        try:
            clone(poisoner).set_params(**params).fit_resample(*args)
        except ValueError:
            continue
        raise AssertionError(f"Giving s {problem} ways raised no ValueError.")


def check_poisoner(poisoner, X, y, s):
    """Run every poisoner check on ``poisoner`` with ``(X, y, s)``.

    Parameters
    ----------
    poisoner : poisoner instance
        An unfitted poisoner with ``poison_ratio``, ``random_state`` and
        ``sensitive_feature_ids`` parameters; it is cloned, never fitted.
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
        If ``poisoner`` is not a :class:`~skfrl.base.BasePoisoner`.
    """
    if not is_poisoner(poisoner):
        raise TypeError(
            f"check_poisoner needs a poisoner (a subclass of "
            f"skfrl.base.BasePoisoner); got {type(poisoner).__name__}."
        )
    for check in (
        check_poisoner_outputs,
        check_poisoner_deterministic,
        check_poisoner_inputs_unchanged,
        check_poisoner_pandas,
        check_poisoner_column_mode,
        check_poisoner_sensitive_arguments,
    ):
        check(poisoner, X, y, s)


_NEEDS_S = (
    "fit_resample needs the binary sensitive attribute s, which the check's "
    "generated (X, y) lacks; check_poisoner runs this convention with s"
)
_NOT_BALANCING = (
    "a poisoner appends poisons to every class instead of balancing them: it "
    "has no sampling_strategy"
)
#: sklearn's and imbalanced-learn's checks a poisoner fails by design
_POISONER_FAILURES = {
    **dict.fromkeys(
        (
            "check_dict_unchanged",
            "check_dont_overwrite_parameters",
            "check_dtype_object",
            "check_estimators_dtypes",
            "check_estimators_fit_returns_self",
            "check_estimators_nan_inf",
            "check_estimators_overwrite_params",
            "check_estimators_pickle",
            "check_f_contiguous_array_estimator",
            "check_fit2d_1feature",
            "check_fit2d_1sample",
            "check_fit2d_predict1d",
            "check_fit_check_is_fitted",
            "check_fit_idempotent",
            "check_fit_score_takes_y",
            "check_methods_sample_order_invariance",
            "check_methods_subset_invariance",
            "check_n_features_in",
            "check_n_features_in_after_fitting",
            "check_pipeline_consistency",
            "check_positive_only_tag_during_fit",
            "check_readonly_memmap_input",
            "check_sample_weight_equivalence_on_dense_data",
            "check_samplers_2d_target",
            "check_samplers_fit",
            "check_samplers_list",
            "check_samplers_multiclass_ova",
            "check_samplers_pandas",
            "check_samplers_preserve_dtype",
            "check_samplers_sample_indices",
            "check_sampler_get_feature_names_out",
            "check_sampler_get_feature_names_out_pandas",
        ),
        _NEEDS_S,
    ),
    **dict.fromkeys(
        (
            "check_samplers_fit_resample",
            "check_samplers_one_label",
        ),
        _NOT_BALANCING,
    ),
    "check_samplers_pandas_sparse": (
        "dense X only: the attacks craft poisons by gradients on dense rows "
        "(sparse input is a clear TypeError)"
    ),
}


def expected_failed_checks(poisoner):
    """Return the scikit-learn and imbalanced-learn checks a poisoner fails, and why.

    For ``expected_failed_checks=`` of
    :func:`sklearn.utils.estimator_checks.parametrize_with_checks` and of
    imbalanced-learn's: the generic checks call ``fit_resample(X, y)`` on
    generated data without a sensitive attribute, and imbalanced-learn's
    expect class balancing. :func:`check_poisoner` runs the conventions that
    do apply (containers, dtypes, ``sample_indices_``, determinism, column
    mode) with ``s``.

    Parameters
    ----------
    poisoner : BasePoisoner
        The poisoner under test.

    Returns
    -------
    failures : dict of str to str
        Check name to the reason it fails.

    Examples
    --------
    >>> from skfrl.attacks import FairRepresentationPoisoner
    >>> from skfrl.models import CFair
    >>> from skfrl.utils.estimator_checks import expected_failed_checks
    >>> failures = expected_failed_checks(FairRepresentationPoisoner(CFair()))
    >>> failures["check_samplers_fit_resample"][:30]
    'a poisoner appends poisons to '
    """
    if not is_poisoner(poisoner):
        raise TypeError(
            f"expected_failed_checks needs a poisoner; got {type(poisoner).__name__}."
        )
    return dict(_POISONER_FAILURES)
