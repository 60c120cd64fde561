"""Save and load fitted models without unpickling code.

``pickle`` and ``joblib`` work, but loading either runs whatever code the
file names, so a model file from a stranger is a security risk. These
functions write torch's weights-only format instead: tensors, numbers,
strings, lists and dicts, which ``torch.load(weights_only=True)`` reads
without executing anything; the model class is looked up in a fixed list
of skfrl's models.
"""

import numpy as np
import torch
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from .. import __version__
from ..utils import read_weights_only, write_weights_only
from ._adversarial import AdvFRL
from ._cfair import CFair
from ._icvae import ICVAE
from ._supervised import SupervisedEncoder

__all__ = ["load_model", "save_model"]

_FORMAT = 1
_CLASSES = {cls.__name__: cls for cls in (AdvFRL, CFair, ICVAE, SupervisedEncoder)}


def _plain(value):
    """Return ``value`` as what the weights-only format holds."""
    if isinstance(value, np.ndarray):
        return [_plain(v) for v in value.tolist()]
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def save_model(model, path):
    """Write a fitted skfrl model to ``path`` in torch's weights-only format.

    Parameters
    ----------
    model : CFair, AdvFRL, ICVAE or SupervisedEncoder
        A fitted model. ``callbacks`` are not saved (they are code); a model
        with an optimizer class instead of a name cannot be saved either.
    path : str, path-like or binary file object
        Where to write.

    Returns
    -------
    path : pathlib.Path or the file object

    Examples
    --------
    >>> import tempfile, numpy as np
    >>> from skfrl.datasets import make_biased_classification
    >>> from skfrl.models import CFair, load_model, save_model
    >>> X, y, s = make_biased_classification(n_samples=100, random_state=0)
    >>> model = CFair(max_epochs=2, random_state=0).fit(X, y, sensitive_features=s)
    >>> path = save_model(model, tempfile.mkdtemp() + "/cfair.pt")
    >>> bool(np.array_equal(load_model(path).transform(X), model.transform(X)))
    True
    """
    if type(model).__name__ not in _CLASSES:
        raise TypeError(
            f"save_model saves skfrl's models {sorted(_CLASSES)}; got "
            f"{type(model).__name__}. Use joblib for other estimators."
        )
    check_is_fitted(model, "net_")
    params = model.get_params(deep=False)
    if not isinstance(params["optimizer"], str):
        raise TypeError(
            "save_model stores the optimizer by name; this model was given the "
            f"class {params['optimizer']!r}. Use joblib, or optimizer='adam'."
        )
    if isinstance(params["device"], torch.device):
        params["device"] = str(params["device"])
    params["callbacks"] = None
    sensitive_groups = model.sensitive_groups_
    state = {
        "format": _FORMAT,
        "skfrl_version": __version__,
        "class": type(model).__name__,
        "params": {key: _plain(value) for key, value in params.items()},
        "n_features_in": int(model.n_features_in_),
        "feature_names_in": _plain(getattr(model, "feature_names_in_", None)),
        "classes": _plain(getattr(model, "classes_", None)),
        "sensitive_groups": None
        if sensitive_groups is None
        else _plain(sensitive_groups),
        "n_iter": int(model.n_iter_),
        "module": model.net_.module_.state_dict(),
        "criterion": model.net_.criterion_.state_dict(),
        "optimizer": model.net_.optimizer_.state_dict(),
    }
    return write_weights_only(state, path)


def load_model(path, *, device=None):
    """Read a model written by :func:`save_model`, without running its code.

    The file is read with ``torch.load(weights_only=True)``: it can hold
    nothing but tensors and plain values, and the class is one of skfrl's
    models, so a tampered file cannot execute code.

    Parameters
    ----------
    path : str, path-like or binary file object
        A file written by :func:`save_model`.
    device : str, default=None
        Where to put the model; None keeps the device it was saved with.

    Returns
    -------
    model : CFair, AdvFRL, ICVAE or SupervisedEncoder
        Fitted: ``transform`` gives what the saved model gave. ``partial_fit``
        continues from the saved weights and optimizer state, with a fresh
        shuffling (and, for ICVAE, noise) generator.
    """
    state = read_weights_only(
        path, kind="a model file of skfrl.models.save_model", format_version=_FORMAT
    )
    if state["class"] not in _CLASSES:
        raise ValueError(
            f"{path} names the class {state['class']!r}, not one of skfrl's "
            f"models {sorted(_CLASSES)}."
        )
    params = dict(state["params"])
    for key, value in params.items():  # sizes were tuples
        if isinstance(value, list):
            params[key] = tuple(value)
    if device is not None:
        params["device"] = device
    model = _CLASSES[state["class"]](**params)
    model.n_features_in_ = state["n_features_in"]
    if state["feature_names_in"] is not None:
        model.feature_names_in_ = np.asarray(state["feature_names_in"], dtype=object)
    if state["classes"] is not None:
        model.classes_ = np.asarray(state["classes"])
    groups = state["sensitive_groups"]
    if groups is not None and any(isinstance(g, list) for g in groups):
        packed = np.empty(len(groups), dtype=object)  # intersectional: tuples
        packed[:] = [tuple(g) for g in groups]
        groups = packed
    elif groups is not None:
        groups = np.asarray(groups)
    model.sensitive_groups_ = groups
    model._build_net(state["n_features_in"], check_random_state(0))
    model.net_.module_.load_state_dict(state["module"])
    model.net_.criterion_.load_state_dict(state["criterion"])
    model.net_.optimizer_.load_state_dict(state["optimizer"])
    model.n_iter_ = state["n_iter"]
    return model
