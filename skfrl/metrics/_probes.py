"""The probes that measure leakage: one default, strong ones by name.

Every part of skfrl measures how well ``s`` can be predicted from ``Z`` with
the same default probe, a logistic regression whose L2 strength is chosen by
inner cross-validation on the log-loss. On a ``Z`` that carries no
information its BCE is within about 0.01 nats of ``H(s)``, where an
unregularised probe on a small target set overfits and scores above it.

The strong probes, a small MLP and gradient-boosted trees, catch leakage a
linear probe cannot see (``s`` in the spread of a coordinate, in an
interaction). Their probabilities are Platt-scaled on held-out folds, so
they too score about ``H(s)`` on noise instead of overfitting above it.

Every probe is deterministic: its inner folds and its own seeds are fixed.
"""

import numpy as np
from sklearn.base import clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

#: the probes known by name, the default first
PROBE_NAMES = ("logistic", "mlp", "hgb")

# Fixed seed of the probes' inner folds and own randomness: one number per Z.
_SEED = 0


def _inner_folds():
    return StratifiedKFold(3, shuffle=True, random_state=_SEED)


def _logistic():
    """Standardised logistic regression, C chosen by 3-fold CV log-loss."""
    return GridSearchCV(
        make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)),
        {"logisticregression__C": np.logspace(-4, 2, 7)},
        scoring="neg_log_loss",
        cv=_inner_folds(),
    )


def _calibrated(classifier):
    """Platt scaling on held-out inner folds, averaged over the folds."""
    return CalibratedClassifierCV(classifier, method="sigmoid", cv=_inner_folds())


def _mlp():
    """One hidden layer of 64 units with early stopping, Platt-scaled."""
    mlp = MLPClassifier(
        hidden_layer_sizes=(64,),
        alpha=1e-2,
        early_stopping=True,
        n_iter_no_change=10,
        max_iter=300,
        random_state=_SEED,
    )
    return _calibrated(make_pipeline(StandardScaler(), mlp))


def _hgb():
    """Histogram gradient boosting with early stopping, Platt-scaled."""
    return _calibrated(
        HistGradientBoostingClassifier(
            max_iter=300, early_stopping=True, n_iter_no_change=10, random_state=_SEED
        )
    )


_FACTORIES = {"logistic": _logistic, "mlp": _mlp, "hgb": _hgb}


def make_probe(probe="logistic"):
    """Return a fresh, unfitted probe of ``s``: a named one or a clone.

    Parameters
    ----------
    probe : {"logistic", "mlp", "hgb"} or classifier, default="logistic"
        ``"logistic"`` (the default probe of every skfrl measurement):
        standardised logistic regression whose ``C`` is chosen among
        ``1e-4, ..., 1e2`` by 3-fold cross-validated log-loss.
        ``"mlp"``: a standardised ``MLPClassifier`` with one hidden layer of
        64 units and early stopping. ``"hgb"``: a
        ``HistGradientBoostingClassifier`` with early stopping. Both strong
        probes are Platt-scaled by ``CalibratedClassifierCV(method="sigmoid",
        cv=3)``. A classifier with ``predict_proba`` is cloned. None means
        ``"logistic"``.

    Returns
    -------
    probe : classifier
        Unfitted; its inner folds and seeds are fixed, so one ``Z`` gives
        one score.

    Examples
    --------
    >>> from skfrl.metrics import make_probe
    >>> type(make_probe("hgb")).__name__
    'CalibratedClassifierCV'
    """
    if probe is None:
        probe = "logistic"
    if isinstance(probe, str):
        if probe not in _FACTORIES:
            raise ValueError(
                f"probe must be one of {list(PROBE_NAMES)} or a classifier with "
                f"predict_proba; got {probe!r}."
            )
        return _FACTORIES[probe]()
    if not (hasattr(probe, "fit") and hasattr(probe, "predict_proba")):
        raise TypeError(
            "probe must be one of "
            f"{list(PROBE_NAMES)} or a classifier with fit and predict_proba; "
            f"got {type(probe).__name__}."
        )
    return clone(probe)
