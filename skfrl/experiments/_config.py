"""Experiment configurations: presets, validation and the grid of cells.

A configuration is a small dict (or a TOML file with the same keys) that
names a grid of dataset × victim × attack × poisoning ratio × seed ×
protocol. A *cell* is one (dataset, victim, ratio, seed, protocol): the unit
the runner schedules and the result store keys. Every attack of the grid
runs inside each cell against one shared clean victim θ0, next to the
``"duplicate"`` control, which is therefore always part of the grid.
"""

import copy
import tomllib
from collections.abc import Mapping
from functools import lru_cache
from numbers import Integral, Real
from pathlib import Path

import numpy as np

from ..attacks._registry import ATTACK_ALIASES
from ..datasets import (
    fetch_adult,
    fetch_compas,
    fetch_drug,
    fetch_german,
    make_biased_classification,
)
from ..models import ICVAE, AdvFRL, CFair, SupervisedEncoder

__all__ = ["check_config", "expand_grid", "get_preset", "load_config"]

#: victim name -> (class, constructor arguments)
VICTIMS = {
    "cfair": (CFair, {}),
    "cfair_eo": (CFair, {"class_weight": None}),
    "advfrl": (AdvFRL, {}),
    "icvae_s": (ICVAE, {}),
    "icvae_us": (ICVAE, {"supervised": False}),
    "supervised": (SupervisedEncoder, {}),
}

#: dataset name -> number of rows, for runtime estimates before loading
DATASET_SIZES = {
    "adult": 45_222,
    "compas": 5_278,
    "drug": 1_885,
    "german": 1_000,
    "synthetic": 300,
}
PROTOCOLS = ("finetune", "retrain")

_PRESETS = {
    "quick": {
        "name": "quick",
        "datasets": ["german"],
        "victims": ["cfair"],
        "attacks": ["duplicate", "eng", "sensitive_flip"],
        "poison_ratios": [0.1],
        "seeds": 3,
        "protocols": ["finetune"],
        "victim_params": {"max_epochs": 20},
    },
    "paper": {
        "name": "paper",
        "datasets": ["adult", "german"],
        "victims": ["cfair", "cfair_eo", "icvae_s", "icvae_us"],
        "attacks": ["duplicate", "eng", "raa", "nraa", "sensitive_flip", "random"],
        "poison_ratios": [0.05, 0.1, 0.15],
        "seeds": 5,
        "protocols": ["finetune"],
    },
}

_DEFAULTS = {
    "name": "custom",
    "protocols": ["finetune"],
    "n_epochs": None,
    "n_average": None,
    "target_fraction": 0.2,
    "feature_domain": "infer",
    "victim_params": {},
    "attack_params": {},
}
_REQUIRED = ("datasets", "victims", "attacks", "poison_ratios", "seeds")
_KEYS = (*_REQUIRED, *_DEFAULTS)


def get_preset(name):
    """Return a copy of a named configuration.

    Parameters
    ----------
    name : {"quick", "paper"}
        ``"quick"``: German, CFair (20 epochs), duplicates, ENG and flipped-s
        copies at 10 %, 3 seeds, fine-tuning; minutes on 2 cores.
        ``"paper"``: Adult and German × CFair, CFair-EO, ICVAE-S, ICVAE-US ×
        ENG, RAA, NRAA, duplicates, flipped-s copies, random noise × 5, 10
        and 15 % × 5 seeds, fine-tuning.

    Returns
    -------
    config : dict
        A validated configuration (see :func:`check_config`).

    Examples
    --------
    >>> from skfrl.experiments import get_preset
    >>> config = get_preset("quick")
    >>> config["datasets"], config["seeds"]
    (['german'], [0, 1, 2])
    """
    if name not in _PRESETS:
        raise ValueError(f"Unknown preset {name!r}; choose one of {sorted(_PRESETS)}.")
    return check_config(copy.deepcopy(_PRESETS[name]))


def load_config(source):
    """Return the validated configuration named or described by ``source``.

    Parameters
    ----------
    source : dict, str or path-like
        A configuration dict, the name of a preset (``"quick"``,
        ``"paper"``), or the path of a TOML file with the keys of
        :func:`check_config`.

    Returns
    -------
    config : dict
        See :func:`check_config`.
    """
    if isinstance(source, Mapping):
        return check_config(source)
    if isinstance(source, str) and source in _PRESETS:
        return get_preset(source)
    path = Path(source)
    if not path.is_file():
        raise ValueError(
            f"{source!r} is neither a preset ({sorted(_PRESETS)}) nor a TOML file."
        )
    with path.open("rb") as f:
        return check_config(tomllib.load(f))


def check_config(config):
    """Validate a configuration and fill in its defaults.

    Parameters
    ----------
    config : dict
        Keys (the first five required):

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
        - ``protocols``: ``"finetune"`` and/or ``"retrain"``, default
          ``["finetune"]``;
        - ``n_epochs``: epochs on the poisoned data; default None: 10 under
          fine-tuning, the victim's ``max_epochs`` under retraining;
        - ``n_average``: last epochs whose probe BCE is averaged; default
          None: half (fine-tune) or a third (retrain) of ``n_epochs``;
        - ``target_fraction``: share of the data held out as the attacker's
          target set, default 0.2;
        - ``feature_domain``: ``"infer"`` (default: poisons are records) or
          ``"box"`` (the relaxed, infeasible domain, for comparison), see
          :class:`~skfrl.attacks.FairRepresentationPoisoner`;
        - ``victim_params``: constructor parameters of every victim, e.g.
          ``{"max_epochs": 20}``; a key naming a victim holds parameters of
          that victim only, e.g. ``{"cfair": {"fairness_weight": 5.0}}``;
        - ``attack_params``: per attack alias, e.g. ``{"eng": {"max_iter":
          100}}``;
        - ``name``: a label, default ``"custom"``.

    Returns
    -------
    config : dict
        A new dict with every key, ``seeds`` as a list and ``"duplicate"``
        first in ``attacks``.

    Examples
    --------
    >>> from skfrl.experiments import check_config
    >>> config = check_config({"datasets": ["german"], "victims": ["cfair"],
    ...     "attacks": ["eng"], "poison_ratios": [0.1], "seeds": 2})
    >>> config["attacks"], config["seeds"]
    (['duplicate', 'eng'], [0, 1])
    """
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
    config["datasets"] = _check_names(config["datasets"], "datasets", DATASET_SIZES)
    config["victims"] = _check_names(config["victims"], "victims", VICTIMS)
    attacks = _check_names(config["attacks"], "attacks", ATTACK_ALIASES)
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
    for victim in config["victims"]:
        build_victim(victim, victim_params(config, victim))
    for attack in config["attacks"]:
        build_attack(attack, config["attack_params"])
    return config


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


def _as_tuples(params):
    """TOML has no tuples; sizes such as ``hidden_layer_sizes`` need them."""
    return {k: tuple(v) if isinstance(v, list) else v for k, v in params.items()}


def build_victim(name, params):
    """Return the unfitted victim ``name`` with ``params`` set, validated."""
    if "random_state" in params:
        raise ValueError(
            "victim_params may not set random_state: each cell seeds its "
            "victims from its seed."
        )
    cls, defaults = VICTIMS[name]
    try:
        victim = cls(**defaults).set_params(**_as_tuples(params))
        victim._validate_params()
    except (TypeError, ValueError) as exc:
        hint = ""
        if "Invalid parameter" in str(exc):
            hint = (
                " Shared victim_params apply to every victim; give a victim's "
                f"own parameters under victim_params[{name!r}]."
            )
        raise ValueError(f"victim_params of {name!r}: {exc}{hint}") from exc
    return victim


def build_attack(name, attack_params):
    """Return the attack object of alias ``name`` with its configured params."""
    if not isinstance(attack_params, Mapping):
        raise TypeError(f"attack_params must be a dict; got {attack_params!r}.")
    unknown = sorted(set(attack_params) - set(ATTACK_ALIASES))
    if unknown:
        raise ValueError(
            f"Unknown attacks {unknown} in attack_params; choose among "
            f"{sorted(ATTACK_ALIASES)}."
        )
    cls, defaults = ATTACK_ALIASES[name]
    try:
        attack = cls(**defaults).set_params(**_as_tuples(attack_params.get(name, {})))
        if hasattr(attack, "_parameter_constraints"):
            attack._validate_params()
    except (TypeError, ValueError) as exc:
        raise ValueError(f"attack_params of {name!r}: {exc}") from exc
    return attack


def expand_grid(config):
    """Return the cells of a configuration, each a JSON-serialisable dict.

    Parameters
    ----------
    config : dict
        A configuration (validated by :func:`check_config`).

    Returns
    -------
    cells : list of dict
        One per dataset × victim × protocol × poison ratio × seed, with
        everything that determines its results: the victim's and the
        attacks' parameters, the epochs and the target fraction.

    Examples
    --------
    >>> from skfrl.experiments import expand_grid, get_preset
    >>> cells = expand_grid(get_preset("paper"))
    >>> len(cells), cells[0]["attacks"][0]
    (120, 'duplicate')
    """
    config = check_config(config)
    cells = []
    for dataset in config["datasets"]:
        for victim in config["victims"]:
            params = victim_params(config, victim)
            for protocol in config["protocols"]:
                n_epochs, n_average = _epochs(config, victim, params, protocol)
                for ratio in config["poison_ratios"]:
                    for seed in config["seeds"]:
                        cells.append(
                            {
                                "dataset": dataset,
                                "victim": victim,
                                "victim_params": params,
                                "attacks": config["attacks"],
                                "attack_params": {
                                    name: dict(config["attack_params"][name])
                                    for name in config["attacks"]
                                    if config["attack_params"].get(name)
                                },
                                "protocol": protocol,
                                "poison_ratio": ratio,
                                "seed": seed,
                                "n_epochs": n_epochs,
                                "n_average": n_average,
                                "target_fraction": config["target_fraction"],
                                "feature_domain": config["feature_domain"],
                            }
                        )
    return cells


def _epochs(config, victim, params, protocol):
    """Epochs on the poisoned data and epochs averaged, with their defaults."""
    n_epochs = config["n_epochs"]
    if n_epochs is None:
        max_epochs = build_victim(victim, params).max_epochs
        n_epochs = 10 if protocol == "finetune" else max_epochs
    n_average = config["n_average"]
    if n_average is None:
        n_average = max(1, n_epochs // (2 if protocol == "finetune" else 3))
    if n_average > n_epochs:
        raise ValueError(
            f"n_average={n_average} exceeds the {n_epochs} epochs of the "
            f"{protocol} protocol; lower n_average or set n_epochs."
        )
    return n_epochs, n_average


@lru_cache(maxsize=4)
def load_dataset(name):
    """Return ``(X, y, s, feature_names)`` of a dataset named in a config.

    Cached per process: a worker loads each dataset once.
    """
    if name == "synthetic":
        X, y, s = make_biased_classification(
            n_samples=DATASET_SIZES["synthetic"], random_state=0, as_frame=True
        )
        return X.to_numpy(), y.to_numpy(), s.to_numpy(), list(X.columns)
    loaders = {
        "adult": fetch_adult,
        "compas": fetch_compas,
        "drug": fetch_drug,
        "german": fetch_german,
    }
    bunch = loaders[name](as_frame=False)
    X = np.asarray(bunch.data, dtype=np.float64)
    return X, bunch.target, bunch.sensitive_features, list(bunch.feature_names)
