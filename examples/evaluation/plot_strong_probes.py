"""
=====================================================
Fair to a linear probe, fair to every probe?
=====================================================

A representation ``Z`` hides ``s`` only as well as the best probe that fails
to find it. skfrl measures leakage with one default probe, a regularised
logistic regression, and asks stronger ones by name: a small MLP
(``probe="mlp"``) and gradient-boosted trees (``probe="hgb"``).
:func:`~skfrl.metrics.leakage_report` puts the three side by side, each with
a 95 % interval, next to what a constant scores: ``H(s)``.

Here ``s`` reaches the features in two ways: it shifts the mean of some of
them a little, which a linear probe sees, and it widens the spread of
others, which no linear probe can see. We ask every probe about the raw
features, then about the representations of skfrl's models.
"""

# %%
# Data with a leak a linear probe cannot see
# ------------------------------------------
# :func:`~skfrl.datasets.make_biased_classification` with ``leakage=0.2``
# shifts the mean of its proxy features a little with ``s``. We add three
# columns whose mean is 0 in both groups but whose standard deviation is 2.5
# times larger when ``s = 1``; they carry nothing about ``y``.
import os

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skfrl.datasets import make_biased_classification
from skfrl.metrics import leakage_report, sensitive_entropy
from skfrl.models import ICVAE, AdvFRL, CFair, SupervisedEncoder

# SKFRL_EXAMPLES_FULL=1: three repetitions of the folds instead of one.
FULL = os.environ.get("SKFRL_EXAMPLES_FULL") == "1"
N_REPEATS = 3 if FULL else 1

X, y, s = make_biased_classification(n_samples=2400, leakage=0.2, random_state=0)
rng = np.random.RandomState(0)
spread = rng.normal(size=(len(s), 3)) * np.where(s == 1, 2.5, 1.0)[:, None]
X = np.hstack([X, spread])
X_train, X_test, y_train, y_test, s_train, s_test = train_test_split(
    X, y, s, test_size=0.25, random_state=0, stratify=s
)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
print(f"H(s) on the test rows: {sensitive_entropy(s_test):.3f} nats")

# %%
# The raw features
# ----------------
# Five folds, repeated ``N_REPEATS`` times; each score comes with a 95 %
# interval (``bce_low``, ``bce_high``).
# The logistic probe sees only the small mean shift and stays close to
# H(s); the boosted trees find the spread and score far below it. The MLP,
# with early stopping on a few hundred rows per fold, is the weakest of the
# strong probes at this size.
print(leakage_report(X_test, s_test, n_repeats=N_REPEATS)[["bce", "auc"]].round(3))

# %%
# Fit the models
# --------------
# An encoder trained for ``y`` alone, and three fair ones, each with its
# defaults, 8-dimensional ``Z`` for all. The spread columns do not help
# predict ``y``, so every encoder learns to ignore them, and with them the
# leak only a strong probe could see: here no probe finds much more than
# the logistic one. On Adult the strong probes do find more in every
# model's ``Z`` (see the user guide's results page).
models = {
    "raw features": None,
    "SupervisedEncoder": SupervisedEncoder(max_epochs=30, random_state=0),
    "CFair": CFair(n_components=8, max_epochs=30, random_state=0),
    "AdvFRL": AdvFRL(max_epochs=30, random_state=0),
    "ICVAE-S": ICVAE(max_epochs=30, random_state=0),
}
reports = {}
for name, model in models.items():
    if model is None:
        Z_test = X_test
    else:
        model.fit(X_train, y_train, sensitive_features=s_train)
        Z_test = model.transform(X_test)
    reports[name] = leakage_report(Z_test, s_test, n_repeats=N_REPEATS)
table = pd.concat({name: r["bce"] for name, r in reports.items()}, axis=1).T
print(table.round(3))

# %%
# Plot: probe BCE per model and probe
# -----------------------------------
# Lower BCE = more leakage; the dashed line is H(s). A representation
# whose ``logistic`` bar sits near the line while an ``mlp`` or ``hgb`` bar
# falls well below it, as for the raw features here, is fair to linear
# probes only.
probes = ["logistic", "mlp", "hgb"]
width = 0.25
fig, ax = plt.subplots(figsize=(8, 4))
for k, probe in enumerate(probes):
    means = [reports[m].loc[probe, "bce"] for m in models]
    errors = [
        reports[m].loc[probe, "bce"] - reports[m].loc[probe, "bce_low"] for m in models
    ]
    positions = np.arange(len(models)) + (k - 1) * width
    ax.bar(positions, means, width, yerr=errors, capsize=3, label=probe)
ax.axhline(sensitive_entropy(s_test), color="black", ls="--", label="H(s)")
ax.set_xticks(np.arange(len(models)), list(models))
ax.set_ylabel("probe BCE of s (nats)")
ax.set_title("Leakage of s to a linear and two strong probes")
ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize="small")
plt.tight_layout()
plt.show()
