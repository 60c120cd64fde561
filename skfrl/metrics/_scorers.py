"""Leakage scorers for scikit-learn model selection of fair representations."""

from inspect import signature

from sklearn import get_config
from sklearn.utils.metadata_routing import MetadataRequest

from ..utils._param_validation import StrOptions, validate_params
from ._information import fld_score, knn_mutual_info
from ._leakage import probe_accuracy, probe_auc, probe_bce

_LEAKAGE_METRICS = {
    "fld_score": fld_score,
    "knn_mutual_info": knn_mutual_info,
    "probe_accuracy": probe_accuracy,
    "probe_auc": probe_auc,
    "probe_bce": probe_bce,
}


class SensitiveFeaturesNotRoutedError(BaseException):
    """A leakage scorer was called without ``s`` while metadata routing is off.

    Model selection (``GridSearchCV``, ``cross_validate``) catches every
    ``Exception`` a scorer raises and records ``error_score`` (NaN) instead,
    which would make every score NaN and ``best_params_`` arbitrary behind a
    warning. This error derives from ``BaseException``, as
    ``KeyboardInterrupt`` does, so that it stops the search at the first
    call with the fix in its message.
    """


class _LeakageScorer:
    """Score ``metric(estimator.transform(X), sensitive_features)``."""

    def __init__(self, metric, sign, metric_params):
        self._metric = metric
        self._sign = sign
        self._metric_params = metric_params

    def __call__(self, estimator, X, y=None, *, sensitive_features=None):
        """Return the signed leakage of ``estimator.transform(X)``; ``y`` is unused."""
        if sensitive_features is None:
            how = (
                "call scorer(estimator, X, sensitive_features=s), or route it "
                "with sklearn.set_config(enable_metadata_routing=True) and "
                "params={'sensitive_features': s} (e.g. GridSearchCV.fit(X, y, "
                "sensitive_features=s))."
            )
            if not get_config()["enable_metadata_routing"]:
                raise SensitiveFeaturesNotRoutedError(
                    "A leakage scorer got no sensitive_features and metadata "
                    "routing is off, so model selection cannot pass them: " + how
                )
            raise ValueError("A leakage scorer needs sensitive_features: " + how)
        Z = estimator.transform(X)
        metric = _LEAKAGE_METRICS[self._metric]
        return self._sign * metric(Z, sensitive_features, **self._metric_params)

    def get_metadata_routing(self):
        """Request ``sensitive_features`` for ``score``, so routing sends it here."""
        request = MetadataRequest(owner=type(self).__name__)
        request.score.add_request(param="sensitive_features", alias=True)
        return request

    def __repr__(self):
        params = "".join(f", {k}={v!r}" for k, v in self._metric_params.items())
        sign = "" if self._sign > 0 else ", greater_is_better=False"
        return f"make_leakage_scorer({self._metric!r}{sign}{params})"


@validate_params(
    {
        "metric": [StrOptions(set(_LEAKAGE_METRICS))],
        "greater_is_better": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def make_leakage_scorer(metric="probe_bce", *, greater_is_better=True, **metric_params):
    """Make a scorer of how much a fitted transformer's ``Z`` reveals ``s``.

    The scorer is called as ``scorer(estimator, X, y=None, *,
    sensitive_features)`` and returns ``metric(estimator.transform(X), s)``,
    so it fits :func:`~sklearn.model_selection.cross_validate` and
    :class:`~sklearn.model_selection.GridSearchCV` once metadata routing is on:
    it requests ``sensitive_features`` by itself, with no ``set_score_request``.

    Parameters
    ----------
    metric : {"probe_bce", "probe_auc", "probe_accuracy", "fld_score", \
            "knn_mutual_info"}, default="probe_bce"
        The leakage metric of :mod:`skfrl.metrics` to apply.
    greater_is_better : bool, default=True
        If False, the scorer returns the metric negated, as sklearn's
        :func:`~sklearn.metrics.make_scorer` does.
    **metric_params : dict
        Keywords of the metric, e.g. ``probe``, ``cv`` or ``random_state``.

    Returns
    -------
    scorer : callable
        ``scorer(estimator, X, y=None, *, sensitive_features)``; ``y`` is
        ignored. Without ``sensitive_features`` it raises a ``ValueError``,
        or, while metadata routing is off, a
        :class:`SensitiveFeaturesNotRoutedError`: model selection would
        otherwise turn that error into NaN scores, so it stops the search at
        the first call instead.

    Notes
    -----
    Model selection maximises the score. ``probe_bce`` rises as ``Z`` leaks
    less, so the default scorer selects the fairest representation; the other
    metrics rise with leakage, so pass ``greater_is_better=False`` to the same
    end, and keep the default to select the leakiest (an attacker's view).

    Examples
    --------
    >>> import sklearn
    >>> from sklearn.decomposition import PCA
    >>> from sklearn.model_selection import cross_validate
    >>> from skfrl.datasets import make_biased_classification
    >>> from skfrl.metrics import make_leakage_scorer
    >>> X, _, s = make_biased_classification(200, leakage=1, random_state=0)
    >>> scorer = make_leakage_scorer("probe_bce", cv=3, random_state=0)
    >>> bool(scorer(PCA(2).fit(X), X, sensitive_features=s) < 0.69)
    True
    >>> with sklearn.config_context(enable_metadata_routing=True):
    ...     cv = cross_validate(
    ...         PCA(2), X, scoring=scorer, params={"sensitive_features": s}
    ...     )
    >>> cv["test_score"].shape
    (5,)
    """
    # raise a TypeError now, not at the first call, on an unknown keyword
    signature(_LEAKAGE_METRICS[metric]).bind(None, None, **metric_params)
    return _LeakageScorer(metric, 1 if greater_is_better else -1, metric_params)
