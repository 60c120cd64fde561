"""Per-sample gradient clipping with Gaussian noise (DP-SGD) for one batch.

Abadi et al. (2016): each row's gradient is clipped to norm ``clip_norm``,
the clipped gradients are summed, Gaussian noise of standard deviation
``noise_multiplier * clip_norm`` is added and the sum is divided by the
batch size. Clipping bounds what any single row, a poison included, can
pull; the poisoning bound of Liu et al. needs ``P > N ε / (γ ‖g_p‖)``, and
clipping caps ``‖g_p‖``. Per-sample gradients come from ``torch.func``
(``vmap`` of ``grad`` over single rows), which needs a criterion whose batch
loss is a mean of per-row terms: ``batch_scales(y, s)`` and
``sample_losses(y_pred, y, s, scales)``.
"""

import torch
from torch.func import functional_call, grad, vmap

__all__ = ["private_gradients"]


def private_gradients(
    module, criterion, X, y, s, *, clip_norm, noise_multiplier, generator
):
    """Set ``.grad`` of ``module``'s parameters to the DP-SGD gradient of a batch.

    Parameters
    ----------
    module : torch.nn.Module
        Called as ``module(X, s)``.
    criterion : torch.nn.Module
        With ``batch_scales`` and ``sample_losses`` (see
        :class:`~skfrl.nn.AdversarialLoss`).
    X : torch.Tensor of shape (batch, n_features)
    y : torch.Tensor of shape (batch,)
        Label codes.
    s : torch.Tensor of shape (batch,) or None
        Group codes.
    clip_norm : float
        Largest norm a row's gradient (over every parameter) keeps.
    noise_multiplier : float
        Standard deviation of the noise, in units of ``clip_norm``; 0 clips
        without noise.
    generator : torch.Generator
        CPU generator of the noise.

    Returns
    -------
    per_sample_norms : torch.Tensor of shape (batch,)
        The norm of each row's gradient before clipping.
    """
    names = [name for name, p in module.named_parameters() if p.requires_grad]
    params = {
        name: p.detach() for name, p in module.named_parameters() if name in names
    }
    scales = criterion.batch_scales(y, s)

    def row_loss(params, x, y_row, s_row):
        s_one = None if s_row is None else s_row[None]
        outputs = functional_call(module, params, (x[None], s_one))
        return criterion.sample_losses(outputs, y_row[None], s_one, scales)[0]

    in_dims = (None, 0, 0, None if s is None else 0)
    grads = vmap(grad(row_loss), in_dims=in_dims)(params, X, y, s)
    flat = torch.cat([grads[name].flatten(1) for name in names], dim=1)
    norms = flat.norm(dim=1)
    factors = (clip_norm / norms.clamp_min(1e-12)).clamp(max=1.0)
    batch = len(X)
    for name, p in module.named_parameters():
        if name not in grads:
            continue
        clipped = torch.einsum("b,b...->...", factors, grads[name])
        if noise_multiplier > 0:
            noise = torch.randn(p.shape, generator=generator) * (
                noise_multiplier * clip_norm
            )
            clipped = clipped + noise.to(clipped.device)
        p.grad = clipped / batch
    return norms
