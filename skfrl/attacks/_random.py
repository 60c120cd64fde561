"""Random perturbations: the same-norm control for crafted attacks."""

from numbers import Integral, Real

import numpy as np

from ..utils._param_validation import Interval
from ._base import BaseAttack, Poisons, project_poisons, sample_base_indices

__all__ = ["RandomPerturbationAttack"]


class RandomPerturbationAttack(BaseAttack):
    r"""Append copies of random training rows moved in a random direction.

    Each poison is a random row plus noise of a fixed L2 norm, on all
    features or on a random subset of them; labels and groups are kept. With
    ``scale`` and ``n_features_changed`` set to the mean L2 norm and L0 of
    ENG's perturbations (``perturbation_norms_`` of its poisoner), this is
    the control that tells a crafted direction from any change of that size.

    Parameters
    ----------
    scale : float, default=1.0
        The L2 norm of each poison's perturbation, before projection onto the
        poisoner's feature domain (which can lower it).
    n_features_changed : int, default=None
        The number of features each perturbation changes (its L0), drawn at
        random per poison; None changes every feature.

    See Also
    --------
    ENGAttack : The crafted perturbations this attack controls for.
    DuplicateAttack : The zero-norm control.

    Notes
    -----
    For a base row :math:`x_0`, a random support :math:`S` of
    ``n_features_changed`` features and :math:`g \sim \mathcal N(0, I_S)`,
    the poison is :math:`\Pi(x_0 + \mathrm{scale} \cdot g / \|g\|_2)`, with
    :math:`\Pi` the projection onto the poisoner's feature domain (records by
    default: discrete columns snap to a training value).

    Examples
    --------
    >>> from skfrl.attacks import FairRepresentationPoisoner, RandomPerturbationAttack
    >>> from skfrl.datasets import make_biased_classification
    >>> from skfrl.models import CFair
    >>> X, y, s = make_biased_classification(n_samples=200, random_state=0)
    >>> attack = RandomPerturbationAttack(scale=0.5, n_features_changed=3)
    >>> poisoner = FairRepresentationPoisoner(
    ...     CFair(max_epochs=2), attack=attack, random_state=0)
    >>> X_res, y_res, s_res = poisoner.fit_resample(X, y, s)
    >>> int(poisoner.perturbation_norms_["l0"].max())
    3
    """

    _parameter_constraints: dict = {
        "scale": [Interval(Real, 0, None, closed="left")],
        "n_features_changed": [Interval(Integral, 1, None, closed="left"), None],
    }

    def __init__(self, *, scale=1.0, n_features_changed=None):
        self.scale = scale
        self.n_features_changed = n_features_changed

    def craft(self, victim, X, y, s, n_poison, rng, **context):
        """Return randomly perturbed copies (see :meth:`BaseAttack.craft`)."""
        self._validate_params()
        n_features = X.shape[1]
        n_changed = (
            n_features if self.n_features_changed is None else self.n_features_changed
        )
        if n_changed > n_features:
            raise ValueError(
                f"n_features_changed={n_changed} exceeds the {n_features} features "
                "of X; lower it or pass None to change every feature."
            )
        idx = sample_base_indices(len(X), n_poison, rng)
        noise = rng.standard_normal((n_poison, n_features))
        # keep the n_changed features with the smallest uniform keys
        keys = rng.random_sample((n_poison, n_features))
        noise[keys > np.sort(keys, axis=1)[:, [n_changed - 1]]] = 0.0
        noise *= self.scale / np.linalg.norm(noise, axis=1, keepdims=True)
        X_poison = project_poisons((X[idx] + noise).astype(X.dtype), context)
        return Poisons(X_poison, y[idx].copy(), s[idx].copy(), idx)
