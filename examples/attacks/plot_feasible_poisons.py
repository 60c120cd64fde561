"""
==========================================
Poisons that are records a form could hold
==========================================

An attacker who adds rows to a training set has to submit them through the
same channel as everyone else: a form whose fields take one of their
allowed values. :class:`~skfrl.attacks.FairRepresentationPoisoner` therefore
keeps every poison a *record* by default (``feature_domain="infer"``): it
reads from the training data which columns are one-hot groups, which are
discrete, which are integers, and their ranges, and every attack crafts
inside that domain. Here we craft ENG poisons against CFair on German
credit, read them back as applicants, and compare with the relaxed box of
earlier versions (``feature_domain="box"``), whose poisons no form could
hold.
"""

# %%
# Data and the clean victim
# -------------------------
# German credit ships with skfrl; its 62 columns are the one-hot levels of
# 13 categorical fields plus 7 numeric ones (``duration``, ``age``, ...).
# We standardise them, as a victim's pipeline would, and fit CFair.
import matplotlib.pyplot as plt
import pandas as pd
from sklearn.preprocessing import StandardScaler

from skfrl.attacks import ENGAttack, FairRepresentationPoisoner
from skfrl.datasets import fetch_german
from skfrl.models import CFair
from skfrl.utils import FeatureDomain

german = fetch_german()
scaler = StandardScaler().fit(german.data)
X = pd.DataFrame(scaler.transform(german.data), columns=german.feature_names)
y, s = german.target.to_numpy(), german.sensitive_features.to_numpy()
theta0 = CFair(max_epochs=30, random_state=0)
theta0.fit(X.to_numpy(), y, sensitive_features=s)  # the attack works on arrays

domain = FeatureDomain.from_data(X)
print(
    f"{X.shape[1]} columns, {len(domain.field_names)} fields, "
    f"{len(domain.groups)} one-hot groups"
)

# %%
# Craft records, and box points for comparison
# --------------------------------------------
# The same attack, the same base rows (one ``random_state``), two domains.
poisoned = {}
for name, feature_domain in [("records", "infer"), ("box", "box")]:
    poisoner = FairRepresentationPoisoner(
        theta0,
        attack=ENGAttack(),
        poison_ratio=0.1,
        prefit=True,
        feature_domain=feature_domain,
        random_state=0,
    )
    X_res, _, _ = poisoner.fit_resample(X, y, s)
    poisoned[name] = (poisoner, X_res)
    valid = domain.is_feasible(X_res[poisoner.poison_mask_]).mean()
    print(
        f"{name}: {valid:.0%} of the poisons are records; fields edited per "
        f"poison {poisoner.perturbation_norms_['fields'].mean():.1f}, columns "
        f"{poisoner.perturbation_norms_['l0'].mean():.1f}; matching loss "
        f"{poisoner.attack_.matching_loss_:.3f}"
    )

# %%
# Read the poisons as applicants
# ------------------------------
# :meth:`~skfrl.attacks.FairRepresentationPoisoner.poison_records` maps them
# back through the scaler, names each one-hot group's level (German's raw
# codes, e.g. ``checking_status = A14``: no checking account) and lists each
# edit as ``field: base value → poison value``.
poisoner, X_res = poisoned["records"]
records = poisoner.poison_records(X_res, scaler=scaler)
with pd.option_context("display.max_colwidth", 120, "display.width", 160):
    print(records[["base_row", "edits"]].head(8).to_string(index=False))

# %%
# Plot: which fields ENG edits
# ----------------------------
# The share of record poisons that edit each field, for the fields edited
# at all. A defender sees exactly this: plausible applicants whose few
# fields differ from a real one.
share = poisoner.field_changes_.mean().sort_values()
share = share[share > 0]
fig, ax = plt.subplots(figsize=(6, 4))
ax.barh(share.index, share.to_numpy(), color="tab:red")
ax.set_xlabel("share of poisons editing the field")
ax.set_title("ENG poisons on German, as records")
plt.tight_layout()
plt.show()
