"""Forked worker pools: results, and the garbage collector's freeze around them."""

from __future__ import annotations

import gc
import os

import pytest

from vccap.forking import can_fork, forked_pool, give_back_memory

pytestmark = pytest.mark.skipif(not can_fork(), reason="fork n'existe pas sur ce système")

SHARED: list[int] = []


def _sum_part(part: int) -> tuple[int, int, int]:
    """Worker: a share of the parent's list, with the worker's pid and freeze count."""
    return sum(SHARED[part::2]), os.getpid(), gc.get_freeze_count()


def test_workers_see_the_parents_objects_frozen_then_given_back():
    SHARED[:] = list(range(100_000))
    try:
        assert gc.get_freeze_count() == 0
        with forked_pool(2) as pool:
            assert gc.get_freeze_count() > 0  # frozen while the workers live
            parts = list(pool.map(_sum_part, [0, 1]))
        assert gc.get_freeze_count() == 0
    finally:
        SHARED.clear()
    assert sum(total for total, _, _ in parts) == sum(range(100_000))
    assert all(pid != os.getpid() for _, pid, _ in parts)
    assert all(frozen > 0 for _, _, frozen in parts)  # inherited: the workers skip them


def test_a_freeze_made_by_the_caller_is_left_to_the_caller():
    gc.freeze()
    try:
        before = gc.get_freeze_count()
        with forked_pool(1) as pool:
            assert list(pool.map(abs, [-1])) == [1]
        assert gc.get_freeze_count() >= before
    finally:
        gc.unfreeze()


def test_an_error_in_the_pool_still_unfreezes():
    with pytest.raises(ZeroDivisionError):
        with forked_pool(1) as pool:
            list(pool.map(divmod, [1], [0]))
    assert gc.get_freeze_count() == 0


def test_giving_back_memory_keeps_what_is_still_used():
    kept = [str(i) * 3 for i in range(50_000)]
    garbage = [[i] for i in range(200_000)]
    del garbage
    give_back_memory()
    assert kept[49_999] == "49999" * 3
