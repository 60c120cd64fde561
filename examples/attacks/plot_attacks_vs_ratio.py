"""
=================================================
ENG versus the baselines across poisoning ratios
=================================================

How much more does the representation of :class:`~skfrl.models.CFair` leak
the sensitive attribute when an attacker adds 5, 10 or 15 % extra training
rows, and does it matter how those rows were made? We compare
:class:`~skfrl.attacks.ENGAttack` with two black-box baselines, non-random
anchoring (NRAA) and random perturbations, always against the same control:
the same number of unedited copies of the same real rows. On the German credit
data the answer is noisy; the point of this example is the protocol, and how
to read its output.
"""

# %%
# The duplicates control and the pairing
# --------------------------------------
# Adding rows to the training set moves a fine-tuned victim even when the rows
# are honest copies of real applicants: the victim simply sees more data and
# trains for more steps. To attribute a change in leakage to the *content* of
# the poisons, every attack is compared with the ``"duplicate"`` attack,
# which appends the same number of copies of the same base rows with nothing
# edited.
#
# :func:`~skfrl.experiments.run_paired_trial` runs one paired trial: for a
# given seed it splits the data (80 % training rows, 20 % target set D_ta,
# stratified by ``s``), fits the clean victim θ0 once, and runs every
# condition against that θ0, with the same base rows for every poisoner and
# the same shuffling while fine-tuning. The measurement is the log-loss (BCE,
# nats) of skfrl's default probe of ``s`` fitted on the victim's
# representation of one half of D_ta and scored on the other half, averaged
# over the last fine-tuning epochs. **Lower BCE means more leakage**, so
# ΔBCE vs duplicate = BCE(duplicate) − BCE(attack) above zero means that
# the attack made the representation leak more than the control did.
import os

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from skfrl.attacks import ENGAttack
from skfrl.datasets import fetch_german
from skfrl.experiments import run_paired_trial
from skfrl.models import CFair

# SKFRL_EXAMPLES_FULL=1: five seeds and longer fine-tuning.
FULL = os.environ.get("SKFRL_EXAMPLES_FULL") == "1"
SEEDS = range(5) if FULL else range(2)
RATIOS = [0.05, 0.1, 0.15]
N_EPOCHS, N_AVERAGE = (10, 5) if FULL else (6, 3)

X, y, s = fetch_german(return_X_y_s=True, as_frame=False)
print(f"{X.shape[0]} applicants, {X.shape[1]} features, {s.mean():.0%} with s = 1")

# %%
# Run the paired trials
# ---------------------
# The victim is a small CFair: a representation ``Z`` of width 16 and 15
# epochs of training for θ0. The conditions are
#
# - ``"duplicate"``: the control, unedited copies of the base rows;
# - ``ENG``: :class:`~skfrl.attacks.ENGAttack` edits the features of the
#   copies so that the victim's training gradient on them points where a
#   logistic probe of ``s`` on D_ta gets better, and pulls hard, with its
#   defaults (50 descent steps, then up to 50 rounds of edits of the
#   records' fields);
# - ``"nraa"``: the non-random anchoring attack of Mehrabi et al. Among the
#   positive rows of the disadvantaged group and the negative rows of the
#   other group, it picks as targets those with the most neighbours of the
#   same group and label, and places poisons near them, in the target's group
#   but with the opposite label;
# - ``"random"``: copies of training rows moved in a random direction by an
#   L2 norm of 1 on all features, then projected onto records (each field
#   back to an allowed value), labels and groups kept.
#
# Every poison is a record a real form could hold (the poisoner's default
# ``feature_domain="infer"``).
#
# :func:`~skfrl.experiments.run_paired_trial` also records ``"clean"``, θ0
# fine-tuned on the clean rows alone. Fine-tuning continues θ0 for 6 epochs
# and averages the probe BCE over the last 3 (10 and 5 with
# ``SKFRL_EXAMPLES_FULL=1``). Each ratio and seed is one call, which fits θ0
# again; with the same seed it gets the same split and the same θ0 at every
# ratio, and within a call all conditions share it.
attacks = {
    "duplicate": "duplicate",
    "eng": ENGAttack(),
    "nraa": "nraa",
    "random": "random",
}
victim = CFair(n_components=16, max_epochs=15)
records = []
for ratio in RATIOS:
    for seed in SEEDS:
        for record in run_paired_trial(
            X,
            y,
            s,
            victim=victim,
            attacks=attacks,
            poison_ratio=ratio,
            seed=seed,
            n_epochs=N_EPOCHS,
            n_average=N_AVERAGE,
        ):
            records.append({"ratio": ratio, **record})
results = pd.DataFrame(records)
bce = results.pivot_table(
    index=["ratio", "seed"], columns="condition", values="probe_bce"
)
print(bce.round(3))
print(f"H(s) of the scored target rows: {results['sensitive_entropy'].mean():.3f} nats")

# %%
# ΔBCE vs duplicate
# ------------------
# For each ratio and seed, ΔBCE vs duplicate: the duplicates' BCE minus each
# attack's BCE, averaged over seeds; the error bars are the standard
# deviation over seeds. ``wins`` counts the seeds where ΔBCE is positive (the
# attack leaked more than the control).
names = ["eng", "nraa", "random"]
delta = -bce[names].sub(bce["duplicate"], axis=0)
summary = delta.groupby("ratio").agg(["mean", "std"])
wins = (delta > 0).groupby("ratio").sum()
print(summary.round(3))
print(f"wins out of {len(SEEDS)} seeds:")
print(wins)

# %%
# Plot
# ----
# One line per attack: the mean ΔBCE vs duplicate against the poisoning
# ratio, with ± one standard deviation over seeds. The points of each line
# are shifted slightly sideways so that the error bars do not overlap.
fig, ax = plt.subplots(figsize=(8, 4))
offsets = np.linspace(-0.004, 0.004, len(names))
for name, offset in zip(names, offsets, strict=True):
    ax.errorbar(
        np.array(RATIOS) + offset,
        summary[(name, "mean")],
        yerr=summary[(name, "std")],
        marker="o",
        capsize=3,
        label=name,
    )
ax.axhline(0, color="black", lw=0.8, label="duplicates (control)")
ax.set_xticks(RATIOS, [f"{r:.0%}" for r in RATIOS])
ax.set_xlabel("poisoning ratio (poisons / training rows)")
ax.set_ylabel("ΔBCE vs duplicate (nats)\n> 0: more leakage than control")
ax.set_title(f"German, CFair, fine-tune: mean over {len(SEEDS)} paired seeds")
ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1))
plt.tight_layout()
plt.show()

# %%
# How to read this
# ----------------
# German has 800 training rows and a target set of 200, so each probe is
# fitted on 100 rows and scored on the other 100, and its BCE depends a lot
# on which rows those are. In the first table, compare the rows of the two
# seeds at one ratio: the BCE of the same condition can differ between seeds
# by more than the differences between conditions within a seed. Pairing
# removes the part of that shift that all conditions of a seed share, but
# not the rest, and two seeds (five with ``SKFRL_EXAMPLES_FULL=1``) are too
# few to tell differences of a few hundredths of a nat from noise; the error
# bars here are standard deviations of two values. Treat the figure as an
# illustration of the protocol, not as a ranking of the attacks. The measured
# comparison, on the larger Adult data with eight paired seeds and the
# default settings, is in :ref:`results`, which also reports German over
# eight seeds.
