"""Save and load fitted poisoners without unpickling code.

:func:`skfrl.models.save_model` does this for a model; a
:class:`~skfrl.attacks.FairRepresentationPoisoner` also holds its victim
template, its attack, its feature domain and its diagnostics. Everything is
written in torch's weights-only format (tensors, numbers, strings, bytes,
lists, tuples and dicts), and every class is looked up in fixed lists of
skfrl's models and attacks, so ``torch.load(weights_only=True)`` reads a
file without running anything it names.
"""

import io

import numpy as np
import pandas as pd
import torch

from . import __version__
from .attacks import (
    AnchoringAttack,
    DuplicateAttack,
    ENGAttack,
    FairRepresentationPoisoner,
    LabelFlipAttack,
    RandomPerturbationAttack,
    SensitiveFlipAttack,
)
from .models import ICVAE, AdvFRL, CFair, SupervisedEncoder, load_model, save_model
from .utils import FeatureDomain, read_weights_only, write_weights_only

__all__ = ["load_poisoner", "save_poisoner"]

_FORMAT = 1
_MODELS = {cls.__name__: cls for cls in (AdvFRL, CFair, ICVAE, SupervisedEncoder)}
_ATTACKS = {
    cls.__name__: cls
    for cls in (
        AnchoringAttack,
        DuplicateAttack,
        ENGAttack,
        LabelFlipAttack,
        RandomPerturbationAttack,
        SensitiveFlipAttack,
    )
}
_FITTED = (
    "n_poison_",
    "poison_mask_",
    "sample_indices_",
    "perturbations_",
    "perturbation_norms_",
    "field_changes_",
    "history_",
    "target_indices_",
    "feature_names_in_",
    "feature_domain_",
)


# -- plain values ---------------------------------------------------------
def _encode(value, name):
    """Return ``value`` as what the weights-only format holds, tagged by type."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "biuf":
            return {"ndarray": torch.tensor(value)}  # a copy: value may be read-only
        return {"objects": [_encode(v, name) for v in value.tolist()]}
    if isinstance(value, pd.DataFrame):
        return {
            "frame": {
                "columns": [_encode(c, name) for c in value.columns],
                "index": _encode(value.index.to_numpy(), name),
                "data": [_encode(value[c].to_numpy(), name) for c in value.columns],
            }
        }
    if isinstance(value, FeatureDomain):
        return {"domain": _domain_state(value)}
    if isinstance(value, torch.device):
        return str(value)
    if isinstance(value, dict):
        return {
            "dict": {str(k): _encode(v, f"{name}[{k!r}]") for k, v in value.items()}
        }
    if isinstance(value, tuple):
        return tuple(_encode(v, name) for v in value)
    if isinstance(value, list):
        return [_encode(v, name) for v in value]
    raise TypeError(
        f"save_poisoner cannot store {name} of type {type(value).__name__} "
        "without pickling it; use joblib for this poisoner."
    )


def _decode(value):
    """Invert :func:`_encode`."""
    if isinstance(value, tuple):
        return tuple(_decode(v) for v in value)
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "ndarray" in value:
        return value["ndarray"].numpy().copy()
    if "objects" in value:
        objects = np.empty(len(value["objects"]), dtype=object)
        objects[:] = [_decode(v) for v in value["objects"]]
        return objects
    if "frame" in value:
        frame = value["frame"]
        columns = [_decode(c) for c in frame["columns"]]
        data = dict(zip(columns, (_decode(d) for d in frame["data"]), strict=True))
        return pd.DataFrame(data, columns=columns, index=_decode(frame["index"]))
    if "domain" in value:
        return FeatureDomain(**_decode(value["domain"]))
    if "dict" in value:
        return {k: _decode(v) for k, v in value["dict"].items()}
    raise ValueError(f"Unknown entry {sorted(value)} in a poisoner file.")


def _domain_state(domain):
    """Return the constructor arguments of a FeatureDomain, encoded."""
    arguments = {
        "values": domain.values,
        "low": domain.low,
        "high": domain.high,
        "steps": domain.steps,
        "groups": [tuple(g) for g in domain.groups],
        "feature_names": domain.feature_names,
        "eps": domain.eps,
    }
    return _encode(arguments, "feature_domain")


# -- estimators and attacks -----------------------------------------------
def _estimator_state(estimator, name):
    """Encode a skfrl model: fitted, as save_model's bytes; else its parameters."""
    if estimator is None:
        return None
    if type(estimator).__name__ not in _MODELS:
        raise TypeError(
            f"save_poisoner stores skfrl's models {sorted(_MODELS)} as {name}; got "
            f"{type(estimator).__name__}. Use joblib for this poisoner."
        )
    if hasattr(estimator, "net_"):
        buffer = io.BytesIO()
        save_model(estimator, buffer)
        return {"fitted": buffer.getvalue()}
    params = estimator.get_params(deep=False)
    if params.get("callbacks"):
        raise TypeError(f"{name} has callbacks, which are code; use joblib.")
    return {"class": type(estimator).__name__, "params": _encode(params, name)}


def _estimator_from_state(state, device):
    if state is None:
        return None
    if "fitted" in state:
        return load_model(io.BytesIO(state["fitted"]), device=device)
    params = _decode(state["params"])
    if device is not None:
        params["device"] = device
    return _model_class(state["class"])(**params)


def _model_class(name):
    if name not in _MODELS:
        raise ValueError(f"The file names the model {name!r}, not one of skfrl's.")
    return _MODELS[name]


def _attack_state(attack, *, fitted):
    if isinstance(attack, str):
        return attack
    if type(attack).__name__ not in _ATTACKS:
        raise TypeError(
            f"save_poisoner stores skfrl's attacks {sorted(_ATTACKS)}; got "
            f"{type(attack).__name__}. Use joblib for this poisoner."
        )
    state = {
        "class": type(attack).__name__,
        "params": _encode(attack.get_params(deep=False), "attack"),
    }
    if fitted:  # the diagnostics craft left on the attack
        state["fitted"] = {
            key: _encode(value, f"attack_.{key}")
            for key, value in vars(attack).items()
            if key.endswith("_") and not key.startswith("_")
        }
    return state


def _attack_from_state(state):
    if isinstance(state, str):
        return state
    if state["class"] not in _ATTACKS:
        raise ValueError(f"The file names the attack {state['class']!r}, not skfrl's.")
    attack = _ATTACKS[state["class"]](**_decode(state["params"]))
    for key, value in state.get("fitted", {}).items():
        setattr(attack, key, _decode(value))
    return attack


# -- public API -----------------------------------------------------------
def save_poisoner(poisoner, path):
    """Write a fitted poisoner to ``path`` in torch's weights-only format.

    Parameters
    ----------
    poisoner : FairRepresentationPoisoner
        Fitted, with skfrl's models as victim (and surrogate) and one of
        skfrl's attacks. A victim or attack defined elsewhere, or callbacks,
        are code and cannot be stored this way (a ``TypeError`` says so):
        use ``joblib`` for those, and load such files only from people you
        trust.
    path : str, path-like or binary file object
        Where to write.

    Returns
    -------
    path : pathlib.Path or the file object

    Examples
    --------
    >>> import tempfile, numpy as np
    >>> from skfrl.attacks import FairRepresentationPoisoner
    >>> from skfrl.datasets import make_biased_classification
    >>> from skfrl.models import CFair
    >>> from skfrl.persistence import load_poisoner, save_poisoner
    >>> X, y, s = make_biased_classification(n_samples=100, random_state=0)
    >>> poisoner = FairRepresentationPoisoner(
    ...     CFair(max_epochs=2), attack="raa", random_state=0)
    >>> X_res, y_res, s_res = poisoner.fit_resample(X, y, s)
    >>> path = save_poisoner(poisoner, tempfile.mkdtemp() + "/poisoner.pt")
    >>> same = load_poisoner(path)
    >>> bool(np.array_equal(same.perturbations_, poisoner.perturbations_))
    True
    """
    if not isinstance(poisoner, FairRepresentationPoisoner):
        raise TypeError(
            "save_poisoner saves a FairRepresentationPoisoner; got "
            f"{type(poisoner).__name__}. Use skfrl.models.save_model for a model."
        )
    if not hasattr(poisoner, "estimator_"):
        raise ValueError("This poisoner is not fitted yet; call fit_resample first.")
    params = poisoner.get_params(deep=False)
    state = {
        "format": _FORMAT,
        "skfrl_version": __version__,
        "estimator": _estimator_state(params.pop("estimator"), "estimator"),
        "surrogate": _estimator_state(params.pop("surrogate"), "surrogate"),
        "attack": _attack_state(params.pop("attack"), fitted=False),
        "params": _encode(params, "a parameter"),
        "estimator_": _estimator_state(poisoner.estimator_, "estimator_"),
        "surrogate_": None
        if poisoner.surrogate_ is poisoner.estimator_
        else _estimator_state(poisoner.surrogate_, "surrogate_"),
        "attack_": _attack_state(poisoner.attack_, fitted=True),
        "fitted": {
            key: _encode(getattr(poisoner, key), key)
            for key in _FITTED
            if hasattr(poisoner, key)
        },
    }
    return write_weights_only(state, path)


def load_poisoner(path, *, device=None):
    """Read a poisoner written by :func:`save_poisoner`, without running its code.

    Parameters
    ----------
    path : str, path-like or binary file object
        A file written by :func:`save_poisoner`.
    device : str, default=None
        Where to put its models; None keeps the devices they were saved with.

    Returns
    -------
    poisoner : FairRepresentationPoisoner
        Fitted: the same parameters, clean victim ``estimator_`` (and
        ``surrogate_``), attack with its diagnostics, feature domain,
        masks, perturbations and histories as the saved one.
    """
    state = read_weights_only(
        path, kind="a file of skfrl.persistence.save_poisoner", format_version=_FORMAT
    )
    poisoner = FairRepresentationPoisoner(
        _estimator_from_state(state["estimator"], device),
        attack=_attack_from_state(state["attack"]),
        surrogate=_estimator_from_state(state["surrogate"], device),
        **_decode(state["params"]),
    )
    poisoner.estimator_ = _estimator_from_state(state["estimator_"], device)
    surrogate = _estimator_from_state(state["surrogate_"], device)
    poisoner.surrogate_ = poisoner.estimator_ if surrogate is None else surrogate
    poisoner.attack_ = _attack_from_state(state["attack_"])
    for key, value in state["fitted"].items():
        setattr(poisoner, key, _decode(value))
    return poisoner
