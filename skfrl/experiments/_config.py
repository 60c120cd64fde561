"""Experiment configurations: validated once, at the boundary.

A configuration is a small dict (or a TOML file with the same keys) that
names a grid of dataset × victim × attack × poisoning ratio × seed ×
protocol. :func:`check_config` validates it once and returns an
:class:`ExperimentConfig`, a read-only mapping that the grid, the runner and
the command line pass on without checking it again. Names are those of the
runner's catalogue.
"""

import copy
import tomllib
from collections.abc import Mapping
from numbers import Integral, Real
from pathlib import Path

from ..attacks import PROTOCOLS
from ..utils._param_validation import validate_estimator_params
from ._poisoned_training import protocol_epochs
from ._presets import PRESETS, preset
from .catalogue import ATTACKS, DATASETS, DEFENCES, STRONG_PROBES, VICTIMS

__all__ = [
    "ExperimentConfig",
    "cell_epochs",
    "check_config",
    "get_preset",
    "load_config",
    "victim_params",
]


_DEFAULTS = {
    "name": "custom",
    "protocols": ["finetune"],
    "n_epochs": None,
    "n_average": None,
    "target_fraction": 0.2,
    "feature_domain": "infer",
    "strong_probes": ["hgb"],
    "defences": [],
    "surrogates": ["none"],
    "victim_params": {},
    "attack_params": {},
}
_REQUIRED = ("datasets", "victims", "attacks", "poison_ratios", "seeds")
_KEYS = (*_REQUIRED, *_DEFAULTS)


class ExperimentConfig(Mapping):
    """A validated configuration: a read-only mapping with every key set.

    Made by :func:`check_config` (and :func:`get_preset`,
    :func:`load_config`), never directly; :func:`expand_grid` and
    :func:`run_experiment` take it as it is, without validating it again.
    Reading a key returns a copy, so the configuration cannot be changed
    after validation: build a new dict and call :func:`check_config`.

    Examples
    --------
    >>> from skfrl.experiments import get_preset
    >>> config = get_preset("quick")
    >>> config["victims"], dict(config) == config.to_dict()
    (['cfair'], True)
    """

    __slots__ = ("_values",)

    def __init__(self, *args, **kwargs):
        raise TypeError(
            "An ExperimentConfig is made by check_config(dict), which validates it."
        )

    @classmethod
    def _from_validated(cls, values):
        config = object.__new__(cls)
        object.__setattr__(config, "_values", values)
        return config

    def __getitem__(self, key):
        return copy.deepcopy(self._values[key])

    def __iter__(self):
        return iter(self._values)

    def __len__(self):
        return len(self._values)

    def __setattr__(self, name, value):
        raise AttributeError("An ExperimentConfig is read-only.")

    def __repr__(self):
        return f"ExperimentConfig({self._values!r})"

    def __reduce__(self):  # copy and pickle without __setattr__
        return ExperimentConfig._from_validated, (self.to_dict(),)

    def to_dict(self):
        """Return the configuration as a new, JSON-serialisable dict."""
        return copy.deepcopy(self._values)


def get_preset(name):
    """Return a named configuration, validated.

    Parameters
    ----------
    name : {"quick", "paper"}
        ``"quick"``: German, CFair (20 epochs), duplicates, ENG and flipped-s
        copies at 10 %, 3 seeds, fine-tuning; about 20 s on one core.
        ``"paper"``: Adult and German × CFair, CFair-EO, ICVAE-S, ICVAE-US ×
        ENG, RAA, NRAA, duplicates, flipped-s copies, random noise × 5, 10
        and 15 % × 5 seeds, fine-tuning.

    Returns
    -------
    config : ExperimentConfig
        See :func:`check_config`.

    Examples
    --------
    >>> from skfrl.experiments import get_preset
    >>> config = get_preset("quick")
    >>> config["datasets"], config["seeds"]
    (['german'], [0, 1, 2])
    """
    return check_config(preset(name))


def load_config(source):
    """Return the validated configuration named or described by ``source``.

    Parameters
    ----------
    source : ExperimentConfig, dict, str or path-like
        A configuration (an :class:`ExperimentConfig` is returned as it
        is), the name of a preset (``"quick"``, ``"paper"``), or the path of
        a TOML file with the keys of :func:`check_config`.

    Returns
    -------
    config : ExperimentConfig
        See :func:`check_config`.
    """
    if isinstance(source, Mapping):
        return check_config(source)
    if isinstance(source, str) and source in PRESETS:
        return get_preset(source)
    path = Path(source)
    if not path.is_file():
        raise ValueError(
            f"{source!r} is neither a preset ({sorted(PRESETS)}) nor a TOML file."
        )
    with path.open("rb") as f:
        return check_config(tomllib.load(f))


def check_config(config):
    """Validate a configuration and fill in its defaults.

    Parameters
    ----------
    config : dict or ExperimentConfig
        Names are those of the runner's catalogue (see the contributor
        guide, "Add a victim in one place"). Keys (the first five required):

        - ``datasets``: names among ``"adult"``, ``"compas"``, ``"drug"``,
          ``"german"`` and ``"synthetic"`` (300 rows of
          :func:`~skfrl.datasets.make_biased_classification`, for tests);
        - ``victims``: names among ``"cfair"``, ``"cfair_eo"``,
          ``"advfrl"``, ``"icvae_s"``, ``"icvae_us"``, ``"supervised"``;
        - ``attacks``: aliases of
          :class:`~skfrl.attacks.FairRepresentationPoisoner` (``"eng"``,
          ``"raa"``, ...). ``"duplicate"`` (unperturbed copies of the same
          base rows, the control every attack is compared with) is always
          added first if missing;
        - ``poison_ratios``: floats in (0, 1);
        - ``seeds``: an int ``n`` (seeds ``0, ..., n - 1``) or a list of ints;
        - ``protocols``: among ``"finetune"``, ``"retrain"`` and
          ``"retrain_same_init"`` (see :data:`~skfrl.attacks.PROTOCOLS`),
          default ``["finetune"]``;
        - ``n_epochs``: epochs on the poisoned data; default None: 10 under
          fine-tuning, the victim's ``max_epochs`` under retraining;
        - ``n_average``: last epochs whose probe BCE is averaged; default
          None: half (fine-tune) or a third (retrain) of ``n_epochs``;
        - ``target_fraction``: share of the data held out as the attacker's
          target set, default 0.2;
        - ``feature_domain``: ``"infer"`` (default: poisons are records) or
          ``"box"`` (the relaxed, infeasible domain, for comparison), see
          :class:`~skfrl.attacks.FairRepresentationPoisoner`;
        - ``strong_probes``: probes measured next to the default one, among
          ``"mlp"`` and ``"hgb"``, default ``["hgb"]`` (see
          :func:`~skfrl.metrics.make_probe`);
        - ``defences``: sanitisers of the catalogue (``"sphere"``,
          ``"slab"``, ``"slab_group"``, ``"knn_input"``, ``"knn_z"``,
          ``"isolation_forest_z"``, ``"spectral"``, ``"gradient_norm"``,
          ``"record_validity"``)
          and training-time defences (``"dp_clip"``: per-sample gradient
          clipping, ``"dp_sgd"``: clipping and noise), default ``[]``. Each
          cell then also trains θ0 on every condition's training set,
          clean and duplicates included, under each of them (see
          :func:`run_paired_trial`);
        - ``surrogates``: black-box transfer, "craft on A, evaluate on B":
          names among the victims, or ``"none"`` (the attacks craft against
          θ0 itself, white-box), default ``["none"]``. Each victim's cells
          are repeated per surrogate; in a cell with surrogate ``A``, every
          attack crafts against a clone of ``A`` fitted on the cell's
          training split with another seed (the attacker's own model, with
          ``A``'s ``victim_params``), and the poisons train the victim (see
          :func:`run_paired_trial`);
        - ``victim_params``: constructor parameters of every victim, e.g.
          ``{"max_epochs": 20}``; a key naming a victim holds parameters of
          that victim only, e.g. ``{"cfair": {"fairness_weight": 5.0}}``;
        - ``attack_params``: per attack alias, e.g. ``{"eng": {"max_iter":
          100}}``;
        - ``name``: a label, default ``"custom"``.

    Returns
    -------
    config : ExperimentConfig
        A read-only mapping with every key, ``seeds`` as a list and
        ``"duplicate"`` first in ``attacks``; returned as it is when
        ``config`` is one already.

    Examples
    --------
    >>> from skfrl.experiments import check_config
    >>> config = check_config({"datasets": ["german"], "victims": ["cfair"],
    ...     "attacks": ["eng"], "poison_ratios": [0.1], "seeds": 2})
    >>> config["attacks"], config["seeds"]
    (['duplicate', 'eng'], [0, 1])
    """
    if isinstance(config, ExperimentConfig):
        return config
    if not isinstance(config, Mapping):
        raise TypeError(f"config must be a dict; got {type(config).__name__}.")
    unknown = sorted(set(config) - set(_KEYS))
    if unknown:
        raise ValueError(
            f"Unknown config keys {unknown}; allowed keys are {sorted(_KEYS)}."
        )
    missing = [key for key in _REQUIRED if key not in config]
    if missing:
        raise ValueError(f"The config lacks the required keys {missing}.")
    config = {**copy.deepcopy(_DEFAULTS), **copy.deepcopy(dict(config))}
    config["datasets"] = _check_names(config["datasets"], "datasets", DATASETS)
    config["victims"] = _check_names(config["victims"], "victims", VICTIMS)
    attacks = _check_names(config["attacks"], "attacks", ATTACKS)
    config["attacks"] = ["duplicate", *(a for a in attacks if a != "duplicate")]
    config["protocols"] = _check_names(config["protocols"], "protocols", PROTOCOLS)
    config["poison_ratios"] = _check_ratios(config["poison_ratios"])
    config["seeds"] = _check_seeds(config["seeds"])
    _check_epochs(config["n_epochs"], config["n_average"])
    fraction = config["target_fraction"]
    if not isinstance(fraction, Real) or not 0 < fraction < 1:
        raise ValueError(f"target_fraction must be in (0, 1); got {fraction!r}.")
    if config["feature_domain"] not in ("infer", "box"):
        raise ValueError(
            "feature_domain must be 'infer' or 'box'; got "
            f"{config['feature_domain']!r}."
        )
    config["strong_probes"] = _check_strong_probes(config["strong_probes"])
    config["defences"] = (
        _check_names(config["defences"], "defences", DEFENCES)
        if config["defences"]
        else []
    )
    config["surrogates"] = _check_names(
        config["surrogates"], "surrogates", ("none", *VICTIMS)
    )
    for model in _models(config):
        _check_victim(model, victim_params(config, model))
    for victim in config["victims"]:
        params = victim_params(config, victim)
        _check_defences_fit(victim, params, config["defences"])
        for protocol in config["protocols"]:
            cell_epochs(config, victim, params, protocol)
    _check_attack_params(config["attacks"], config["attack_params"])
    return ExperimentConfig._from_validated(config)


def _models(config):
    """Return the victims and the surrogates of a configuration, each once."""
    surrogates = [name for name in config["surrogates"] if name != "none"]
    return list(dict.fromkeys([*config["victims"], *surrogates]))


def _check_names(values, key, allowed):
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, list | tuple) or not values:
        raise TypeError(f"{key} must be a non-empty list of names; got {values!r}.")
    for value in values:
        if value not in allowed:
            raise ValueError(
                f"Unknown {key[:-1]} {value!r} in {key}; choose among "
                f"{sorted(allowed)}."
            )
    return list(dict.fromkeys(values))


def _check_ratios(ratios):
    if isinstance(ratios, Real):
        ratios = [ratios]
    if not isinstance(ratios, list | tuple) or not ratios:
        raise TypeError(f"poison_ratios must be a non-empty list; got {ratios!r}.")
    for ratio in ratios:
        if not isinstance(ratio, Real) or not 0 < ratio < 1:
            raise ValueError(
                f"Each poison ratio must be a float in (0, 1); got {ratio!r}."
            )
    return [float(ratio) for ratio in dict.fromkeys(ratios)]


def _check_seeds(seeds):
    if isinstance(seeds, Integral) and not isinstance(seeds, bool):
        if seeds < 1:
            raise ValueError(f"seeds must be at least 1; got {seeds}.")
        return list(range(seeds))
    if not isinstance(seeds, list | tuple) or not seeds:
        raise TypeError(f"seeds must be an int or a list of ints; got {seeds!r}.")
    if not all(isinstance(seed, Integral) and seed >= 0 for seed in seeds):
        raise ValueError(f"seeds must be non-negative ints; got {seeds!r}.")
    return [int(seed) for seed in dict.fromkeys(seeds)]


def _check_epochs(n_epochs, n_average):
    for key, value in (("n_epochs", n_epochs), ("n_average", n_average)):
        if value is not None and (not isinstance(value, Integral) or value < 1):
            raise ValueError(f"{key} must be a positive int or None; got {value!r}.")
    if n_epochs is not None and n_average is not None and n_average > n_epochs:
        raise ValueError(
            f"n_average={n_average} exceeds n_epochs={n_epochs}; lower n_average."
        )


def victim_params(config, victim):
    """Return the parameters of ``victim``: the shared ones, then its own."""
    params = config["victim_params"]
    if not isinstance(params, Mapping):
        raise TypeError(f"victim_params must be a dict; got {params!r}.")
    shared = {k: v for k, v in params.items() if k not in VICTIMS}
    own = params.get(victim, {})
    if not isinstance(own, Mapping):
        raise TypeError(f"victim_params[{victim!r}] must be a dict; got {own!r}.")
    return {**shared, **own}


def cell_epochs(config, victim, params, protocol):
    """Epochs on the poisoned data and epochs averaged, with their defaults."""
    return protocol_epochs(
        protocol,
        VICTIMS[victim].build(params),
        config["n_epochs"],
        config["n_average"],
    )


def _check_strong_probes(probes):
    if isinstance(probes, str):
        probes = [probes]
    if not isinstance(probes, list | tuple):
        raise TypeError(f"strong_probes must be a list of names; got {probes!r}.")
    unknown = [probe for probe in probes if probe not in STRONG_PROBES]
    if unknown:
        raise ValueError(
            f"Unknown strong probes {unknown} in strong_probes; choose among "
            f"{list(STRONG_PROBES)}."
        )
    return [probe for probe in STRONG_PROBES if probe in probes]


def _check_victim(name, params):
    """Build the victim ``name`` with ``params`` and validate its parameters."""
    if "random_state" in params:
        raise ValueError(
            "victim_params may not set random_state: each cell seeds its "
            "victims from its seed."
        )
    try:
        validate_estimator_params(VICTIMS[name].build(params))
    except (TypeError, ValueError) as exc:
        hint = ""
        if "Invalid parameter" in str(exc):
            hint = (
                " Shared victim_params apply to every victim; give a victim's "
                f"own parameters under victim_params[{name!r}]."
            )
        raise ValueError(f"victim_params of {name!r}: {exc}{hint}") from exc


def _check_defences_fit(victim, params, defences):
    """Refuse a training-time defence the victim has no parameters for."""
    for name in defences:
        defence_params = DEFENCES[name].victim_params
        if defence_params is None:
            continue
        model = VICTIMS[victim].build(params)
        missing = sorted(set(defence_params) - set(model.get_params()))
        if missing:
            raise ValueError(
                f"The defence {name!r} sets {missing}, which the victim {victim!r} "
                f"({type(model).__name__}) does not have; drop one of them."
            )


def _check_attack_params(attacks, attack_params):
    """Validate the parameters of every attack of the grid."""
    if not isinstance(attack_params, Mapping):
        raise TypeError(f"attack_params must be a dict; got {attack_params!r}.")
    unknown = sorted(set(attack_params) - set(ATTACKS))
    if unknown:
        raise ValueError(
            f"Unknown attacks {unknown} in attack_params; choose among "
            f"{sorted(ATTACKS)}."
        )
    for name in attacks:
        try:
            validate_estimator_params(ATTACKS[name].build(attack_params.get(name)))
        except (TypeError, ValueError) as exc:
            raise ValueError(f"attack_params of {name!r}: {exc}") from exc
