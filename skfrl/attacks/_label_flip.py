"""Label flipping: copies of training rows with the task label flipped."""

import numpy as np

from ..utils._param_validation import StrOptions
from ._anchoring import anchor_pools, check_binary_labels
from ._base import BaseAttack, Poisons, sample_base_indices

__all__ = ["LabelFlipAttack"]


class LabelFlipAttack(BaseAttack):
    """Append copies of training rows with their binary label ``y`` flipped.

    Only ``y`` changes: features and group are those of the copied row.

    Parameters
    ----------
    strategy : {"random", "targeted"}, default="random"
        Which rows are copied: uniformly random rows, or, as the targets of
        :class:`AnchoringAttack`, half positive rows of the disadvantaged
        group (the group with the lower positive rate, which get a negative
        label) and half negative rows of the advantaged group (which get a
        positive one). The greater label of ``y`` is the positive one.

    See Also
    --------
    AnchoringAttack : Flipped labels on points near targets instead of copies.
    SensitiveFlipAttack : Copies with the group ``s`` flipped instead.

    Examples
    --------
    >>> from skfrl.attacks import FairRepresentationPoisoner, LabelFlipAttack
    >>> from skfrl.datasets import make_biased_classification
    >>> from skfrl.models import CFair
    >>> X, y, s = make_biased_classification(n_samples=200, random_state=0)
    >>> poisoner = FairRepresentationPoisoner(
    ...     CFair(max_epochs=2), attack=LabelFlipAttack(), random_state=0)
    >>> X_res, y_res, s_res = poisoner.fit_resample(X, y, s)
    >>> bool((y_res[200:] != y[poisoner.sample_indices_[200:]]).all())
    True
    """

    _parameter_constraints: dict = {"strategy": [StrOptions({"random", "targeted"})]}

    def __init__(self, *, strategy="random"):
        self.strategy = strategy

    def craft(self, victim, X, y, s, n_poison, rng, **context):
        """Return copies with ``y`` flipped (see :meth:`BaseAttack.craft`)."""
        self._validate_params()
        name = type(self).__name__
        if self.strategy == "random":
            classes = check_binary_labels(y, name)
            idx = sample_base_indices(len(X), n_poison, rng)
        else:
            classes, _, pools = anchor_pools(y, s, name)
            sizes = (n_poison - n_poison // 2, n_poison // 2)
            idx = np.concatenate(
                [
                    rng.choice(pool, size=size, replace=size > len(pool))
                    for pool, size in zip(pools, sizes, strict=True)
                ]
            )
        flipped = classes[(y[idx] == classes[0]).astype(int)]
        return Poisons(X[idx].copy(), flipped, s[idx].copy(), idx)
