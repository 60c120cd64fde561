"""Spectral signatures of the per-sample training gradients at the victim."""

from numbers import Integral

import numpy as np

from ..base import check_differentiable_encoder
from ..nn import flat_grad
from ..utils import draw_seed
from ..utils._param_validation import HasMethods, Interval, StrOptions
from ._base import BaseSanitiser
from ._docstrings import fill_docstring
from ._victim import fit_defender_model

__all__ = ["GradientNormSanitiser", "SpectralSignatureSanitiser"]

#: rows whose gradients are projected together (memory: chunk x parameters)
_CHUNK = 256


def projected_sample_gradients(model, X, y, s, n_projections, seed):
    """Return each row's gradient of the training loss, randomly projected.

    Parameters
    ----------
    model : fitted DifferentiableEncoder
        The victim; the gradients are taken with respect to its
        ``encoder_parameters()``.
    X : ndarray of shape (n_samples, n_features), float32
    y, s : ndarray of int of shape (n_samples,) or None
        Label and group codes, as ``training_loss`` takes them.
    n_projections : int
        Width of the Gaussian random projection (Johnson-Lindenstrauss), which
        keeps the gradients' geometry without holding an ``n_samples x
        n_parameters`` matrix.
    seed : int
        Seeds the projection.

    Returns
    -------
    G : ndarray of shape (n_samples, n_projections), float64
    """
    import torch

    params = list(model.encoder_parameters())
    n_params = sum(p.numel() for p in params)
    device = params[0].device
    generator = torch.Generator(device="cpu").manual_seed(seed)
    projection = torch.randn(n_params, n_projections, generator=generator)
    projection = (projection / np.sqrt(n_projections)).to(device)
    X_t = torch.tensor(
        X, dtype=torch.float32, device=device
    )  # a copy: X may be read-only
    rows = []
    for start in range(0, len(X), _CHUNK):
        chunk = [
            flat_grad(
                model.training_loss(
                    X_t[i : i + 1],
                    None if y is None else y[i : i + 1],
                    None if s is None else s[i : i + 1],
                ),
                params,
            )
            for i in range(start, min(start + _CHUNK, len(X)))
        ]
        rows.append((torch.stack(chunk) @ projection).detach().cpu())
    return torch.cat(rows).double().numpy()


def spectral_scores(G, cells):
    """Return Tran et al.'s outlier score of each row of ``G``, cell by cell.

    Parameters
    ----------
    G : ndarray of shape (n_samples, n_dims)
        One vector per row (projected gradients, representations).
    cells : ndarray of int of shape (n_samples,)
        The cell of each row; cells are analysed apart.

    Returns
    -------
    scores : ndarray of shape (n_samples,)
        The squared projection of each centred row on its cell's top right
        singular vector, divided by the cell's mean of it (0 in cells of
        one row).
    """
    scores = np.zeros(len(G))
    for cell in np.unique(cells):
        rows = np.flatnonzero(cells == cell)
        if len(rows) < 2:
            continue
        centred = G[rows] - G[rows].mean(axis=0)
        top = np.linalg.svd(centred, full_matrices=False)[2][0]
        projection = (centred @ top) ** 2
        scores[rows] = projection / max(projection.mean(), np.finfo(float).tiny)
    return scores


class _GradientSanitiser(BaseSanitiser):
    """Sanitisers that score the rows' training gradients at the defender's model."""

    _parameter_constraints: dict = BaseSanitiser._parameter_constraints | {
        "estimator": [HasMethods(["fit", "transform"])],
        "prefit": ["boolean"],
        "n_projections": [Interval(Integral, 1, None, closed="left")],
    }

    def _gradients(self, X, y, s, rng):
        """Fit or take the defender's model; return the rows' projected gradients."""
        model = fit_defender_model(self, X, y, s, rng)
        check_differentiable_encoder(model, attack_name=type(self).__name__)
        classes = getattr(model, "classes_", None)
        if classes is not None and y.max() >= len(classes):
            raise ValueError(
                f"y has {y.max() + 1} classes but estimator was fitted on "
                f"{len(classes)}; sanitise data with the labels it was trained on."
            )
        return projected_sample_gradients(
            model, X, y, s, self.n_projections, draw_seed(rng)
        )


class SpectralSignatureSanitiser(_GradientSanitiser):
    r"""Remove rows whose training gradient at θ0 lies along the top singular vector.

    Tran et al.'s spectral signatures, on the quantity ENG crafts: the
    gradient of each row's training loss with respect to the victim's
    encoder parameters, at the defender's model, taken through the
    :class:`~skfrl.base.DifferentiableEncoder` protocol. Poisons that pull
    the encoder one way share a direction that the clean gradients lack;
    within each cell (class, or class and group) the gradients are centred,
    their top right singular vector found, and each row scored by its squared
    projection on it, in units of the cell's mean squared projection so that
    cells compare.

    Parameters
    ----------
    {victim_parameters}
    n_projections : int, default=256
        Width of the random projection the gradients are kept in (the victims
        have 10,000 to 20,000 encoder parameters).
    within : {"class", "class_group"}, default="class"
        The cells analysed apart: one per class, as in Tran et al., or one per
        (class, group).
    {common_parameters}

    Attributes
    ----------
    {fitted_attributes}
    estimator_ : estimator
        The fitted model whose gradients were taken.

    See Also
    --------
    SphereSanitiser : Distances in input space.

    Notes
    -----
    With :math:`g_i = P^\top \nabla_\theta L(x_i, y_i, s_i; \theta_0)`, the
    Gaussian projection :math:`P`, the cell mean :math:`\bar g` and the top
    right singular vector :math:`v` of the centred cell matrix, the score is
    :math:`\langle g_i - \bar g, v\rangle^2` divided by its mean over the
    cell. The cost is one backward pass per row: 23 s for CFair on Adult's
    36,000 rows on one CPU thread (``benchmarks/bench_defences.py``).

    References
    ----------
    Tran, Li and Madry, "Spectral Signatures in Backdoor Attacks", NeurIPS
    2018.

    Examples
    --------
    >>> from skfrl.datasets import make_biased_classification
    >>> from skfrl.defences import SpectralSignatureSanitiser
    >>> from skfrl.models import CFair
    >>> X, y, s = make_biased_classification(n_samples=200, random_state=0)
    >>> victim = CFair(max_epochs=2, random_state=0).fit(X, y, sensitive_features=s)
    >>> spectral = SpectralSignatureSanitiser(victim, prefit=True, random_state=0)
    >>> X_kept, y_kept, s_kept = spectral.fit_resample(X, y, s)
    >>> spectral.decision_scores_.shape
    (200,)
    """

    _parameter_constraints: dict = _GradientSanitiser._parameter_constraints | {
        "within": [StrOptions({"class", "class_group"})],
    }

    def __init__(
        self,
        estimator,
        *,
        prefit=False,
        n_projections=256,
        within="class",
        contamination=0.1,
        sensitive_feature_ids=None,
        random_state=None,
    ):
        self.estimator = estimator
        self.prefit = prefit
        self.n_projections = n_projections
        self.within = within
        self.contamination = contamination
        self.sensitive_feature_ids = sensitive_feature_ids
        self.random_state = random_state

    @property
    def needs_sensitive_features(self):
        return self.within == "class_group"

    def _score_samples(self, X, y, s, rng):
        G = self._gradients(X, y, s, rng)
        cells = y if self.within == "class" else y * 2 + s
        return spectral_scores(G, cells)


fill_docstring(SpectralSignatureSanitiser)


class GradientNormSanitiser(_GradientSanitiser):
    """Remove the rows whose training gradient at θ0 is the largest.

    The bound of Liu et al. needs ``P > N ε / (γ ‖g_p‖)`` poisons: the
    attack wins with poisons that pull hard. This sanitiser scores each row
    by the norm of its training-loss gradient with respect to the victim's
    encoder parameters at the defender's model (through the
    :class:`~skfrl.base.DifferentiableEncoder` protocol, in the random
    projection of :func:`projected_sample_gradients`, which keeps norms),
    divided by the median norm of its class so that classes compare.

    Parameters
    ----------
    {victim_parameters}
    n_projections : int, default=256
        Width of the random projection the gradients are kept in.
    {common_parameters}

    Attributes
    ----------
    {fitted_attributes}
    estimator_ : estimator
        The fitted model whose gradients were taken.

    See Also
    --------
    SpectralSignatureSanitiser : The direction of the gradients, not their size.
    skfrl.nn.private_gradients : Clipping the norms during training instead.

    Examples
    --------
    >>> from skfrl.datasets import make_biased_classification
    >>> from skfrl.defences import GradientNormSanitiser
    >>> from skfrl.models import CFair
    >>> X, y, s = make_biased_classification(n_samples=200, random_state=0)
    >>> victim = CFair(max_epochs=2, random_state=0).fit(X, y, sensitive_features=s)
    >>> norms = GradientNormSanitiser(victim, prefit=True, random_state=0)
    >>> X_kept, y_kept, s_kept = norms.fit_resample(X, y, s)
    >>> X_kept.shape
    (180, 20)
    """

    def __init__(
        self,
        estimator,
        *,
        prefit=False,
        n_projections=256,
        contamination=0.1,
        sensitive_feature_ids=None,
        random_state=None,
    ):
        self.estimator = estimator
        self.prefit = prefit
        self.n_projections = n_projections
        self.contamination = contamination
        self.sensitive_feature_ids = sensitive_feature_ids
        self.random_state = random_state

    def _score_samples(self, X, y, s, rng):
        G = self._gradients(X, y, s, rng)
        norms = np.linalg.norm(G, axis=1)
        scores = np.empty(len(X))
        for cell in np.unique(y):
            rows = y == cell
            scores[rows] = norms[rows] / max(
                np.median(norms[rows]), np.finfo(float).tiny
            )
        return scores


fill_docstring(GradientNormSanitiser)
