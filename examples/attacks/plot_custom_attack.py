"""
=====================
Write your own attack
=====================

An attack is a small scikit-learn estimator: its constructor holds the
hyperparameters, and its one method, ``craft``, returns the rows to append.
:class:`~skfrl.attacks.FairRepresentationPoisoner` does everything else:
it validates the data, fits the clean victim θ0, draws the target set,
passes the attack what it needs, projects the poisons onto records and puts
them back in the caller's containers. Here we write a black-box attack,
check that it keeps the poisoner contract, and measure it against the
honest control, unperturbed duplicates of the same base rows.
"""

# %%
# The attack
# ----------
# ``GroupMeanShift`` copies random training rows and moves each a fraction
# ``shift`` of the way towards the mean of the *other* group's rows, keeping
# its labels. It subclasses :class:`~skfrl.attacks.BaseAttack`: an
# assign-only ``__init__``, parameter constraints that the poisoner's
# ``craft`` call checks, and ``craft(victim, X, y, s, n_poison, rng,
# **context)``, which receives validated float32 ``X``, the labels ``y``,
# the group codes ``s`` (0/1) and the poisoner's random generator, the only
# source of randomness it may use. It returns
# :class:`~skfrl.attacks.Poisons`: features, labels, group codes and the
# base row of each poison, in the order of ``X``'s rows.
# ``sample_base_indices`` draws the base rows the way every skfrl attack
# does, so that one ``random_state`` gives this attack and the duplicates
# the same base rows; ``project_poisons`` keeps the poisons on the
# poisoner's feature domain (the poisoner projects them again anyway).
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from skfrl.attacks import (
    BaseAttack,
    FairRepresentationPoisoner,
    Poisons,
    project_poisons,
    sample_base_indices,
)
from skfrl.datasets import make_biased_classification
from skfrl.experiments import run_paired_trial
from skfrl.metrics import delta_bce
from skfrl.models import CFair
from skfrl.utils.estimator_checks import check_poisoner


class GroupMeanShift(BaseAttack):
    """Copies of training rows moved towards the other group's mean."""

    def __init__(self, shift=0.5):
        self.shift = shift

    def craft(self, victim, X, y, s, n_poison, rng, **context):
        if not 0 <= self.shift <= 1:
            raise ValueError(f"shift must be in [0, 1]; got {self.shift!r}.")
        idx = sample_base_indices(len(X), n_poison, rng)
        means = np.stack([X[s == group].mean(axis=0) for group in (0, 1)])
        other = means[1 - s[idx]]
        X_poison = X[idx] + self.shift * (other - X[idx])
        X_poison = project_poisons(X_poison.astype(X.dtype), context)
        return Poisons(X_poison, y[idx].copy(), s[idx].copy(), idx)


# %%
# The contract
# ------------
# :func:`~skfrl.utils.estimator_checks.check_poisoner` runs the poisoner's
# contract on it: originals first and unchanged, the budget, containers and
# dtypes, determinism for one ``random_state``, inputs untouched, the column
# mode. It raises an ``AssertionError`` naming what broke, and returns
# quietly here.
X, y, s = make_biased_classification(n_samples=2000, leakage=0.5, random_state=0)
victim = CFair(n_components=8, hidden_layer_sizes=(32,), max_epochs=20)
check_poisoner(FairRepresentationPoisoner(victim, attack=GroupMeanShift()), X, y, s)
print("GroupMeanShift keeps the poisoner contract")

# %%
# Against the control
# -------------------
# :func:`~skfrl.experiments.run_paired_trial` trains θ0 once per seed and
# continues it on the clean data, on clean data plus duplicates, and on
# clean data plus the attack's poisons (the fine-tune protocol), measuring
# the held-out probe BCE of ``s`` (lower = more leakage). ΔBCE vs duplicate
# = BCE(duplicate) − BCE(attack), per seed; > 0 means the attack leaked
# more than adding the same rows unedited.
records = []
for seed in range(4):
    records += run_paired_trial(
        X,
        y,
        s,
        victim=victim,
        attacks={"duplicate": "duplicate", "group_mean_shift": GroupMeanShift()},
        poison_ratio=0.15,
        seed=seed,
        n_epochs=6,
        n_average=3,
    )
bce = pd.DataFrame(records).pivot(index="seed", columns="condition", values="probe_bce")
gain = delta_bce(bce["duplicate"], bce["group_mean_shift"])
print(bce.round(3))
print(f"H(s) of the scored rows: {records[0]['sensitive_entropy']:.3f} nats")
print(f"ΔBCE vs duplicate: {gain.mean():+.4f} ± {gain.std():.4f} nats")

# %%
# Plot
# ----
# One bar per seed. Moving rows towards the other group's mean blurs the
# groups in the training data; whether the fair encoder then leaks more or
# less is what the paired comparison measures, seed by seed.
fig, ax = plt.subplots(figsize=(6, 3.5))
ax.bar(gain.index.astype(str), gain, color="tab:purple")
ax.axhline(0, color="grey", linewidth=1)
ax.set_xlabel("seed")
ax.set_ylabel("ΔBCE vs duplicate (nats)")
ax.set_title("GroupMeanShift vs duplicates (> 0: leaks more)")
fig.tight_layout()
plt.show()
