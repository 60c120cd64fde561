"""Differentiable leakage proxies an attacker maximises, and flat gradients.

The ENG attack raises a proxy of I(Z; s) on its target set by matching the
poisons' parameter gradient to the proxy's; :mod:`skfrl.theory` evaluates the
same quantities at a fitted victim.
"""

import torch
import torch.nn.functional as F
from sklearn.linear_model import LogisticRegression

from .losses import euclidean_score, fld_score, sfld_score

__all__ = ["flat_grad", "make_proxy"]


def _probe_proxy(Z_clean, s):
    """Minus the BCE of a logistic probe fitted once on the clean ``Z``.

    The probe is frozen at θ0, so the proxy rewards moving ``Z`` in the
    direction in which that probe already separates the groups.
    """
    probe = LogisticRegression(max_iter=1000).fit(
        Z_clean.detach().cpu().numpy(), s.cpu().numpy()
    )
    weight = torch.as_tensor(probe.coef_[0], dtype=Z_clean.dtype, device=Z_clean.device)
    bias = float(probe.intercept_[0])

    def proxy(Z, s_codes):
        logits = Z @ weight + bias
        return -F.binary_cross_entropy_with_logits(logits, s_codes.to(Z.dtype))

    return proxy


def make_proxy(name, encode_clean, s):
    """Return ``proxy(Z, s) -> scalar`` to maximise, by name.

    Parameters
    ----------
    name : {"fld", "sfld", "euclidean", "probe_bce"}
        Fisher discriminant score, its diagonal simplification, the squared
        distance of group means, or minus the BCE of a probe frozen at θ0.
    encode_clean : callable
        Returns the clean victim's ``Z`` of the target set (``probe_bce`` only).
    s : torch.Tensor
        Target-set group codes.
    """
    if name == "fld":
        return fld_score
    if name == "sfld":
        return sfld_score
    if name == "euclidean":
        return euclidean_score
    if name == "probe_bce":
        with torch.no_grad():
            return _probe_proxy(encode_clean(), s)
    raise ValueError(
        f"proxy must be one of 'fld', 'sfld', 'euclidean', 'probe_bce'; got {name!r}."
    )


def flat_grad(output, params, *, create_graph=False):
    """Return the gradient of ``output`` w.r.t. ``params`` as one flat vector.

    Parameters
    ----------
    output : torch.Tensor
        A scalar.
    params : list of torch.Tensor
        The tensors to differentiate with respect to; one that ``output``
        does not depend on contributes zeros.
    create_graph : bool, default=False
        Keep the graph, so that the gradient itself is differentiable (as
        gradient matching needs).

    Returns
    -------
    gradient : torch.Tensor of shape (sum of the parameters' sizes,)
    """
    grads = torch.autograd.grad(
        output, params, create_graph=create_graph, allow_unused=True
    )
    return torch.cat(
        [
            torch.zeros_like(p).flatten() if g is None else g.flatten()
            for g, p in zip(grads, params, strict=True)
        ]
    )
