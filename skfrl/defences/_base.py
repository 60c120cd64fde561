"""What every sanitiser shares: score each row, keep the least suspicious."""

from abc import abstractmethod
from numbers import Real

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted

from ..base import sampler_tags
from ..utils import check_X_y_s
from ..utils._param_validation import Interval, _fit_context
from ..utils.validation import split_sensitive_columns

__all__ = ["BaseSanitiser", "is_sanitiser"]


def _take_rows(container, indices):
    """Return the rows of ``container`` where the mask ``indices`` is True."""
    if hasattr(container, "iloc"):
        return container.iloc[indices]  # pandas keeps the original index
    if isinstance(container, list):
        return [container[i] for i in np.flatnonzero(indices)]
    return np.asarray(container)[indices]


class BaseSanitiser(BaseEstimator):
    """Base class of samplers that remove suspected poisons from a training set.

    The contract follows imbalanced-learn's samplers and PyOD's detectors.
    ``fit_resample`` validates the data once, scores every row with
    ``_score_samples`` (higher = more suspicious), removes the
    ``round(contamination * n_samples)`` highest-scoring rows (ties broken at
    random, never by position, since poisons come last) and returns the kept
    rows in the caller's containers and order.

    Three modes, as for the poisoner:

    - explicit: ``fit_resample(X, y, sensitive_features)`` returns
      ``(X_kept, y_kept, s_kept)``;
    - column (``sensitive_feature_ids`` set): ``s`` is read from those columns
      of ``X`` and ``fit_resample(X, y)`` returns ``(X_kept, y_kept)`` with
      ``s`` still in ``X``, so that the sanitiser can follow the poisoner in
      an ``imblearn.pipeline.Pipeline``;
    - without ``s``: ``fit_resample(X, y)`` returns ``(X_kept, y_kept)``;
      sanitisers that need ``s`` then raise a ``ValueError``.

    Subclasses declare their parameters and write ``_score_samples(X, y, s,
    rng)``, where ``X`` is float32 without the sensitive columns, ``y`` holds
    label codes and ``s`` group codes (or None).
    """

    _parameter_constraints: dict = {
        "contamination": [Interval(Real, 0, 0.5, closed="both")],
        "sensitive_feature_ids": "no_validation",  # checked by select_columns
        "random_state": ["random_state"],
    }

    #: Whether ``_score_samples`` needs the sensitive attribute.
    needs_sensitive_features = False

    def fit(self, X, y, sensitive_features=None):
        """Score every row and choose the rows to keep; return ``self``.

        Parameters
        ----------
        X, y, sensitive_features
            As for :meth:`fit_resample`.

        Returns
        -------
        self : object
            The fitted sanitiser.
        """
        self.fit_resample(X, y, sensitive_features)
        return self

    @_fit_context(prefer_skip_nested_validation=False)
    def fit_resample(self, X, y, sensitive_features=None):
        """Return the training data without the rows suspected of being poisons.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Training features (in column mode, with ``s``).
        y : array-like of shape (n_samples,)
            Task labels.
        sensitive_features : array-like of shape (n_samples,), default=None
            The binary sensitive attribute (explicit mode).

        Returns
        -------
        X_kept : array-like of shape (n_kept, n_features)
            The kept rows of ``X``, in order, in its container type.
        y_kept : array-like of shape (n_kept,)
            Their labels.
        s_kept : array-like of shape (n_kept,)
            Explicit mode only: their groups.
        """
        X32, y_codes, s_codes, feature_mask = self._validate(X, y, sensitive_features)
        rng = check_random_state(getattr(self, "random_state", None))
        scores = np.asarray(self._score_samples(X32, y_codes, s_codes, rng), float)
        if not np.all(np.isfinite(scores)):
            raise FloatingPointError(
                f"{type(self).__name__} scored {np.sum(~np.isfinite(scores))} rows "
                "NaN or infinite; check X for extreme values."
            )
        self.decision_scores_ = scores
        removed = self._rows_to_remove(scores, rng)
        keep = np.ones(len(scores), dtype=bool)
        keep[removed] = False
        self.n_removed_ = int(removed.size)
        self.threshold_ = float(scores[removed].min()) if removed.size else np.inf
        self.sample_indices_ = np.flatnonzero(keep)
        kept = (_take_rows(X, keep), _take_rows(y, keep))
        if feature_mask is None and sensitive_features is not None:
            return (*kept, _take_rows(sensitive_features, keep))
        return kept

    def _validate(self, X, y, sensitive_features):
        """Return float32 features without ``s``, label and group codes, the mask."""
        X_features, s, feature_mask = split_sensitive_columns(
            X, self.sensitive_feature_ids, sensitive_features
        )
        X32, y_arr, s_codes, _ = check_X_y_s(X_features, y, s, y_required=True)
        check_classification_targets(y_arr)
        self._record_features(X)
        if s_codes is None and self.needs_sensitive_features:
            raise ValueError(
                f"{type(self).__name__} needs sensitive_features: pass it as the "
                "third argument of fit_resample, or set sensitive_feature_ids to "
                "read it from columns of X."
            )
        y_codes = np.unique(y_arr, return_inverse=True)[1].ravel()
        return X32, y_codes, s_codes, feature_mask

    def _record_features(self, X):
        """Set ``n_features_in_`` (and ``feature_names_in_``) from the input ``X``."""
        self.n_features_in_ = np.shape(X)[1]
        names = getattr(X, "columns", None)
        if names is not None and all(isinstance(name, str) for name in names):
            self.feature_names_in_ = np.asarray(names, dtype=object)
        elif hasattr(self, "feature_names_in_"):
            del self.feature_names_in_

    def get_feature_names_out(self, input_features=None):
        """Return the names of the columns kept: those of the input, unchanged.

        Parameters
        ----------
        input_features : array-like of str, default=None
            The input's column names; default ``feature_names_in_``, else
            ``x0, x1, ...``.

        Returns
        -------
        feature_names_out : ndarray of str
        """
        check_is_fitted(self, "n_features_in_")
        names_in = getattr(self, "feature_names_in_", None)
        if input_features is None:
            if names_in is not None:
                return names_in.copy()
            return np.asarray([f"x{i}" for i in range(self.n_features_in_)], object)
        input_features = np.asarray(input_features, dtype=object)
        if names_in is not None and not np.array_equal(input_features, names_in):
            raise ValueError("input_features is not equal to feature_names_in_.")
        if len(input_features) != self.n_features_in_:
            raise ValueError(
                "input_features should have length equal to number of features "
                f"({self.n_features_in_}), got {len(input_features)}."
            )
        return input_features

    def _rows_to_remove(self, scores, rng):
        """Return the positions of the highest ``contamination`` share of scores."""
        n_remove = int(round(self.contamination * len(scores)))
        tie_break = rng.permutation(len(scores))
        order = np.lexsort((tie_break, -scores))  # by score, ties at random
        return np.sort(order[:n_remove])

    @abstractmethod
    def _score_samples(self, X, y, s, rng):
        """Return one suspicion score per row of ``X`` (higher = more suspicious)."""

    def __sklearn_tags__(self):
        return sampler_tags(super().__sklearn_tags__())


def is_sanitiser(estimator):
    """Return True if ``estimator`` removes suspected poisons via ``fit_resample``.

    Parameters
    ----------
    estimator : object
        Any object.

    Returns
    -------
    bool
        Whether ``estimator`` is a :class:`BaseSanitiser`.
    """
    return isinstance(estimator, BaseSanitiser)
