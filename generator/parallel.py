"""Work on every core for large builds: forked workers that see the parent's loaded site without
copying it. Forking is done only from the main thread (a fork from a threaded process can deadlock
in the child), so the dev server, which rebuilds from a thread, renders in-process; on a site of
this size a rebuild renders only the few pages whose inputs changed anyway."""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any

MIN_TASKS = 2  # fewer tasks than this are run in-process
_task: Callable[[int], Any] | None = None


def _die_with_parent() -> None:
    """Ask the kernel to kill this worker when its parent dies (Linux), so that a build killed
    with SIGKILL leaves no worker behind holding its output lock."""
    if sys.platform.startswith("linux"):
        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)


def _run(index: int) -> Any:
    assert _task is not None
    return _task(index)


def can_fork() -> bool:
    """Whether workers may be forked from here: a POSIX system, and the main thread."""
    return hasattr(os, "fork") and threading.current_thread() is threading.main_thread()


def run_all(task: Callable[[int], Any], count: int, jobs: int) -> Iterator[Any]:
    """task(0) ... task(count - 1), in order; in forked workers when jobs > 1 and forking is safe."""
    global _task
    if jobs <= 1 or count < MIN_TASKS or not can_fork():
        yield from (task(i) for i in range(count))
        return
    _task = task
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_die_with_parent) as pool:
            yield from pool.map(_run, range(count))
    finally:
        _task = None


def chunks(items: list[Any], jobs: int, per_job: int = 8) -> list[list[Any]]:
    """Split work into interleaved chunks: several per worker, so the cores finish together."""
    count = max(1, min(len(items), jobs * per_job)) if jobs > 1 else 1
    return [items[i::count] for i in range(count)]
