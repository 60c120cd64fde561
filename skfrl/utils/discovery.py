"""List skfrl's public estimators, as ``sklearn.utils.discovery`` does for sklearn."""

import inspect
from importlib import import_module

from sklearn.base import BaseEstimator

__all__ = ["all_estimators"]

_PUBLIC_MODULES = ("skfrl.models", "skfrl.attacks")


def all_estimators():
    """Return the public, concrete estimators of skfrl.

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
