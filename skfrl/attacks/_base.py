"""What every attack shares: the ``craft`` contract and small helpers."""

from abc import ABCMeta, abstractmethod
from dataclasses import dataclass

import numpy as np
from sklearn.base import BaseEstimator

__all__ = ["BaseAttack", "Poisons", "feature_bounds", "sample_base_indices"]


@dataclass(frozen=True)
class Poisons:
    """The rows an attack appends to the training set.

    Attributes
    ----------
    X : ndarray of shape (n_poison, n_features), float32
        Poison features.
    y : ndarray of shape (n_poison,)
        Poison task labels, in the label space of the training ``y``.
    s : ndarray of shape (n_poison,), int
        Poison group codes (0/1).
    base_indices : ndarray of shape (n_poison,), int
        The training row each poison was copied or crafted from.
    """

    X: np.ndarray
    y: np.ndarray
    s: np.ndarray
    base_indices: np.ndarray


class BaseAttack(BaseEstimator, metaclass=ABCMeta):
    """Hyperparameters of a poisoning strategy and its one method, ``craft``.

    Attacks are run by :class:`~skfrl.attacks.FairRepresentationPoisoner`,
    which clones them into ``attack_``; fitted diagnostics (such as ENG's
    ``history_``) are set on that clone.
    """

    #: Whether ``craft`` differentiates through the victim (white box).
    needs_gradients = False

    @abstractmethod
    def craft(self, victim, X, y, s, n_poison, rng, **context):
        """Return the :class:`Poisons` to append.

        Parameters
        ----------
        victim : estimator
            The clean victim, fitted on ``(X, y, s)``.
        X : ndarray of shape (n_samples, n_features), float32
            Validated training features.
        y : ndarray of shape (n_samples,)
            Task labels.
        s : ndarray of shape (n_samples,), int
            Group codes 0/1.
        n_poison : int
            Number of poisons to craft.
        rng : numpy.random.RandomState
            The poisoner's generator; the only source of randomness.
        **context : dict
            ``X_target``, ``s_target`` (the attacker's target set) and
            ``protocol`` (``"finetune"`` or ``"retrain"``).

        Returns
        -------
        poisons : Poisons
            The rows to append.
        """


def sample_base_indices(n_samples, n_poison, rng):
    """Draw the training rows poisons start from, without replacement if possible."""
    return rng.choice(n_samples, size=n_poison, replace=n_poison > n_samples)


def feature_bounds(bounds, X):
    """Return per-feature ``(low, high)`` arrays of the feasible feature domain.

    Parameters
    ----------
    bounds : "data", None or tuple of (float or array-like, float or array-like)
        ``"data"``: the training min and max of each feature. ``None``: no
        bounds. A tuple gives the low and high edges (scalars broadcast).
    X : ndarray of shape (n_samples, n_features)
        Training features.

    Returns
    -------
    low, high : ndarray of shape (n_features,), float32
    """
    n_features = X.shape[1]
    if bounds is None:
        return np.full(n_features, -np.inf, np.float32), np.full(
            n_features, np.inf, np.float32
        )
    if isinstance(bounds, str):
        if bounds != "data":
            raise ValueError(
                f"feature_bounds must be 'data', None or (low, high); got {bounds!r}."
            )
        return X.min(axis=0), X.max(axis=0)
    low, high = (
        np.broadcast_to(np.asarray(b, np.float32), (n_features,)) for b in bounds
    )
    if np.any(low > high):
        raise ValueError("feature_bounds has a low edge above its high edge.")
    return low.copy(), high.copy()
