"""Tests of the seeding helpers: local numpy seeds and a forked torch generator."""

import numpy as np
import pytest
import torch

from skfrl.utils import draw_seed, forked_torch_rng


def test_draw_seed_is_deterministic_for_a_seeded_generator():
    first = [draw_seed(np.random.RandomState(7)) for _ in range(3)]
    assert len(set(first)) == 1
    rng_a, rng_b = np.random.RandomState(7), np.random.RandomState(7)
    assert [draw_seed(rng_a) for _ in range(5)] == [draw_seed(rng_b) for _ in range(5)]
    assert draw_seed(np.random.RandomState(7)) != draw_seed(np.random.RandomState(8))


def test_draw_seed_is_a_python_int_in_range():
    rng = np.random.RandomState(0)
    seeds = [draw_seed(rng) for _ in range(200)]
    assert all(type(seed) is int for seed in seeds)
    assert all(0 <= seed < 2**31 - 1 for seed in seeds)
    assert len(set(seeds)) > 190  # successive draws differ
    np.random.RandomState(seeds[0])  # usable as a numpy seed
    torch.Generator().manual_seed(seeds[0])  # and as a torch seed


def same_numpy_state(a, b):
    """Whether two ``RandomState.get_state()`` tuples are equal."""
    return a[0] == b[0] and np.array_equal(a[1], b[1]) and a[2:] == b[2:]


def test_draw_seed_advances_only_the_local_generator():
    global_before = np.random.get_state()
    rng = np.random.RandomState(0)
    local_before = rng.get_state()
    draw_seed(rng)
    assert not same_numpy_state(rng.get_state(), local_before)
    assert same_numpy_state(np.random.get_state(), global_before)


def test_draw_seed_advances_the_local_stream():
    rng = np.random.RandomState(0)
    draw_seed(rng)
    follow_up = rng.random_sample()
    fresh = np.random.RandomState(0)
    assert follow_up != fresh.random_sample()  # the first draw was consumed


@pytest.mark.parametrize("seed", [0, 42, 2**31 - 2])
def test_forked_torch_rng_gives_identical_draws_for_the_same_seed(seed):
    with forked_torch_rng(seed):
        first = torch.rand(5)
        first_module = torch.nn.Linear(3, 2).weight.detach().clone()
    torch.rand(7)  # the outer stream moves between the blocks
    with forked_torch_rng(seed):
        second = torch.rand(5)
        second_module = torch.nn.Linear(3, 2).weight.detach().clone()
    assert torch.equal(first, second)
    assert torch.equal(first_module, second_module)


def test_forked_torch_rng_seeds_differ():
    with forked_torch_rng(0):
        a = torch.rand(5)
    with forked_torch_rng(1):
        b = torch.rand(5)
    assert not torch.equal(a, b)


def test_forked_torch_rng_leaves_the_global_generator_exactly_as_before():
    before = torch.get_rng_state()
    with forked_torch_rng(0):
        torch.rand(100)
        torch.nn.Linear(10, 10)
    assert torch.equal(torch.get_rng_state(), before)
    # the user's own stream continues as if the block never ran
    after_block = torch.rand(4)
    torch.set_rng_state(before)
    assert torch.equal(after_block, torch.rand(4))


def test_forked_torch_rng_restores_the_generator_after_an_error():
    before = torch.get_rng_state()
    with pytest.raises(RuntimeError, match="inside"), forked_torch_rng(0):
        torch.rand(10)
        raise RuntimeError("inside the block")
    assert torch.equal(torch.get_rng_state(), before)


def test_forked_torch_rng_leaves_numpy_untouched():
    before = np.random.get_state()
    with forked_torch_rng(0):
        torch.rand(3)
    assert same_numpy_state(np.random.get_state(), before)
