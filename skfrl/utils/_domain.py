"""The records a real form could hold: the feasible domain of a poison.

A :class:`FeatureDomain` knows, per column of the (possibly scaled) feature
matrix, the values a record can take: a finite set for discrete columns
(binaries, small integers), an interval (on a lattice for integer-valued
columns) for continuous ones, and which binary columns form one-hot groups
(exactly one level set). It is read from the training data, so it is right
whatever scaling was applied, and it projects any row onto the nearest
record. A *field* is what a person fills in on a form: a one-hot group, or
one other column.
"""

from numbers import Integral

import numpy as np
import pandas as pd

from ._norms import changed_features

__all__ = ["FeatureDomain"]

# Relative tolerance for "this value is one of the column's values".
_RTOL = 1e-5


class FeatureDomain:
    """Feasible values of every column, and the one-hot groups among them.

    Build one with :meth:`from_data` (the default of
    :class:`~skfrl.attacks.FairRepresentationPoisoner`), or directly.

    Parameters
    ----------
    values : list of (ndarray or None), one per column
        The sorted values a discrete column takes; None for a continuous one.
    low, high : array-like of shape (n_features,)
        Range of each column (discrete columns: their smallest and largest
        value).
    steps : array-like of shape (n_features,)
        Lattice step of a continuous column whose values are ``low + k *
        step`` (integer-valued data, also after scaling); 0 for none.
    groups : list of tuple of int, default=()
        One-hot groups: columns of which a record sets exactly one to its
        larger value and the others to their smaller value.
    feature_names : list of str, default=None
        Column names; fields of a group are named by the part of the name
        before ``"="``.
    eps : float, default=None
        Relative precision of the data (float32's or float64's machine
        epsilon); values on a lattice up to that rounding noise are left as
        they are. None means float64's.

    Attributes
    ----------
    n_features : int
        Number of columns.
    field_names : list of str
        One name per field: a group, or a column not in a group.
    field_of_column : ndarray of shape (n_features,)
        The field index of each column.

    Examples
    --------
    >>> import numpy as np
    >>> from skfrl.utils import FeatureDomain
    >>> X = np.array([[0, 1, 25.0], [1, 0, 40.0], [0, 1, 33.0]])
    >>> domain = FeatureDomain.from_data(X, feature_names=["c=a", "c=b", "age"])
    >>> domain.field_names
    ['c', 'age']
    >>> domain.project(np.array([[0.6, 0.7, 80.2]]))
    array([[ 0.,  1., 40.]])
    """

    def __init__(
        self, *, values, low, high, steps, groups=(), feature_names=None, eps=None
    ):
        self.values = [None if v is None else np.asarray(v, np.float64) for v in values]
        self.low = np.asarray(low, np.float64)
        self.high = np.asarray(high, np.float64)
        self.steps = np.asarray(steps, np.float64)
        self.groups = [tuple(int(c) for c in g) for g in groups]
        self.feature_names = None if feature_names is None else list(feature_names)
        self.eps = float(np.finfo(np.float64).eps) if eps is None else float(eps)
        self._check()
        self.field_of_column, self.field_names = self._fields()

    @property
    def n_features(self):
        """Number of columns."""
        return len(self.values)

    # -- construction ---------------------------------------------------------
    @classmethod
    def from_data(
        cls, X, *, feature_names=None, categorical_features=None, max_levels=10
    ):
        """Infer the domain from training data.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training features, scaled or not; a DataFrame gives its column
            names when ``feature_names`` is None.
        feature_names : list of str, default=None
            Names ``"field=level"`` (those of skfrl's loaders) mark one-hot
            groups. Without names, runs of adjacent binary columns of which
            every row sets exactly one are taken as groups.
        categorical_features : array-like of int, default=None
            Columns to treat as discrete whatever their number of values, in
            the manner of imbalanced-learn's ``SMOTENC``.
        max_levels : int, default=10
            Columns with at most this many distinct values are discrete.

        Returns
        -------
        domain : FeatureDomain
        """
        if feature_names is None and isinstance(X, pd.DataFrame):
            feature_names = [str(c) for c in X.columns]
        single = np.asarray(X).dtype == np.float32
        eps = np.finfo(np.float32 if single else np.float64).eps
        X = _as_float_matrix(X, allow_nan=False)
        if feature_names is not None and len(feature_names) != X.shape[1]:
            raise ValueError(
                f"feature_names has {len(feature_names)} names but X has "
                f"{X.shape[1]} columns."
            )
        if not isinstance(max_levels, Integral) or max_levels < 2:
            raise ValueError(f"max_levels must be an int >= 2; got {max_levels!r}.")
        forced = _check_columns(categorical_features, X.shape[1])
        uniques = [np.unique(X[:, j]) for j in range(X.shape[1])]
        values, steps = [], np.zeros(X.shape[1])
        for j, unique in enumerate(uniques):
            if len(unique) <= max_levels or j in forced:
                values.append(unique)
            else:
                values.append(None)
                steps[j] = _lattice_step(unique, eps)
        binary = [len(u) == 2 for u in uniques]
        if feature_names is not None:
            groups = _groups_from_names(X, feature_names, binary)
        else:
            groups = _groups_from_runs(X, binary)
        return cls(
            values=values,
            low=X.min(axis=0),
            high=X.max(axis=0),
            steps=steps,
            groups=groups,
            feature_names=feature_names,
            eps=eps,
        )

    @classmethod
    def box(cls, X):
        """Return the relaxed domain: each column anywhere in its training range.

        Its rows are generally *not* records (fractional one-hot values); it
        is for comparison with the record domain only.
        """
        X = _as_float_matrix(X)
        n = X.shape[1]
        return cls(values=[None] * n, low=X.min(0), high=X.max(0), steps=np.zeros(n))

    # -- use ------------------------------------------------------------------
    def check_width(self, X, name="X"):
        """Raise a ValueError if ``X`` does not have the domain's columns."""
        if X.shape[1] != self.n_features:
            raise ValueError(
                f"feature_domain describes {self.n_features} columns but {name} "
                f"has {X.shape[1]}; build it from the training features."
            )

    def project(self, X):
        """Return the nearest records: every row of ``X`` made feasible.

        One-hot groups take their highest-scoring level, discrete columns
        their nearest value, continuous columns are clipped to their range
        and rounded to their lattice.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        X_feasible : ndarray of shape (n_samples, n_features), float64
        """
        X = _as_float_matrix(X, allow_nan=False).copy()
        self.check_width(X)
        grouped = np.zeros(self.n_features, bool)
        for group in self.groups:
            cols = list(group)
            grouped[cols] = True
            lo = np.array([self.values[c][0] for c in cols])
            hi = np.array([self.values[c][-1] for c in cols])
            level = np.argmax((X[:, cols] - lo) / (hi - lo), axis=1)
            X[:, cols] = lo
            X[np.arange(len(X)), np.asarray(cols)[level]] = hi[level]
        for j in np.flatnonzero(~grouped):
            X[:, j] = self._project_column(X[:, j], j)
        return X

    def _project_column(self, column, j):
        values = self.values[j]
        if values is not None:
            nearest = np.abs(column[:, None] - values[None, :]).argmin(axis=1)
            return values[nearest]
        column = np.clip(column, self.low[j], self.high[j])
        if self.steps[j] > 0:
            k = np.round((column - self.low[j]) / self.steps[j])
            rounded = np.minimum(self.low[j] + k * self.steps[j], self.high[j])
            # values on the lattice up to the data's rounding noise stay
            # bit-identical, so records pass through unchanged
            tol = 8 * self.eps * (np.abs(column) + abs(self.low[j]) + self.steps[j])
            on_lattice = np.abs(rounded - column) <= tol
            column = np.where(on_lattice, column, rounded)
        return column

    def is_feasible(self, X):
        """Return, per row, whether it is a record of this domain.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        feasible : ndarray of shape (n_samples,), bool
        """
        X = _as_float_matrix(X)
        self.check_width(X)
        finite = np.isfinite(X).all(axis=1)
        X = np.where(np.isfinite(X), X, 0.0)
        scale = np.maximum(np.abs(self.high - self.low), 1.0)
        close = np.abs(self.project(X) - X) <= _RTOL * scale
        return finite & close.all(axis=1)

    def field_changes(self, X, X_base):
        """Return which fields each row of ``X`` changes from its base row.

        Parameters
        ----------
        X, X_base : array-like of shape (n_samples, n_features)

        Returns
        -------
        changed : pandas.DataFrame of shape (n_samples, n_fields), bool
            Columns named by :attr:`field_names`.
        """
        X, X_base = _as_float_matrix(X), _as_float_matrix(X_base)
        self.check_width(X)
        scale = np.maximum(np.abs(self.high - self.low), 1.0)
        # float32 rows of a record may sit a rounding error off its values
        column_changed = changed_features(X - X_base, tol=_RTOL * scale)
        changed = np.zeros((len(X), len(self.field_names)), bool)
        for field in range(len(self.field_names)):
            cols = self.field_of_column == field
            changed[:, field] = column_changed[:, cols].any(axis=1)
        return pd.DataFrame(changed, columns=self.field_names)

    # -- internals ------------------------------------------------------------
    def _check(self):
        n = len(self.values)
        for name in ("low", "high", "steps"):
            if getattr(self, name).shape != (n,):
                raise ValueError(f"{name} must have one entry per column ({n}).")
        if np.any(self.low > self.high):
            raise ValueError("feature_domain has a column with low above high.")
        seen = set()
        for group in self.groups:
            if len(group) < 2 or seen & set(group):
                raise ValueError(
                    "Each one-hot group needs two or more columns, in no other group."
                )
            seen |= set(group)
            if not all(0 <= c < n and self.values[c] is not None for c in group):
                raise ValueError("One-hot group columns must be discrete columns.")
            if not all(len(self.values[c]) == 2 for c in group):
                raise ValueError("One-hot group columns must take exactly 2 values.")

    def _fields(self):
        field_of_column = np.full(self.n_features, -1)
        names = []
        in_group = {c: g for g, group in enumerate(self.groups) for c in group}
        group_field = {}
        for j in range(self.n_features):
            if j in in_group:
                g = in_group[j]
                if g not in group_field:
                    group_field[g] = len(names)
                    names.append(self._group_name(self.groups[g]))
                field_of_column[j] = group_field[g]
            else:
                field_of_column[j] = len(names)
                names.append(self._column_name(j))
        return field_of_column, names

    def _column_name(self, j):
        return f"x{j}" if self.feature_names is None else self.feature_names[j]

    def _group_name(self, group):
        first = self._column_name(group[0])
        return first.split("=")[0] if "=" in first else f"{first}..."


def _as_float_matrix(X, allow_nan=True):
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError(f"Expected a 2-D feature matrix; got {X.ndim} dimensions.")
    if not allow_nan and not np.isfinite(X).all():
        raise ValueError("X holds NaN or infinity; a feature domain needs finite rows.")
    return X


def _check_columns(columns, n_features):
    if columns is None:
        return set()
    columns = np.asarray(columns).ravel()
    if columns.dtype == bool:
        columns = np.flatnonzero(columns)
    if not np.issubdtype(columns.dtype, np.integer) or (
        len(columns) and (columns.min() < 0 or columns.max() >= n_features)
    ):
        raise ValueError(
            f"categorical_features must hold column indices in [0, {n_features}); "
            f"got {columns.tolist()}."
        )
    return set(columns.tolist())


def _lattice_step(unique, eps):
    """Step of the lattice the sorted values lie on, or 0 if they lie on none.

    The step is the smallest gap divided by a small integer (integer data
    whose smallest gap is 2 has step 1), so integer-valued columns are found
    whatever affine scaling they had, also at float32 precision.
    """
    smallest = np.diff(unique).min()
    # ``eps`` is the data's precision: float32 rows resolve a long lattice coarsely
    resolution = 8 * eps * np.abs(unique).max()
    for divisor in range(1, 11):
        step = smallest / divisor
        atol = max(1e-3, resolution / step)
        span = (unique[-1] - unique[0]) / step
        if atol > 0.05 or span > 1e6:  # finer than the data can resolve
            break
        k = (unique - unique[0]) / step
        if np.allclose(k, np.round(k), rtol=0, atol=atol):
            # least squares over every value: the smallest gap alone is noisy
            k = np.round(k)
            return float(k @ (unique - unique[0]) / (k @ k))
    return 0.0


def _is_one_hot(block):
    """Whether every row sets exactly one column of a binary block high."""
    high = block == block.max(axis=0)
    return bool((high.sum(axis=1) == 1).all())


def _groups_from_names(X, names, binary):
    prefixes = {}
    for j, name in enumerate(names):
        if "=" in name and binary[j]:
            prefixes.setdefault(name.split("=")[0], []).append(j)
    return [
        tuple(cols)
        for cols in prefixes.values()
        if len(cols) >= 2 and _is_one_hot(X[:, cols])
    ]


def _groups_from_runs(X, binary):
    """Maximal runs of adjacent binary columns with exactly one set per row."""
    groups, j, n = [], 0, X.shape[1]
    while j < n:
        if not binary[j]:
            j += 1
            continue
        end = j + 1
        high = X[:, j] == X[:, j].max()
        count = high.astype(int)
        while end < n and binary[end]:
            next_high = X[:, end] == X[:, end].max()
            if (count + next_high > 1).any():
                break
            count = count + next_high
            end += 1
        if end - j >= 2 and (count == 1).all():
            groups.append(tuple(range(j, end)))
            j = end
        else:
            j += 1
    return groups
