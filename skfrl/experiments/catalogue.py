"""The runner's catalogue: one entry per victim, dataset, attack, defence and probe.

Everything else the runner knows about them is derived from these entries:
the names a configuration accepts, the objects a cell builds, the runtime
estimate, the dataset loader and the report's columns. Adding a victim, a
dataset, an attack, a defence or a probe to the runner is adding one entry
here (see the contributor guide, "Add a victim in one place").

Costs are seconds on one CPU thread, measured by
``benchmarks/bench_cell_costs.py`` on German's and Adult's training sets;
a running grid rescales them by what its finished cells took.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from ..attacks import ATTACK_NAMES, make_attack
from ..datasets import (
    fetch_adult,
    fetch_compas,
    fetch_drug,
    fetch_german,
    make_biased_classification,
)
from ..defences import (
    GradientNormSanitiser,
    KNNConsistencySanitiser,
    RecordValiditySanitiser,
    RepresentationOutlierSanitiser,
    SlabSanitiser,
    SpectralSignatureSanitiser,
    SphereSanitiser,
)
from ..metrics import PROBE_NAMES
from ..models import ICVAE, AdvFRL, CFair, SupervisedEncoder
from ..utils import FeatureDomain

__all__ = [
    "ATTACKS",
    "CONDITION_SECONDS",
    "DATASETS",
    "DEFAULT_PROBE",
    "DEFENCES",
    "PROBES",
    "STRONG_PROBES",
    "VICTIMS",
    "load_dataset",
]


def _as_tuples(params):
    """TOML has no tuples; sizes such as ``hidden_layer_sizes`` need them."""
    return {k: tuple(v) if isinstance(v, list) else v for k, v in params.items()}


@dataclass(frozen=True)
class VictimEntry:
    """A victim the runner can train.

    Attributes
    ----------
    name : str
        Its name in configurations.
    estimator : type
        The transformer class.
    params : Mapping
        Constructor arguments that make it this victim (e.g. CFair-EO is
        ``CFair(class_weight=None)``).
    epoch_seconds : tuple of float
        One training epoch: fixed overhead and seconds per training row.
    craft_factor : float
        One ENG step on this victim relative to one on CFair.
    """

    name: str
    estimator: type
    params: Mapping = field(default_factory=dict)
    epoch_seconds: tuple = (0.002, 4.2e-6)
    craft_factor: float = 1.0

    def build(self, params=None):
        """Return the unfitted victim with the configured ``params`` set."""
        return self.estimator(**self.params).set_params(**_as_tuples(params or {}))

    def epoch_cost(self, n_rows):
        """Return the estimated seconds of one training epoch on ``n_rows``."""
        overhead, per_row = self.epoch_seconds
        return overhead + per_row * n_rows


@dataclass(frozen=True)
class DatasetEntry:
    """A dataset the runner can load.

    Attributes
    ----------
    name : str
        Its name in configurations.
    fetch : callable
        ``fetch(as_frame=False, **kwargs)`` returning a Bunch with ``data``,
        ``target``, ``sensitive_features`` and ``feature_names`` (the
        ``fetch_*`` signature of :mod:`skfrl.datasets`).
    n_rows : int
        Its number of rows, for runtime estimates before loading.
    """

    name: str
    fetch: Callable
    n_rows: int


@dataclass(frozen=True)
class AttackEntry:
    """An attack the runner can run: an alias of :func:`~skfrl.attacks.make_attack`.

    Attributes
    ----------
    name : str
        The alias, also the condition's name in the results.
    craft_seconds : callable or None
        ``craft_seconds(attack, protocol, victim_entry, max_epochs, n_train,
        n_poison, records)`` estimates the time to craft ``n_poison``
        poisons against a victim (its entry, its ``max_epochs``) trained on
        ``n_train`` rows, as records (``records=True``, the runner's
        ``feature_domain="infer"``) or in the relaxed box; None: negligible.
    """

    name: str
    craft_seconds: Callable | None = None

    def build(self, params=None):
        """Return the attack object with the configured ``params`` set."""
        return make_attack(self.name, **_as_tuples(params or {}))


@dataclass(frozen=True)
class DefenceEntry:
    """A sanitiser the runner can put between the poisons and the victim.

    Attributes
    ----------
    name : str
        Its name in configurations and in the ``defence`` column.
    factory : callable or None
        ``factory(theta0, X_train)`` returning the sanitiser: the defender
        holds the deployed clean model θ0 and its clean training rows.
    seconds_per_row : float
        Scoring one row (the fine-tuning on the kept rows is counted apart).
    victim_params : Mapping or None
        A training-time defence instead of a sanitiser: parameters set on
        the copy of θ0 that trains (DP-SGD), with ``factory`` None.
    train_factor : float
        One training epoch under the defence relative to a plain one.
    """

    name: str
    factory: Callable | None
    seconds_per_row: float = 1e-5
    victim_params: Mapping | None = None
    train_factor: float = 1.0

    def build(self, theta0, X_train):
        """Return the sanitiser, or the victim parameters, for one cell."""
        if self.victim_params is not None:
            return dict(self.victim_params)
        return self.factory(theta0, X_train)


@dataclass(frozen=True)
class ProbeEntry:
    """A probe of :func:`~skfrl.metrics.make_probe` the runner can measure with.

    Attributes
    ----------
    name : str
        The probe's name.
    seconds : tuple of float
        One measurement after one epoch (fit on one half of the target
        rows, scored on the other): fixed overhead and seconds per target
        row.
    """

    name: str
    seconds: tuple


def _synthetic(as_frame=False):
    """300 rows of :func:`~skfrl.datasets.make_biased_classification`, for tests."""
    from sklearn.utils import Bunch

    X, y, s = make_biased_classification(n_samples=300, random_state=0, as_frame=True)
    return Bunch(
        data=X.to_numpy(),
        target=y.to_numpy(),
        sensitive_features=s.to_numpy(),
        feature_names=list(X.columns),
    )


#: measuring one condition besides its probes and epochs: the downstream
#: classifier and fairness report, the poisoner's set-up (German cells)
CONDITION_SECONDS = 0.4

# one ENG matching step on CFair: fixed overhead and seconds per poison, and
# what a craft costs besides its steps (feature domain, target gradient)
_ENG_STEP_SECONDS = (0.0, 8e-6)
_ENG_FIXED_SECONDS = 0.25
# what one replayed optimizer step of objective="unrolled" adds to a step on
# CFair: overhead (the target set's encoding) and seconds per poison
# (benchmarks/bench_cell_costs.py --parts unrolled, 2026-12-07, one thread)
_UNROLL_STEP_SECONDS = (0.013, 7e-6)


def _eng_craft_seconds(
    attack, protocol, victim_entry, max_epochs, n_train, n_poison, records
):
    """Estimate ENG's steps (replays included), surrogates and look-ahead copies."""
    settings = attack.resolved_params(protocol)
    epochs = settings["match_epochs"]
    # every step matches on θ0 or its look-ahead copies, and on the other seeds
    n_models = len(epochs) + settings["n_surrogates"] - 1
    # the poisons' loss is evaluated once per sample of z (match_samples)
    step = (_ENG_STEP_SECONDS[0] + _ENG_STEP_SECONDS[1] * n_poison) * (
        attack.match_samples or 1
    )
    if attack.objective == "unrolled":
        replay = _UNROLL_STEP_SECONDS[0] + _UNROLL_STEP_SECONDS[1] * n_poison
        step += attack.unroll_steps * replay
    # a round of the record search costs about one step; it often stops early;
    # in the box there are no records to search
    n_steps = settings["max_iter"] + (settings["search_steps"] if records else 0)
    seconds = n_steps * settings["n_init"] * n_models * step
    seconds = _ENG_FIXED_SECONDS + seconds * victim_entry.craft_factor
    seconds += (
        (settings["n_surrogates"] - 1) * max_epochs * victim_entry.epoch_cost(n_train)
    )
    # the look-ahead copies, trained again at every refresh of every restart
    n_look_ahead = 1 + settings["n_init"] * settings["refresh_lookahead"]
    look_ahead = n_look_ahead * epochs[-1] * victim_entry.epoch_cost(n_train + n_poison)
    return seconds + look_ahead


def _index(*entries):
    return {entry.name: entry for entry in entries}


#: victim name -> entry; costs measured by benchmarks/bench_cell_costs.py
#: (2026-12-02, one thread, Adult and German training sets)
VICTIMS = _index(
    VictimEntry("cfair", CFair, epoch_seconds=(0.002, 4.2e-6)),
    VictimEntry(
        "cfair_eo", CFair, {"class_weight": None}, epoch_seconds=(0.002, 4.2e-6)
    ),
    VictimEntry("advfrl", AdvFRL, epoch_seconds=(0.002, 5.6e-6), craft_factor=0.95),
    VictimEntry("icvae_s", ICVAE, epoch_seconds=(0.002, 8.2e-6), craft_factor=1.2),
    VictimEntry(
        "icvae_us",
        ICVAE,
        {"supervised": False},
        epoch_seconds=(0.002, 7.5e-6),
        craft_factor=1.2,
    ),
    VictimEntry("supervised", SupervisedEncoder, epoch_seconds=(0.0015, 3.5e-6)),
)

#: dataset name -> entry
DATASETS = _index(
    DatasetEntry("adult", fetch_adult, 45_222),
    DatasetEntry("compas", fetch_compas, 5_278),
    DatasetEntry("drug", fetch_drug, 1_885),
    DatasetEntry("german", fetch_german, 1_000),
    DatasetEntry("synthetic", _synthetic, 300),
)

#: attack alias -> entry; "duplicate" is the control of every grid
ATTACKS = _index(
    *(
        AttackEntry(name, _eng_craft_seconds if name == "eng" else None)
        for name in ATTACK_NAMES
    )
)


def _sphere(theta0, X_train):
    return SphereSanitiser(random_state=0)


def _slab(theta0, X_train):
    return SlabSanitiser(random_state=0)


def _slab_group(theta0, X_train):
    return SlabSanitiser(direction="group", random_state=0)


def _knn_input(theta0, X_train):
    return KNNConsistencySanitiser(random_state=0)


def _knn_z(theta0, X_train):
    return KNNConsistencySanitiser(
        theta0, prefit=True, attribute="both", random_state=0
    )


def _isolation_forest_z(theta0, X_train):
    return RepresentationOutlierSanitiser(theta0, prefit=True, random_state=0)


def _spectral(theta0, X_train):
    return SpectralSignatureSanitiser(theta0, prefit=True, random_state=0)


def _gradient_norm(theta0, X_train):
    return GradientNormSanitiser(theta0, prefit=True, random_state=0)


def _record_validity(theta0, X_train):
    return RecordValiditySanitiser(FeatureDomain.from_data(X_train))


#: defence name -> entry; the "none" of the results is no entry. Seconds
#: per row measured by benchmarks/bench_defences.py (2026-12-02, one thread,
#: Adult's 36,000 training rows with poisons; k-NN grows faster than n)
DEFENCES = _index(
    DefenceEntry("sphere", _sphere, 8e-6),
    DefenceEntry("slab", _slab, 8e-6),
    DefenceEntry("slab_group", _slab_group, 7e-6),
    DefenceEntry("knn_input", _knn_input, 2.5e-4),
    DefenceEntry("knn_z", _knn_z, 1.8e-4),
    DefenceEntry("isolation_forest_z", _isolation_forest_z, 7e-6),
    DefenceEntry("spectral", _spectral, 6.7e-4),
    DefenceEntry("gradient_norm", _gradient_norm, 6.7e-4),
    DefenceEntry("record_validity", _record_validity, 8e-6),
    # DP-SGD: clipping at 8, the median norm of a clean row's gradient at
    # CFair's θ0 on Adult, seed 0 (ENG's poisons: median 12.6, 90th
    # percentile 45; benchmarks/bench_gradient_norms.py)
    DefenceEntry(
        "dp_clip", None, 0.0, {"per_sample_clip_norm": 8.0}, train_factor=10.0
    ),
    DefenceEntry(
        "dp_sgd",
        None,
        0.0,
        {"per_sample_clip_norm": 8.0, "noise_multiplier": 1.0},
        train_factor=10.0,
    ),
)

#: probe name -> entry; the first is skfrl's one default probe
PROBES = _index(
    ProbeEntry("logistic", (0.11, 1e-5)),
    ProbeEntry("mlp", (0.03, 5.5e-5)),
    ProbeEntry("hgb", (0.03, 5e-5)),
)
DEFAULT_PROBE = PROBE_NAMES[0]
#: the probes a configuration may ask for next to the default one
STRONG_PROBES = tuple(name for name in PROBES if name != DEFAULT_PROBE)


@lru_cache(maxsize=4)
def load_dataset(name):
    """Return ``(X, y, s, feature_names)`` of a catalogued dataset.

    Cached per process: a worker loads each dataset once.
    """
    bunch = DATASETS[name].fetch(as_frame=False)
    X = np.asarray(bunch.data, dtype=np.float64)
    return X, bunch.target, bunch.sensitive_features, list(bunch.feature_names)
