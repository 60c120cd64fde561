"""The paper's bound on the number of poisons versus what worked.

For each seed and ratio, craft ENG poisons against the clean CFair θ0 and
measure the terms of the bound (``skfrl.theory.bound_terms``): ε, the norm of
the clean training gradient at θ0; γ, the cosine the crafting achieved; and
‖g_p‖. The bound predicts that a ratio above ε / (γ ‖g_p‖) raises the
leakage proxy after one training step. Compare the prediction with the
smallest ratio at which ``bench_attack.py`` measured ENG beating duplicates.

Example::

    python benchmarks/bench_theory.py --dataset adult --seeds 2 --out bench_out/theory
"""

import argparse
from pathlib import Path

import pandas as pd
import torch

from skfrl.attacks import ENGAttack, FairRepresentationPoisoner
from skfrl.datasets import fetch_adult, fetch_german
from skfrl.experiments import train_target_split
from skfrl.models import CFair
from skfrl.theory import bound_terms

LOADERS = {"adult": fetch_adult, "german": fetch_german}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", choices=sorted(LOADERS), default="adult")
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--ratios", nargs="+", type=float, default=[0.05, 0.1, 0.15])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--out", type=Path, default=Path("bench_out/theory"))
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    args.out.mkdir(parents=True, exist_ok=True)
    X, y, s = LOADERS[args.dataset](return_X_y_s=True, as_frame=False)
    rows = []
    for seed in range(args.seeds):
        X_tr, y_tr, s_tr, X_ta, _, s_ta = train_target_split(X, y, s, seed=seed)
        theta0 = CFair(random_state=seed).fit(X_tr, y_tr, sensitive_features=s_tr)
        for ratio in args.ratios:
            poisoner = FairRepresentationPoisoner(
                theta0,
                attack=ENGAttack(),
                poison_ratio=ratio,
                prefit=True,
                random_state=seed + 1000,
            )
            resampled = poisoner.fit_resample(
                X_tr, y_tr, s_tr, X_target=X_ta, s_target=s_ta
            )
            terms = bound_terms(
                poisoner, X_tr, y_tr, s_tr, *resampled, X_target=X_ta, s_target=s_ta
            )
            rows.append({"seed": seed, **terms})
            print({k: round(v, 4) for k, v in rows[-1].items()}, flush=True)
    table = pd.DataFrame(rows)
    table.to_csv(args.out / "theory.csv", index=False)
    print(table.groupby("poison_ratio").mean().round(4).to_string())


if __name__ == "__main__":
    main()
