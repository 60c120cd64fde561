"""
=========================================
Attacking your own representation learner
=========================================

skfrl's attacks are not tied to skfrl's models. Black-box attacks only call
``fit(X, y, sensitive_features=s)`` and ``transform(X)``. The white-box
:class:`~skfrl.attacks.ENGAttack` also differentiates through the victim, so
the victim must implement the three methods of the
:class:`~skfrl.base.DifferentiableEncoder` protocol; to be evaluated under
the fine-tune threat model it also needs ``partial_fit``. Here we write such
a transformer from scratch in a few lines of PyTorch and attack it.
"""

# %%
# A fair encoder in plain PyTorch
# -------------------------------
# ``MeanGapEncoder`` maps ``X`` to ``Z`` with a one-hidden-layer network and
# predicts ``y`` from ``Z`` with a linear head. Its fairness term is the
# squared distance between the mean ``Z`` of the two groups, weighted by
# ``fairness_weight``. It trains with Adam on shuffled mini-batches.
#
# The protocol methods:
#
# - ``encoder_parameters()`` returns the tensors that shape ``Z``;
# - ``encode_tensor(X)`` returns ``Z`` as a differentiable tensor;
# - ``training_loss(X, y, s)`` returns the scalar that training minimises,
#   computed by the very code ``partial_fit`` uses, so that its gradient is
#   the one training applies. ``y`` and ``s`` arrive as integer codes (the
#   index of each label in ``classes_``, of each group in ``groups_``), so
#   the attacker's inner loop does no label lookups.
import os

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import torch
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state

from skfrl.attacks import ENGAttack, FairRepresentationPoisoner
from skfrl.base import DifferentiableEncoder, check_differentiable_encoder
from skfrl.datasets import make_biased_classification
from skfrl.experiments import HeldOutSplit, poisoned_victim_leakage
from skfrl.metrics import delta_bce, sensitive_entropy

# SKFRL_EXAMPLES_FULL=1 trains the clean victim longer.
FULL = os.environ.get("SKFRL_EXAMPLES_FULL") == "1"
MAX_EPOCHS = 60 if FULL else 30


class MeanGapEncoder(TransformerMixin, BaseEstimator):
    """MLP encoder + linear task head, penalising the gap of group means of Z."""

    def __init__(
        self, n_components=4, *, fairness_weight=5.0, max_epochs=30, random_state=None
    ):
        self.n_components = n_components
        self.fairness_weight = fairness_weight
        self.max_epochs = max_epochs
        self.random_state = random_state

    def fit(self, X, y, *, sensitive_features):
        for attribute in ("encoder_", "head_", "optimizer_"):
            self.__dict__.pop(attribute, None)
        for _ in range(self.max_epochs):
            self.partial_fit(X, y, sensitive_features=sensitive_features)
        return self

    def partial_fit(self, X, y, *, sensitive_features):
        """One epoch of mini-batch Adam; the first call builds the network."""
        X = np.asarray(X, dtype=np.float32)
        y, s = np.asarray(y), np.asarray(sensitive_features)
        if not hasattr(self, "encoder_"):
            self._initialize(X, y, s)
        # training_loss takes codes: indices into classes_ and groups_
        y, s = np.searchsorted(self.classes_, y), np.searchsorted(self.groups_, s)
        n_batches = max(1, len(X) // 64)
        for batch in np.array_split(self._rng.permutation(len(X)), n_batches):
            loss = self.training_loss(X[batch], y[batch], s[batch])
            self.optimizer_.zero_grad()
            loss.backward()
            self.optimizer_.step()
        return self

    def _initialize(self, X, y, s):
        self.classes_, self.groups_ = np.unique(y), np.unique(s)
        self._rng = check_random_state(self.random_state)
        with torch.random.fork_rng():  # seed the weights, leave global state alone
            torch.manual_seed(self._rng.randint(2**31))
            self.encoder_ = torch.nn.Sequential(
                torch.nn.Linear(X.shape[1], 32),
                torch.nn.ReLU(),
                torch.nn.Linear(32, self.n_components),
            )
            self.head_ = torch.nn.Linear(self.n_components, 1)
        parameters = [*self.encoder_.parameters(), *self.head_.parameters()]
        self.optimizer_ = torch.optim.Adam(parameters, lr=1e-2)

    def transform(self, X):
        with torch.no_grad():
            return self.encode_tensor(X).numpy()

    # -- the DifferentiableEncoder protocol ---------------------------------
    def encoder_parameters(self):
        return list(self.encoder_.parameters())

    def encode_tensor(self, X):
        return self.encoder_(torch.as_tensor(X, dtype=torch.float32))

    def training_loss(self, X, y, s):
        Z = self.encode_tensor(X)
        y01 = torch.as_tensor(y, dtype=torch.float32)  # codes 0/1
        task = torch.nn.functional.binary_cross_entropy_with_logits(
            self.head_(Z).squeeze(1), y01
        )
        in_group_1 = torch.as_tensor(s) == 1
        if in_group_1.all() or not in_group_1.any():
            return task  # one group only: no gap to measure
        gap = Z[in_group_1].mean(0) - Z[~in_group_1].mean(0)
        return task + self.fairness_weight * gap.pow(2).sum()


# %%
# Data
# ----
# A synthetic problem from
# :func:`~skfrl.datasets.make_biased_classification` whose features leak
# ``s``. 20 % of the rows are the attacker's target set; as in the paper's
# protocol, the leakage is also measured there, with a probe fitted on one
# half and scored on the other.
X, y, s = make_biased_classification(n_samples=1200, leakage=1.0, random_state=0)
X = X.astype(np.float32)
X_train, X_target, y_train, y_target, s_train, s_target = train_test_split(
    X, y, s, test_size=0.2, random_state=0, stratify=s
)
held_out = HeldOutSplit.from_arrays(
    X_target, y_target, s_target, np.random.RandomState(0)
)

# %%
# Fit the clean victim and check the protocol
# -------------------------------------------
# The protocol is ``runtime_checkable``: ``isinstance`` tells whether the
# three methods exist, and
# :func:`~skfrl.base.check_differentiable_encoder` raises a ``TypeError``
# naming the missing ones, which is what the poisoner does before running a
# white-box attack.
theta0 = MeanGapEncoder(max_epochs=MAX_EPOCHS, random_state=0)
theta0.fit(X_train, y_train, sensitive_features=s_train)
print("is a DifferentiableEncoder:", isinstance(theta0, DifferentiableEncoder))
check_differentiable_encoder(theta0, attack_name="eng")

# %%
# Craft
# -----
# The class follows scikit-learn's estimator rules (``__init__`` only
# stores its arguments) so that the poisoner can clone it. With
# ``prefit=True`` the poisoner deep-copies our fitted θ0 and attacks it as
# it is. The duplicates control uses the same ``random_state``, hence the
# same 96 base rows (10 % of 960).
poisoned, poisoners = {}, {}
for name, attack in {
    "duplicate": "duplicate",
    "eng": ENGAttack(),
}.items():
    poisoners[name] = FairRepresentationPoisoner(
        theta0, attack=attack, poison_ratio=0.1, prefit=True, random_state=1000
    )
    poisoned[name] = poisoners[name].fit_resample(
        X_train, y_train, s_train, X_target=X_target, s_target=s_target
    )

# %%
# Evaluate
# --------
# Continue a deep copy of θ0 for 10 epochs of ``partial_fit`` on each
# training set and average the held-out probe BCE over the last 5.
results = {
    name: poisoned_victim_leakage(theta0, *data, held_out)
    for name, data in {"clean": (X_train, y_train, s_train), **poisoned}.items()
}
bce = pd.Series({name: r["probe_bce"] for name, r in results.items()})
print(bce.round(3).rename("probe BCE"))
print(f"H(s) = {sensitive_entropy(held_out.s_eval):.3f} nats")
print(f"ΔBCE of ENG vs duplicates: {delta_bce(bce['duplicate'], bce['eng']):+.3f}")

# %%
# Plot
# ----
# Left: ENG's matching loss, 1 − cos(g_p, g_adv), at each crafting step
# (``history_`` of the attack); lower means the poisons' training gradient
# points closer to the direction that raises the leakage proxy. Right: the
# probe BCE of the three conditions. One seed cannot resolve differences of
# a few hundredths of a nat; the ENG example shows how to pair seeds.
history = poisoners["eng"].history_
fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.8))
left.plot(history["step"], history["matching_loss"])
left.set_xlabel("crafting step")
left.set_ylabel("1 − cos(g_p, g_adv)")
left.set_title("ENG crafting")
right.bar(bce.index, bce.values, color=["tab:grey", "tab:blue", "tab:red"])
right.set_ylim(bce.min() - 0.05, bce.max() + 0.03)
right.set_ylabel("probe BCE of s (nats)")
right.set_title("Leakage after fine-tuning (lower = more)")
plt.tight_layout()
plt.show()
