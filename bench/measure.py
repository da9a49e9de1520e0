"""Run one command and print its wall time, CPU time and peak memory as one JSON line."""

from __future__ import annotations

import ctypes
import errno
import json
import os
import resource
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path

INTERVAL = float(
    os.environ.get("MEASURE_PSS_INTERVAL", "0.5")
)  # a 0.1 s sampler cost the measured build 0.3-0.5 s of 5
PR_SET_CHILD_SUBREAPER = 36
REAP_GRACE = 10.0


def children_of() -> dict[int, list[int]]:
    """Every process's children, from /proc/<pid>/stat (this kernel has no /proc/.../children)."""
    tree: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(parent, []).append(int(entry.name))
    return tree


def pss_kb(pid: int) -> int:
    """Proportional set size of one process in KiB (shared pages divided among their users)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def tree_pss_kb(root: int) -> int:
    """Sum of PSS over a process and all its descendants."""
    tree = children_of()
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += pss_kb(pid)
        todo += tree.get(pid, [])
    return total


class Sampler(threading.Thread):
    """Samples the process tree's total PSS every INTERVAL seconds and keeps the peak."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_kb = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(INTERVAL):
            self.peak_kb = max(self.peak_kb, tree_pss_kb(self.pid))


def become_subreaper() -> bool:
    """Adopt orphaned descendants (e.g. a forkserver and its workers), so their usage is counted here."""
    try:
        return ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def reap_orphans(grace: float) -> int:
    """Wait for adopted descendants that are still running, up to `grace` seconds; return how many remain."""
    deadline = time.monotonic() + grace
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return 0
        except OSError as error:
            if error.errno == errno.EINTR:
                continue
            raise
        if pid == 0:
            if time.monotonic() > deadline:
                return len(children_of().get(os.getpid(), []))
            time.sleep(0.02)


def measure(
    command: Sequence[str], *, cwd: str | None = None, log: Path | None = None, timeout: float | None = None
) -> dict[str, object]:
    """Run `command` to completion: wall seconds (until it exits), CPU seconds and max RSS of its largest
    process over it and every descendant (orphans included, as this process is their subreaper), and
    the peak of the whole tree's summed PSS."""
    load = os.getloadavg()[0]
    adopted = become_subreaper()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(log or os.devnull, "wb") as sink:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True)
        sampler = Sampler(process.pid)
        sampler.start()
        try:
            code = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # the whole group: workers too
            code = process.wait()
        wall = time.perf_counter() - started
        sampler.done.set()
        sampler.join()
    left = reap_orphans(REAP_GRACE) if adopted else -1
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "rc": code,
        "wall": wall,
        "cpu": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
        "maxrss_mb": after.ru_maxrss / 1024,
        "pss_mb": sampler.peak_kb / 1024,
        "load": load,
        "unreaped": left,
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: measure.py [--cwd DIR] [--log FILE] [--timeout S] -- COMMAND..."""
    args = list(sys.argv[1:] if argv is None else argv)
    if "--" not in args:
        print("usage: measure.py [--cwd DIR] [--log FILE] [--timeout S] -- COMMAND...", file=sys.stderr)
        return 2
    split = args.index("--")
    options, command = args[:split], args[split + 1 :]
    named = dict(zip(options[::2], options[1::2], strict=True))
    timeout = float(named["--timeout"]) if "--timeout" in named else None
    log = Path(named["--log"]) if "--log" in named else None
    print(json.dumps(measure(command, cwd=named.get("--cwd"), log=log, timeout=timeout)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
