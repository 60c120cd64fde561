"""The thread policy of every skfrl command that trains: one thread by default.

Torch's intra-op threads and the BLAS/OpenMP pools of numpy and scikit-learn
oversubscribe a small machine as soon as two jobs run at once (an epoch of a
small network then takes ten times longer), and torch's CPU results depend
on its thread count. So each command that trains (``skfrl demo``,
``skfrl run`` workers, the benchmarks) runs inside :func:`limit_threads`.
"""

from contextlib import contextmanager
from numbers import Integral

__all__ = ["limit_threads"]


@contextmanager
def limit_threads(n_threads=1):
    """Run a block on ``n_threads`` torch and BLAS/OpenMP threads; restore after.

    Parameters
    ----------
    n_threads : int, default=1
        Threads for torch (``torch.set_num_threads``) and for the native
        pools of numpy and scikit-learn (``threadpoolctl``).
    """
    if isinstance(n_threads, bool) or not isinstance(n_threads, Integral):
        raise TypeError(f"n_threads must be an int; got {n_threads!r}.")
    if n_threads < 1:
        raise ValueError(f"n_threads must be at least 1; got {n_threads}.")
    import torch
    from threadpoolctl import threadpool_limits

    previous = torch.get_num_threads()
    torch.set_num_threads(int(n_threads))
    try:
        with threadpool_limits(limits=int(n_threads)):
            yield
    finally:
        torch.set_num_threads(previous)
