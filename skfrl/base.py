"""What models and attacks share: the victim protocol and the poisoner base.

A *victim* is any scikit-learn transformer trained with
``fit(X, y, sensitive_features=s)``. Black-box attacks need nothing more.
White-box attacks such as ENG also need the :class:`DifferentiableEncoder`
protocol below; the fine-tuning threat model also needs ``partial_fit``.
"""

import contextlib
from abc import abstractmethod
from dataclasses import dataclass, field, fields
from typing import Protocol, runtime_checkable

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils import InputTags, Tags, check_random_state

from .utils import check_sensitive_features, check_X_y_s
from .utils.validation import split_sensitive_columns

__all__ = [
    "BasePoisoner",
    "DifferentiableEncoder",
    "check_differentiable_encoder",
    "is_poisoner",
    "sampler_tags",
]

_PROTOCOL_METHODS = ("encoder_parameters", "encode_tensor", "training_loss")


@runtime_checkable
class DifferentiableEncoder(Protocol):
    """A fitted representation learner an attacker can differentiate through.

    Implement these three methods on a fitted transformer to make it a victim
    of white-box attacks. Tensors are float32 on the model's device; none of
    the methods steps an optimizer or changes fitted state.

    ``encoder_parameters()``
        The list of ``torch.nn.Parameter`` that shape ``Z`` (the encoder θ).
    ``encode_tensor(X)``
        ``Z = f_θ(X)`` as a differentiable tensor of shape
        ``(n_samples, n_components)``; ``X`` is a float32 tensor or array.
    ``training_loss(X, y, s)``
        The scalar the victim's ``fit`` minimises on the samples ``(X, y, s)``
        (task and fairness terms, as a mean over samples), built from the
        same code as training so that its gradient is the one training
        applies. ``y`` and ``s`` are integer **codes**, not labels: ``y``
        the index of each label in the sorted labels ``fit`` saw
        (``classes_``), ``s`` the index of each group in the sorted groups
        (``sensitive_groups_``; 0/1 for a binary attribute), either as
        arrays or as long tensors. A victim that already trains on 0/1
        labels receives what it trained on. A stochastic encoder may also
        take ``noise``, the standard normal draws of a reparameterised
        sample of ``z`` (shape ``(n_samples, n_components)``), to compute
        the loss at that sample (``ENGAttack(match_samples=...)`` needs it).

    The fine-tuning threat model additionally calls
    ``partial_fit(X, y, sensitive_features=s)``, one more epoch from the
    current state.
    """

    def encoder_parameters(self):
        """Return the parameters θ that shape the representation."""

    def encode_tensor(self, X):
        """Return the differentiable representation of ``X``."""

    def training_loss(self, X, y, s):
        """Return the victim's scalar training loss on ``(X, y, s)``."""


def check_differentiable_encoder(estimator, *, attack_name="this attack"):
    """Raise a ``TypeError`` naming what ``estimator`` lacks of the protocol.

    Parameters
    ----------
    estimator : object
        The victim to check.
    attack_name : str, default="this attack"
        Used in the message, e.g. ``"attack='eng'"``.

    Raises
    ------
    TypeError
        If a method of :class:`DifferentiableEncoder` is missing.
    """
    missing = [
        m for m in _PROTOCOL_METHODS if not callable(getattr(estimator, m, None))
    ]
    if missing:
        raise TypeError(
            f"{attack_name} needs {', '.join(missing)}, which "
            f"{type(estimator).__name__} lacks (see skfrl.base.DifferentiableEncoder); "
            "use a black-box attack such as attack='raa' or 'duplicate' instead."
        )


def _concat_rows(original, new_rows):
    """Append ``new_rows`` (ndarray) to ``original`` in the original's container."""
    import pandas as pd

    if isinstance(original, pd.DataFrame):
        new_rows = np.asarray(new_rows)
        appended = pd.DataFrame(
            new_rows.reshape(len(new_rows), -1), columns=original.columns
        )
        for column, dtype in original.dtypes.items():
            values = appended[column]
            numeric = pd.api.types.is_numeric_dtype(dtype)
            # integers stay integers only where the poisons hold whole numbers
            if (
                not numeric
                or dtype.kind == "f"
                or np.array_equal(
                    values.astype(np.float64), values.astype(np.float64).round()
                )
            ):
                appended[column] = values.astype(dtype)
        return pd.concat([original, appended], ignore_index=True)
    if isinstance(original, pd.Series):
        appended = pd.Series(new_rows, name=original.name).astype(original.dtype)
        return pd.concat([original, appended], ignore_index=True)
    original = np.asarray(original)
    new_rows = np.asarray(new_rows)
    if new_rows.dtype == object and original.dtype != object:
        new_rows = new_rows.astype(original.dtype)
    new_rows = new_rows.reshape((-1, *original.shape[1:]))  # e.g. y of shape (n, 1)
    dtype = np.result_type(original.dtype, new_rows.dtype)
    return np.concatenate([original.astype(dtype, copy=False), new_rows.astype(dtype)])


@dataclass(slots=True)
class SamplerInputTags(InputTags):
    """scikit-learn's input tags plus imbalanced-learn's ``dataframe``.

    imbalanced-learn's sampler checks read ``input_tags.dataframe``; skfrl
    declares it without importing imbalanced-learn.
    """

    dataframe: bool = True


@dataclass(slots=True)
class SamplerTags:
    """imbalanced-learn's sampler tags: ``sample_indices_`` is set by the fit."""

    sample_indices: bool = True


@dataclass(slots=True)
class SamplerEstimatorTags(Tags):
    """scikit-learn's tags with imbalanced-learn's ``sampler_tags``."""

    sampler_tags: SamplerTags = field(default_factory=SamplerTags)


def sampler_tags(tags):
    """Return scikit-learn ``tags`` as a sampler's: y required, imblearn's fields.

    Poisoners and sanitisers both are samplers in imbalanced-learn's sense;
    their ``__sklearn_tags__`` pass their base tags through this.

    Parameters
    ----------
    tags : sklearn.utils.Tags
        The tags ``BaseEstimator.__sklearn_tags__`` returned.

    Returns
    -------
    SamplerEstimatorTags
    """
    tags.target_tags.required = True
    values = {f.name: getattr(tags, f.name) for f in fields(tags)}
    input_tags = {f.name: getattr(tags.input_tags, f.name) for f in fields(InputTags)}
    values["input_tags"] = SamplerInputTags(**input_tags)
    return SamplerEstimatorTags(**values)


class BasePoisoner(BaseEstimator):
    """Base class of samplers that append poisoning rows to a training set.

    The contract follows imbalanced-learn's samplers. ``fit_resample``
    validates the data once, splits off ``s`` in column mode, calls
    ``_fit_resample(X, y, s_codes, rng, **extra)`` on float32 arrays and puts
    the result back in the caller's containers: every input row, unchanged
    and in order, then the poisons.

    Two modes:

    - explicit (``sensitive_feature_ids=None``): ``fit_resample(X, y, s)``
      returns ``(X_res, y_res, s_res)``;
    - column (``sensitive_feature_ids`` set): ``fit_resample(X, y)`` reads
      ``s`` from those columns of ``X`` and returns ``(X_res, y_res)`` with
      ``s`` in ``X_res``, which is what an ``imblearn.pipeline.Pipeline``
      step must return.

    Subclasses implement ``_fit_resample`` returning ``(X_poison, y_poison,
    s_codes_poison, base_indices)`` for the appended rows.
    """

    def fit(self, X, y, sensitive_features=None, **fit_params):
        """Validate the data and craft the poisons; return ``self``.

        Parameters
        ----------
        X, y, sensitive_features, **fit_params
            As for :meth:`fit_resample`.

        Returns
        -------
        self : object
            The fitted poisoner.
        """
        self.fit_resample(X, y, sensitive_features, **fit_params)
        return self

    def fit_resample(self, X, y, sensitive_features=None, **fit_params):
        """Return the training data with poisoning rows appended.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            The victim's training features (in column mode, with ``s``).
        y : array-like of shape (n_samples,)
            Task labels.
        sensitive_features : array-like of shape (n_samples,), default=None
            The binary sensitive attribute (explicit mode only).
        **fit_params : dict
            Extra arrays for the attack, e.g. ``X_target`` and ``s_target``.

        Returns
        -------
        X_res : array-like of shape (n_samples + `n_poison_`, n_features)
            ``X`` followed by the poisons, in the container type of ``X``.
        y_res : array-like of shape (n_samples + `n_poison_`,)
            ``y`` followed by the poisons' labels.
        s_res : array-like of shape (n_samples + `n_poison_`,)
            Explicit mode only: ``s`` followed by the poisons' groups.
        """
        X_features, s, feature_mask = split_sensitive_columns(
            X, self.sensitive_feature_ids, sensitive_features
        )
        X32, y_arr, _, _ = check_X_y_s(X_features, y)  # X first, as sklearn's
        if y_arr is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y "
                "is None; pass the task labels."
            )
        if s is None:
            raise ValueError(
                "sensitive_features is required: pass it as the third argument of "
                "fit_resample, or set sensitive_feature_ids to read it from columns "
                "of X."
            )
        s_codes, groups = check_sensitive_features(s, n_samples=len(X32))
        names = getattr(X_features, "columns", None)
        if names is not None:
            self.feature_names_in_ = np.asarray(names, dtype=object)
        elif hasattr(self, "feature_names_in_"):
            del self.feature_names_in_
        rng = check_random_state(self.random_state)
        X_poison, y_poison, s_poison, base_indices = self._fit_resample(
            X32, y_arr, s_codes, rng, groups=groups, **fit_params
        )
        X_poison = self._restore_precision(X_poison, X_features, base_indices)
        n = X32.shape[0]
        self.n_poison_ = len(X_poison)
        self.poison_mask_ = np.r_[np.zeros(n, bool), np.ones(self.n_poison_, bool)]
        self.sample_indices_ = np.r_[np.arange(n), base_indices]
        # one row of labels per poison; several columns form tuple groups
        s_rows = np.array([np.atleast_1d(g) for g in groups[s_poison]], dtype=object)
        s_rows = s_rows.reshape(self.n_poison_, -1)
        if feature_mask is None:
            s_new = s_rows if np.ndim(sensitive_features) == 2 else s_rows[:, 0]
            return (
                _concat_rows(X, X_poison),
                _concat_rows(y, y_poison),
                _concat_rows(sensitive_features, s_new),
            )
        # numeric groups go back into a numeric X; labels such as "f" cannot
        with contextlib.suppress(TypeError, ValueError):
            s_rows = s_rows.astype(np.float64)
        full = np.empty((self.n_poison_, len(feature_mask)), dtype=s_rows.dtype)
        full[:, feature_mask] = X_poison
        full[:, ~feature_mask] = s_rows
        return _concat_rows(X, full), _concat_rows(y, y_poison)

    @abstractmethod
    def _fit_resample(self, X, y, s, rng, *, groups, **fit_params):
        """Return ``(X_poison, y_poison, s_poison_codes, base_indices)``."""

    def __sklearn_tags__(self):
        return sampler_tags(super().__sklearn_tags__())

    def _restore_precision(self, X_poison, X_features, base_indices):
        """Return the poisons at the precision of the caller's ``X``.

        ``_fit_resample`` works on float32; a subclass that promises records
        maps its poisons back onto the exact values of ``X_features`` (and
        of their base rows, where they did not change).
        """
        return X_poison


def is_poisoner(estimator):
    """Return True if ``estimator`` appends poisons through ``fit_resample``.

    Parameters
    ----------
    estimator : object
        Any object.

    Returns
    -------
    bool
        Whether ``estimator`` is a :class:`BasePoisoner`.
    """
    return isinstance(estimator, BasePoisoner)
