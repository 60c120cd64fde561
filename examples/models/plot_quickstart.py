"""
================================================
Quick start: a fair representation in a Pipeline
================================================

Train :class:`~skfrl.models.AdvFRL`, an adversarially fair encoder, as the
first step of a scikit-learn :class:`~sklearn.pipeline.Pipeline` whose last
step is a logistic regression. The sensitive attribute ``s`` reaches the
encoder through scikit-learn's metadata routing. We compare the pipeline's
predictions, group by group, with those of the same pipeline built on
:class:`~skfrl.models.SupervisedEncoder` (the same kind of encoder with no
fairness term), using :func:`skfrl.metrics.fairness_report`, a fairlearn
``MetricFrame``.
"""

# %%
# Data
# ----
# :func:`~skfrl.datasets.make_biased_classification` draws standard normal
# features, some of them shifted according to a binary group ``s``; the
# label ``y`` depends on the features and, a little, on ``s`` directly.
# ``leakage=1.0`` makes the features reveal ``s`` strongly. We hold out a
# quarter of the rows for evaluation.
import os

import matplotlib.pyplot as plt
import pandas as pd
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skfrl.datasets import make_biased_classification
from skfrl.metrics import fairness_report, probe_bce, sensitive_entropy
from skfrl.models import AdvFRL, SupervisedEncoder, TrainingHistoryDisplay

# SKFRL_EXAMPLES_FULL=1 trains longer.
FULL = os.environ.get("SKFRL_EXAMPLES_FULL") == "1"
MAX_EPOCHS = 60 if FULL else 30

X, y, s = make_biased_classification(n_samples=2000, leakage=1.0, random_state=0)
X_train, X_test, y_train, y_test, s_train, s_test = train_test_split(
    X, y, s, test_size=0.25, random_state=0, stratify=s
)
print(f"{X_train.shape[0]} training rows, {X_train.shape[1]} features")
print("share of y = 1 by group (test rows):")
print(pd.Series(y_test).groupby(s_test).mean().round(3))

# %%
# Fit
# ---
# With metadata routing on, ``set_fit_request(sensitive_features=True)``
# tells the pipeline to pass ``sensitive_features`` to the encoder's
# ``fit``. The scaler and the classifier do not ask for it and never see
# it. ``fairness_weight`` is the weight of the adversary's loss. Both
# encoders train for the same number of epochs on mini-batches of 64 rows;
# AdvFRL uses Adam with a learning rate of 0.01.
sklearn.set_config(enable_metadata_routing=True)


def make_model(encoder):
    encoder = encoder.set_fit_request(sensitive_features=True)
    return make_pipeline(StandardScaler(), encoder, LogisticRegression(max_iter=1000))


models = {
    "SupervisedEncoder (no fairness)": make_model(
        SupervisedEncoder(max_epochs=MAX_EPOCHS, batch_size=64, random_state=0)
    ),
    "AdvFRL": make_model(
        AdvFRL(
            fairness_weight=1.0,
            lr=1e-2,
            max_epochs=MAX_EPOCHS,
            batch_size=64,
            random_state=0,
        )
    ),
}
for model in models.values():
    model.fit(X_train, y_train, sensitive_features=s_train)

# metadata routing is a global setting: turn it off again
sklearn.set_config(enable_metadata_routing=False)

# %%
# Transform
# ---------
# Slicing the pipeline up to its last step gives the representation ``Z``.
# :func:`~skfrl.metrics.probe_bce` is the 5-fold cross-validated log-loss of
# a logistic regression predicting ``s`` from ``Z``, in nats: the lower it
# is, the more ``Z`` reveals ``s``. A probe that learns nothing scores about
# the entropy of ``s``.
print(f"H(s) = {sensitive_entropy(s_test):.3f} nats")
for name, model in models.items():
    Z_test = model[:-1].transform(X_test)
    bce = probe_bce(Z_test, s_test, random_state=0)
    print(f"{name}: probe BCE of s from Z = {bce:.3f}")

# %%
# Evaluate
# --------
# :func:`~skfrl.metrics.fairness_report` returns a fairlearn ``MetricFrame``
# of accuracy, selection rate, true and false positive rates. Its
# ``difference()`` is the largest gap between the groups; the selection-rate
# gap is the demographic parity difference. Here the share of positive
# labels itself differs between the groups (printed with the data), and a
# classifier that predicts ``y`` well inherits most of that gap whatever
# its representation.
reports = {
    name: fairness_report(y_test, model.predict(X_test), sensitive_features=s_test)
    for name, model in models.items()
}
for name, report in reports.items():
    print(f"\n{name}")
    print(report.by_group.round(3).to_string())
print("\nlargest gap between the groups:")
print(pd.DataFrame({name: r.difference() for name, r in reports.items()}).round(3))

# %%
# Plot
# ----
# The selection rate of each group, for both pipelines.
selection = pd.DataFrame(
    {name: r.by_group["selection_rate"] for name, r in reports.items()}
)
ax = selection.T.plot.bar(rot=0, figsize=(7, 4))
ax.set_ylabel("selection rate P(ŷ = 1 | s)")
ax.set_xlabel("")
ax.legend(title="s")
ax.set_title("Positive predictions by group on held-out data")
plt.tight_layout()
plt.show()

# %%
# Training history
# ----------------
# :class:`~skfrl.models.TrainingHistoryDisplay` draws a fitted model's loss
# and the unweighted terms of its criterion per epoch, from skorch's
# history: the task cross-entropy and the adversary's cross-entropy, which
# the encoder pushes up through the gradient reversal (ln 2 ≈ 0.69 is an
# adversary that cannot read ``s``). This AdvFRL, trained with Adam at
# ``lr=1e-2``, is not stable: its losses spike around epoch 5 and climb
# again in the last epochs, which the single number of a probe at the end
# does not show. Smaller learning rates or early stopping on a validation
# split (``validation_fraction``, skorch's ``EarlyStopping``) are the usual
# remedies.
advfrl = models["AdvFRL"].named_steps["advfrl"]
TrainingHistoryDisplay.from_estimator(advfrl)
plt.show()
