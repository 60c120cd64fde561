"""Copy-based attacks: unperturbed duplicates and duplicates with s flipped."""

from ._base import BaseAttack, Poisons, sample_base_indices

__all__ = ["DuplicateAttack", "SensitiveFlipAttack"]


class DuplicateAttack(BaseAttack):
    """Append unperturbed copies of random training rows: the honest control.

    Extra data alone changes how an adversarial victim trains, so an attack
    only "works" if it beats this control with the same base rows, which is
    what a shared ``random_state`` gives.

    Examples
    --------
    >>> from skfrl.attacks import DuplicateAttack, FairRepresentationPoisoner
    >>> from skfrl.datasets import make_biased_classification
    >>> from skfrl.models import CFair
    >>> X, y, s = make_biased_classification(n_samples=200, random_state=0)
    >>> poisoner = FairRepresentationPoisoner(
    ...     CFair(max_epochs=2), attack=DuplicateAttack(), random_state=0)
    >>> X_res, y_res, s_res = poisoner.fit_resample(X, y, s)
    >>> X_res.shape
    (220, 20)
    """

    def craft(self, victim, X, y, s, n_poison, rng, **context):
        """Return copies of ``n_poison`` random rows (see :meth:`BaseAttack.craft`)."""
        idx = sample_base_indices(len(X), n_poison, rng)
        return Poisons(X[idx].copy(), y[idx].copy(), s[idx].copy(), idx)


class SensitiveFlipAttack(BaseAttack):
    """Append copies of random training rows with their group ``s`` flipped.

    A cheap attack aimed straight at the adversary's training signal.

    Examples
    --------
    >>> from skfrl.attacks import FairRepresentationPoisoner, SensitiveFlipAttack
    >>> from skfrl.datasets import make_biased_classification
    >>> from skfrl.models import CFair
    >>> X, y, s = make_biased_classification(n_samples=200, random_state=0)
    >>> poisoner = FairRepresentationPoisoner(
    ...     CFair(max_epochs=2), attack=SensitiveFlipAttack(), random_state=0)
    >>> X_res, y_res, s_res = poisoner.fit_resample(X, y, s)
    >>> bool((s_res[200:] != s[poisoner.sample_indices_[200:]]).all())
    True
    """

    def craft(self, victim, X, y, s, n_poison, rng, **context):
        """Return copies with ``s`` flipped (see :meth:`BaseAttack.craft`)."""
        idx = sample_base_indices(len(X), n_poison, rng)
        return Poisons(X[idx].copy(), y[idx].copy(), 1 - s[idx], idx)
