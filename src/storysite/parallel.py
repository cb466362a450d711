"""Run one task per story across the machine's cores, in order.

Workers are forked, so they start with everything the parent built (configuration,
anonymiser, gate, templates) and nothing is sent to them but index ranges; only the
results travel back. On one core, for a small site, where fork is missing, or when
other threads are running (a fork would copy them half-way), the tasks run here,
one after the other. The results are the same either way, in the same order.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import multiprocessing
import os
import pickle
import signal
import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

T = TypeVar("T")

#: Below this many tasks, starting processes costs more than it saves.
MIN_PARALLEL = 48
MAX_WORKERS = 8
ENV = "STORYSITE_WORKERS"

_TASK: Callable[[int], Any] | None = None


def worker_count(tasks: int, requested: int | None = None) -> int:
    """``requested``, else $STORYSITE_WORKERS, else the cores (1 for a small site)."""
    if requested is not None:
        return max(1, requested)
    configured = os.environ.get(ENV, "").strip()
    if configured.isdigit():
        return max(1, int(configured))
    if tasks < MIN_PARALLEL:
        return 1
    return max(1, min(len(os.sched_getaffinity(0)), MAX_WORKERS))


def can_fork() -> bool:
    """Whether this process may fork: never while other threads run (a fork would
    copy them half-way)."""
    return (
        "fork" in multiprocessing.get_all_start_methods()
        and threading.current_thread() is threading.main_thread()
        and threading.active_count() == 1
    )


def map_ordered(
    task: Callable[[int], T],
    count: int,
    workers: int,
    each: Callable[[list[T]], list[T]] | None = None,
) -> list[T]:
    """``[task(0), ..., task(count - 1)]``, computed by up to ``workers`` processes.
    ``each``, when given, is called here on the results as they come in, a few at a
    time and in order, and what it returns is kept in their place (so this process
    need not hold what it has already dealt with)."""
    global _TASK
    serial = workers <= 1 or count < 2 or not can_fork()
    workers = 1 if serial else min(workers, count)
    size = max(1, count // (workers * 6))
    chunks = [(start, min(start + size, count)) for start in range(0, count, size)]
    finish = each or _same
    if serial:
        done = ([task(i) for i in range(*bounds)] for bounds in chunks)
        return [result for results in done for result in finish(results)]
    _TASK = task
    try:
        context = multiprocessing.get_context("fork")
        with context.Pool(workers, initializer=_die_with, initargs=(os.getpid(),)) as pool:
            arriving = pool.imap(_run_chunk, chunks, chunksize=1)
            return [result for results in arriving for result in finish(results)]
    finally:
        _TASK = None


def _same(results: list[T]) -> list[T]:
    return results


class InBackground(Generic[T]):
    """``[task(0), ..., task(count - 1)]`` worked out by one forked process while this
    one goes on with other work; ``results()`` waits for them. Where a process cannot
    be forked, or ``fork`` is False, or the child fails in any way, ``results()``
    works them out here instead (so an error is raised here, as it would be)."""

    def __init__(self, task: Callable[[int], T], count: int, fork: bool = True) -> None:
        self._task, self._count = task, count
        self._child: tuple[int, int] | None = None
        if fork and count and can_fork():
            self._child = self._start()

    def _start(self) -> tuple[int, int]:
        read, write = os.pipe()
        pid = os.fork()
        if pid:
            os.close(write)
            return pid, read
        os.close(read)  # the child: work, send the results, end without cleaning up
        try:
            die_with_parent()
            with os.fdopen(write, "wb") as pipe:
                pipe.write(pickle.dumps([self._task(i) for i in range(self._count)]))
        finally:
            os._exit(0)

    def cancel(self) -> None:
        """Stop the child, if its results will not be asked for (the build stopped)."""
        if self._child is not None:
            pid, read = self._child
            self._child = None
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            os.close(read)

    def results(self) -> list[T]:
        if self._child is not None:
            pid, read = self._child
            self._child = None
            with os.fdopen(read, "rb") as pipe:
                data = pipe.read()
            _, status = os.waitpid(pid, 0)
            if os.waitstatus_to_exitcode(status) == 0 and data:
                with contextlib.suppress(Exception):
                    found: list[T] = pickle.loads(data)  # our own child's, just made
                    return found
        return [self._task(i) for i in range(self._count)]


def _die_with(parent: int) -> None:
    """A worker ends when the build that started it is killed: it holds the build's
    lock and writes into its staging folder, and must not outlive it (Linux; elsewhere
    a worker ends when it next asks for work)."""
    die_with_parent()
    if os.getppid() != parent:  # killed before the line above took effect
        os._exit(1)


def die_with_parent() -> None:
    """End this (forked) process when the process that started it is killed (Linux)."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


_PR_SET_PDEATHSIG = 1


def _run_chunk(bounds: tuple[int, int]) -> list[Any]:
    assert _TASK is not None
    return [_TASK(i) for i in range(*bounds)]
