"""Knowing, without reading them, that no input changed since the last build into an output.

The fingerprint covers every input file's path, size and modification time, the options, the
generator's version and the site date. The output is checked too, cheaply: the modification
time of each of its directories (which changes when a file in it is added, removed or renamed)
and the size and time of its top-level files, so a page deleted from the output forces a build.
(Stat-ing all of a large site's files means reading every directory of the tree from disk: at
30,000 pages that alone takes seconds with a cold cache.) A match means the build would write
the same bytes: `make site` on an unchanged tree returns at once."""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

from . import code_digest
from .write import MANIFEST

INPUTS = ("site.toml", "content", "templates", "locales")


def _listing(directory: Path) -> list[tuple[str, int, int]]:
    """(path, size, mtime_ns) of every file below `directory`, sorted."""
    entries = []
    for dirpath, _, filenames in os.walk(directory):
        for name in filenames:
            path = os.path.join(dirpath, name)
            stat = os.stat(path)
            entries.append((os.path.relpath(path, directory), stat.st_size, stat.st_mtime_ns))
    return sorted(entries)


def inputs_fingerprint(root: Path, options: dict[str, object]) -> str:
    """A digest of every input file's metadata and of everything else that shapes the output."""
    digest = hashlib.sha256(json.dumps([code_digest(), sys.version, options], sort_keys=True, default=str).encode())
    for name in INPUTS:
        path = root / name
        if path.is_file():
            stat = path.stat()
            digest.update(f"{name}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
        elif path.is_dir():
            for entry in _listing(path):
                digest.update(f"{name}/{entry[0]}\0{entry[1]}\0{entry[2]}\n".encode())
    return digest.hexdigest()


def outputs_fingerprint(out: Path) -> str:
    """A digest of the output's directories and top-level files ('' when there is none)."""
    try:
        names = (out / MANIFEST).read_text(encoding="utf-8").splitlines()
    except OSError:
        return ""
    folders = {""}
    for name in names:
        parent = os.path.dirname(name)
        while parent and parent not in folders:
            folders.add(parent)
            parent = os.path.dirname(parent)
    digest = hashlib.sha256()
    for name in sorted(folders) + sorted(n for n in [*names, MANIFEST] if "/" not in n):
        try:
            info = os.stat(os.path.join(out, name))
        except OSError:
            return f"missing {name}"
        digest.update(f"{name}\0{info.st_ino}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _record(cache_dir: Path, out: Path) -> Path:
    return cache_dir / f"last-build-{hashlib.sha256(str(out.resolve()).encode()).hexdigest()[:16]}.json"


def up_to_date(cache_dir: Path, out: Path, inputs: str) -> dict[str, object] | None:
    """The last build's record when neither inputs nor output changed since it, else None."""
    try:
        record = json.loads(_record(cache_dir, out).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if record.get("inputs") == inputs and record.get("outputs") == outputs_fingerprint(out):
        return record
    return None


def remember(cache_dir: Path, out: Path, inputs: str, record: dict[str, object]) -> None:
    """Store what the build just produced, for the next `up_to_date`."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    path = _record(cache_dir, out)
    temporary = path.with_suffix(f".tmp-{os.getpid()}")
    temporary.write_text(json.dumps({**record, "inputs": inputs, "outputs": outputs_fingerprint(out)}), encoding="utf-8")
    os.replace(temporary, path)
