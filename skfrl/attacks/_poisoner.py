"""FairRepresentationPoisoner: one sampler contract for every attack."""

import copy
from numbers import Integral, Real

import numpy as np
import pandas as pd
from sklearn.base import MetaEstimatorMixin, clone
from sklearn.utils import check_array
from sklearn.utils.validation import check_is_fitted
from tqdm.auto import tqdm

from ..base import BasePoisoner, check_differentiable_encoder
from ..utils import (
    FeatureDomain,
    changed_features,
    check_poison_ratio,
    check_sensitive_features,
    draw_seed,
    perturbation_norms,
    show_progress,
)
from ..utils._param_validation import HasMethods, Interval, StrOptions, _fit_context
from ._base import PROTOCOLS, BaseAttack, check_finite_poisons
from ._records import decode_records
from ._registry import ATTACK_NAMES, resolve_attack

__all__ = ["FairRepresentationPoisoner"]


class FairRepresentationPoisoner(MetaEstimatorMixin, BasePoisoner):
    """Append crafted training rows that make a fair representation leak ``s``.

    The poisoner fits a clone of ``estimator`` on the clean data (θ0, kept as
    ``estimator_``), runs ``attack`` against it and returns the training data
    with ``round(poison_ratio * n_samples)`` poisons appended. It behaves like
    an imbalanced-learn sampler: originals first and unchanged, in the
    caller's container types.

    Parameters
    ----------
    estimator : estimator
        The victim: any transformer trained by ``fit(X, y,
        sensitive_features=s)``. White-box attacks (``"eng"``) also need the
        :class:`~skfrl.base.DifferentiableEncoder` protocol. Never modified.
    attack : str or attack object, default="eng"
        One of ``"eng"``, ``"raa"``, ``"nraa"``, ``"label_flip"``,
        ``"sensitive_flip"``, ``"random"``, ``"duplicate"``, or an attack
        object such as :class:`ENGAttack`. With an attack object, its
        hyperparameters are tunable as ``attack__<name>`` (e.g. in
        ``GridSearchCV``).
    poison_ratio : float in (0, 1), default=0.1
        Number of poisons as a fraction of the clean training set (the
        paper's poisoning ratio).
    protocol : {"finetune", "retrain", "retrain_same_init"}, default="finetune"
        The threat model the poisons are crafted for: the victim continues
        training from θ0 on the poisoned data (fine-tune), is retrained from
        a fresh initialisation (retrain: ENG then crafts on an ensemble of
        surrogates), or is retrained from θ0's initial weights (θ0's
        ``random_state``; ENG crafts as for fine-tuning). See
        :data:`PROTOCOLS`.
    target_size : float in (0, 1), default=0.2
        Without ``X_target``, the fraction of the training rows drawn as the
        attacker's target set (they stay in the returned data).
    prefit : bool, default=False
        If True, ``estimator`` (and ``surrogate``) are already fitted on the
        clean data and are deep-copied into ``estimator_`` (``surrogate_``)
        instead of refitted.
    surrogate : estimator, default=None
        Black-box transfer: the attack crafts against this model, fitted on
        the clean data (a clone, seeded by ``random_state`` when its own
        ``random_state`` is None), instead of against the victim, which
        then needs no more than the scikit-learn API. ``estimator_`` stays
        the clean victim, so the poisons can be evaluated on a model the
        attacker could not differentiate. None: craft on the victim itself
        (white box).
    feature_domain : "infer", "box", FeatureDomain or None, default="infer"
        Which rows count as records. ``"infer"``: read from the training
        ``X`` by :meth:`FeatureDomain.from_data <skfrl.utils.FeatureDomain.from_data>`
        (discrete columns keep one of their training values, one-hot groups
        exactly one level, integer-valued columns stay on their lattice,
        every value in its training range), so every poison is a record a
        real form could hold, whatever scaling ``X`` had. A
        :class:`~skfrl.utils.FeatureDomain` gives it explicitly.
        ``"box"``: each column anywhere in its training range, the relaxed
        domain of earlier skfrl versions; its poisons are **not** records
        (fractional one-hot values) and a schema check removes them; for
        comparison only. None: no constraint at all. Attacks craft within
        the domain and the poisoner projects their output onto it.
    sensitive_feature_ids : int, str or list, default=None
        Column mode: the columns of ``X`` holding ``s``. Then
        ``fit_resample(X, y)`` returns ``(X_res, y_res)`` and the poisoner can
        be a step of an ``imblearn.pipeline.Pipeline``; the victim is fitted
        on the other columns.
    random_state : int, RandomState instance or None, default=None
        Seeds everything random: target set, base rows, crafting, and the
        clean victim when ``estimator`` has ``random_state=None``.
    verbose : int or None, default=None
        One tqdm progress bar over the long work: training θ0, then the
        attack (ENG's surrogates and crafting steps advance it). None shows
        it in interactive sessions only (a terminal or a Jupyter kernel;
        never under pytest or with standard error redirected), 0 never, 1
        always.

    Attributes
    ----------
    estimator_ : estimator
        The clean victim θ0, fitted on the clean training data.
    surrogate_ : estimator
        The model the attack crafted against: ``estimator_`` itself, or the
        fitted ``surrogate``.
    attack_ : attack object
        The attack that ran, with its fitted diagnostics (e.g. ``history_``).
    n_poison_ : int
        Number of appended rows.
    poison_mask_ : ndarray of shape (n_samples + `n_poison_`,)
        True on the appended rows.
    sample_indices_ : ndarray of shape (n_samples + `n_poison_`,)
        The input row each returned row was copied or crafted from.
    perturbations_ : ndarray of shape (`n_poison_`, n_features)
        δ, the poisons' features minus their base rows' features.
    perturbation_norms_ : pandas.DataFrame
        Per poison: ``fields`` (fields edited: a one-hot group or one other
        column each, what a person changes on a form), ``l0`` (columns
        changed), ``l1`` and ``l2`` norms of δ.
    feature_domain_ : FeatureDomain or None
        The domain the poisons lie in (in the float32 space of the attack).
    field_changes_ : pandas.DataFrame of shape (`n_poison_`, n_fields)
        Which fields each poison edits, one boolean column per field;
        :meth:`poison_records` shows the poisons as readable records.
    feature_names_in_ : ndarray of shape (n_features,)
        Names of the feature columns, when ``X`` was a DataFrame.
    history_ : pandas.DataFrame or None
        The attack's per-step history, when it has one (ENG).
    target_indices_ : ndarray or None
        Rows of ``X`` used as the target set, when drawn from ``X``.

    See Also
    --------
    ENGAttack : The gradient-matching attack.
    DuplicateAttack : The honest control every attack must beat.

    Examples
    --------
    >>> from skfrl.attacks import FairRepresentationPoisoner
    >>> from skfrl.datasets import make_biased_classification
    >>> from skfrl.models import CFair
    >>> X, y, s = make_biased_classification(n_samples=200, random_state=0)
    >>> from skfrl.attacks import ENGAttack
    >>> poisoner = FairRepresentationPoisoner(
    ...     CFair(max_epochs=2), attack=ENGAttack(max_iter=5), random_state=0)
    >>> X_res, y_res, s_res = poisoner.fit_resample(X, y, s)
    >>> X_res.shape, int(poisoner.poison_mask_.sum())
    ((220, 20), 20)
    """

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit", "transform"])],
        "attack": [StrOptions(set(ATTACK_NAMES)), BaseAttack],
        # validated once, where it becomes a count: check_poison_ratio
        "poison_ratio": "no_validation",
        "protocol": [StrOptions(set(PROTOCOLS))],
        "target_size": [Interval(Real, 0, 1, closed="neither")],
        "prefit": ["boolean"],
        "surrogate": [HasMethods(["fit", "transform"]), None],
        "feature_domain": [StrOptions({"infer", "box"}), FeatureDomain, None],
        "sensitive_feature_ids": [Integral, str, list, tuple, None],
        "random_state": ["random_state"],
        "verbose": ["verbose", None],
    }

    def __init__(
        self,
        estimator,
        *,
        attack="eng",
        poison_ratio=0.1,
        protocol="finetune",
        target_size=0.2,
        prefit=False,
        surrogate=None,
        feature_domain="infer",
        sensitive_feature_ids=None,
        random_state=None,
        verbose=None,
    ):
        self.estimator = estimator
        self.attack = attack
        self.poison_ratio = poison_ratio
        self.protocol = protocol
        self.target_size = target_size
        self.prefit = prefit
        self.surrogate = surrogate
        self.feature_domain = feature_domain
        self.sensitive_feature_ids = sensitive_feature_ids
        self.random_state = random_state
        self.verbose = verbose

    @_fit_context(prefer_skip_nested_validation=False)
    def fit_resample(
        self, X, y, sensitive_features=None, *, X_target=None, s_target=None
    ):
        """Return the training data with the poisons appended.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            The victim's clean training features (with ``s`` in column mode).
        y : array-like of shape (n_samples,)
            Task labels.
        sensitive_features : array-like of shape (n_samples,), default=None
            The binary sensitive attribute (explicit mode).
        X_target : array-like of shape (n_target, n_features), default=None
            The attacker's target set D_ta, whose representations should
            leak ``s``. Default: ``target_size`` of ``X``.
        s_target : array-like of shape (n_target,), default=None
            The target set's sensitive attribute (required with ``X_target``).

        Returns
        -------
        X_res, y_res[, s_res]
            See :class:`~skfrl.base.BasePoisoner`: ``(X_res, y_res, s_res)``
            in explicit mode, ``(X_res, y_res)`` in column mode.
        """
        return super().fit_resample(
            X, y, sensitive_features, X_target=X_target, s_target=s_target
        )

    def _fit_resample(self, X, y, s, rng, *, groups, X_target=None, s_target=None):
        n_poison = check_poison_ratio(self.poison_ratio, len(X))
        attack = resolve_attack(self.attack)
        crafted_on = self.estimator if self.surrogate is None else self.surrogate
        if attack.needs_gradients:
            check_differentiable_encoder(
                crafted_on, attack_name=f"attack={type(attack).__name__}()"
            )
        domain = self.feature_domain_ = self._domain(X)
        X_target, s_target = self._target_set(X, s, groups, X_target, s_target, rng)
        with tqdm(
            desc="FairRepresentationPoisoner",
            disable=not show_progress(self.verbose),
        ) as progress:
            progress.set_description(
                "copying θ0" if self.prefit else "training the clean victim θ0"
            )
            self.estimator_ = self._fit_victim(self.estimator, X, y, groups[s], rng)
            self.surrogate_ = self.estimator_
            if self.surrogate is not None:  # black-box transfer
                progress.set_description("training the surrogate")
                self.surrogate_ = self._fit_victim(self.surrogate, X, y, groups[s], rng)
            progress.set_description(f"{type(attack).__name__}")
            poisons = attack.craft(
                self.surrogate_,
                X,
                y,
                s,
                n_poison,
                rng,
                X_target=X_target,
                s_target=s_target,
                groups=groups,
                protocol=self.protocol,
                feature_domain=domain,
                progress=progress,
            )
        X_poison = poisons.X
        check_finite_poisons(X_poison, attack)
        if domain is not None:
            X_poison = domain.project(X_poison).astype(X.dtype)
        self.attack_ = attack
        self.history_ = getattr(attack, "history_", None)
        X_base = X[poisons.base_indices]
        self.perturbations_ = X_poison - X_base
        norms = perturbation_norms(self.perturbations_)
        if domain is None:
            self.field_changes_ = pd.DataFrame(changed_features(self.perturbations_))
        else:
            self.field_changes_ = domain.field_changes(X_poison, X_base)
        norms.insert(0, "fields", self.field_changes_.sum(axis=1).to_numpy())
        self.perturbation_norms_ = norms
        return X_poison, poisons.y, poisons.s, poisons.base_indices

    def _domain(self, X):
        """Return the FeatureDomain of ``X`` the poisons must lie in, or None."""
        if isinstance(self.feature_domain, FeatureDomain):
            self.feature_domain.check_width(X)
            return self.feature_domain
        if self.feature_domain == "infer":
            return FeatureDomain.from_data(X, feature_names=self._feature_names())
        if self.feature_domain == "box":
            return FeatureDomain.box(X)
        return None

    def _feature_names(self):
        names = getattr(self, "feature_names_in_", None)
        return None if names is None else [str(name) for name in names]

    def _restore_precision(self, X_poison, X_features, base_indices):
        """Snap the float32 poisons onto the exact values of the caller's ``X``.

        Values a poison did not change are its base row's, at full precision;
        the others are projected onto the domain of the caller's ``X``.
        """
        X_input = np.asarray(X_features)
        exact = self._domain(X_input)  # at the caller's precision
        if exact is None:
            return X_poison
        dtype = X_input.dtype if X_input.dtype.kind == "f" else np.float64
        X_base = X_input[base_indices].astype(np.float64)
        unchanged = X_poison == X_base.astype(X_poison.dtype)
        return np.where(unchanged, X_base, exact.project(X_poison)).astype(dtype)

    def poison_records(self, X_res, *, feature_names=None, scaler=None):
        """Return the poisons as readable records, with the fields they edit.

        Parameters
        ----------
        X_res : array-like of shape (n_samples + `n_poison_`, n_features)
            The features returned by :meth:`fit_resample` (without ``s`` in
            column mode: pass the feature columns).
        feature_names : list of str, default=None
            Column names ``"field=level"``, e.g. a loader's
            ``bunch.feature_names``; default: ``feature_names_in_`` when
            ``X`` was a DataFrame.
        scaler : transformer, default=None
            The fitted scaler applied to ``X`` before poisoning; its
            ``inverse_transform`` gives raw units (years, hours, dollars).

        Returns
        -------
        records : pandas.DataFrame
            One row per poison: ``base_row`` (its training row), one column
            per field (a one-hot group as its level's name),
            ``edited_fields`` (the names of the fields it changed) and
            ``edits`` (each as ``field: base value → poison value``).

        Examples
        --------
        >>> import numpy as np, pandas as pd
        >>> from skfrl.attacks import FairRepresentationPoisoner
        >>> from skfrl.models import CFair
        >>> rng = np.random.RandomState(0)
        >>> colour = rng.randint(3, size=100)
        >>> X = pd.DataFrame({"age": rng.randint(18, 80, 100).astype(float),
        ...     "colour=red": colour == 0, "colour=blue": colour == 1,
        ...     "colour=green": colour == 2}).astype(float)
        >>> y, s = rng.randint(2, size=100), rng.randint(2, size=100)
        >>> poisoner = FairRepresentationPoisoner(CFair(max_epochs=1),
        ...     attack="random", random_state=0)
        >>> X_res, _, _ = poisoner.fit_resample(X, y, s)
        >>> records = poisoner.poison_records(X_res)
        >>> records.columns.tolist()
        ['base_row', 'age', 'colour', 'edited_fields', 'edits']
        """
        check_is_fitted(self, "poison_mask_")
        X_res = np.asarray(X_res, dtype=np.float64)
        if X_res.shape[0] != len(self.poison_mask_):
            raise ValueError(
                f"X_res has {X_res.shape[0]} rows but fit_resample returned "
                f"{len(self.poison_mask_)}; pass its X_res."
            )
        domain = self.feature_domain_ or FeatureDomain.box(X_res[~self.poison_mask_])
        names = feature_names
        if names is None and hasattr(self, "feature_names_in_"):
            names = self._feature_names()
        base_rows = self.sample_indices_[self.poison_mask_]
        records, bases = (
            decode_records(rows, domain, feature_names=names, scaler=scaler)
            for rows in (X_res[self.poison_mask_], X_res[base_rows])
        )
        edited = self.field_changes_.to_numpy()
        labels = np.array(records.columns)
        records["edited_fields"] = [", ".join(labels[row]) for row in edited]
        records["edits"] = [
            "; ".join(
                f"{field}: {_show(bases.iloc[i][field])} → "
                f"{_show(records.iloc[i][field])}"
                for field in labels[row]
            )
            for i, row in enumerate(edited)
        ]
        records.insert(0, "base_row", base_rows)
        return records

    def _fit_victim(self, estimator, X, y, s_labels, rng):
        """Return ``estimator`` fitted on the clean data (a copy if prefit)."""
        if self.prefit:
            check_is_fitted(estimator)
            return copy.deepcopy(estimator)
        victim = clone(estimator)
        if victim.get_params().get("random_state", 0) is None:
            victim.set_params(random_state=draw_seed(rng))
        if (
            self.sensitive_feature_ids is not None
            and "sensitive_feature_ids" in victim.get_params()
        ):
            victim.set_params(sensitive_feature_ids=None)
        return victim.fit(X, y, sensitive_features=s_labels)

    def _target_set(self, X, s, groups, X_target, s_target, rng):
        """Return the target set as float32 features and 0/1 codes."""
        if X_target is None:
            if s_target is not None:
                raise ValueError(
                    "s_target was given without X_target; pass both or neither."
                )
            n_target = max(2, int(round(self.target_size * len(X))))
            self.target_indices_ = rng.choice(len(X), size=n_target, replace=False)
            X_target, s_target = X[self.target_indices_], s[self.target_indices_]
            if len(np.unique(s_target)) < 2:
                raise ValueError(
                    "The drawn target set has one group only; raise target_size."
                )
            return X_target, s_target
        if s_target is None:
            raise ValueError("X_target was given without s_target; pass both.")
        self.target_indices_ = None
        X_target = check_array(
            X_target, dtype=np.float32, input_name="X_target", ensure_min_samples=0
        )
        if len(X_target) < 2:
            raise ValueError(
                f"X_target has {len(X_target)} rows; the target set needs at "
                "least 2, of both groups."
            )
        if X_target.shape[1] != X.shape[1]:
            raise ValueError(
                f"X_target has {X_target.shape[1]} features but X has {X.shape[1]}."
            )
        codes, target_groups = check_sensitive_features(
            s_target, n_samples=len(X_target), name="s_target", against="X_target"
        )
        if not np.array_equal(target_groups, groups):
            raise ValueError(
                f"s_target has groups {target_groups.tolist()} but sensitive_features "
                f"has {groups.tolist()}."
            )
        return X_target, codes


def _show(value):
    """Format a record's value: levels as they are, numbers to 4 digits."""
    return f"{value:.4g}" if isinstance(value, float | np.floating) else str(value)
