"""Seeding helpers that keep numpy's and torch's global generators untouched."""

from contextlib import contextmanager

import numpy as np

__all__ = ["draw_seed", "forked_torch_rng"]


def draw_seed(rng: np.random.RandomState) -> int:
    """Draw a 31-bit integer seed from a local numpy generator."""
    return int(rng.randint(np.iinfo(np.int32).max))


@contextmanager
def forked_torch_rng(seed: int):
    """Seed torch inside a block and restore every global torch generator after it.

    Module initialisation uses torch's global generator; forking it keeps a
    user's own torch random stream exactly as it was.
    """
    import torch

    devices = (
        list(range(torch.cuda.device_count())) if torch.cuda.is_available() else []
    )
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(seed)
        yield
