"""Shim for scikit-learn's parameter-validation tools.

scikit-learn keeps these helpers private; importing them in one place means a
change of location in a future release is fixed here only.
"""

from sklearn.base import _fit_context
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    StrOptions,
    validate_params,
)

__all__ = [
    "HasMethods",
    "Interval",
    "StrOptions",
    "_fit_context",
    "validate_estimator_params",
    "validate_params",
]


def validate_estimator_params(estimator):
    """Check an estimator's parameters against its ``_parameter_constraints``.

    What ``fit`` checks first, without fitting: the runner validates a grid's
    victims and attacks this way before it runs any cell. Estimators without
    declared constraints pass unchecked.
    """
    if hasattr(estimator, "_parameter_constraints"):
        estimator._validate_params()
