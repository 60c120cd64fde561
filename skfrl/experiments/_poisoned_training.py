"""Train a victim on poisoned data and measure its leakage on held-out data.

Three threat models: ``finetune`` continues the clean victim θ0 (its weights
and optimizer state, deep-copied) on the poisoned set; ``retrain`` trains a
fresh copy from scratch; ``retrain_same_init`` trains one from θ0's initial
weights (θ0's own ``random_state``). Leakage swings by several hundredths of a nat from
epoch to epoch, so the probe BCE is averaged over the last epochs.
"""

import copy
from dataclasses import dataclass
from numbers import Integral

import numpy as np
from sklearn.base import clone

from ..attacks import PROTOCOLS
from ..metrics import downstream_fairness, make_probe, probe_bce, sensitive_entropy

__all__ = ["HeldOutSplit", "poisoned_victim_leakage"]


@dataclass(frozen=True)
class HeldOutSplit:
    """Held-out target data in two halves: one fits the probes, one scores them.

    Attributes
    ----------
    X_fit, y_fit, s_fit : ndarray
        Rows the sensitive-attribute probe and the downstream classifier fit.
    X_eval, y_eval, s_eval : ndarray
        Rows they are evaluated on.
    """

    X_fit: np.ndarray
    y_fit: np.ndarray
    s_fit: np.ndarray
    X_eval: np.ndarray
    y_eval: np.ndarray
    s_eval: np.ndarray

    @classmethod
    def from_arrays(cls, X, y, s, rng):
        """Split ``(X, y, s)`` into two random halves."""
        order = rng.permutation(len(X))
        first, second = order[: len(X) // 2], order[len(X) // 2 :]
        return cls(X[first], y[first], s[first], X[second], y[second], s[second])


def _leakage(victim, held_out, probes):
    """Probe BCE of each probe, fitted on one half and scored on the other."""
    Z_fit = victim.transform(held_out.X_fit)
    Z_eval = victim.transform(held_out.X_eval)
    return {
        key: probe_bce(
            Z_eval, held_out.s_eval, probe=probe, Z_fit=Z_fit, s_fit=held_out.s_fit
        )
        for key, probe in probes.items()
    }


def protocol_epochs(protocol, victim, n_epochs=None, n_average=None):
    """Return ``(n_epochs, n_average)``, the protocol's defaults filled in.

    Fine-tuning trains 10 epochs and averages the last half; retraining
    (``"retrain"``, ``"retrain_same_init"``) trains as many epochs as one
    training of ``victim`` (its ``max_epochs``) and averages the last third.
    """
    if n_epochs is None:
        if protocol == "finetune":
            n_epochs = 10
        elif "max_epochs" in victim.get_params():
            n_epochs = victim.get_params()["max_epochs"]
        else:
            raise ValueError(
                f"protocol={protocol!r} retrains for one training of the victim, "
                f"but {type(victim).__name__} has no max_epochs: pass n_epochs."
            )
    if n_average is None:
        n_average = max(1, n_epochs // (2 if protocol == "finetune" else 3))
    if n_average > n_epochs:
        raise ValueError(
            f"n_average={n_average} exceeds the {n_epochs} epochs of the "
            f"{protocol} protocol; lower n_average or set n_epochs."
        )
    return n_epochs, n_average


def poisoned_victim_leakage(
    clean_victim,
    X_train,
    y_train,
    s_train,
    held_out,
    *,
    protocol="finetune",
    n_epochs=None,
    n_average=None,
    probe="logistic",
    strong_probes=(),
    random_state=None,
):
    """Train the victim on ``(X_train, y_train, s_train)`` and measure leakage.

    Parameters
    ----------
    clean_victim : fitted transformer with ``partial_fit``
        θ0. Never modified: ``finetune`` continues a deep copy of it,
        ``retrain`` a fresh clone seeded by ``random_state`` and
        ``retrain_same_init`` a fresh clone with θ0's own ``random_state``.
    X_train, y_train, s_train : array-like
        The (possibly poisoned) training data.
    held_out : HeldOutSplit
        The target data the leakage is measured on.
    protocol : {"finetune", "retrain", "retrain_same_init"}, default="finetune"
        Continue θ0, train from scratch, or train from θ0's initial weights.
    n_epochs : int, default=None
        Epochs of ``partial_fit``; None gives 10 under ``finetune`` and the
        victim's ``max_epochs`` (one full training) under the retraining
        protocols.
    n_average : int, default=None
        Number of last epochs whose probe BCE is averaged; None gives half
        of ``n_epochs`` under ``finetune``, a third when retraining.
    probe : {"logistic", "mlp", "hgb"} or classifier, default="logistic"
        The probe behind ``probe_bce``, see :func:`~skfrl.metrics.make_probe`;
        the default is skfrl's one default probe.
    strong_probes : sequence of {"mlp", "hgb"}, default=()
        Further probes by name, each measured after the same epochs and
        reported as ``probe_bce_<name>``.
    random_state : int or None, default=None
        Seed of the fresh victim under ``retrain``.

    Returns
    -------
    result : dict
        ``probe_bce`` (mean over the last ``n_average`` epochs),
        ``probe_bce_by_epoch`` (list), ``probe_bce_<name>`` for each strong
        probe (mean over the same epochs), ``sensitive_entropy`` (H(s) of the
        scored half), ``downstream_accuracy``,
        ``demographic_parity_difference``, ``equalized_odds_difference``
        (after the last epoch) and ``victim`` (the trained copy).
    """
    if protocol not in PROTOCOLS:
        raise ValueError(f"protocol must be one of {PROTOCOLS}; got {protocol!r}.")
    n_epochs, n_average = protocol_epochs(protocol, clean_victim, n_epochs, n_average)
    if protocol == "finetune":
        victim = copy.deepcopy(clean_victim)
    elif protocol == "retrain":
        victim = clone(clean_victim).set_params(random_state=random_state)
    elif protocol == "retrain_same_init":
        if not isinstance(clean_victim.get_params().get("random_state"), Integral):
            raise ValueError(
                "protocol='retrain_same_init' retrains from θ0's initial weights, "
                "which only an int random_state of θ0 determines; got "
                f"random_state={clean_victim.get_params().get('random_state')!r}."
            )
        victim = clone(clean_victim)
    probes = {"probe_bce": probe}
    probes.update({f"probe_bce_{name}": name for name in strong_probes})
    probes = {key: make_probe(p) for key, p in probes.items()}
    by_epoch = []
    for epoch in range(n_epochs):
        victim.partial_fit(X_train, y_train, sensitive_features=s_train)
        if epoch >= n_epochs - n_average:
            by_epoch.append(_leakage(victim, held_out, probes))
    downstream = downstream_fairness(
        victim.transform(held_out.X_fit),
        held_out.y_fit,
        victim.transform(held_out.X_eval),
        held_out.y_eval,
        sensitive_features=held_out.s_eval,
    )
    downstream.pop("metric_frame")
    return {
        **{key: float(np.mean([e[key] for e in by_epoch])) for key in probes},
        "probe_bce_by_epoch": [e["probe_bce"] for e in by_epoch],
        "sensitive_entropy": sensitive_entropy(held_out.s_eval),
        **downstream,
        "victim": victim,
    }
