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

__all__ = ["HasMethods", "Interval", "StrOptions", "_fit_context", "validate_params"]
