import pytest
import torch
from threadpoolctl import threadpool_info

from skfrl.utils import limit_threads


def test_limits_torch_and_blas_threads_and_restores_them():
    torch.set_num_threads(2)
    with limit_threads(1):
        assert torch.get_num_threads() == 1
        assert all(pool["num_threads"] == 1 for pool in threadpool_info())
    assert torch.get_num_threads() == 2


def test_restores_threads_after_an_error():
    torch.set_num_threads(2)
    with pytest.raises(RuntimeError), limit_threads(1):
        raise RuntimeError("boom")
    assert torch.get_num_threads() == 2


@pytest.mark.parametrize(
    "bad, error", [(0, ValueError), (1.5, TypeError), (True, TypeError)]
)
def test_bad_thread_counts_name_the_argument(bad, error):
    with pytest.raises(error, match="n_threads"), limit_threads(bad):
        pass
