"""Worker processes forked from this one: the one way the kit starts them.

The build's steps that share a large state with their workers (the pages prepared before
the notebooks, the statistical audit, the audit of the published files) fork workers that
inherit it instead of receiving a copy. A fork shares the parent's memory pages until one
of the processes writes to them; the garbage collector of a worker would write to every
page holding a Python object, so the objects that exist when the pool starts are frozen
for the collector (:func:`gc.freeze`) while it lives: a worker's memory is then mostly what
it makes itself.
"""

from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager


def can_fork() -> bool:
    """True where processes can be forked (Linux, macOS); elsewhere callers work alone."""
    return "fork" in multiprocessing.get_all_start_methods()


@contextmanager
def forked_pool(
    workers: int, initializer: Callable[[], None] | None = None
) -> Iterator[ProcessPoolExecutor]:
    """A pool of ``workers`` processes forked from this one (see :func:`can_fork`).

    The objects of this process are frozen for the garbage collector until the pool is
    shut down, then given back to it (the objects made meanwhile are collected as usual).
    """
    frozen = gc.get_freeze_count() == 0
    if frozen:
        gc.freeze()
    try:
        with ProcessPoolExecutor(
            workers, mp_context=multiprocessing.get_context("fork"), initializer=initializer
        ) as pool:
            yield pool
    finally:
        if frozen:
            gc.unfreeze()


def give_back_memory() -> None:
    """Collect this process's garbage and hand the freed heap back to the system (glibc's
    ``malloc_trim``, where the C library has it): the processes forked next, and this one,
    then hold less."""
    gc.collect()
    try:
        import ctypes

        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # another C library: the freed memory stays reserved
        pass
