"""The UCI Statlog German Credit dataset, with age as the sensitive attribute."""

from importlib import resources
from numbers import Real

import pandas as pd

from ..utils._param_validation import Interval, validate_params
from ._base import (
    FETCH_CONSTRAINTS,
    _encode,
    _find_local,
    _make_bunch,
    get_data_home,
    verify_local_file,
)

__all__ = ["fetch_german"]

_FILENAME = "german.data"
_SHA256 = "b21f3d81db8071257d5ff1deaeba1fd4303b62712e6fcc9715c7a86202cb5871"
# Attribute names of german.doc, in file order; the last column is the label.
_COLUMNS = [
    "checking_status", "duration", "credit_history", "purpose", "credit_amount",
    "savings", "employment_since", "installment_rate", "personal_status_sex",
    "other_debtors", "residence_since", "property", "age",
    "other_installment_plans", "housing", "existing_credits", "job",
    "people_liable", "telephone", "foreign_worker", "credit_risk",
]  # fmt: skip


def _codes(prefix, first, last):
    """Return the UCI codes ``A<prefix><first>`` to ``A<prefix><last>``."""
    return [f"A{prefix}{i}" for i in range(first, last + 1)]


# Full category lists of german.doc, unused codes (A47, A95) included: 56 columns.
_CATEGORIES = {
    "checking_status": _codes(1, 1, 4),
    "credit_history": _codes(3, 0, 4),
    "purpose": _codes(4, 0, 10),
    "savings": _codes(6, 1, 5),
    "employment_since": _codes(7, 1, 5),
    "personal_status_sex": _codes(9, 1, 5),
    "other_debtors": _codes(10, 1, 3),
    "property": _codes(12, 1, 4),
    "other_installment_plans": _codes(14, 1, 3),
    "housing": _codes(15, 1, 3),
    "job": _codes(17, 1, 4),
    "telephone": _codes(19, 1, 2),
    "foreign_worker": _codes(20, 1, 2),
}


def _read_german(data_home):
    """Read german.data from ``data_home``, else the copy bundled with skfrl."""
    path = _find_local("german", _FILENAME, get_data_home(data_home))
    if path is None:
        path = resources.files(__package__).joinpath("data", _FILENAME)
    else:
        verify_local_file(path, _SHA256)
    with path.open("rb") as f:
        return pd.read_csv(f, sep=" ", header=None, names=_COLUMNS)


@validate_params(
    FETCH_CONSTRAINTS | {"age_threshold": [Interval(Real, None, None, closed="both")]},
    prefer_skip_nested_validation=True,
)
def fetch_german(
    *,
    data_home=None,
    download_if_missing=True,
    as_frame=True,
    return_X_y_s=False,
    raw=False,
    age_threshold=25,
):
    """Load the UCI Statlog German Credit dataset (1,000 loan applicants).

    By default ``data`` holds 62 numeric columns: the 13 categorical attributes
    one-hot encoded over their full UCI code lists (56 columns) and 6 numeric
    attributes; age is the sensitive attribute and is removed. The data are
    **not** standardised: put a :class:`~sklearn.preprocessing.StandardScaler`
    first in your pipeline.

    Parameters
    ----------
    data_home : str or path-like, default=None
        Folder holding ``german.data``, directly or in a ``german`` subfolder.
        See :func:`get_data_home`. When absent, the copy shipped with skfrl is
        used, so this loader works offline.
    download_if_missing : bool, default=True
        Accepted for a uniform signature; never needed, the file is bundled.
    as_frame : bool, default=True
        Return pandas objects; otherwise numpy arrays (``data`` is float64, or
        object with ``raw=True``).
    return_X_y_s : bool, default=False
        Return ``(data, target, sensitive_features)`` instead of a Bunch.
    raw : bool, default=False
        Return the 20 original attributes minus age (UCI codes such as ``"A11"``
        and integers) instead of the encoding.
    age_threshold : float, default=25
        ``sensitive_features`` is 1 for applicants with ``age >= age_threshold``
        (older, privileged) and 0 for younger ones.

    Returns
    -------
    bunch : :class:`~sklearn.utils.Bunch`
        ``data`` of shape (1000, 62), ``target`` (1 = good credit, 0 = bad),
        ``sensitive_features`` (0/1), ``feature_names``, ``target_names``,
        ``frame`` (data, target and sensitive column; None unless ``as_frame``)
        and ``DESCR``, which lists the meaning of every code.
    (data, target, sensitive_features) : tuple
        If ``return_X_y_s`` is True.

    Notes
    -----
    The 62 columns follow the FRL poisoning paper's count: one-hot columns are
    named ``"<attribute>=<code>"`` (``"checking_status=A11"``); the numeric
    ones are duration, credit_amount, installment_rate, residence_since,
    existing_credits and people_liable. The age threshold 25 follows Kamiran
    and Calders (2009).

    Source: UCI Machine Learning Repository, "Statlog (German Credit Data)",
    donated by Hans Hofmann (Universität Hamburg); licence CC BY 4.0, under
    which a copy ships with skfrl.

    Examples
    --------
    >>> from skfrl.datasets import fetch_german
    >>> X, y, s = fetch_german(return_X_y_s=True)
    >>> X.shape
    (1000, 62)
    >>> X.columns[0], round(float(y.mean()), 2)
    ('checking_status=A11', 0.7)
    """
    df = _read_german(data_home)
    target = (df["credit_risk"] == 1).rename("credit_risk")
    sensitive = (df["age"] >= age_threshold).rename("age")
    data = df.drop(columns=["age", "credit_risk"])
    if not raw:
        data = _encode(data, _CATEGORIES)
    return _make_bunch(
        data,
        target,
        sensitive,
        target_names=["bad", "good"],
        descr="german",
        as_frame=as_frame,
        return_X_y_s=return_X_y_s,
    )
