"""Dev-server latency: from saving one page to its rebuilt output file being in place."""

from __future__ import annotations

import argparse
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
REAL_PARTS = ("site.toml", "content", "templates", "locales")


def free_port() -> int:
    """An unused TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_served(port: int, timeout: float) -> None:
    """Block until the dev server answers."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the dev server did not start")


def measure(root: Path, code: str, rounds: int) -> list[float]:
    """Seconds from each save of content/en/<code>.md until _site/<code>/index.html shows it."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "generator", "--root", str(root), "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_served(port, timeout=1800)
        time.sleep(1.0)
        page = root / "content" / "en" / f"{code}.md"
        output = root / "_site" / code / "index.html"
        original = page.read_text(encoding="utf-8")
        timings = []
        for i in range(rounds):
            marker = f"Edit marker {i}."
            page.write_text(original + f"\n{marker}\n", encoding="utf-8")
            started = time.perf_counter()
            while marker not in output.read_text(encoding="utf-8"):
                if time.perf_counter() - started > 60:
                    raise RuntimeError("the edit never reached the output")
                time.sleep(0.002)
            timings.append(time.perf_counter() - started)
            time.sleep(0.5)
        page.write_text(original, encoding="utf-8")
        return timings
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> int:
    """Measure the real site and, if given, a synthetic project."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--project", type=Path, action="append", default=[], help="extra (synthetic) project directories"
    )
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    work = PROJECT / "bench" / "work" / "devserver-real"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    for part in REAL_PARTS:
        source = PROJECT / part
        (shutil.copytree if source.is_dir() else shutil.copy)(source, work / part)
    targets = [
        (work, "404"),
        *(
            (
                p,
                sorted(f.stem for f in (p / "content" / "en").glob("[0-9]*.md"))[
                    len(list((p / "content" / "en").glob("[0-9]*.md"))) // 2
                ],
            )
            for p in args.project
        ),
    ]
    print("| project | pages | median ms | min ms | max ms |")
    print("|---|---:|---:|---:|---:|")
    for root, code in targets:
        timings = measure(root, code, args.rounds)
        pages = sum(1 for _ in (root / "content").glob("*/[0-9]*.md"))
        ms = [t * 1000 for t in timings]
        print(f"| {root.name} | {pages:,} | {statistics.median(ms):.0f} | {min(ms):.0f} | {max(ms):.0f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
