"""
=======================================================
Which sanitiser finds the poisons, and does it matter?
=======================================================

A sanitiser removes the rows it suspects before the victim trains. Two
questions decide whether it is a defence: does it *find* the poisons
(detection AUC of its ``decision_scores_``), and does the victim then leak
less than after the same number of harmless duplicates, filtered the same
way (ΔBCE vs duplicate)? :func:`~skfrl.experiments.run_paired_trial` answers
both for every defence × attack from one shared θ0.

This example runs on the German credit data that ships with skfrl, with
one seed, to show the mechanics in seconds; the measured table on Adult (6
seeds) is on the results page of the user guide.
"""

# %%
# Data, victim, attacks and defences
# ----------------------------------
# A CFair victim on :func:`~skfrl.datasets.fetch_german` (800 training
# rows), three attacks next to the duplicate control, all crafting records
# (one level per one-hot field), and six sanitisers, five of which remove
# 10 % of the rows. Those that look at the representation or at the
# training gradients get the deployed clean model θ0 through a factory
# ``factory(theta0, X_train)``; the record-validity check gets the schema
# of the clean training rows, and removes exactly the rows that break it.
import matplotlib.pyplot as plt
import pandas as pd

from skfrl.attacks import ENGAttack
from skfrl.datasets import fetch_german
from skfrl.defences import (
    KNNConsistencySanitiser,
    RecordValiditySanitiser,
    RepresentationOutlierSanitiser,
    SlabSanitiser,
    SpectralSignatureSanitiser,
    SphereSanitiser,
)
from skfrl.experiments import run_paired_trial
from skfrl.metrics import delta_bce
from skfrl.models import CFair
from skfrl.utils import FeatureDomain, limit_threads

X, y, s = fetch_german(return_X_y_s=True, as_frame=False)
victim = CFair(max_epochs=30)
attacks = {
    "duplicate": "duplicate",
    "eng": ENGAttack(),
    "label_flip": "label_flip",
    "sensitive_flip": "sensitive_flip",
}
defences = {
    "sphere": SphereSanitiser(random_state=0),
    "slab (group)": SlabSanitiser(direction="group", random_state=0),
    "k-NN in Z": lambda theta0, X_train: KNNConsistencySanitiser(
        theta0, prefit=True, attribute="both", random_state=0
    ),
    "isolation forest on Z": lambda theta0, X_train: RepresentationOutlierSanitiser(
        theta0, prefit=True, random_state=0
    ),
    "spectral signature": lambda theta0, X_train: SpectralSignatureSanitiser(
        theta0, prefit=True, random_state=0
    ),
    "record validity": lambda theta0, X_train: RecordValiditySanitiser(
        FeatureDomain.from_data(X_train)
    ),
}

# %%
# One paired trial
# ----------------
# Every condition's training set, clean and duplicates included, is
# sanitised by each defence; θ0 then fine-tunes 6 epochs on what is kept and
# the probe BCE of ``s`` on held-out rows is averaged over the last 3. A
# second trial with the same seed (hence the same θ0) adds ENG crafting in
# the relaxed box, whose poisons are not records.
common = dict(victim=victim, seed=0, n_epochs=6, n_average=3, defences=defences)
with limit_threads(1):
    records = run_paired_trial(X, y, s, attacks=attacks, **common)
    box = run_paired_trial(
        X, y, s, attacks={"eng_box": ENGAttack()}, feature_domain="box", **common
    )
records += [r for r in box if r["condition"] == "eng_box"]
frame = pd.DataFrame(records)
duplicate_bce = frame[frame.condition == "duplicate"].set_index("defence")["probe_bce"]
frame["delta_vs_dup"] = delta_bce(
    frame["defence"].map(duplicate_bce), frame["probe_bce"]
)
print(f"H(s) of the scored rows: {frame.sensitive_entropy.iloc[0]:.3f} nats")
table = frame[frame.condition.isin(["eng", "eng_box", "label_flip", "sensitive_flip"])]
print(
    table.pivot(index="defence", columns="condition", values="delta_vs_dup")
    .round(4)
    .to_string()
)

# %%
# Detection against leakage
# -------------------------
# One point per defence × attack: the further right, the better the defence
# finds that attack's poisons; the lower, the less the attack still leaks
# after it (the dashed line is the undefended ΔBCE of each attack). The
# record-validity check finds every box poison and no record. With 200
# target rows and one seed, differences of a few hundredths of a nat are
# noise here (over 8 seeds ENG has no effect on German): read the Adult
# table for conclusions.
defended = table[table.defence != "none"]
fig, ax = plt.subplots(figsize=(8.5, 4.5))
markers = dict(zip(defences, "osD^vP", strict=True))
colors = {"eng": "C3", "eng_box": "C1", "label_flip": "C0", "sensitive_flip": "C2"}
for (defence, condition), row in defended.set_index(
    ["defence", "condition"]
).iterrows():
    ax.scatter(
        row["detection_auc"],
        row["delta_vs_dup"],
        marker=markers[defence],
        color=colors[condition],
        s=60,
    )
for condition, color in colors.items():
    undefended = table[(table.defence == "none") & (table.condition == condition)]
    ax.axhline(undefended["delta_vs_dup"].iloc[0], color=color, ls="--", lw=1)
handles = [
    plt.Line2D([], [], marker=m, ls="", color="grey", label=d)
    for d, m in markers.items()
] + [plt.Line2D([], [], color=c, lw=6, label=a) for a, c in colors.items()]
ax.legend(handles=handles, fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5))
ax.axvline(0.5, color="grey", lw=0.8)
ax.set_xlabel("detection AUC (0.5 = chance)")
ax.set_ylabel("ΔBCE vs duplicate after the defence (nats)")
ax.set_title("Sanitisers against four attacks (CFair, German, one seed)")
fig.tight_layout()
plt.show()
