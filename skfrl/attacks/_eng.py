"""ENG: elastic-net penalised gradient matching (Liu et al., ICLR 2024).

Poisons start as copies of training rows; only their features move,
``x = x0 + delta``. ``delta`` minimises

    1 - cos(grad_theta L_victim(poisons), grad_theta(-proxy(Z_target)))
    + l1_weight * mean_j |delta_j|_1 + l2_weight * mean_j |delta_j|_2^2

so that a training step on the poisons raises the leakage proxy on the
target set. The smooth part takes Adam steps, the L1 part a proximal
(soft-threshold) step scaled by Adam's per-coordinate step size, so delta
is exactly sparse; every step ends with a clip to the feature domain's range.

Under a record domain (the poisoner's default) the loss is evaluated at the
nearest *record* of each relaxed poison (one level per one-hot group, a
training value in each discrete column), and its gradient passed straight
through to the relaxed point (a straight-through estimator), whose discrete
coordinates are scaled by their gap so that a level can flip within a few
steps. The returned poisons are those records, improved by a greedy
search over their fields (``search_steps``).
"""

import copy
import math
from contextlib import contextmanager
from numbers import Integral, Real

import numpy as np
import pandas as pd
import torch
from sklearn.base import clone
from tqdm.auto import tqdm

from ..nn import UnrolledTraining, flat_grad, make_proxy
from ..utils import draw_seed, show_progress
from ..utils._param_validation import Interval, StrOptions
from ._base import BaseAttack, Poisons, check_finite_poisons, sample_base_indices
from ._record_search import RecordSearch, greedy_record_search

__all__ = ["ENGAttack"]

_BETAS = (0.9, 0.999)
_DECAY_AT = (3 / 8, 5 / 8, 7 / 8)
#: A default of ``search_steps``: one round of the record search per descent step.
_AS_MANY_AS_MAX_ITER = "max_iter"
#: Crafting defaults by threat model: fine-tuning needs a light touch; a
#: victim retrained from scratch needs Witches'-Brew-style ensembles.
_PROTOCOL_DEFAULTS = {
    "finetune": dict(
        proxy="probe_bce",
        magnitude_weight=1.0,
        magnitude_cap=2.0,
        max_iter=50,
        n_init=1,
        n_surrogates=1,
        match_epochs=(0, 1, 2),
        refresh_lookahead=3,
        search_steps=_AS_MANY_AS_MAX_ITER,
    ),
    "retrain": dict(
        proxy="fld",
        magnitude_weight=0.0,
        magnitude_cap=math.inf,
        max_iter=400,
        n_init=2,
        n_surrogates=3,
        match_epochs=(0,),
        refresh_lookahead=0,
        search_steps=0,
    ),
}
# Retraining from θ0's initial weights ends near θ0: craft as for fine-tuning.
_PROTOCOL_DEFAULTS["retrain_same_init"] = _PROTOCOL_DEFAULTS["finetune"]
#: What ``objective="unrolled"`` changes in the fine-tune defaults: it replays
#: from the epoch-2 look-ahead copy alone, which on Adult leaked as much as
#: replaying from θ0 and epochs 1 and 2 in a third to a half of the time.
_UNROLLED_DEFAULTS = {"match_epochs": (2,)}


class ENGAttack(BaseAttack):
    r"""Elastic-net gradient matching: the white-box attack of Liu et al.

    With its defaults under fine-tuning, ENG matches the gradient of a
    logistic probe's loss, rewards the size of the poisons' pull up to twice
    their base rows' own, descends for 50 steps while re-training its
    look-ahead copies on the current poisons three times, then searches the
    records for 50 rounds of field edits: the strongest recipe measured on
    Adult over the five victims (see the user guide's results). Under
    ``protocol="retrain"`` it keeps the paper's objective (Fisher's score,
    the cosine alone) in a Witches'-Brew ensemble.

    Parameters
    ----------
    proxy : {"fld", "sfld", "euclidean", "probe_bce"}, default=None
        The differentiable stand-in for I(Z; s) maximised on the target
        set: Fisher's discriminant score (the paper's choice), its diagonal
        simplification, the squared distance of the group means, or minus
        the BCE of a logistic probe fitted on each matched network's ``Z``
        of the target set (again at each refresh of the look-ahead copies)
        and then frozen. None gives ``"probe_bce"`` under
        ``protocol="finetune"`` and ``"fld"`` under ``"retrain"``. Alone,
        the probe's loss is level with Fisher's score on Adult; with the
        capped magnitude reward it is ahead (see the user guide's results).
    l1_weight : float, default=1e-4
        λ1, weight of the mean L1 norm of the perturbations (sparsity).
    l2_weight : float, default=1e-4
        λ2, weight of the mean squared L2 norm (size).
    max_iter : int, default=None
        Descent steps per restart; None gives 50 under
        ``protocol="finetune"`` (followed by the record search, see
        ``search_steps``; 100 steps without it were the default before and
        gave weaker records, see the user guide) and 400 under
        ``"retrain"``.
    step_size : float, default=0.05
        Adam learning rate, divided by 10 at 3/8, 5/8 and 7/8 of the steps.
    n_init : int, default=None
        Restarts; the one with the lowest final objective is kept. None
        gives 1 (fine-tune) or 2 (retrain).
    n_surrogates : int, default=None
        Victims the gradients are matched on, averaged: the clean victim plus
        ``n_surrogates - 1`` copies trained with other seeds (Witches' Brew).
        None gives 1 (fine-tune) or 3 (retrain).
    match_epochs : tuple of int, default=None
        Where along the fine-tuning trajectory gradients are matched: 0 is
        the clean victim θ0, ``k > 0`` a copy of θ0 continued for ``k``
        epochs (``partial_fit``) on the training data plus unperturbed
        copies of the base rows, i.e. where fine-tuning will take θ0.
        ``(0,)`` is the paper's recipe. Each point costs one more gradient
        evaluation per step: on Adult, ``(2,)`` crafted in less time than
        one clean training (0.3–0.6×, against 0.7–1.5× for ``(0, 1, 2)``)
        with 55–75 % of the effect (see the user guide). None gives
        ``(0, 1, 2)`` under ``protocol="finetune"`` (matching at θ0 alone
        did not beat duplicates on Adult), ``(2,)`` there with
        ``objective="unrolled"`` (replaying from θ0 and epoch 1 as well
        leaked no more and took two to three times as long) and ``(0,)`` under
        ``"retrain"``.
        Epochs above 0 need ``partial_fit``.
    magnitude_weight : float, default=None
        β, weight of a reward for the size of the poisons' pull along the
        target direction: the objective subtracts
        ``β · <g_p, g_adv> / (|g_adv| |g_p(x0)|)``, the projection of the
        poisons' gradient on the target direction relative to the base
        rows' own gradient norm (counted up to ``magnitude_cap``). 0 is the
        paper's cosine alone, which ignores ``|g_p|`` although its bound
        needs it large. None gives 1 under ``protocol="finetune"``, the
        weight with which AdvFRL leaked on Adult with poisons that keep
        ``s`` (not reproduced on later machines; see the user guide's
        results), and 0 under ``"retrain"``.
    magnitude_cap : float, default=None
        Largest norm ratio ``|g_p| / |g_p(x0)|`` the magnitude reward
        counts: beyond it the reward is ``β · cos · magnitude_cap``, a
        multiple of the cosine, so the descent seeks direction only;
        ``float("inf")`` counts any ratio. None gives 2 under
        ``protocol="finetune"`` and ``inf`` under ``"retrain"``. Uncapped,
        the record search took CFair's poisons on Adult to 60–80 times
        their base rows' norm at the cost of the cosine, and the reward
        cost CFair and CFair-EO what it gave AdvFRL; capped at 2, it keeps
        CFair's effect, and a cap of 4 gave CFair more and AdvFRL less
        (see the user guide's results).
    match_on : {"encoder", "last_layer"}, default="encoder"
        Parameters whose gradients are matched: all encoder parameters, or
        only the last two tensors (weight and bias of the layer giving Z).
    match_samples : int, default=None
        Stochastic encoders (ICVAE) only: the poisons' gradient is the mean
        over this many reparameterised samples of ``z``, as training takes
        it, instead of the gradient at the posterior mean (None). The
        standard normal draws are fixed for the whole craft (drawn from the
        attack's ``random_state``), so the objective stays deterministic;
        each sample costs one more loss evaluation per matched network and
        step. With ``objective="unrolled"`` it changes only the recorded
        matching diagnostics: the replayed steps use the posterior mean.
        Needs a victim whose ``training_loss`` takes ``noise``
        (:class:`~skfrl.base.DifferentiableEncoder`). Its measured effect
        is in the user guide's results.
    flip_sensitive : bool, default=False
        Give poisons the opposite group of their base row (the paper keeps
        it; flipping is a stronger attacker). With Fisher's score and an
        uncapped reward of weight 4 (``proxy="fld", magnitude_weight=4,
        magnitude_cap=float("inf")``) it is the strongest setting measured
        against AdvFRL on Adult (see the user guide's results).
    objective : {"matching", "unrolled"}, default="matching"
        What the descent minimises: ``"matching"`` the gradient-matching
        loss above; ``"unrolled"`` (MetaPoison, Huang et al. 2020) minus the
        proxy on the target set after ``unroll_steps`` differentiable steps
        of the victim's own optimizer (its state included) from each
        matched point (in place of the matching loss and the magnitude
        reward), on fixed clean mini-batches plus the poisons weighted by
        their share of the poisoned set, so that the adversaries' and
        fairness terms' answer to the poisons within those steps is part of
        the objective. It is counted relative to unperturbed copies of the
        base rows, in units of the proxy's change over the same steps with
        them. Slower (with its default ``match_epochs=(2,)``, 1.1–2.6
        trainings of crafting on Adult at 10 % against 0.9–1.4 for
        matching); meant for fine-tuning (retrained from θ0's initial
        weights, CFair leaked less with it than with matching); needs a
        victim trained by skfrl's networks (``net_``
        with ``module_``, ``criterion_`` and an Adam, AdamW, Adadelta or
        SGD ``optimizer_``). Its measured effect is in the user guide's
        results.
    unroll_steps : int, default=3
        Optimizer steps replayed by ``objective="unrolled"``.
    unroll_lr_scale : float, default=1.0
        Multiplier of the victim's learning rate in the replayed steps
        (``objective="unrolled"``): above 1, each step stands for several.
    init_scale : float, default=0.01
        Perturbations start uniform in ``[-init_scale, init_scale]``.
    refresh_lookahead : int, default=None
        Times the look-ahead copies (``match_epochs`` above 0) are
        re-trained during the descent, at evenly spaced steps: from θ0, on
        the training data plus the *current* poisons instead of their
        unperturbed base rows, so that the matched points show how
        fine-tuning (the victim's fairness term and adversaries included)
        answers the poisons. Each refresh costs the look-ahead training
        once more, and ``matching_loss_`` is then measured on the copies of
        the last refresh. 0 keeps the copies trained before the descent
        (and there is nothing to refresh without look-ahead copies). None
        gives 3 under ``protocol="finetune"`` (with the record search, the
        strongest records measured on CFair and CFair-EO; see the user
        guide's results) and 0 under ``"retrain"``.
    search_steps : int, default=None
        Under a record domain, rounds of greedy field edits on the records
        the descent ends at (HotFlip-style, Ebrahimi et al. 2018):
        each round scores every value of every field of every poison by the
        objective's gradient per unit of distance, applies the best edit of
        as many poisons as lower the objective, and stops early when none
        does. 0 skips the search; it does nothing in the relaxed box. None
        gives as many rounds as descent steps (``max_iter``) under
        ``protocol="finetune"`` and 0 under ``"retrain"`` (not measured
        there). Its measured effect is in the user guide's results.
    verbose : int or None, default=0
        1 shows a tqdm bar over the crafting steps, None shows it in
        interactive sessions only (see :func:`~skfrl.utils.show_progress`).
        Run by :class:`FairRepresentationPoisoner`, ENG advances the
        poisoner's bar instead when that one is shown.

    Attributes
    ----------
    history_ : pandas.DataFrame
        One row per step and restart: ``restart``, ``step``, ``phase``
        (``"descent"``, or ``"search"`` for a round of the record search
        that kept an edit), ``matching_loss`` (1 − cos), ``proxy_slope``
        (⟨g_p, g_adv⟩, the first-order gain of the proxy per unit of
        learning rate),
        ``poison_grad_norm``, ``pull_ratio`` (``|g_p| / |g_p(x0)|``, the
        poisons' gradient norm over their base rows', which
        ``magnitude_cap`` bounds), ``l0``, ``l1``, ``l2`` (mean per poison);
        with ``objective="unrolled"`` also ``unrolled_gain``, the proxy after
        the replayed steps minus the same with the base rows.
    best_restart_ : int
        Index of the restart kept.
    matching_loss_ : float
        1 − cos of the returned poisons (records under a record domain).
    relaxed_matching_loss_ : float
        1 − cos at the relaxed poisons before the projection onto records
        (equal to ``matching_loss_`` without a record domain).
    proxy_ : str
        The proxy used (``proxy``, or its default under the protocol).
    proxy_clean_ : float
        The proxy on the target set at the clean victim.

    Notes
    -----
    With :math:`g_{adv} = \nabla_\theta[-\mathrm{proxy}(f_\theta(X_{ta}), s_{ta})]`
    and :math:`g_p(\delta) = \nabla_\theta L(\theta_0; x_0 + \delta, y, s)`,
    ENG solves

    .. math:: \min_\delta\; 1 - \cos(g_p(\delta), g_{adv})
              + \lambda_1 \overline{\|\delta_j\|_1}
              + \lambda_2 \overline{\|\delta_j\|_2^2}
              \quad \text{s.t. } x_0 + \delta \in \mathcal{D},

    with :math:`\mathcal{D}` the poisoner's feature domain: records by
    default (``FairRepresentationPoisoner(feature_domain="infer")``), the
    relaxed box of training ranges with ``feature_domain="box"``.

    References
    ----------
    Liu et al., "Towards Poisoning Fair Representations", ICLR 2024.
    Geiping et al., "Witches' Brew", ICLR 2021.

    Examples
    --------
    >>> from skfrl.attacks import ENGAttack, FairRepresentationPoisoner
    >>> from skfrl.datasets import make_biased_classification
    >>> from skfrl.models import CFair
    >>> X, y, s = make_biased_classification(n_samples=200, random_state=0)
    >>> attack = ENGAttack(max_iter=5)
    >>> poisoner = FairRepresentationPoisoner(
    ...     CFair(max_epochs=2), attack=attack, random_state=0)
    >>> X_res, y_res, s_res = poisoner.fit_resample(X, y, s)
    >>> int((poisoner.attack_.history_["phase"] == "descent").sum())
    5
    """

    needs_gradients = True

    _parameter_constraints: dict = {
        "proxy": [StrOptions({"fld", "sfld", "euclidean", "probe_bce"}), None],
        "l1_weight": [Interval(Real, 0, None, closed="left")],
        "l2_weight": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left"), None],
        "step_size": [Interval(Real, 0, None, closed="neither")],
        "n_init": [Interval(Integral, 1, None, closed="left"), None],
        "n_surrogates": [Interval(Integral, 1, None, closed="left"), None],
        "match_epochs": [tuple, None],
        "magnitude_weight": [Interval(Real, 0, None, closed="left"), None],
        "magnitude_cap": [Interval(Real, 0, None, closed="right"), None],
        "match_on": [StrOptions({"encoder", "last_layer"})],
        "match_samples": [Interval(Integral, 1, None, closed="left"), None],
        "flip_sensitive": ["boolean"],
        "objective": [StrOptions({"matching", "unrolled"})],
        "unroll_steps": [Interval(Integral, 1, None, closed="left")],
        "unroll_lr_scale": [Interval(Real, 0, None, closed="neither")],
        "init_scale": [Interval(Real, 0, None, closed="left")],
        "refresh_lookahead": [Interval(Integral, 0, None, closed="left"), None],
        "search_steps": [Interval(Integral, 0, None, closed="left"), None],
        "verbose": ["verbose", None],
    }

    def __init__(
        self,
        *,
        proxy=None,
        l1_weight=1e-4,
        l2_weight=1e-4,
        max_iter=None,
        step_size=0.05,
        n_init=None,
        n_surrogates=None,
        match_epochs=None,
        magnitude_weight=None,
        magnitude_cap=None,
        match_on="encoder",
        match_samples=None,
        flip_sensitive=False,
        objective="matching",
        unroll_steps=3,
        unroll_lr_scale=1.0,
        init_scale=0.01,
        refresh_lookahead=None,
        search_steps=None,
        verbose=0,
    ):
        self.proxy = proxy
        self.l1_weight = l1_weight
        self.l2_weight = l2_weight
        self.max_iter = max_iter
        self.step_size = step_size
        self.n_init = n_init
        self.n_surrogates = n_surrogates
        self.match_epochs = match_epochs
        self.magnitude_weight = magnitude_weight
        self.magnitude_cap = magnitude_cap
        self.match_on = match_on
        self.match_samples = match_samples
        self.flip_sensitive = flip_sensitive
        self.objective = objective
        self.unroll_steps = unroll_steps
        self.unroll_lr_scale = unroll_lr_scale
        self.init_scale = init_scale
        self.refresh_lookahead = refresh_lookahead
        self.search_steps = search_steps
        self.verbose = verbose

    def resolved_params(self, protocol="finetune"):
        """Return the crafting settings used under ``protocol``, defaults filled.

        Parameters
        ----------
        protocol : {"finetune", "retrain", "retrain_same_init"}, default="finetune"
            The threat model whose defaults replace the parameters left None;
            ``"retrain_same_init"`` takes those of ``"finetune"``.

        Returns
        -------
        settings : dict
            ``proxy`` (a str), ``magnitude_weight`` and ``magnitude_cap``
            (floats; ``inf`` for no cap), ``max_iter``, ``n_init``,
            ``n_surrogates``, ``refresh_lookahead``, ``search_steps`` (ints)
            and ``match_epochs`` (a sorted tuple of ints).

        Examples
        --------
        >>> from skfrl.attacks import ENGAttack
        >>> ENGAttack().resolved_params("retrain")  # doctest: +NORMALIZE_WHITESPACE
        {'proxy': 'fld', 'magnitude_weight': 0.0, 'magnitude_cap': inf,
         'max_iter': 400, 'n_init': 2, 'n_surrogates': 3, 'match_epochs': (0,),
         'refresh_lookahead': 0, 'search_steps': 0}
        >>> ENGAttack().resolved_params("finetune")["proxy"]
        'probe_bce'
        >>> ENGAttack(max_iter=20).resolved_params("finetune")["search_steps"]
        20
        >>> ENGAttack(objective="unrolled").resolved_params("finetune")["match_epochs"]
        (2,)
        """
        if protocol not in _PROTOCOL_DEFAULTS:
            raise ValueError(
                f"protocol must be one of {sorted(_PROTOCOL_DEFAULTS)}; "
                f"got {protocol!r}."
            )
        defaults = dict(_PROTOCOL_DEFAULTS[protocol])
        if self.objective == "unrolled" and protocol != "retrain":
            defaults.update(_UNROLLED_DEFAULTS)
        settings = {
            name: default if getattr(self, name) is None else getattr(self, name)
            for name, default in defaults.items()
        }
        if settings["search_steps"] == _AS_MANY_AS_MAX_ITER:
            settings["search_steps"] = settings["max_iter"]
        epochs = settings["match_epochs"]
        if (
            not epochs
            or len(set(epochs)) != len(epochs)
            or not all(isinstance(e, Integral) and e >= 0 for e in epochs)
        ):
            raise ValueError(
                "match_epochs must be a non-empty tuple of distinct non-negative "
                f"ints, e.g. (0, 1, 2); got {epochs!r}."
            )
        settings["match_epochs"] = tuple(sorted(int(e) for e in epochs))
        return settings

    def craft(self, victim, X, y, s, n_poison, rng, **context):
        """Craft ``n_poison`` poisons by gradient matching.

        See :meth:`BaseAttack.craft` for the parameters and return value.
        """
        self._validate_params()
        protocol = context.get("protocol", "finetune")
        settings = self.resolved_params(protocol)
        self.proxy_ = settings["proxy"]
        groups = context["groups"]
        n_init, max_iter = settings["n_init"], settings["max_iter"]
        # the search edits records: in the box there is nothing to search
        has_records = _has_records(context.get("feature_domain"))
        search_steps = settings["search_steps"] if has_records else 0
        total = n_init * (max_iter + search_steps)
        with self._progress_bar(context, total) as bar:
            # Base rows first: the same random_state then gives DuplicateAttack's
            # rows.
            idx = sample_base_indices(len(X), n_poison, rng)
            bar.set_description("ENG: surrogates")
            surrogates = self._surrogates(victim, X, y, groups[s], idx, settings, rng)
            X_target, s_target = context["X_target"], context["s_target"]
            params = [self._parameters(sur) for sur in surrogates]
            targets = [
                self._target_gradient(sur, p, X_target, s_target)
                for sur, p in zip(surrogates, params, strict=True)
            ]
            s_poison = 1 - s[idx] if self.flip_sensitive else s[idx]
            # training_loss takes codes: y's in the order of classes_ (np.unique)
            _, y_codes = np.unique(y, return_inverse=True)
            unrolled = None
            if self.objective == "unrolled":
                unrolled = self._unrolled_objective(
                    victim, (X, y_codes, s), n_poison, (X_target, s_target), rng
                )
            problem = _MatchingProblem(
                surrogates,
                params,
                [gradient for gradient, _, _ in targets],
                X[idx],
                y_codes[idx],
                s_poison,
                context.get("feature_domain"),
                (settings["magnitude_weight"], settings["magnitude_cap"]),
                unrolled,
                self._sample_noise(victim, X[idx], y_codes[idx], s_poison, rng),
                [proxy for _, _, proxy in targets],
            )
            epochs = settings["match_epochs"]
            fixed = len(surrogates) - sum(e > 0 for e in epochs)
            initial = (
                problem.surrogates,
                problem.params,
                problem.targets,
                problem.proxies,
            )

            def refresh(records):
                """Re-train the look-ahead copies on the data plus ``records``."""
                extra = (records.cpu().numpy(), y[idx], groups[s_poison])
                check_finite_poisons(extra[0], self)
                ahead = self._look_ahead(victim, (X, y, groups[s]), extra, epochs)
                ahead_params = [self._parameters(sur) for sur in ahead]
                # θ0 and the other seeds do not move: only the copies need targets
                ahead_targets = [
                    self._target_gradient(sur, p, X_target, s_target)
                    for sur, p in zip(ahead, ahead_params, strict=True)
                ]
                problem.set_surrogates(
                    surrogates[:fixed] + ahead,
                    params[:fixed] + ahead_params,
                    initial[2][:fixed] + [gradient for gradient, _, _ in ahead_targets],
                    initial[3][:fixed] + [proxy for _, _, proxy in ahead_targets],
                )

            n_refresh = settings["refresh_lookahead"] if epochs[-1] > 0 else 0
            refresh_after = _evenly_spaced_steps(n_refresh, max_iter)
            best = None
            histories = []
            bar.set_description("ENG crafting")
            for restart in range(n_init):
                generator = torch.Generator().manual_seed(draw_seed(rng))
                if restart and refresh_after:
                    problem.set_surrogates(*initial)  # the duplicates' look-ahead
                delta, history, objective, losses = self._descend(
                    problem,
                    (max_iter, search_steps),
                    generator,
                    bar,
                    (refresh_after, refresh),
                )
                history.insert(0, "restart", restart)
                histories.append(history)
                if best is None or objective < best[0]:
                    best = (objective, restart, delta, losses)
        _, self.best_restart_, delta, losses = best
        self.matching_loss_, self.relaxed_matching_loss_ = losses
        self.history_ = pd.concat(histories, ignore_index=True)
        if surrogates[0] is victim:
            self.proxy_clean_ = targets[0][1]
        else:
            theta0 = self._target_gradient(
                victim, self._parameters(victim), X_target, s_target
            )
            self.proxy_clean_ = theta0[1]
        X_poison = (problem.x0 + delta).cpu().numpy()
        return Poisons(X_poison, y[idx].copy(), s_poison, idx)

    def _unrolled_objective(self, victim, data, n_poison, target, rng):
        """Return the :class:`_UnrolledObjective` of ``objective="unrolled"``.

        ``data`` is the training set as ``(X, y codes, s codes)``; the
        replayed steps take one fixed clean mini-batch each, of the victim's
        ``batch_size`` (256 if it has none).
        """
        net = getattr(victim, "net_", None)
        if not all(hasattr(net, a) for a in ("module_", "criterion_", "optimizer_")):
            raise TypeError(
                'objective="unrolled" replays the victim\'s training steps, so it '
                "needs a victim trained by skfrl's networks (a fitted net_ with "
                f"module_, criterion_ and optimizer_); {type(victim).__name__} "
                'has none. Use objective="matching".'
            )
        X, y_codes, s_codes = data
        batch_size = min(victim.get_params().get("batch_size", 256), len(X))
        generator = torch.Generator().manual_seed(draw_seed(rng))
        device = victim.encoder_parameters()[0].device
        batches = []
        for _ in range(self.unroll_steps):
            rows = torch.randperm(len(X), generator=generator)[:batch_size].numpy()
            batches.append(
                tuple(
                    torch.as_tensor(a[rows], device=device)
                    for a in (X, y_codes.astype(np.int64), s_codes.astype(np.int64))
                )
            )
        X_target, s_target = (torch.as_tensor(a, device=device) for a in target)
        return _UnrolledObjective(
            (X_target, s_target),
            batches,
            n_poison / (len(X) + n_poison),
            self.unroll_lr_scale,
        )

    def _sample_noise(self, victim, X_base, y_codes, s_codes, rng):
        """Return the ``match_samples`` fixed standard normal draws, or None.

        Shape ``(match_samples, n_poison, n_components)``; a victim whose
        ``training_loss`` takes no ``noise`` raises a ``TypeError``.
        """
        if self.match_samples is None:
            return None
        X_one = torch.as_tensor(X_base[:1])
        n_components = victim.encode_tensor(X_one).shape[1]
        generator = torch.Generator().manual_seed(draw_seed(rng))
        noise = torch.randn(
            (self.match_samples, len(X_base), n_components), generator=generator
        ).to(victim.encoder_parameters()[0].device)
        try:
            victim.training_loss(X_one, y_codes[:1], s_codes[:1], noise=noise[0, :1])
        except TypeError as error:
            raise TypeError(
                "match_samples averages the poisons' gradient over samples of a "
                "stochastic encoder's z, so it needs a victim whose training_loss "
                f"takes noise; {type(victim).__name__}'s does not ({error}). "
                "Leave match_samples=None."
            ) from error
        return noise

    @contextmanager
    def _progress_bar(self, context, total):
        """Yield the poisoner's progress bar if it shows one, else ENG's own."""
        shared = context.get("progress")
        if shared is not None and not shared.disable:
            shared.reset(total=total)
            yield shared
            return
        with tqdm(total=total, disable=not show_progress(self.verbose)) as bar:
            yield bar

    def _surrogates(self, victim, X, y, s_labels, idx, settings, rng):
        """Return the victims to match on: θ0, other seeds, look-ahead copies."""
        epochs = settings["match_epochs"]
        surrogates = [victim] if epochs[0] == 0 else []
        for _ in range(settings["n_surrogates"] - 1):
            surrogate = clone(victim)
            if "random_state" in surrogate.get_params():
                surrogate.set_params(random_state=draw_seed(rng))
            surrogates.append(surrogate.fit(X, y, sensitive_features=s_labels))
        # Where fine-tuning will take θ0: on clean data plus unperturbed
        # copies of the base rows.
        extra = (X[idx], y[idx], s_labels[idx])
        return surrogates + self._look_ahead(victim, (X, y, s_labels), extra, epochs)

    @staticmethod
    def _look_ahead(victim, data, extra, epochs):
        """Return copies of θ0 continued on ``data`` plus ``extra``, at ``epochs``."""
        if epochs[-1] == 0:
            return []
        X_more, y_more, s_more = (np.r_[a, b] for a, b in zip(data, extra, strict=True))
        ahead, copies = copy.deepcopy(victim), []
        for epoch in range(1, epochs[-1] + 1):
            ahead.partial_fit(X_more, y_more, sensitive_features=s_more)
            if epoch in epochs:
                # the last epoch's copy is the one trained on: nothing moves it
                copies.append(ahead if epoch == epochs[-1] else copy.deepcopy(ahead))
        return copies

    def _parameters(self, surrogate):
        params = list(surrogate.encoder_parameters())
        return params[-2:] if self.match_on == "last_layer" else params

    def _target_gradient(self, surrogate, params, X_target, s_target):
        """Return ``(g_adv, proxy value, proxy)`` at the surrogate's parameters.

        The proxy (its probe fitted at the surrogate, for ``"probe_bce"``)
        is what the unrolled objective scores there too.
        """
        X_t = torch.as_tensor(X_target, device=params[0].device)
        s_t = torch.as_tensor(s_target, device=params[0].device)
        proxy = make_proxy(self.proxy_, lambda: surrogate.encode_tensor(X_t), s_t)
        value = proxy(surrogate.encode_tensor(X_t), s_t)
        return flat_grad(-value, params).detach(), value.item(), proxy

    def _descend(self, problem, n_steps, generator, bar, refresh):
        """Proximal Adam on the scaled perturbation ``u`` (δ = width · u).

        ``n_steps = (max_iter, search_steps)``: descent steps, then rounds
        of the record search.
        ``refresh = (steps, function)``: after each of ``steps``,
        ``function(records)`` re-trains the look-ahead copies on the
        current records. Returns
        ``(delta, history, final objective, (matching loss, relaxed matching
        loss))``; ``delta`` moves the base rows onto the domain's records.
        """
        x0, (low, high), width = problem.x0, problem.bounds, problem.width
        max_iter, search_steps = n_steps
        delta = (torch.rand(x0.shape, generator=generator) * 2 - 1).to(
            x0.device
        ) * self.init_scale
        u = (torch.clamp(x0 + delta, low, high) - x0) / width
        first, second = torch.zeros_like(u), torch.zeros_like(u)
        l1_grad_scale = self.l1_weight / len(x0)  # d/d|delta_ij| of the mean L1 term
        rows = []
        nearest = problem.nearest(x0 + width * u)  # the records of the current u
        refresh_after, refresh_lookahead = refresh
        for step in range(1, max_iter + 1):
            if step - 1 in refresh_after:
                refresh_lookahead(nearest)
            lr = self.step_size * 0.1 ** sum(step > f * max_iter for f in _DECAY_AT)
            u.requires_grad_(True)
            delta = width * u
            stats = problem.matching(problem.feasible(x0 + delta, nearest))
            smooth = stats["objective"] + self.l2_weight * delta.pow(2).sum(1).mean()
            (grad,) = torch.autograd.grad(smooth, u)
            with torch.no_grad():
                first.lerp_(grad, 1 - _BETAS[0])
                second.lerp_(grad.pow(2), 1 - _BETAS[1])
                scale = lr / ((second / (1 - _BETAS[1] ** step)).sqrt() + 1e-8)
                u = u - scale * first / (1 - _BETAS[0] ** step)
                threshold = scale * l1_grad_scale * width
                u = u.sign() * (u.abs() - threshold).clamp_min(0)
                u = (torch.clamp(x0 + width * u, low, high) - x0) / width
            nearest = problem.nearest(x0 + width * u)
            rows.append(_step_record(step, stats, nearest - x0))
            bar.update()
            bar.set_postfix(
                matching_loss=f"{rows[-1]['matching_loss']:.3f}", refresh=False
            )
        relaxed = x0 + width * u.detach()
        records = problem.feasible(relaxed).detach()
        if search_steps:
            # from the exact records: the straight-through sum rounds off them
            start = problem.nearest(relaxed)
            records = self._search(problem, start, search_steps, rows, bar)
        delta = records - x0
        final_stats = problem.matching(x0 + delta)
        final = final_stats["matching_loss"].item()
        relaxed_loss = problem.matching(relaxed)["matching_loss"].item()
        objective = final_stats["objective"].item()
        objective += self.l1_weight * delta.abs().sum(1).mean().item()
        objective += self.l2_weight * delta.pow(2).sum(1).mean().item()
        return delta, pd.DataFrame(rows), objective, (final, relaxed_loss)

    def _search(self, problem, records, n_rounds, rows, bar):
        """Run ``n_rounds`` of the greedy record search from ``records``; log them."""
        x0 = problem.x0

        def evaluate(x):
            x = x.detach().requires_grad_(True)
            stats = problem.matching(x)
            delta = x - x0
            objective = (
                stats["objective"]
                + self.l1_weight * delta.abs().sum(1).mean()
                + self.l2_weight * delta.pow(2).sum(1).mean()
            )
            return (
                objective.item(),
                stats,
                lambda: torch.autograd.grad(objective, x)[0].detach(),
            )

        def on_round(stats, x):
            step = len(rows) + 1
            rows.append(_step_record(step, stats, x - x0, phase="search"))
            bar.update()

        first_search_row = len(rows)
        records = greedy_record_search(
            problem.search, records, evaluate, n_rounds, on_round
        )
        bar.update(n_rounds - (len(rows) - first_search_row))
        return records.detach()


def _discrete_columns(domain, n_features):
    """Boolean mask of ``domain``'s columns with a finite set of values."""
    if domain is None:
        return np.zeros(n_features, bool)
    return np.array([v is not None for v in domain.values])


def _has_records(domain):
    """Whether ``domain`` (a feature domain or None) holds records, not a box."""
    if domain is None:
        return False
    discrete = _discrete_columns(domain, domain.n_features)
    return bool(discrete.any() or (domain.steps > 0).any())


def _evenly_spaced_steps(n, max_iter):
    """Return the ``n`` step counts that split ``max_iter`` steps evenly, none 0."""
    return {round(k * max_iter / (n + 1)) for k in range(1, n + 1)} - {0}


def _step_record(step, stats, delta, phase="descent"):
    delta = delta.detach()
    return {
        "step": step,
        "phase": phase,
        "matching_loss": stats["matching_loss"].item(),
        "proxy_slope": stats["proxy_slope"],
        "poison_grad_norm": stats["poison_grad_norm"],
        "pull_ratio": stats["pull_ratio"],
        **(
            {"unrolled_gain": stats["unrolled_gain"]}
            if "unrolled_gain" in stats
            else {}
        ),
        "l0": (delta != 0).sum(1).float().mean().item(),
        "l1": delta.abs().sum(1).mean().item(),
        "l2": delta.norm(dim=1).mean().item(),
    }


class _MatchingProblem:
    """The poisons' fixed data, their domain and the loss over the surrogates."""

    def __init__(
        self,
        surrogates,
        params,
        targets,
        X_base,
        y_poison,
        s_poison,
        domain,
        magnitude=(0.0, math.inf),
        unrolled=None,
        noise=None,
        proxies=None,
    ):
        """``y_poison`` and ``s_poison`` are codes, as ``training_loss`` takes.

        ``magnitude`` is ``(magnitude_weight, magnitude_cap)``; ``unrolled``
        an :class:`_UnrolledObjective` that replaces the matching objective;
        ``noise`` the draws the poisons' loss is averaged over (see
        :meth:`poison_loss`), or None for the posterior mean; ``proxies``
        the target proxy at each surrogate (the unrolled objective's).
        """
        self.noise = noise
        self.magnitude_weight, self.magnitude_cap = magnitude
        self.unrolled = unrolled
        device = targets[0].device
        self.x0 = torch.as_tensor(X_base, device=device)
        self.y, self.s = (
            torch.as_tensor(codes, dtype=torch.long, device=device)
            for codes in (y_poison, s_poison)
        )
        self.domain = domain
        n_features = self.x0.shape[1]
        if domain is None:
            low, high = np.full(n_features, -np.inf), np.full(n_features, np.inf)
        else:
            low, high = domain.low, domain.high
        self.bounds = tuple(
            torch.as_tensor(b, dtype=self.x0.dtype, device=device) for b in (low, high)
        )
        discrete = _discrete_columns(domain, n_features)
        self.has_records = _has_records(domain)
        self.search = (
            RecordSearch(domain, self.x0.dtype, device) if self.has_records else None
        )
        # discrete coordinates move in units of their gap: a level can flip
        gap = np.where(discrete, np.asarray(high) - np.asarray(low), 1.0)
        self.width = torch.as_tensor(
            np.where(gap > 0, gap, 1.0), dtype=self.x0.dtype, device=device
        )
        self.set_surrogates(surrogates, params, targets, proxies)

    def set_surrogates(self, surrogates, params, targets, proxies):
        """Match on ``surrogates`` (their ``params``, towards ``targets``).

        ``proxies`` are the target proxies at the surrogates, which the
        unrolled objective scores after its replayed steps.
        """
        self.surrogates, self.params, self.targets = surrogates, params, targets
        self.proxies = proxies
        # the base rows' own gradient norm: the unit of the magnitude reward
        self.base_norms = [
            flat_grad(self.poison_loss(sur, self.x0), p).norm().item()
            for sur, p in zip(surrogates, params, strict=True)
        ]
        if self.unrolled is not None:
            self.replays = [
                self.unrolled.replay(sur, proxy, self.x0, self.y, self.s)
                for sur, proxy in zip(surrogates, proxies, strict=True)
            ]

    def poison_loss(self, surrogate, X_poison):
        """Return the surrogate's loss on the poisons, over ``noise`` if any."""
        if self.noise is None:
            return surrogate.training_loss(X_poison, self.y, self.s)
        return torch.stack(
            [
                surrogate.training_loss(X_poison, self.y, self.s, noise=noise)
                for noise in self.noise
            ]
        ).mean()

    def nearest(self, X_poison):
        """Return the nearest records of ``X_poison``, detached."""
        X_poison = X_poison.detach()
        if not self.has_records:
            return X_poison
        projected = self.domain.project(X_poison.cpu().numpy())
        return torch.as_tensor(projected, dtype=X_poison.dtype, device=X_poison.device)

    def feasible(self, X_poison, nearest=None):
        """Return the nearest records, with the gradient passed straight through.

        ``nearest`` is ``self.nearest(X_poison)`` if the caller has it.
        """
        if not self.has_records:
            return X_poison
        if nearest is None:
            nearest = self.nearest(X_poison)
        return X_poison + (nearest - X_poison).detach()

    def matching(self, X_poison):
        """Mean over surrogates of 1 − cos(g_p, g_adv) and the objective.

        The objective subtracts ``magnitude_weight`` times the projection
        of g_p on the target direction, in units of the base rows' norm,
        with the norm ratio ``|g_p| / |g_p(x0)|`` clipped at
        ``magnitude_cap``.
        """
        losses, objectives, slopes, norms, ratios = [], [], [], [], []
        unrolled = self.unrolled is not None
        for surrogate, params, target, base_norm in zip(
            self.surrogates, self.params, self.targets, self.base_norms, strict=True
        ):
            loss = self.poison_loss(surrogate, X_poison)
            g_p = flat_grad(loss, params, create_graph=not unrolled)
            cosine = torch.nn.functional.cosine_similarity(g_p, target, dim=0)
            losses.append(1 - cosine)
            objective = 1 - cosine
            if self.magnitude_weight:
                projection = g_p @ target / (target.norm() * base_norm + 1e-12)
                if math.isfinite(self.magnitude_cap):
                    # the norm ratio counts up to the cap: cos · min(ratio, cap)
                    ratio = g_p.norm() / (base_norm + 1e-12)
                    projection = projection * (self.magnitude_cap / ratio).clamp(max=1)
                objective = objective - self.magnitude_weight * projection
            objectives.append(objective)
            slopes.append((g_p.detach() @ target).item())
            norms.append(g_p.detach().norm().item())
            ratios.append(norms[-1] / (base_norm + 1e-12))
        stats = {
            "matching_loss": torch.stack(losses).mean().detach(),
            "objective": torch.stack(objectives).mean(),
            "proxy_slope": float(np.mean(slopes)),
            "poison_grad_norm": float(np.mean(norms)),
            "pull_ratio": float(np.mean(ratios)),
        }
        if unrolled:
            gains, scaled = zip(
                *(replay(X_poison) for replay in self.replays),
                strict=True,
            )
            stats["objective"] = -torch.stack(scaled).mean()
            stats["unrolled_gain"] = float(np.mean([g.item() for g in gains]))
        return stats


class _UnrolledObjective:
    """MetaPoison's objective: the target proxy after replayed training steps.

    Parameters
    ----------
    target : tuple of torch.Tensor
        ``(X_target, s_target)``.
    batches : list of tuple of torch.Tensor
        One clean mini-batch ``(X, y codes, s codes)`` per replayed step.
    poison_share : float
        The poisons' share of the poisoned training set: each step's loss is
        ``(1 - share) · L(batch) + share · L(poisons)``, the expected loss of
        a mini-batch of the poisoned set.
    lr_scale : float
        Multiplier of the victim's learning rate in the replayed steps.
    """

    def __init__(self, target, batches, poison_share, lr_scale):
        self.target, self.batches = target, batches
        self.poison_share, self.lr_scale = poison_share, lr_scale

    def replay(self, surrogate, proxy, x0, y, s):
        """Return ``gain(X_poison) -> (gain, scaled gain)`` at ``surrogate``.

        ``proxy`` is the target proxy at ``surrogate`` (as
        :func:`~skfrl.nn.make_proxy` returns it); the poisons carry the label
        and group codes ``y`` and ``s``.

        The gain is the proxy after the replayed steps with the poisons,
        minus the same with their base rows ``x0``; the scaled gain divides
        it by how far the steps with ``x0`` move the proxy.
        """
        net = surrogate.net_
        training = UnrolledTraining(
            net.module_, net.criterion_, net.optimizer_, lr_scale=self.lr_scale
        )
        X_t, s_t = self.target

        def after_steps(X_poison):
            parts = [
                [
                    (X_b, y_b, s_b, 1 - self.poison_share),
                    (X_poison, y, s, self.poison_share),
                ]
                for X_b, y_b, s_b in self.batches
            ]
            params = training.run(parts)
            return proxy(training.encode(params, X_t), s_t)

        with torch.no_grad():
            start = proxy(surrogate.encode_tensor(X_t), s_t).item()
        reference = after_steps(x0).item()
        scale = abs(reference - start) + 1e-12

        def gain(X_poison):
            value = after_steps(X_poison) - reference
            return value.detach(), value / scale

        return gain
