"""
================================
Which features does ENG perturb?
================================

ENG's elastic-net penalty makes its perturbations sparse: each poison
changes only some features of the real row it was copied from. Counting how
often each feature is changed across the poisons shows which features the
attack finds useful, the feature-vulnerability analysis of Liu et al.
(2024). We poison :class:`~skfrl.models.CFair` on the German credit data
and rank the 62 features with
:func:`skfrl.metrics.feature_change_frequency`.
"""

# %%
# Data
# ----
# :func:`~skfrl.datasets.fetch_german` as a DataFrame, so that the features
# keep their names (``"<attribute>=<code>"`` for one-hot columns). The
# sensitive attribute is the age group (1 = aged 25 or more). We hold out
# 20 % of the rows as the attacker's target set and standardise with the
# training statistics.
import os

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skfrl.attacks import ENGAttack, FairRepresentationPoisoner
from skfrl.datasets import fetch_german
from skfrl.metrics import feature_change_frequency, perturbation_stats
from skfrl.models import CFair

# SKFRL_EXAMPLES_FULL=1 pools the poisons of five crafting seeds instead of one.
FULL = os.environ.get("SKFRL_EXAMPLES_FULL") == "1"
SEEDS = range(5) if FULL else range(1)

german = fetch_german()
names = german.data.columns
X_train, X_target, y_train, y_target, s_train, s_target = train_test_split(
    german.data.to_numpy(),
    german.target.to_numpy(),
    german.sensitive_features.to_numpy(),
    test_size=0.2,
    random_state=0,
    stratify=german.sensitive_features,
)
scaler = StandardScaler().fit(X_train)
X_train = scaler.transform(X_train).astype(np.float32)
X_target = scaler.transform(X_target).astype(np.float32)

# %%
# Craft
# -----
# For each seed, the poisoner fits CFair (30 epochs) on the clean training
# rows (θ0) and crafts 80 poisons (10 %) with ENG. ``l1_weight=1e-2``, a
# hundred times the default, asks for sparser perturbations. Each poison is
# paired with its base row through ``sample_indices_``. Every poison is a
# record (the poisoner's default ``feature_domain="infer"``): each one-hot
# group keeps exactly one level, so a change of level moves two columns of
# one *field*. By default one seed is run; ``SKFRL_EXAMPLES_FULL=1`` pools
# the poisons of five.
X_base, X_poison, field_changes = [], [], []
for seed in SEEDS:
    poisoner = FairRepresentationPoisoner(
        CFair(max_epochs=30, random_state=seed),
        attack=ENGAttack(l1_weight=1e-2),
        poison_ratio=0.1,
        random_state=seed,
    )
    X_res, y_res, s_res = poisoner.fit_resample(
        pd.DataFrame(X_train, columns=names),  # names give the one-hot fields
        y_train,
        s_train,
        X_target=X_target,
        s_target=s_target,
    )
    mask = poisoner.poison_mask_
    X_base.append(X_train[poisoner.sample_indices_[mask]])
    X_poison.append(X_res[mask].to_numpy())
    field_changes.append(poisoner.field_changes_)
X_base, X_poison = np.vstack(X_base), np.vstack(X_poison)
print(f"{len(X_poison)} poisons")

# %%
# Evaluate
# --------
# A feature counts as changed when it moved by more than ``tol`` (1e-6 in
# standardised units). :func:`~skfrl.metrics.perturbation_stats` gives the
# L0, L1 and L2 norms of each perturbation;
# :func:`~skfrl.metrics.feature_change_frequency` the fraction of poisons
# that change each feature.
print(perturbation_stats(X_base, X_poison).mean().round(2).rename("mean per poison"))

frequency = feature_change_frequency(X_base, X_poison, feature_names=names)
print(frequency.sort_values(ascending=False).head(10).round(2))
print(f"features never changed: {int((frequency == 0).sum())} of {len(frequency)}")

# %%
# The same count by field, what a person edits on a form: the poisoner's
# ``field_changes_`` says, per poison, which fields it changed.
by_field = pd.concat(field_changes).mean().sort_values()
print(by_field.tail(8).round(2))

# %%
# Plot
# ----
# Left: every field by the share of poisons that edit it. Right: each
# (column) feature's change
# frequency against the absolute correlation between that feature and ``s``
# on the training rows (features constant in the training rows, such as the
# unused codes ``purpose=A47`` and ``personal_status_sex=A95``, have no
# correlation and are left out). A ranking from the 80 poisons of one seed
# is itself noisy: pool several seeds before reading much into it.
std = X_train.std(axis=0)
varying = std > 0
correlation = np.zeros(len(names))
correlation[varying] = np.abs(
    [np.corrcoef(X_train[:, j], s_train)[0, 1] for j in np.flatnonzero(varying)]
)

fig, (left, right) = plt.subplots(1, 2, figsize=(11, 5))
left.barh(by_field.index, by_field.to_numpy(), color="tab:red")
left.set_xlabel("fraction of poisons that edit the field")
left.set_title("Fields ENG edits")
right.scatter(correlation[varying], frequency.to_numpy()[varying], s=15)
right.set_xlabel("|correlation of the feature with s| (training rows)")
right.set_ylabel("change frequency")
right.set_title("All features")
plt.tight_layout()
plt.show()
