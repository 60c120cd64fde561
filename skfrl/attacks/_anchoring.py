"""Anchoring attacks (RAA, NRAA) of Mehrabi et al. (AAAI 2021).

Poisons sit within a distance ``tau`` of target points, in the target's
group but with the opposite label, so that a model trained on them moves its
decision boundary against the disadvantaged group. Mehrabi et al. attack
classifiers; against a fair representation learner the poisons are simply
added to its training data (the attack needs no access to the model).
"""

from numbers import Integral, Real

import numpy as np
from sklearn.neighbors import NearestNeighbors

from ..utils._param_validation import Interval, StrOptions
from ._base import BaseAttack, Poisons, project_poisons

__all__ = ["AnchoringAttack", "anchor_pools", "check_binary_labels"]


def check_binary_labels(y, attack_name):
    """Return the two sorted classes of ``y``; the second is the positive one."""
    classes = np.unique(y)
    if len(classes) != 2:
        raise ValueError(
            f"{attack_name} needs a binary y; got {len(classes)} classes: "
            f"{list(classes[:5])}. Use attack='duplicate', 'sensitive_flip', "
            "'random' or 'eng' for other tasks."
        )
    return classes


def anchor_pools(y, s, attack_name):
    """Split the rows an anchoring-style attack targets into its two pools.

    The *disadvantaged* group is the group code with the lower rate of the
    positive class (the greater label; code 0 on a tie).

    Returns
    -------
    classes : ndarray of shape (2,)
        The sorted labels of ``y``.
    disadvantaged : int
        The disadvantaged group code.
    pools : tuple of two ndarray of int
        Rows of the disadvantaged group with the positive label, and rows of
        the advantaged group with the negative label.
    """
    classes = check_binary_labels(y, attack_name)
    positive = y == classes[1]
    disadvantaged = int(positive[s == 1].mean() < positive[s == 0].mean())
    pools = (
        np.flatnonzero((s == disadvantaged) & positive),
        np.flatnonzero((s != disadvantaged) & ~positive),
    )
    for pool, kind in zip(pools, ("positive", "negative"), strict=True):
        if len(pool) == 0:
            raise ValueError(
                f"{attack_name} needs {kind} samples in both the disadvantaged "
                f"group (s code {disadvantaged}) and the advantaged group, but one "
                "pool is empty."
            )
    return classes, disadvantaged, pools


def _sample_in_ball(n, n_features, radius, rng):
    """Draw ``n`` points uniformly in the L2 ball of ``radius`` around 0."""
    directions = rng.standard_normal((n, n_features))
    directions /= np.linalg.norm(directions, axis=1, keepdims=True)
    radii = radius * rng.random_sample(n) ** (1 / n_features)
    return directions * radii[:, None]


class AnchoringAttack(BaseAttack):
    r"""Anchor poisons with flipped labels near targets: RAA and NRAA.

    Half of the budget goes near *positive* points of the disadvantaged
    group, with a negative label; the other half near *negative* points of
    the advantaged group, with a positive label. Each poison keeps its
    target's group. New targets are drawn every ``n_poison_per_target``
    poisons until the budget is spent. ``y`` must be binary; its greater
    label is the positive one.

    Parameters
    ----------
    strategy : {"random", "non-random"}, default="random"
        How targets are chosen: uniformly at random (RAA, alias ``"raa"``),
        or the most "popular" points first, those with the most neighbours
        of the same group and label within ``tau`` (NRAA, alias ``"nraa"``).
    tau : float, default=1.0
        Radius, in the Euclidean distance on the features, of the ball
        around each target the poisons are drawn from (uniformly), and of
        the neighbourhoods NRAA counts. Features should be standardised.
    n_poison_per_target : int, default=10
        Poisons placed around one target before the next is drawn. A value
        of at least half the budget gives one target per kind, like the
        final poison set of the original code.
    max_candidates : int, default=2000
        NRAA ranks at most this many randomly drawn rows of each pool, to
        bound the cost of the neighbour counts on large data.

    Attributes
    ----------
    disadvantaged_group_ : int
        The group code with the lower positive rate in ``y``, set by
        :meth:`craft` on the poisoner's copy ``attack_``.

    See Also
    --------
    LabelFlipAttack : Flipped labels on copies, with no anchoring.

    Notes
    -----
    With targets :math:`x^+` (disadvantaged, positive) and :math:`x^-`
    (advantaged, negative), each poison is :math:`\tilde x = \Pi(x_t + u)`
    with :math:`u` uniform in :math:`\{\|u\|_2 \le \tau\}`, label
    :math:`1 - y_t` and group :math:`s_t`; :math:`\Pi` projects onto the
    poisoner's feature domain, records by default (the original code projects
    onto the sphere and slab defences of Koh et al. instead).
    ``base_indices`` of the poisons are their targets.

    References
    ----------
    Mehrabi, Naveed, Morstatter and Galstyan, "Exacerbating Algorithmic Bias
    through Fairness Attacks", AAAI 2021.

    Examples
    --------
    >>> from skfrl.attacks import AnchoringAttack, FairRepresentationPoisoner
    >>> from skfrl.datasets import make_biased_classification
    >>> from skfrl.models import CFair
    >>> X, y, s = make_biased_classification(n_samples=200, random_state=0)
    >>> attack = AnchoringAttack(strategy="non-random", tau=2.0)
    >>> poisoner = FairRepresentationPoisoner(
    ...     CFair(max_epochs=2), attack=attack, random_state=0)
    >>> X_res, y_res, s_res = poisoner.fit_resample(X, y, s)
    >>> bool((y_res[200:] != y[poisoner.sample_indices_[200:]]).all())
    True
    """

    _parameter_constraints: dict = {
        "strategy": [StrOptions({"random", "non-random"})],
        "tau": [Interval(Real, 0, None, closed="neither")],
        "n_poison_per_target": [Interval(Integral, 1, None, closed="left")],
        "max_candidates": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(
        self,
        *,
        strategy="random",
        tau=1.0,
        n_poison_per_target=10,
        max_candidates=2000,
    ):
        self.strategy = strategy
        self.tau = tau
        self.n_poison_per_target = n_poison_per_target
        self.max_candidates = max_candidates

    def craft(self, victim, X, y, s, n_poison, rng, **context):
        """Return poisons anchored near targets (see :meth:`BaseAttack.craft`)."""
        self._validate_params()
        classes, self.disadvantaged_group_, pools = anchor_pools(
            y, s, type(self).__name__
        )
        sizes = (n_poison - n_poison // 2, n_poison // 2)
        targets = np.concatenate(
            [
                self._targets(X, pool, size, rng)
                for pool, size in zip(pools, sizes, strict=True)
            ]
        )
        # positive targets get the negative label (code 0) and vice versa
        label_codes = np.repeat([0, 1], sizes)
        offsets = _sample_in_ball(len(targets), X.shape[1], self.tau, rng)
        X_poison = project_poisons((X[targets] + offsets).astype(X.dtype), context)
        return Poisons(X_poison, classes[label_codes], s[targets].copy(), targets)

    def _targets(self, X, pool, n_poison, rng):
        """Return the target row of each of ``n_poison`` poisons from ``pool``."""
        n_targets = -(-n_poison // self.n_poison_per_target)
        if self.strategy == "random":
            chosen = rng.choice(pool, size=n_targets, replace=n_targets > len(pool))
        else:
            ranked = self._rank_by_popularity(X, pool, rng)
            chosen = ranked[np.arange(n_targets) % len(ranked)]
        return np.repeat(chosen, self.n_poison_per_target)[:n_poison]

    def _rank_by_popularity(self, X, pool, rng):
        """Return candidate rows of ``pool``, most neighbours within tau first."""
        candidates = rng.permutation(pool)[: self.max_candidates]
        neighbours = NearestNeighbors(radius=self.tau).fit(X[pool])
        found = neighbours.radius_neighbors(X[candidates], return_distance=False)
        counts = np.array([len(rows) for rows in found])
        # a stable sort keeps the random order among equally popular rows
        return candidates[np.argsort(-counts, kind="stable")]
