"""Work on every core: forked workers that see the parent's loaded site without copying it.

A fork also inherits the build's output lock; each worker closes its copy at once and is killed
with its parent, so a killed build never leaves a worker holding the lock."""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any

INHERITED_LOCKS: set[int] = set()  # descriptors a worker must not keep (see write.output_lock)
_task: Callable[[int], Any] | None = None


def _start_worker(close: tuple[int, ...]) -> None:
    for descriptor in close:
        try:
            os.close(descriptor)
        except OSError:
            pass
    die_with_parent()


def die_with_parent() -> None:
    """Ask the kernel to kill this process when its parent dies (Linux; elsewhere nothing).
    Also the `preexec_fn` of helper programs such as Pagefind."""
    if sys.platform.startswith("linux"):
        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)


def _run(index: int) -> Any:
    assert _task is not None
    return _task(index)


def run_all(task: Callable[[int], Any], count: int, jobs: int, meanwhile: Callable[[], None] | None = None) -> Iterator[Any]:
    """task(0) ... task(count - 1), in order; in forked workers when jobs > 1. `meanwhile` runs
    in this process once the workers are forked (so they never see what it makes), before the
    first result is awaited; with no workers, before the first task."""
    global _task
    if jobs <= 1 or count <= 1 or not hasattr(os, "fork"):
        if meanwhile is not None:
            meanwhile()
        yield from (task(i) for i in range(count))
        return
    _task = task
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_start_worker, initargs=(tuple(INHERITED_LOCKS),)) as pool:
            results = pool.map(_run, range(count))  # submits everything: every worker is forked now
            if meanwhile is not None:
                meanwhile()
            yield from results
    finally:
        _task = None


def chunks(items: list[Any], jobs: int, per_job: int = 8) -> list[list[Any]]:
    """Split work into interleaved chunks: several per worker, so the cores finish together."""
    count = max(1, min(len(items), jobs * per_job)) if jobs > 1 else 1
    return [items[i::count] for i in range(count)]
