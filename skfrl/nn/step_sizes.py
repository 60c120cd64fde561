"""Per-coordinate step sizes of a fitted PyTorch optimizer.

An adaptive optimizer moves each parameter coordinate by its gradient times
a step size of its own (Adam: ``lr / (sqrt(v_hat) + eps)``). To first order
a small extra gradient ``g`` then changes the parameters by ``-P g`` with
``P`` the diagonal of these step sizes, so the change of a function ``f``
is ``-<grad f, P g>``: gradient matching in the optimizer's own metric.
"""

import torch

__all__ = ["optimizer_step_sizes"]


def _adam(state, group):
    beta2 = group["betas"][1]
    second = state["exp_avg_sq"] / (1 - beta2 ** float(state["step"]))
    return group["lr"] / (second.sqrt() + group["eps"])


def _adadelta(state, group):
    eps = group["eps"]
    return (
        group["lr"]
        * (state["acc_delta"] + eps).sqrt()
        / (state["square_avg"] + eps).sqrt()
    )


def _rmsprop(state, group):
    return group["lr"] / (state["square_avg"].sqrt() + group["eps"])


def _adagrad(state, group):
    return group["lr"] / (state["sum"].sqrt() + group["eps"])


_RULES = {
    torch.optim.Adam: _adam,
    torch.optim.AdamW: _adam,
    torch.optim.Adadelta: _adadelta,
    torch.optim.RMSprop: _rmsprop,
    torch.optim.Adagrad: _adagrad,
}


def optimizer_step_sizes(optimizer, params):
    """Return the step size of every coordinate of ``params`` under ``optimizer``.

    Parameters
    ----------
    optimizer : torch.optim.Optimizer
        A fitted optimizer: Adam, AdamW, Adadelta, RMSprop, Adagrad (their
        running statistics, frozen) or SGD (its learning rate).
    params : list of torch.Tensor
        Parameters the optimizer updates.

    Returns
    -------
    step_sizes : list of torch.Tensor
        One tensor per parameter, of its shape; a parameter the optimizer
        has not stepped yet gets its group's learning rate.

    Raises
    ------
    TypeError
        If ``optimizer`` is of another type, or a parameter is not in it.
    """
    rule = next((rule for cls, rule in _RULES.items() if type(optimizer) is cls), None)
    if rule is None and type(optimizer) is not torch.optim.SGD:
        raise TypeError(
            "optimizer must be one of SGD, Adam, AdamW, Adadelta, RMSprop or "
            "Adagrad to give per-coordinate step sizes; got "
            f"{type(optimizer).__name__}."
        )
    group_of = {id(p): g for g in optimizer.param_groups for p in g["params"]}
    sizes = []
    for p in params:
        group = group_of.get(id(p))
        if group is None:
            raise TypeError("params must be parameters the optimizer updates.")
        state = optimizer.state.get(p, {})
        if rule is None or float(state.get("step", 0)) == 0:
            sizes.append(torch.full_like(p, group["lr"]).detach())
        else:
            sizes.append(rule(state, group).detach())
    return sizes
