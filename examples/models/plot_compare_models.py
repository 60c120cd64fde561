"""
===================================================
Accuracy and leakage of the representation learners
===================================================

Every fair representation trades some accuracy on ``y`` for less
information about ``s``. We train each of skfrl's models on the same
synthetic data and place it on that trade-off: the accuracy of a logistic
regression of ``y`` on ``Z`` against the leakage of ``s`` from ``Z``
measured by :func:`skfrl.metrics.probe_bce`. The raw standardised features
serve as the reference.
"""

# %%
# Data
# ----
# :func:`~skfrl.datasets.make_biased_classification` with its default
# ``leakage=0.5``; the label depends on ``s`` a little. 75 % of the rows
# train the models, the rest evaluate them. Features are standardised with
# the training statistics.
import os

import matplotlib.pyplot as plt
import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skfrl.datasets import make_biased_classification
from skfrl.metrics import downstream_fairness, probe_bce, sensitive_entropy
from skfrl.models import ICVAE, AdvFRL, CFair, SupervisedEncoder

# SKFRL_EXAMPLES_FULL=1 trains longer and repeats over five seeds.
FULL = os.environ.get("SKFRL_EXAMPLES_FULL") == "1"
MAX_EPOCHS = 60 if FULL else 30
SEEDS = range(5) if FULL else range(2)

X, y, s = make_biased_classification(n_samples=2000, random_state=0)
X_train, X_test, y_train, y_test, s_train, s_test = train_test_split(
    X, y, s, test_size=0.25, random_state=0, stratify=s
)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)


# %%
# The models
# ----------
# - :class:`~skfrl.models.SupervisedEncoder`: an encoder trained for ``y``
#   only, the no-fairness reference;
# - :class:`~skfrl.models.AdvFRL`: one adversary predicts ``s`` from ``Z``
#   behind a gradient reversal layer (demographic parity);
# - :class:`~skfrl.models.CFair`: two adversaries, one per class of ``y``,
#   and a class-balanced task loss; it hides ``s`` *within* each class;
# - :class:`~skfrl.models.ICVAE`: a variational encoder with a decoder that
#   is given ``s``, and a penalty on an upper bound of I(Z; s).
#
# All train for the same number of epochs, on mini-batches of 64 rows
# except CFair, which keeps its defaults (Adadelta, batches of 512).
# AdvFRL uses Adam with a learning rate of 0.01 and ICVAE a fairness weight
# of 10; everything else is each model's default.
def make_models(seed):
    common = dict(max_epochs=MAX_EPOCHS, random_state=seed)
    return {
        "SupervisedEncoder": SupervisedEncoder(batch_size=64, **common),
        "AdvFRL": AdvFRL(lr=1e-2, batch_size=64, **common),
        "CFair": CFair(**common),
        "ICVAE": ICVAE(fairness_weight=10.0, batch_size=64, **common),
    }


# %%
# Fit, transform and evaluate
# ---------------------------
# For each seed and model: fit on the training rows with ``s``, transform
# both sets, then
#
# - leakage: :func:`~skfrl.metrics.probe_bce` on the test ``Z``, 5-fold
#   cross-validated (nats; lower = more leakage);
# - utility and fairness: :func:`~skfrl.metrics.downstream_fairness` fits
#   a logistic regression of ``y`` on the training ``Z`` and reports its
#   accuracy and demographic parity difference on the test ``Z``.
#
# The printed table averages each model's scores over the seeds.
def evaluate(Z_train, Z_test):
    record = downstream_fairness(
        Z_train, y_train, Z_test, y_test, sensitive_features=s_test
    )
    return {
        "probe BCE": probe_bce(Z_test, s_test, random_state=0),
        "accuracy": record["downstream_accuracy"],
        "DP difference": record["demographic_parity_difference"],
    }


rows = [{"model": "raw features", "seed": 0, **evaluate(X_train, X_test)}]
for seed in SEEDS:
    for name, model in make_models(seed).items():
        model.fit(X_train, y_train, sensitive_features=s_train)
        scores = evaluate(model.transform(X_train), model.transform(X_test))
        rows.append({"model": name, "seed": seed, **scores})
results = pd.DataFrame(rows)
columns = ["probe BCE", "accuracy", "DP difference"]
print(results.groupby("model", sort=False)[columns].mean().round(3))

# %%
# Plot
# ----
# One point per model and seed. The dashed line is H(s), the BCE of a probe
# that learns nothing: points near it hide ``s`` from a linear probe.
fig, ax = plt.subplots(figsize=(7, 4.5))
for name, group in results.groupby("model", sort=False):
    ax.scatter(group["probe BCE"], group["accuracy"], s=50, label=name)
ax.axvline(sensitive_entropy(s_test), color="grey", ls="--", label="H(s)")
ax.set_xlabel("probe BCE of s from Z (nats) → less leakage")
ax.set_ylabel("accuracy of y from Z")
ax.set_title("Accuracy vs leakage on held-out data")
ax.legend(loc="lower left")
plt.tight_layout()
plt.show()
