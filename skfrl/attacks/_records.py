"""Poisons as the records a person would read: one value per field."""

import numpy as np
import pandas as pd


def decode_records(X, domain, *, feature_names=None, scaler=None):
    """Return rows of ``X`` as records: one column per field of ``domain``.

    Parameters
    ----------
    X : array-like of shape (n_rows, n_features)
        Rows in the space the domain was read from (e.g. standardised).
    domain : FeatureDomain
        Its one-hot groups become one column holding the level's name.
    feature_names : list of str, default=None
        Column names ``"field=level"``; default: the domain's.
    scaler : transformer, default=None
        Fitted scaler whose ``inverse_transform`` maps ``X`` back to the raw
        units (e.g. the ``StandardScaler`` applied before poisoning).

    Returns
    -------
    records : pandas.DataFrame of shape (n_rows, n_fields)
    """
    X = np.asarray(X, dtype=np.float64)
    names = feature_names or domain.feature_names
    if names is None:
        names = [f"x{j}" for j in range(domain.n_features)]
    if len(names) != domain.n_features:
        raise ValueError(
            f"feature_names has {len(names)} names but the poisons have "
            f"{domain.n_features} columns."
        )
    raw = X if scaler is None else scaler.inverse_transform(X)
    columns = {}
    for field in range(len(domain.field_names)):
        cols = np.flatnonzero(domain.field_of_column == field)
        if len(cols) == 1:
            columns[names[cols[0]]] = raw[:, cols[0]]
            continue
        name = names[cols[0]].split("=", 1)[0]
        lo = np.array([domain.values[c][0] for c in cols])
        hi = np.array([domain.values[c][-1] for c in cols])
        level = np.argmax((X[:, cols] - lo) / (hi - lo), axis=1)
        levels = [names[c].split("=", 1)[-1] for c in cols]
        columns[name] = pd.Categorical(np.asarray(levels)[level], categories=levels)
    return pd.DataFrame(columns)
