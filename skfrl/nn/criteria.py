"""Training criteria of the models, called as ``criterion(y_pred, y, s)``.

Each criterion is a module whose loss weights are buffers refreshed from the
training data by ``update_weights(y, s)`` at every ``fit``/``partial_fit``
call, so ``training_loss`` and training use the same numbers. After each
call, ``terms_`` holds the unweighted terms of the last batch (detached),
which :class:`~skfrl.nn.FRLNet` records in its history per epoch.
"""

import torch
import torch.nn.functional as F
from torch import nn

from .losses import (
    balanced_class_weights,
    gaussian_kl_standard_normal,
    pairwise_gaussian_kl,
)

__all__ = ["AdversarialLoss", "ConditionalVAELoss"]


class AdversarialLoss(nn.Module):
    """Task cross-entropy plus group-balanced adversary cross-entropies.

    Parameters
    ----------
    n_classes : int
        Number of task classes.
    fairness_weight : float
        Weight of the adversary term (μ in CFair, γ in LAFTR).
    balanced_task : bool
        Weight classes by ``1 / p_y`` (CFair's balanced error) or not.
    conditioning : {"none", "class", "positive"}
        Which rows each adversary sees: ``"none"`` all rows with one adversary
        (demographic parity); ``"class"`` the rows of class ``j`` for adversary
        ``j`` (equalised odds, CFair); ``"positive"`` only the rows of the last
        class (equal opportunity).
    """

    def __init__(self, *, n_classes, fairness_weight, balanced_task, conditioning):
        super().__init__()
        self.n_classes = n_classes
        self.fairness_weight = fairness_weight
        self.balanced_task = balanced_task
        self.conditioning = conditioning
        n_adversaries = n_classes if conditioning == "class" else 1
        self.register_buffer("task_weight", torch.ones(n_classes))
        self.register_buffer("adversary_weight", torch.ones(n_adversaries, 2))

    def _adversary_rows(self, y):
        """Boolean masks (n_adversaries, batch) of the rows each adversary sees."""
        if self.conditioning == "class":
            return torch.stack([y == j for j in range(self.n_classes)])
        if self.conditioning == "positive":
            return (y == self.n_classes - 1).unsqueeze(0)
        return torch.ones_like(y, dtype=torch.bool).unsqueeze(0)

    @torch.no_grad()
    def update_weights(self, y, s):
        """Recompute the balancing weights from the training labels."""
        if self.balanced_task and y is not None:
            self.task_weight.copy_(balanced_class_weights(y, self.n_classes))
        if s is not None and y is not None:
            # one bincount of (class, group) pairs, then balanced_class_weights'
            # formula row by row: the adversaries' rows are classes
            pairs = torch.bincount(y * 2 + s, minlength=2 * self.n_classes)
            counts = pairs.view(self.n_classes, 2).to(torch.float32)
            if self.conditioning == "positive":
                counts = counts[-1:]
            elif self.conditioning != "class":
                counts = counts.sum(dim=0, keepdim=True)
            freq = counts / counts.sum(dim=1, keepdim=True).clamp_min(1.0)
            self.adversary_weight.copy_(
                torch.where(counts > 0, 1.0 / freq.clamp_min(1e-12), 0.0)
            )

    @torch.no_grad()
    def batch_scales(self, y, s):
        """Return the batch means of the loss weights, for :meth:`sample_losses`.

        The batch loss divides weighted sums by the batch's total weight;
        with these means held fixed it is the mean of per-row terms.
        """
        task = self.task_weight.index_select(0, y).mean()
        if s is None:
            return task, None
        rows = self._adversary_rows(y).to(self.task_weight.dtype)
        adversary = (self.adversary_weight.index_select(1, s) * rows).mean(dim=1)
        return task, adversary.clamp_min(1e-12)

    def sample_losses(self, y_pred, y, s, scales):
        """Return each row's share of the batch loss: their mean is :meth:`forward`.

        Parameters
        ----------
        y_pred : tuple
            The module's outputs for the rows.
        y, s : torch.Tensor
            Their label and group codes (``s`` may be None).
        scales : tuple
            :meth:`batch_scales` of the whole batch the rows belong to.

        Returns
        -------
        losses : torch.Tensor of shape (n_rows,)
            Written with ``index_select`` only, so that ``torch.func.vmap``
            can map it over single rows (per-sample gradients).
        """
        logits, adversary_logits = y_pred
        task_scale, adversary_scale = scales
        weight = self.task_weight.index_select(0, y)
        losses = F.cross_entropy(logits, y, reduction="none") * weight / task_scale
        if adversary_logits is None or s is None or self.fairness_weight == 0:
            return losses
        rows = self._adversary_rows(y).to(logits.dtype)  # (n_adversaries, rows)
        weights = self.adversary_weight.index_select(1, s) * rows
        ce = F.cross_entropy(
            adversary_logits.flatten(0, 1), s.repeat(len(rows)), reduction="none"
        ).view_as(rows)
        per_adversary = ce * weights / adversary_scale[:, None]
        return losses + self.fairness_weight * per_adversary.mean(dim=0)

    def forward(self, y_pred, y, s):
        """Return the scalar loss of one batch."""
        logits, adversary_logits = y_pred
        loss = F.cross_entropy(logits, y, weight=self.task_weight)
        self.terms_ = {"task": loss.detach()}
        if adversary_logits is None or s is None or self.fairness_weight == 0:
            return loss
        rows = self._adversary_rows(y).to(logits.dtype)  # (n_adversaries, batch)
        weights = self.adversary_weight[:, s] * rows  # (n_adversaries, batch)
        ce = F.cross_entropy(
            adversary_logits.flatten(0, 1), s.repeat(len(rows)), reduction="none"
        ).view_as(rows)
        per_adversary = (ce * weights).sum(dim=1) / weights.sum(dim=1).clamp_min(1e-12)
        self.terms_["adversary"] = per_adversary.mean().detach()
        return loss + self.fairness_weight * per_adversary.mean()


class ConditionalVAELoss(nn.Module):
    r"""ICVAE objective of Moyer et al. (2018).

    :math:`(1+\lambda)\,\mathrm{rec} + \beta\,\mathrm{KL}(q\|N(0,I))
    + \lambda\,\overline{\mathrm{KL}}_{\mathrm{pairs}} + \alpha\,\mathrm{CE}(y)`,
    where the pairwise KL term bounds :math:`I(z; x)`; since the decoder sees
    ``s``, it bounds :math:`I(z; s)`.

    Parameters
    ----------
    fairness_weight : float
        λ, weight of the invariance terms (dropped without ``s``).
    kl_weight : float
        β, weight of the prior KL term.
    task_weight : float
        α, weight of the task cross-entropy (supervised variant only).
    """

    def __init__(self, *, fairness_weight, kl_weight, task_weight):
        super().__init__()
        self.fairness_weight = fairness_weight
        self.kl_weight = kl_weight
        self.task_weight = task_weight

    def update_weights(self, y, s):
        """Nothing to refit: the ICVAE weights are hyperparameters."""

    def forward(self, y_pred, y, s):
        """Return the scalar loss of one batch."""
        X, reconstruction, mean, log_var, logits = y_pred
        invariance = 0.0 if s is None else self.fairness_weight
        rec = 0.5 * (reconstruction - X).pow(2).sum(dim=1).mean()
        prior_kl = gaussian_kl_standard_normal(mean, log_var).mean()
        loss = (1.0 + invariance) * rec
        loss = loss + self.kl_weight * prior_kl
        self.terms_ = {"reconstruction": rec.detach(), "prior_kl": prior_kl.detach()}
        if invariance:
            pairs = pairwise_gaussian_kl(mean, log_var)
            loss = loss + invariance * pairs
            self.terms_["pairwise_kl"] = pairs.detach()
        if logits is not None and y is not None:
            task = F.cross_entropy(logits, y)
            loss = loss + self.task_weight * task
            self.terms_["task"] = task.detach()
        return loss
