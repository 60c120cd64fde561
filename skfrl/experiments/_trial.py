"""One paired trial: clean victim θ0, then every attack against the same θ0.

Pairing is what makes effects of a few hundredths of a nat visible: every
condition shares the split, θ0 (weights and optimizer state), the base rows
of the poisons (one ``random_state`` for every poisoner) and the shuffling.
"""

import copy
import time
from collections.abc import Mapping
from numbers import Real

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from ..attacks import FairRepresentationPoisoner
from ..defences import is_sanitiser
from ..metrics import (
    detection_auc,
    feature_change_frequency,
    true_positive_rate_at_fpr,
)
from ._poisoned_training import HeldOutSplit, poisoned_victim_leakage

__all__ = ["run_paired_trial", "train_target_split"]


def train_target_split(X, y, s, *, seed=0, target_fraction=0.2):
    """Split a dataset into the victim's training set and the attacker's target set.

    The split every trial uses: stratified by ``s``, seeded, then
    standardised with the training rows' statistics.

    Parameters
    ----------
    X, y, s : array-like
        The whole dataset.
    seed : int, default=0
        Seeds the split.
    target_fraction : float, default=0.2
        Share of the rows held out as the target set D_ta.

    Returns
    -------
    X_train, y_train, s_train, X_target, y_target, s_target : ndarray
        Features as standardised float32.

    Examples
    --------
    >>> from skfrl.datasets import make_biased_classification
    >>> from skfrl.experiments import train_target_split
    >>> X, y, s = make_biased_classification(n_samples=100, random_state=0)
    >>> X_tr, y_tr, s_tr, X_ta, y_ta, s_ta = train_target_split(X, y, s, seed=0)
    >>> X_tr.shape, X_ta.shape
    ((80, 20), (20, 20))
    """
    if not isinstance(target_fraction, Real) or not 0 < target_fraction < 1:
        raise ValueError(f"target_fraction must be in (0, 1); got {target_fraction!r}.")
    X_tr, X_ta, y_tr, y_ta, s_tr, s_ta = train_test_split(
        np.asarray(X, np.float64),
        np.asarray(y),
        np.asarray(s),
        test_size=target_fraction,
        random_state=seed,
        stratify=np.asarray(s),
    )
    scaler = StandardScaler().fit(X_tr)
    return (
        scaler.transform(X_tr).astype(np.float32),
        y_tr,
        s_tr,
        scaler.transform(X_ta).astype(np.float32),
        y_ta,
        s_ta,
    )


def run_paired_trial(
    X,
    y,
    s,
    *,
    victim,
    attacks,
    poison_ratio=0.1,
    seed=0,
    protocol="finetune",
    n_epochs=None,
    n_average=None,
    target_fraction=0.2,
    probe="logistic",
    strong_probes=(),
    feature_domain="infer",
    surrogate=None,
    defences=None,
):
    """Run the clean condition and each attack against one shared θ0.

    Parameters
    ----------
    X, y, s : array-like
        The whole dataset; 80/20 (``target_fraction``) into the victim's
        training set and the attacker's target set D_ta, stratified by s.
    victim : transformer
        Unfitted victim; θ0 is a clone fitted with ``random_state=seed``.
    attacks : dict of str to attack or callable
        Condition name to attack alias or object, e.g.
        ``{"duplicate": "duplicate", "eng": ENGAttack()}``, run in order. A
        callable gets the records of the conditions run so far and returns
        the attack, e.g. random noise with the norm ENG's perturbations had.
    poison_ratio : float, default=0.1
        Poisons as a fraction of the training set.
    seed : int, default=0
        Seeds the split, θ0, the poisoners (hence shared base rows) and,
        under ``retrain``, the fresh victims.
    protocol : {"finetune", "retrain", "retrain_same_init"}, default="finetune"
        Threat model, see :func:`poisoned_victim_leakage`.
    n_epochs, n_average : int, default=None
        Epochs trained on the poisoned data and epochs averaged; None gives
        10 and 5 under ``finetune``, the victim's ``max_epochs`` and a third
        of them under the retraining protocols (as the runner does).
    target_fraction : float, default=0.2
        Size of D_ta.
    probe : {"logistic", "mlp", "hgb"} or classifier, default="logistic"
        Probe of the leakage measurement (see :func:`poisoned_victim_leakage`).
    strong_probes : sequence of {"mlp", "hgb"}, default=()
        Further probes, each recorded as ``probe_bce_<name>``.
    feature_domain : "infer", "box" or FeatureDomain, default="infer"
        Where every poisoner's poisons lie (see
        :class:`~skfrl.attacks.FairRepresentationPoisoner`): records by
        default, the relaxed box of training ranges for comparison.
    surrogate : transformer, default=None
        Black-box transfer: the attacks craft against a clone of this model
        fitted on the same training set with ``random_state=seed + 500`` (the
        attacker's own model) and the poisons are evaluated on θ0. None:
        the attacks craft against θ0 itself.
    defences : dict of str to sanitiser, dict or callable, default=None
        Defence name to a sanitiser of :mod:`skfrl.defences`; or to a dict of
        victim parameters, a training-time defence set on the copy of θ0
        that trains (e.g. ``{"per_sample_clip_norm": 8.0}``, DP-SGD); or to
        a callable ``factory(theta0, X_train)`` returning either (the
        defender holds the deployed θ0 and its clean training rows, e.g. to
        build ``RecordValiditySanitiser(FeatureDomain.from_data(X_train))``).
        Every condition's training set, clean included, is then also
        trained on under each defence, so each attack is paired with
        duplicates defended the same way.

    Returns
    -------
    records : list of dict
        One per condition (``"clean"`` first) and, with ``defences``, one
        more per condition and defence (``defence`` names it, ``"none"``
        for the undefended runs), each holding ``detection_auc``,
        ``tpr_at_5_fpr`` (NaN for ``clean``), ``n_removed`` and
        ``n_poison_removed``. Every record has ``condition``, ``probe_bce``,
        ``probe_bce_by_epoch``, ``probe_bce_<name>`` of each strong probe,
        ``sensitive_entropy`` (H(s) of the scored target rows), downstream
        accuracy and fairness gaps,
        ``craft_seconds``, ``theta0_seconds``, ``n_poison``, ENG's
        ``matching_loss`` and ``relaxed_matching_loss`` (NaN for other
        attacks), mean perturbation
        norms ``fields``/``l0``/``l1``/``l2``, ``feature_change_frequency`` (per
        feature, the share of poisons that change it), and the seed.
    """
    X_tr, y_tr, s_tr, X_ta, y_ta, s_ta = train_target_split(
        X, y, s, seed=seed, target_fraction=target_fraction
    )
    held_out = HeldOutSplit.from_arrays(X_ta, y_ta, s_ta, np.random.RandomState(seed))
    start = time.perf_counter()
    theta0 = clone(victim).set_params(random_state=seed)
    theta0.fit(X_tr, y_tr, sensitive_features=s_tr)
    theta0_seconds = time.perf_counter() - start
    if surrogate is not None:
        surrogate = clone(surrogate)
        if "random_state" in surrogate.get_params():
            surrogate.set_params(random_state=seed + 500)
        surrogate.fit(X_tr, y_tr, sensitive_features=s_tr)
    common = dict(
        protocol=protocol,
        n_epochs=n_epochs,
        n_average=n_average,
        probe=probe,
        strong_probes=strong_probes,
        random_state=seed + 100,
    )
    records = [
        _record(
            "clean",
            poisoned_victim_leakage(theta0, X_tr, y_tr, s_tr, held_out, **common),
        )
    ]
    training_sets = {"clean": (X_tr, y_tr, s_tr, np.zeros(len(X_tr), bool))}
    for name, attack in attacks.items():
        if callable(attack):
            attack = attack(records)
        poisoner = FairRepresentationPoisoner(
            theta0,
            attack=attack,
            poison_ratio=poison_ratio,
            protocol=protocol,
            prefit=True,
            surrogate=surrogate,
            feature_domain=feature_domain,
            random_state=seed + 1000,
            verbose=0,  # the runner and the demo report progress per cell
        )
        start = time.perf_counter()
        X_res, y_res, s_res = poisoner.fit_resample(
            X_tr, y_tr, s_tr, X_target=X_ta, s_target=s_ta
        )
        craft_seconds = time.perf_counter() - start
        training_sets[name] = (X_res, y_res, s_res, poisoner.poison_mask_)
        result = poisoned_victim_leakage(
            theta0, X_res, y_res, s_res, held_out, **common
        )
        records.append(
            _record(
                name,
                result,
                craft_seconds=craft_seconds,
                n_poison=poisoner.n_poison_,
                matching_loss=getattr(poisoner.attack_, "matching_loss_", np.nan),
                relaxed_matching_loss=getattr(
                    poisoner.attack_, "relaxed_matching_loss_", np.nan
                ),
                feature_change_frequency=feature_change_frequency(
                    X_tr[poisoner.sample_indices_[poisoner.poison_mask_]],
                    X_res[poisoner.poison_mask_],
                ).tolist(),
                **poisoner.perturbation_norms_.mean().to_dict(),
            )
        )
    if defences:
        for record in records:
            record["defence"] = "none"
        for defence, sanitiser in defences.items():
            if callable(sanitiser) and not is_sanitiser(sanitiser):
                sanitiser = sanitiser(theta0, X_tr)
            for name, training_set in training_sets.items():
                records.append(
                    _defended_record(
                        name, defence, sanitiser, training_set, theta0, held_out, common
                    )
                )
    for record in records:
        record.update(seed=seed, theta0_seconds=theta0_seconds, protocol=protocol)
    return records


def _defended_record(
    condition, defence, sanitiser, training_set, theta0, held_out, common
):
    """Train on one condition's training set under a defence.

    A sanitiser first removes the rows it suspects; a dict of victim
    parameters (a training-time defence such as DP-SGD) is set on the copy
    of θ0 that trains on every row.
    """
    X_res, y_res, s_res, poison_mask = training_set
    start = time.perf_counter()
    if isinstance(sanitiser, Mapping):
        victim = copy.deepcopy(theta0).set_params(**sanitiser)
        removed = np.zeros(len(X_res), bool)
        kept, scores = (X_res, y_res, s_res), None
    else:
        victim = theta0
        sanitiser = copy.deepcopy(sanitiser)  # clone would unfit a prefit estimator
        kept = sanitiser.fit_resample(X_res, y_res, s_res)
        removed = np.ones(len(X_res), bool)
        removed[sanitiser.sample_indices_] = False
        scores = sanitiser.decision_scores_
    defence_seconds = time.perf_counter() - start
    detection = {"detection_auc": np.nan, "tpr_at_5_fpr": np.nan}
    if poison_mask.any() and scores is not None:
        detection = {
            "detection_auc": detection_auc(poison_mask, scores),
            "tpr_at_5_fpr": true_positive_rate_at_fpr(poison_mask, scores, fpr=0.05),
        }
    result = poisoned_victim_leakage(victim, *kept, held_out, **common)
    return _record(
        condition,
        result,
        defence=defence,
        defence_seconds=defence_seconds,
        n_poison=int(poison_mask.sum()),
        n_removed=int(removed.sum()),
        n_poison_removed=int((removed & poison_mask).sum()),
        **detection,
    )


def _record(condition, result, **extra):
    result = dict(result)
    result.pop("victim")
    return {"condition": condition, **result, **extra}
