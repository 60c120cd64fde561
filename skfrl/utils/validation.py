"""Validation of ``X``, ``y`` and the sensitive attribute ``s``.

Every estimator, attack and metric of skfrl checks its data here, so that the
error messages read the same everywhere and no caller's object is mutated.
"""

from numbers import Real

import numpy as np
from sklearn.utils.validation import check_array, column_or_1d, validate_data

__all__ = [
    "check_poison_ratio",
    "check_sensitive_features",
    "check_X_y_s",
    "select_columns",
    "split_sensitive_columns",
]


def _as_2d_object(s, name):
    """Return ``s`` as a 2-D numpy array of one column per sensitive feature."""
    if hasattr(s, "to_numpy"):
        s = s.to_numpy()
    if isinstance(s, str) or np.ndim(s) == 0:
        raise TypeError(
            f"{name} must be array-like of shape (n_samples,) or "
            f"(n_samples, n_sensitive); got {type(s).__name__} instead."
        )
    s = np.asarray(s)
    if s.ndim == 1:
        return s.reshape(-1, 1)
    if s.ndim != 2:
        raise ValueError(
            f"{name} must be 1-D or 2-D; got an array with {s.ndim} dimensions."
        )
    return s


def _check_column_values(column, name):
    """Reject missing or infinite group labels in one sensitive column."""
    if column.dtype.kind == "f" and not np.all(np.isfinite(column)):
        raise ValueError(f"{name} contains NaN or infinity; give every sample a group.")
    if column.dtype.kind == "O" and any(
        v is None or (isinstance(v, float) and np.isnan(v)) for v in column
    ):
        raise ValueError(f"{name} contains missing values; give every sample a group.")


def check_sensitive_features(
    sensitive_features, *, n_samples=None, name="sensitive_features", against="X"
):
    """Validate a binary sensitive attribute and encode it as 0/1 codes.

    Several columns form intersectional groups (one group per distinct row);
    skfrl's models and attacks need exactly two groups in total.

    Parameters
    ----------
    sensitive_features : array-like of shape (n_samples,) or (n_samples, n_sensitive)
        Group labels: numbers, strings or booleans. Not modified.
    n_samples : int, default=None
        If given, the number of samples ``sensitive_features`` must have.
    name : str, default="sensitive_features"
        The argument name used in error messages.
    against : str, default="X"
        The argument whose rows ``n_samples`` counts, named in the error.

    Returns
    -------
    s_codes : ndarray of shape (n_samples,), dtype=int64
        ``0`` for the first group in sorted order, ``1`` for the second.
    groups : ndarray of shape (2,)
        The group labels; ``groups[s_codes]`` recovers the labels. For several
        columns, each label is a tuple.

    Raises
    ------
    TypeError
        If ``sensitive_features`` is a scalar or a string.
    ValueError
        On a length mismatch, missing values, or not exactly two groups.
    """
    s = _as_2d_object(sensitive_features, name)
    if n_samples is not None and s.shape[0] != n_samples:
        raise ValueError(
            f"{name} has {s.shape[0]} samples but {against} has {n_samples}; "
            f"pass one group label per row of {against}."
        )
    for j in range(s.shape[1]):
        _check_column_values(s[:, j], name)
    if s.shape[1] == 1:
        groups, s_codes = np.unique(s[:, 0], return_inverse=True)
    else:
        rows = [tuple(row) for row in s.tolist()]
        try:  # tuples sort field by field, as np.unique sorts one column
            labels = sorted(set(rows))
        except TypeError:  # a column mixing numbers and strings
            labels = sorted(set(rows), key=str)
        index = {label: i for i, label in enumerate(labels)}
        s_codes = np.array([index[row] for row in rows])
        groups = np.empty(len(labels), dtype=object)
        groups[:] = labels
    if len(groups) != 2:
        raise ValueError(
            f"{name} must have exactly two groups (a binary sensitive attribute); "
            f"got {len(groups)}: {groups[:5].tolist()}. Binarise it first, e.g. "
            "s = (age >= 25)."
        )
    return s_codes.astype(np.int64).ravel(), groups


def check_X_y_s(
    X,
    y=None,
    sensitive_features=None,
    *,
    estimator=None,
    reset=True,
    y_required=False,
    s_required=False,
):
    """Validate ``X``, ``y`` and ``s`` together and convert ``X`` to float32.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Numeric features. Never modified: a float32 copy is returned when needed.
    y : array-like of shape (n_samples,), default=None
        Task labels.
    sensitive_features : array-like of shape (n_samples,) or (n_samples, k), \
            default=None
        The sensitive attribute, see :func:`check_sensitive_features`.
    estimator : estimator instance, default=None
        If given, ``X`` goes through :func:`sklearn.utils.validation.validate_data`,
        which records or checks ``n_features_in_`` and ``feature_names_in_``.
    reset : bool, default=True
        Passed to ``validate_data``: ``True`` in ``fit``, ``False`` afterwards.
    y_required, s_required : bool, default=False
        Raise a ``ValueError`` when ``y`` or ``sensitive_features`` is None.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features), dtype=float32
    y : ndarray of shape (n_samples,) or None
    s_codes : ndarray of shape (n_samples,), dtype=int64, or None
    groups : ndarray of shape (2,) or None
    """
    # X first, so that its errors read as scikit-learn's everywhere
    try:
        if estimator is not None:
            X = validate_data(estimator, X, reset=reset, dtype=np.float32)
        else:
            X = check_array(X, dtype=np.float32, input_name="X")
    except ValueError as exc:
        if "convert" not in str(exc):
            raise
        raise ValueError(
            f"X must be numeric; {exc}. Encode categorical columns first, e.g. "
            "with a OneHotEncoder."
        ) from exc
    if y_required and y is None:
        owner = "This estimator" if estimator is None else type(estimator).__name__
        raise ValueError(
            f"{owner} requires y to be passed, but the target y is None; pass "
            "the task labels."
        )
    if s_required and sensitive_features is None:
        raise ValueError(
            "sensitive_features is required but got None; pass the sensitive "
            "attribute s, one binary group label per row of X."
        )
    if y is not None:
        y = column_or_1d(y, warn=True)
        if len(y) != X.shape[0]:
            raise ValueError(
                f"y has {len(y)} samples but X has {X.shape[0]}; "
                "pass one label per row of X."
            )
        if y.dtype.kind == "f" and not np.all(np.isfinite(y)):
            raise ValueError("y contains NaN or infinity.")
    s_codes = groups = None
    if sensitive_features is not None:
        s_codes, groups = check_sensitive_features(
            sensitive_features, n_samples=X.shape[0]
        )
    return X, y, s_codes, groups


def check_poison_ratio(poison_ratio, n_samples):
    """Return the number of poisons for a ratio in (0, 1) of ``n_samples``.

    Parameters
    ----------
    poison_ratio : float
        Number of poisons as a fraction of the clean training set.
    n_samples : int
        Size of the clean training set.

    Returns
    -------
    n_poison : int
        ``round(poison_ratio * n_samples)``, at least 1.
    """
    if isinstance(poison_ratio, bool) or not isinstance(poison_ratio, Real):
        raise TypeError(
            "poison_ratio must be a float in (0, 1); "
            f"got {type(poison_ratio).__name__} instead."
        )
    if not 0 < poison_ratio < 1:
        raise ValueError(
            f"poison_ratio must be in the open interval (0, 1); got {poison_ratio!r}."
        )
    return max(1, int(round(poison_ratio * n_samples)))


def select_columns(X, ids):
    """Return the positional indices of the columns named by ``ids``.

    Parameters
    ----------
    X : array-like or DataFrame of shape (n_samples, n_features)
        The data whose columns are selected.
    ids : int, str or list of int or str
        Column positions (negative allowed) or, for a DataFrame, names.

    Returns
    -------
    columns : ndarray of int
        Sorted, unique, non-negative positions.
    """
    ids = [ids] if isinstance(ids, (int, np.integer, str)) else list(ids)
    n_columns = np.shape(X)[1]
    names = list(X.columns) if hasattr(X, "columns") else None
    positions = []
    for column in ids:
        if isinstance(column, str):
            if names is None or column not in names:
                raise ValueError(
                    f"sensitive_feature_ids names the column {column!r}, which X "
                    "does not have."
                )
            positions.append(names.index(column))
        elif -n_columns <= column < n_columns:
            positions.append(int(column) % n_columns)
        else:
            raise ValueError(
                f"sensitive_feature_ids has index {column}, but X has {n_columns} "
                "columns."
            )
    if not positions or len(positions) == n_columns:
        raise ValueError(
            "sensitive_feature_ids must name at least one and not every column of X."
        )
    return np.unique(positions)


def split_sensitive_columns(X, sensitive_feature_ids, sensitive_features=None):
    """Split the columns holding ``s`` off ``X`` (column mode).

    Parameters
    ----------
    X : array-like or DataFrame of shape (n_samples, n_features)
        Features, with ``s`` in some columns when ``sensitive_feature_ids``
        is set.
    sensitive_feature_ids : int, str, list or None
        The columns of ``X`` holding ``s``; None means explicit mode.
    sensitive_features : array-like, default=None
        ``s`` given explicitly; must be None in column mode.

    Returns
    -------
    X_features : array-like or DataFrame
        ``X`` without the sensitive columns (``X`` itself in explicit mode).
    s : array-like or None
        The sensitive columns, or ``sensitive_features`` in explicit mode.
    feature_mask : ndarray of bool or None
        True on the columns kept; None in explicit mode.
    """
    if sensitive_feature_ids is None:
        return X, sensitive_features, None
    if np.ndim(X) != 2:
        raise ValueError(
            f"Expected a 2D array X with s in some of its columns, got an array "
            f"with {np.ndim(X)} dimension(s) instead."
        )
    if sensitive_features is not None:
        raise ValueError(
            "Got both sensitive_features and sensitive_feature_ids; give s one "
            "way only."
        )
    columns = select_columns(X, sensitive_feature_ids)
    mask = np.ones(np.shape(X)[1], dtype=bool)
    mask[columns] = False
    if hasattr(X, "iloc"):
        return X.iloc[:, mask], X.iloc[:, columns], mask
    X = np.asarray(X)
    return X[:, mask], X[:, columns], mask
