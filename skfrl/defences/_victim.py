"""The defender's model of the representation, for sanitisers that work on Z."""

from sklearn.base import clone
from sklearn.utils.validation import check_is_fitted

from ..utils import draw_seed

__all__ = ["fit_defender_model"]


def fit_defender_model(sanitiser, X, y, s, rng):
    """Return the fitted model behind ``sanitiser`` and store it as ``estimator_``.

    With ``prefit=True`` the sanitiser's ``estimator`` is used as is (it is
    only read); otherwise a clone, seeded from ``rng`` when its own
    ``random_state`` is None, is fitted on ``(X, y, s)``.
    """
    if sanitiser.prefit:
        check_is_fitted(sanitiser.estimator)
        model = sanitiser.estimator
    else:
        model = clone(sanitiser.estimator)
        params = model.get_params()
        if "random_state" in params and params["random_state"] is None:
            model.set_params(random_state=draw_seed(rng))
        model.fit(X, y, sensitive_features=s)
    sanitiser.estimator_ = model
    return model
