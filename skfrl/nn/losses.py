"""Loss terms and differentiable leakage scores in PyTorch.

References: Zhao et al. (2020) for the balanced weights of CFair, Moyer et al.
(2018) for the Gaussian KL terms, and Fisher's linear discriminant for the
leakage proxies of the ENG attack (Liu et al., 2024).
"""

import torch

__all__ = [
    "balanced_class_weights",
    "euclidean_score",
    "fld_score",
    "gaussian_kl_standard_normal",
    "pairwise_gaussian_kl",
    "sfld_score",
]


def balanced_class_weights(labels: torch.Tensor, n_classes: int = 2) -> torch.Tensor:
    """Weights ``1 / p_k`` per class, so each class counts equally in a mean.

    Classes absent from ``labels`` get weight 0.
    """
    counts = torch.bincount(labels, minlength=n_classes).to(torch.float32)
    freq = counts / counts.sum().clamp_min(1.0)
    return torch.where(counts > 0, 1.0 / freq.clamp_min(1e-12), torch.zeros_like(freq))


def _group_moments(Z: torch.Tensor, s: torch.Tensor):
    """Means and covariances of ``Z`` within the groups ``s == 0`` and ``s == 1``."""
    moments = []
    for group in (0, 1):
        Zg = Z[s == group]
        mean = Zg.mean(dim=0)
        centred = Zg - mean
        cov = centred.T @ centred / max(Zg.shape[0] - 1, 1)  # (d, d)
        moments.append((mean, cov))
    return moments


def fld_score(Z: torch.Tensor, s: torch.Tensor, ridge: float = 1e-4) -> torch.Tensor:
    r"""Fisher linear discriminant score of ``Z`` between the two groups of ``s``.

    :math:`\Delta\mu^\top (\Sigma_0 + \Sigma_1 + \epsilon I)^{-1} \Delta\mu` with
    :math:`\epsilon = \mathrm{ridge} \cdot \mathrm{tr}(\Sigma_0 + \Sigma_1) / d`.
    """
    (mean0, cov0), (mean1, cov1) = _group_moments(Z, s)
    pooled = cov0 + cov1
    d = pooled.shape[0]
    eps = ridge * torch.trace(pooled).clamp_min(1e-12) / d
    eye = torch.eye(d, dtype=Z.dtype, device=Z.device)
    diff = mean1 - mean0
    return diff @ torch.linalg.solve(pooled + eps * eye, diff)


def sfld_score(Z: torch.Tensor, s: torch.Tensor, ridge: float = 1e-4) -> torch.Tensor:
    """Simplified FLD: the Fisher ratio with diagonal covariances."""
    (mean0, cov0), (mean1, cov1) = _group_moments(Z, s)
    var = torch.diagonal(cov0) + torch.diagonal(cov1)
    eps = ridge * var.sum().clamp_min(1e-12) / var.shape[0]
    return ((mean1 - mean0) ** 2 / (var + eps)).sum()


def euclidean_score(Z: torch.Tensor, s: torch.Tensor) -> torch.Tensor:
    """Squared Euclidean distance between the two group means of ``Z``."""
    return (Z[s == 1].mean(dim=0) - Z[s == 0].mean(dim=0)).pow(2).sum()


def gaussian_kl_standard_normal(
    mean: torch.Tensor, log_var: torch.Tensor
) -> torch.Tensor:
    """Per-sample ``KL(N(mean, exp(log_var)) || N(0, I))``, shape (batch,)."""
    return 0.5 * (mean.pow(2) + log_var.exp() - 1.0 - log_var).sum(dim=1)


def pairwise_gaussian_kl(mean: torch.Tensor, log_var: torch.Tensor) -> torch.Tensor:
    r"""Mean of ``KL(q_i || q_k)`` over all pairs of a batch of diagonal Gaussians.

    Moyer et al. (2018) bound :math:`I(z; x)` by this average, which is what
    makes the invariance penalty of ICVAE tractable.
    """
    # Expanding the mean over all (i, k) pairs, the log terms cancel and every
    # term factorises, so this is O(batch * d) instead of O(batch^2 * d):
    # 0.5 * sum_d [E[v] E[1/v] + E_k[(E[m^2] - 2 E[m] m_k + m_k^2) / v_k] - 1].
    var = log_var.exp()
    inv_var = torch.exp(-log_var)
    mean_sq = mean.pow(2).mean(dim=0)
    spread = (mean_sq - 2 * mean.mean(dim=0) * mean + mean.pow(2)) * inv_var
    per_dim = var.mean(dim=0) * inv_var.mean(dim=0) + spread.mean(dim=0) - 1.0
    return 0.5 * per_dim.sum()
