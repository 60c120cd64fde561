"""List skfrl's public estimators, as ``sklearn.utils.discovery`` does for sklearn."""

import inspect
from importlib import import_module

from sklearn.base import BaseEstimator

__all__ = ["all_estimators"]

_PUBLIC_MODULES = ("skfrl.models",)


def all_estimators():
    """Return skfrl's public, concrete scikit-learn estimators (the models).

    Poisoners are samplers, not transformers: they are checked by
    :func:`skfrl.utils.estimator_checks.check_poisoner` instead.

    Returns
    -------
    estimators : list of (str, type)
        ``(name, class)`` pairs sorted by name.
    """
    found = {}
    for module_name in _PUBLIC_MODULES:
        try:
            module = import_module(module_name)
        except ImportError:
            continue
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
            if (
                inspect.isclass(obj)
                and issubclass(obj, BaseEstimator)
                and not inspect.isabstract(obj)
            ):
                found[name] = obj
    return sorted(found.items())
