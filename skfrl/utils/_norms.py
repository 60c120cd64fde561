"""Per-row L0, L1 and L2 norms of perturbations, shared by attacks and metrics."""

import numpy as np
import pandas as pd


def perturbation_norms(delta, *, tol=0.0):
    """Return a DataFrame with the ``l0``, ``l1`` and ``l2`` norm of each row.

    Parameters
    ----------
    delta : ndarray of shape (n_poison, n_features)
        Perturbations, one row per poison.
    tol : float, default=0.0
        A feature counts in ``l0`` when it moved by more than ``tol``.
    """
    magnitude = np.abs(delta)
    return pd.DataFrame(
        {
            "l0": np.count_nonzero(magnitude > tol, axis=1),
            "l1": magnitude.sum(axis=1),
            "l2": np.linalg.norm(delta, axis=1),
        }
    )
