r"""The paper's bound on how many poisons ENG needs, and its measured terms.

One gradient step on the mixed loss :math:`(N L_{cl} + P L_p)/(N+P)` raises
the leakage proxy on the target set, to first order, when

.. math:: \langle g_{adv}, N g_{cl} + P g_p \rangle > 0
          \;\Leftarrow\; P\,\gamma\,\|g_p\| > N\,\epsilon,

with :math:`\epsilon = \|g_{cl}\|` the clean-gradient norm at θ0 (small for
a well-trained victim, Assumption 2), :math:`\gamma = \cos(g_p, g_{adv})`
the alignment the crafting achieved and :math:`\|g_p\|` the norm of the
poisons' mean-loss gradient. Hence the minimal poisoning ratio
:math:`P/N > \epsilon / (\gamma \|g_p\|)` (Liu et al. 2024, §4; constants
reconstructed, see the user guide).
"""

import math

import numpy as np
import torch

from .nn import flat_grad, make_proxy
from .utils import check_X_y_s

__all__ = ["bound_terms", "min_poison_ratio"]


def min_poison_ratio(clean_grad_norm, cosine, poison_grad_norm):
    """Return the smallest poisoning ratio P/N the bound allows.

    Parameters
    ----------
    clean_grad_norm : float
        ε, the norm of the clean training loss's gradient at θ0.
    cosine : float
        γ, the cosine between the poisons' gradient and the target gradient.
    poison_grad_norm : float
        ‖g_p‖, the norm of the poisons' mean-loss gradient.

    Returns
    -------
    ratio : float
        ``ε / (γ ‖g_p‖)``; ``inf`` when γ ≤ 0 (the poisons do not align).

    Examples
    --------
    >>> from skfrl.theory import min_poison_ratio
    >>> min_poison_ratio(0.05, 0.5, 1.0)
    0.1
    """
    for name, value in [
        ("clean_grad_norm", clean_grad_norm),
        ("poison_grad_norm", poison_grad_norm),
    ]:
        if not value >= 0:
            raise ValueError(f"{name} must be non-negative; got {value!r}.")
    if not -1 <= cosine <= 1:
        raise ValueError(f"cosine must be in [-1, 1]; got {cosine!r}.")
    if cosine <= 0 or poison_grad_norm == 0:
        return math.inf
    return clean_grad_norm / (cosine * poison_grad_norm)


def bound_terms(
    poisoner,
    X,
    y,
    sensitive_features,
    X_res,
    y_res,
    s_res,
    *,
    X_target=None,
    s_target=None,
):
    """Measure ε, γ and ‖g_p‖ on a fitted poisoner and predict the minimal ratio.

    Parameters
    ----------
    poisoner : FairRepresentationPoisoner
        Fitted, with a victim implementing the
        :class:`~skfrl.base.DifferentiableEncoder` protocol.
    X, y, sensitive_features : array-like
        The clean training data given to ``fit_resample``.
    X_res, y_res, s_res : array-like
        What ``fit_resample`` returned (explicit mode).
    X_target, s_target : array-like, default=None
        The target set, if it was passed to ``fit_resample``; otherwise the
        rows ``poisoner.target_indices_`` of ``X``.

    Returns
    -------
    terms : dict
        ``clean_grad_norm`` (ε), ``cosine`` (γ), ``poison_grad_norm``,
        ``predicted_min_ratio`` and the ratio actually used,
        ``poison_ratio``.
    """
    victim = poisoner.estimator_
    X32, y_arr, s_codes, groups = check_X_y_s(X, y, sensitive_features, s_required=True)
    if X_target is None:
        X_target, s_target = (
            X32[poisoner.target_indices_],
            s_codes[poisoner.target_indices_],
        )
    else:
        X_target, _, s_target, _ = check_X_y_s(
            X_target, None, s_target, s_required=True
        )
    params = list(victim.encoder_parameters())
    device = params[0].device
    X_t = torch.as_tensor(X_target, device=device)
    s_t = torch.as_tensor(s_target, device=device)
    proxy_name = getattr(poisoner.attack_, "proxy_", "fld")
    proxy = make_proxy(proxy_name, lambda: victim.encode_tensor(X_t), s_t)
    g_adv = flat_grad(-proxy(victim.encode_tensor(X_t), s_t), params)
    # training_loss takes codes; the poisons' labels are among the clean ones
    classes, y_codes = np.unique(y_arr, return_inverse=True)
    g_clean = flat_grad(victim.training_loss(X32, y_codes, s_codes), params)
    mask = poisoner.poison_mask_
    X_p = np.asarray(X_res, dtype=np.float32)[mask]
    y_p = np.searchsorted(classes, np.asarray(y_res)[mask])
    s_p = np.searchsorted(groups, np.asarray(s_res)[mask])
    g_p = flat_grad(victim.training_loss(X_p, y_p, s_p), params)
    terms = {
        "clean_grad_norm": g_clean.norm().item(),
        "cosine": torch.nn.functional.cosine_similarity(g_p, g_adv, dim=0).item(),
        "poison_grad_norm": g_p.norm().item(),
        "poison_ratio": poisoner.n_poison_ / len(X32),
    }
    terms["predicted_min_ratio"] = min_poison_ratio(
        terms["clean_grad_norm"], terms["cosine"], terms["poison_grad_norm"]
    )
    return terms
