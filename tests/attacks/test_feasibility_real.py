"""The record bar on the real datasets: every attack's poisons are records.

Each poison is mapped back through the scaler and checked against the raw
training data, independently of :class:`~skfrl.utils.FeatureDomain`.
"""

import numpy as np
import pandas as pd
import pytest
from sklearn.preprocessing import StandardScaler

from skfrl.attacks import ENGAttack, FairRepresentationPoisoner
from skfrl.datasets import fetch_adult, fetch_compas, fetch_drug, fetch_german
from skfrl.models import CFair

pytestmark = [pytest.mark.slow, pytest.mark.network]

LOADERS = {
    "adult": fetch_adult,
    "german": fetch_german,
    "compas": fetch_compas,
    "drug": fetch_drug,
}
ATTACKS = {
    "eng": ENGAttack(max_iter=20),
    "raa": "raa",
    "nraa": "nraa",
    "label_flip": "label_flip",
    "random": "random",
}


def record_violations(poisons, train):
    """Count, per rule, the poisons that break it (raw units)."""
    violations = {"discrete": 0, "one_hot": 0, "integer": 0, "range": 0}
    groups = {}
    for column in train.columns:
        if "=" in column:
            groups.setdefault(column.split("=")[0], []).append(column)
    for column in train.columns:
        values, cells = train[column].to_numpy(), poisons[column].to_numpy()
        scale = max(np.abs(values).max(), 1.0)
        if len(np.unique(values)) <= 10:
            close = np.isclose(
                cells[:, None], np.unique(values)[None], atol=1e-6 * scale
            )
            violations["discrete"] += int((~close.any(axis=1)).sum())
        elif np.allclose(values, np.round(values)):
            off = np.abs(cells - np.round(cells)) > 1e-6 * scale
            violations["integer"] += int(off.sum())
        outside = (cells < values.min() - 1e-9 * scale) | (
            cells > values.max() + 1e-9 * scale
        )
        violations["range"] += int(outside.sum())
    for columns in groups.values():
        if len(columns) > 1 and np.allclose(train[columns].sum(axis=1), 1):
            sums = poisons[columns].sum(axis=1).to_numpy()
            violations["one_hot"] += int((np.abs(sums - 1) > 1e-6).sum())
    return violations


@pytest.mark.parametrize("dataset", list(LOADERS))
def test_every_attack_poisons_real_data_with_records(dataset):
    bunch = LOADERS[dataset](download_if_missing=False)
    train = bunch.data.astype(float).iloc[:3000]
    y = bunch.target.to_numpy()[:3000]
    s = bunch.sensitive_features.to_numpy()[:3000]
    scaler = StandardScaler().fit(train)
    X = pd.DataFrame(scaler.transform(train), columns=train.columns)
    victim = CFair(max_epochs=3, random_state=0)
    for name, attack in ATTACKS.items():
        poisoner = FairRepresentationPoisoner(
            victim, attack=attack, poison_ratio=0.1, random_state=0
        )
        X_res, _, _ = poisoner.fit_resample(X, y, s)
        raw = pd.DataFrame(
            scaler.inverse_transform(X_res[poisoner.poison_mask_]),
            columns=train.columns,
        )
        violations = record_violations(raw, train)
        assert sum(violations.values()) == 0, (dataset, name, violations)
