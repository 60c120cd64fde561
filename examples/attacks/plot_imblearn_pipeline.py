"""
====================================================
A poisoner as a step of an imbalanced-learn Pipeline
====================================================

:class:`~skfrl.attacks.FairRepresentationPoisoner` is a sampler in the
imbalanced-learn sense: ``fit_resample`` returns the training data with
rows appended. In *column mode* (``sensitive_feature_ids`` set) it reads the
sensitive attribute ``s`` from columns of ``X`` and returns ``(X_res,
y_res)`` with ``s`` still in ``X_res``, which is what a step of an
:class:`imblearn.pipeline.Pipeline` must return. skfrl's models have the
same column mode, so the next step can be the fair representation learner
itself, reading the poisons' ``s`` from the same column.

The pipeline applies the sampler while fitting only; ``transform`` and
``predict`` pass the data straight through.
"""

# %%
# Data
# ----
# :func:`~skfrl.datasets.make_biased_classification` with ``s`` appended as
# the last column of ``X``; 30 % of the rows are held out.
import os

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from imblearn.pipeline import Pipeline
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

from skfrl.attacks import ENGAttack, FairRepresentationPoisoner
from skfrl.datasets import make_biased_classification
from skfrl.metrics import fairness_report, probe_bce, sensitive_entropy
from skfrl.models import CFair

# SKFRL_EXAMPLES_FULL=1: longer training and crafting.
FULL = os.environ.get("SKFRL_EXAMPLES_FULL") == "1"
MAX_EPOCHS = 30 if FULL else 15
MAX_ITER = 400 if FULL else 50

X, y, s = make_biased_classification(n_samples=1000, random_state=0)
Xs = np.column_stack([X, s])
S_COLUMN = Xs.shape[1] - 1
Xs_train, Xs_test, y_train, y_test = train_test_split(
    Xs, y, test_size=0.3, random_state=0, stratify=s
)
s_test = Xs_test[:, S_COLUMN]


# %%
# The pipelines
# -------------
# Every pipeline ends with CFair in column mode (it reads ``s`` from the
# last column and encodes the others) and a logistic regression on ``Z``.
# Two of them start with a poisoner in column mode that appends 10 %
# poisons: unperturbed duplicates, the control, or ENG poisons. Fitting an
# imbalanced-learn pipeline trains every step from scratch, so the FRL
# step is a fresh victim trained on the poisoned data: the *retrain*
# threat model, which we tell the poisoner. Under it, ENG matches the
# gradients of three surrogate victims (its default for this protocol),
# here with 50 crafting steps (400 with ``SKFRL_EXAMPLES_FULL=1``) and a
# single restart. Inside the poisoner, the clean victim θ0 is a clone of the
# same CFair, fitted on the non-``s`` columns.
def make_victim():
    return CFair(
        max_epochs=MAX_EPOCHS, sensitive_feature_ids=[S_COLUMN], random_state=0
    )


def poisoned_pipeline(attack):
    poisoner = FairRepresentationPoisoner(
        make_victim(),
        attack=attack,
        poison_ratio=0.1,
        protocol="retrain",
        sensitive_feature_ids=[S_COLUMN],
        random_state=0,
    )
    return Pipeline(
        [("poison", poisoner), ("frl", make_victim()), ("clf", LogisticRegression())]
    )


pipelines = {
    "clean": Pipeline([("frl", make_victim()), ("clf", LogisticRegression())]),
    "duplicate": poisoned_pipeline("duplicate"),
    "eng": poisoned_pipeline(ENGAttack(max_iter=MAX_ITER, n_init=1)),
}

# %%
# Fit
# ---
# ``fit`` takes ``X`` with its ``s`` column and ``y``: no keyword to route.
for pipeline in pipelines.values():
    pipeline.fit(Xs_train, y_train)
poisoner = pipelines["eng"].named_steps["poison"]
print(f"{poisoner.n_poison_} poisons appended to {len(Xs_train)} rows")
print(poisoner.perturbation_norms_.mean().round(2).rename("ENG, mean per poison"))

# %%
# Transform and evaluate
# ----------------------
# For each pipeline: the leakage of ``s`` from the FRL step's ``Z`` of the
# held-out rows (:func:`~skfrl.metrics.probe_bce`, 5-fold cross-validated,
# lower = more leakage), and the accuracy and demographic parity difference
# of the pipeline's predictions (:func:`~skfrl.metrics.fairness_report`).
# The ``s`` column of the held-out rows goes in with ``X`` and is dropped by
# the FRL step.
rows = {}
for name, pipeline in pipelines.items():
    Z_test = pipeline.named_steps["frl"].transform(Xs_test)
    report = fairness_report(
        y_test, pipeline.predict(Xs_test), sensitive_features=s_test
    )
    rows[name] = {
        "probe BCE": probe_bce(Z_test, s_test, random_state=0),
        "accuracy": report.overall["accuracy"],
        "DP difference": report.difference()["selection_rate"],
    }
table = pd.DataFrame(rows).T
print(table.round(3))
print(f"H(s) = {sensitive_entropy(s_test):.3f} nats")

# %%
# Plot
# ----
# One seed, one split: the ENG example shows why differences of a few
# hundredths of a nat need paired seeds before they mean anything.
fig, ax = plt.subplots(figsize=(6, 4))
ax.bar(table.index, table["probe BCE"], color=["tab:grey", "tab:blue", "tab:red"])
ax.axhline(sensitive_entropy(s_test), color="black", ls="--", label="H(s)")
ax.set_ylim(0, sensitive_entropy(s_test) * 1.1)
ax.set_ylabel("probe BCE of s from Z (nats)")
ax.set_title("Leakage of the FRL step, per pipeline (lower = more)")
ax.legend(loc="lower right")
plt.tight_layout()
plt.show()
