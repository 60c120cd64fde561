"""Which features a perturbation changed, and its per-row L0, L1 and L2 norms.

One definition of "changed" for the poisoner, the trials and the metrics: a
feature changed when it moved by more than ``tol``, 0 by default. Poisons
keep their base row's exact values where they were not edited (see
:class:`~skfrl.attacks.FairRepresentationPoisoner`), so any difference is an
edit.
"""

import numpy as np
import pandas as pd

__all__ = ["changed_features", "perturbation_norms"]


def changed_features(delta, *, tol=0.0):
    """Return the boolean mask of the entries of ``delta`` that moved.

    Parameters
    ----------
    delta : ndarray of shape (n_poison, n_features)
        Perturbations, one row per poison.
    tol : float, default=0.0
        An entry counts as changed when its absolute value exceeds ``tol``.

    Returns
    -------
    changed : ndarray of bool, the shape of ``delta``
    """
    return np.abs(delta) > tol


def perturbation_norms(delta, *, tol=0.0):
    """Return a DataFrame with the ``l0``, ``l1`` and ``l2`` norm of each row.

    Parameters
    ----------
    delta : ndarray of shape (n_poison, n_features)
        Perturbations, one row per poison.
    tol : float, default=0.0
        A feature counts in ``l0`` when it moved by more than ``tol``
        (see :func:`changed_features`).

    Returns
    -------
    norms : pandas.DataFrame of shape (n_poison, 3)
        Columns ``l0`` (int), ``l1`` and ``l2``.
    """
    return pd.DataFrame(
        {
            "l0": np.count_nonzero(changed_features(delta, tol=tol), axis=1),
            "l1": np.abs(delta).sum(axis=1),
            "l2": np.linalg.norm(delta, axis=1),
        }
    )
