"""Time one training epoch of CFair against a minimal hand-written PyTorch loop.

Three loops train the same network (a deep copy of CFair's module and
criterion) with Adadelta (lr 1) on the standardised Adult training split
(80 %, 36,177 rows) in batches of 512:

- ``skfrl``: ``CFair.partial_fit``, one epoch end to end (validation, tensor
  conversion, the criterion's weights, skorch's loop and callbacks);
- ``skfrl loop``: the same epoch through ``net_.fit_loop`` alone, i.e. without
  the estimator's input validation;
- ``hand``: ``randperm`` then ``index_select`` batches over in-memory tensors,
  ``zero_grad``, forward, loss, ``backward``, ``step``;
- ``skorch DataLoader``: skorch's loop with its default ``DataLoader``
  iterators (per-row indexing and collation), for reference.

The loops run interleaved, ``--repeats`` times each after one warm-up epoch,
and the medians (wall clock and process CPU time) are printed with their ratio
to ``hand`` (goal: skfrl at most 1.10x); ``ratio_min`` compares the fastest
runs. Writes ``<out>/training.csv`` when ``--out`` is given.

Example::

    python benchmarks/bench_training.py --data-home /work/shared/data \
        --repeats 7 --out bench_out
"""

import argparse
import copy
import statistics
import time
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch.utils.data import DataLoader

from skfrl.datasets import fetch_adult
from skfrl.models import CFair
from skfrl.nn import FRLNet


def load_adult(data_home, seed):
    """Return the standardised float32 training split of Adult: X, y, s."""
    X, y, s = fetch_adult(data_home=data_home, return_X_y_s=True, as_frame=False)
    X_train, _, y_train, _, s_train, _ = train_test_split(
        X, y, s, test_size=0.2, stratify=s, random_state=seed
    )
    X_train = StandardScaler().fit_transform(X_train).astype(np.float32)
    return X_train, y_train.astype(np.int64), s_train.astype(np.int64)


def skfrl_epoch(model, X, y, s):
    """One ``partial_fit`` epoch, end to end."""
    model.partial_fit(X, y, sensitive_features=s)


def make_loop_epoch(model, X, y, s):
    """One epoch of the fitted model's skorch net, without input validation."""
    Xd = {"X": torch.as_tensor(X), "s": torch.as_tensor(s)}
    y_t = torch.as_tensor(y)

    def epoch():
        model.net_.fit_loop(Xd, y_t, epochs=1)

    return epoch


def make_hand_epoch(model, X, y, s, batch_size, seed):
    """A plain PyTorch epoch on copies of the model's module and criterion."""
    module = copy.deepcopy(model.net_.module_).train()
    criterion = copy.deepcopy(model.net_.criterion_)
    optimizer = torch.optim.Adadelta(module.parameters(), lr=model.lr)
    X_t, y_t, s_t = torch.as_tensor(X), torch.as_tensor(y), torch.as_tensor(s)
    generator = torch.Generator().manual_seed(seed)

    def epoch():
        order = torch.randperm(len(X_t), generator=generator)
        for start in range(0, len(order), batch_size):
            rows = order[start : start + batch_size]
            Xb, yb, sb = X_t.index_select(0, rows), y_t[rows], s_t.index_select(0, rows)
            optimizer.zero_grad()
            loss = criterion(module(Xb, sb), yb, sb)
            loss.backward()
            optimizer.step()

    return epoch


def make_dataloader_epoch(model, X, y, s, batch_size, seed):
    """skorch's own loop and default ``DataLoader`` on copies of the network."""
    net = FRLNet(
        module=copy.deepcopy(model.net_.module_),
        criterion=copy.deepcopy(model.net_.criterion_),
        optimizer=torch.optim.Adadelta,
        lr=model.lr,
        batch_size=batch_size,
        train_split=None,
        iterator_train=DataLoader,
        iterator_train__shuffle=True,
        iterator_train__generator=torch.Generator().manual_seed(seed),
        verbose=0,
    ).initialize()
    Xd = {"X": torch.as_tensor(X), "s": torch.as_tensor(s)}
    y_t = torch.as_tensor(y)

    def epoch():
        net.fit_loop(Xd, y_t, epochs=1)

    return epoch


def time_loops(loops, repeats):
    """Warm up each loop, then time ``repeats`` interleaved runs.

    Returns wall-clock and process CPU seconds per loop; on a busy machine
    the CPU time of a single-threaded run is the steadier of the two.
    """
    for run in loops.values():
        run()
    wall = {name: [] for name in loops}
    cpu = {name: [] for name in loops}
    for _ in range(repeats):
        for name, run in loops.items():
            start_wall, start_cpu = time.perf_counter(), time.process_time()
            run()
            wall[name].append(time.perf_counter() - start_wall)
            cpu[name].append(time.process_time() - start_cpu)
    return wall, cpu


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-home", default=None)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--batch-size", type=int, default=512)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--skip-dataloader", action="store_true")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    X, y, s = load_adult(args.data_home, args.seed)
    model = CFair(max_epochs=1, batch_size=args.batch_size, random_state=args.seed)
    model.fit(X, y, sensitive_features=s)
    loops = {
        "skfrl": lambda: skfrl_epoch(model, X, y, s),
        "skfrl loop": make_loop_epoch(model, X, y, s),
        "hand": make_hand_epoch(model, X, y, s, args.batch_size, args.seed),
    }
    if not args.skip_dataloader:
        loops["skorch DataLoader"] = make_dataloader_epoch(
            model, X, y, s, args.batch_size, args.seed
        )
    wall, cpu = time_loops(loops, args.repeats)

    table = pd.DataFrame(
        {
            "loop": list(wall),
            "median_s": [statistics.median(t) for t in wall.values()],
            "min_s": [min(t) for t in wall.values()],
            "max_s": [max(t) for t in wall.values()],
            "median_cpu_s": [statistics.median(t) for t in cpu.values()],
        }
    )
    hand = table.set_index("loop").loc["hand"]
    table["ratio"] = table["median_s"] / hand["median_s"]
    table["ratio_min"] = table["min_s"] / hand["min_s"]
    table["ratio_cpu"] = table["median_cpu_s"] / hand["median_cpu_s"]
    print(
        f"One epoch, {len(X)} rows, batch {args.batch_size}, "
        f"{torch.get_num_threads()} threads, {args.repeats} repeats (median):"
    )
    print(table.round(4).to_string(index=False))
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        table.assign(n_rows=len(X), batch_size=args.batch_size).to_csv(
            args.out / "training.csv", index=False
        )


if __name__ == "__main__":
    main()
