"""The cost of DP-SGD: private fine-tuning epochs against plain ones, side by side.

For each seed, on Adult with CFair: θ0 fitted on the training split, then
two deep copies fine-tuned ``--epochs`` timed epochs each (after one
untimed), one plain and one with ``per_sample_clip_norm=8,
noise_multiplier=1`` (the runner's ``dp_sgd``), one after the other in the
same process so that both see the same machine load. Prints the
seconds per epoch of each and their ratio (private / plain); writes
``private_training.csv`` to ``--out``.

Example (3 seeds: about 3 min on one thread)::

    SKFRL_DATA_HOME=/work/shared/data OMP_NUM_THREADS=1 \
        python benchmarks/bench_private_training.py --seeds 3 --out /tmp/private
"""

import argparse
import copy
import time
from pathlib import Path

import pandas as pd

from skfrl.experiments import train_target_split
from skfrl.experiments.catalogue import DEFENCES, VICTIMS, load_dataset
from skfrl.utils import limit_threads


def epoch_seconds(theta0, X, y, s, params, n_epochs):
    """Mean seconds of one ``partial_fit`` epoch of a copy of θ0 with ``params``.

    One untimed epoch first: ``torch.func`` traces its transforms once.
    """
    model = copy.deepcopy(theta0).set_params(**params)
    model.partial_fit(X, y, sensitive_features=s)
    start = time.perf_counter()
    for _ in range(n_epochs):
        model.partial_fit(X, y, sensitive_features=s)
    return (time.perf_counter() - start) / n_epochs


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=3, help="seeds 0 .. n-1")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1, help="torch threads")
    parser.add_argument("--out", type=Path, default=Path("/tmp/private"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    X, y, s, _ = load_dataset("adult")
    private = DEFENCES["dp_sgd"].victim_params
    rows = []
    with limit_threads(args.threads):
        for seed in range(args.seeds):
            X_tr, y_tr, s_tr, *_ = train_target_split(X, y, s, seed=seed)
            theta0 = VICTIMS["cfair"].build().set_params(random_state=seed)
            theta0.fit(X_tr, y_tr, sensitive_features=s_tr)
            data = (X_tr, y_tr, s_tr)
            plain = epoch_seconds(theta0, *data, {}, args.epochs)
            dp = epoch_seconds(theta0, *data, private, args.epochs)
            rows.append(
                {"seed": seed, "plain_s": plain, "private_s": dp, "ratio": dp / plain}
            )
            print(
                f"seed {seed}: plain {plain:.2f} s/epoch, DP-SGD {dp:.2f} s/epoch, "
                f"ratio {dp / plain:.1f}x",
                flush=True,
            )
    frame = pd.DataFrame(rows)
    frame.to_csv(args.out / "private_training.csv", index=False)
    print(
        f"\nAdult, CFair, {len(X_tr)} rows, batch {theta0.batch_size}: DP-SGD costs "
        f"{frame['ratio'].mean():.1f}x a plain epoch (mean over {args.seeds} seeds)."
    )


if __name__ == "__main__":
    main()
