"""A differentiable copy of a network's next training steps (MetaPoison).

:class:`UnrolledTraining` replays the optimizer a fitted network trains
with (Adam, AdamW, Adadelta or SGD, from its current state) as a function of the
training rows, so that the parameters after a few steps, and anything
computed from them, can be differentiated with respect to those rows
(Huang et al., "MetaPoison", NeurIPS 2020). The network itself is left as
it is.
"""

import math
from contextlib import contextmanager
from numbers import Real

import torch
from torch import nn
from torch.func import functional_call

__all__ = ["UnrolledTraining"]


class _Encode(nn.Module):
    """``module.encode`` as a forward pass, so that it can be called functionally."""

    def __init__(self, module):
        super().__init__()
        self.inner = module

    def forward(self, X):
        return self.inner.encode(X)


class UnrolledTraining:
    """The next training steps of ``module``, differentiable in the data.

    Parameters
    ----------
    module : torch.nn.Module
        The network: ``module(X, s)`` gives the criterion's ``y_pred`` and
        ``module.encode(X)`` the representation. Run in eval mode (stochastic
        encoders use their posterior mean, as ``training_loss`` does).
    criterion : torch.nn.Module
        Called as ``criterion(y_pred, y, s)`` with its current loss weights.
    optimizer : torch.optim.Optimizer
        The optimizer ``module`` trains with, one parameter group: Adam or
        AdamW (without ``amsgrad``), Adadelta or SGD (with or without
        momentum). Its
        hyperparameters and state (moments, step counts) start the replay.
    lr_scale : float, default=1.0
        Multiplier of the optimizer's learning rate in the replayed steps.

    Examples
    --------
    >>> import torch
    >>> from skfrl.datasets import make_biased_classification
    >>> from skfrl.models import AdvFRL
    >>> from skfrl.nn import UnrolledTraining
    >>> X, y, s = make_biased_classification(n_samples=64, random_state=0)
    >>> model = AdvFRL(max_epochs=1, random_state=0).fit(X, y, sensitive_features=s)
    >>> net = model.net_
    >>> replay = UnrolledTraining(net.module_, net.criterion_, net.optimizer_)
    >>> X_t = torch.as_tensor(X[:8], dtype=torch.float32).requires_grad_(True)
    >>> y_t, s_t = torch.as_tensor(y[:8]), torch.as_tensor(s[:8])
    >>> params = replay.run([[(X_t, y_t, s_t, 1.0)]])  # one Adam step on 8 rows
    >>> Z = replay.encode(params, X_t)
    >>> torch.autograd.grad(Z.sum(), X_t)[0].shape
    torch.Size([8, 20])
    """

    def __init__(self, module, criterion, optimizer, *, lr_scale=1.0):
        if not (isinstance(lr_scale, Real) and 0 < lr_scale < math.inf):
            raise ValueError(f"lr_scale must be a positive float; got {lr_scale!r}.")
        if len(optimizer.param_groups) != 1:
            raise ValueError(
                "optimizer must have one parameter group to be replayed; got "
                f"{len(optimizer.param_groups)}."
            )
        self._kind = _optimizer_kind(optimizer)
        self.module, self.criterion = module, criterion
        self.hyper = dict(optimizer.param_groups[0])
        self.hyper["lr"] = float(self.hyper["lr"]) * lr_scale
        self.names, self.start, self.state = [], [], []
        for name, param in module.named_parameters():
            if param.requires_grad:
                self.names.append(name)
                self.start.append(param.detach())
                self.state.append(_start_state(self._kind, optimizer.state.get(param)))
        self._encoder = _Encode(module)

    def run(self, batches):
        """Return the parameters after one step per batch, as a dict by name.

        Parameters
        ----------
        batches : list of list of tuple
            One entry per step; each a list of ``(X, y, s, weight)`` parts
            whose weighted criterion losses add up to that step's loss.

        Returns
        -------
        params : dict of str to torch.Tensor
            Differentiable with respect to every ``X`` that requires grad.
        """
        params = [p.requires_grad_(True) for p in (t.clone() for t in self.start)]
        state = [dict(s) for s in self.state]
        with _eval_mode(self.module):
            for parts in batches:
                named = dict(zip(self.names, params, strict=True))
                loss = sum(
                    weight
                    * self.criterion(functional_call(self.module, named, (X, s)), y, s)
                    for X, y, s, weight in parts
                )
                grads = torch.autograd.grad(loss, params, create_graph=True)
                params = [
                    self._step(p, g, st)
                    for p, g, st in zip(params, grads, state, strict=True)
                ]
        return dict(zip(self.names, params, strict=True))

    def encode(self, params, X):
        """Return ``module.encode(X)`` at ``params`` (a dict from :meth:`run`)."""
        with _eval_mode(self.module):
            return functional_call(
                self._encoder, {f"inner.{k}": v for k, v in params.items()}, (X,)
            )

    def _step(self, param, grad, state):
        """One optimizer step of ``param``; ``state`` is updated in place."""
        h = self.hyper
        if self._kind == "sgd":
            if h["weight_decay"]:
                grad = grad + h["weight_decay"] * param
            if h["momentum"]:
                buffer = state.get("momentum_buffer")
                buffer = (
                    grad
                    if buffer is None
                    else h["momentum"] * buffer + (1 - h["dampening"]) * grad
                )
                state["momentum_buffer"] = buffer
                grad = grad + h["momentum"] * buffer if h["nesterov"] else buffer
            return param - h["lr"] * grad
        if self._kind == "adadelta":
            if h["weight_decay"]:
                grad = grad + h["weight_decay"] * param
            rho, eps = h["rho"], h["eps"]
            state["square_avg"] = rho * state["square_avg"] + (1 - rho) * grad * grad
            step = (state["acc_delta"] + eps).sqrt() / (
                state["square_avg"] + eps
            ).sqrt()
            step = step * grad
            state["acc_delta"] = rho * state["acc_delta"] + (1 - rho) * step * step
            return param - h["lr"] * step
        beta1, beta2 = h["betas"]
        if self._kind == "adamw":
            param = param * (1 - h["lr"] * h["weight_decay"])
        elif h["weight_decay"]:
            grad = grad + h["weight_decay"] * param
        state["step"] += 1
        state["exp_avg"] = beta1 * state["exp_avg"] + (1 - beta1) * grad
        state["exp_avg_sq"] = beta2 * state["exp_avg_sq"] + (1 - beta2) * grad * grad
        # torch's own order of operations; sqrt is not differentiable at 0,
        # so a second moment still 0 is nudged
        root = (state["exp_avg_sq"] + 1e-30).sqrt()
        denominator = root / math.sqrt(1 - beta2 ** state["step"]) + h["eps"]
        step_size = h["lr"] / (1 - beta1 ** state["step"])
        return param - step_size * state["exp_avg"] / denominator


def _optimizer_kind(optimizer):
    """Return ``"adam"``, ``"adamw"``, ``"adadelta"`` or ``"sgd"``; raise otherwise."""
    kinds = {
        torch.optim.AdamW: "adamw",
        torch.optim.Adam: "adam",
        torch.optim.Adadelta: "adadelta",
        torch.optim.SGD: "sgd",
    }
    kind = kinds.get(type(optimizer))
    group = optimizer.param_groups[0]
    if kind is None or group.get("amsgrad") or group.get("maximize"):
        raise ValueError(
            "optimizer must be torch.optim.Adam or AdamW (without amsgrad or "
            "maximize), Adadelta or SGD to be replayed; got "
            f"{type(optimizer).__name__}"
            f"{' with amsgrad' if group.get('amsgrad') else ''}."
        )
    return kind


def _start_state(kind, state):
    """Return one parameter's optimizer state as plain tensors (zeros if fresh)."""
    state = state or {}
    if kind == "sgd":
        buffer = state.get("momentum_buffer")
        return {"momentum_buffer": None if buffer is None else buffer.detach()}
    if kind == "adadelta":
        return {
            key: state[key].detach() if key in state else 0.0
            for key in ("square_avg", "acc_delta")
        }
    step = state.get("step", 0)
    return {
        "step": float(step.item() if torch.is_tensor(step) else step),
        "exp_avg": state["exp_avg"].detach() if "exp_avg" in state else 0.0,
        "exp_avg_sq": state["exp_avg_sq"].detach() if "exp_avg_sq" in state else 0.0,
    }


@contextmanager
def _eval_mode(module):
    """Put ``module`` in eval mode for a block, then restore its mode."""
    was_training = module.training
    module.eval()
    try:
        yield
    finally:
        module.train(was_training)
