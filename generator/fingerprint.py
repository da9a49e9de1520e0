"""Knowing, without reading them, that no input changed since the last build into an output.

The fingerprint covers every input file's path, size and modification time, the options, the
generator's code, the Python and dependency versions (code_digest) and the site date. The output
is checked too: every file the manifest lists must still have the identity (size, mtime, inode,
mode) it was written with, and nothing else may be there, so a page edited, deleted or added in
the output by hand forces a build that restores it. A match means the build would write the same
bytes: `make site` on an unchanged tree returns at once."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from . import code_digest
from .write import MANIFEST, identity, read_identities, read_manifest

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
    digest = hashlib.sha256(json.dumps([code_digest(), options], sort_keys=True, default=str).encode())
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
    """A digest of the output's manifest, or '' when any file differs from what it records."""
    manifest = read_manifest(out)
    recorded = read_identities(out.resolve()).get(str(out.resolve()), {})
    if manifest is None:
        return ""
    for name in manifest:
        if name not in recorded or identity(os.path.join(out, name)) != recorded[name]:
            return ""
    listed = {name.split("/", 1)[0] for name in manifest} | {MANIFEST}
    if set(os.listdir(out)) != listed:  # something added at the top; deeper additions fail check_output_dir
        return ""
    return hashlib.sha256((out / MANIFEST).read_bytes()).hexdigest()


def _record(cache_dir: Path, out: Path) -> Path:
    return cache_dir / f"last-build-{hashlib.sha256(str(out.resolve()).encode()).hexdigest()[:16]}.json"


def up_to_date(cache_dir: Path, out: Path, inputs: str) -> dict[str, Any] | None:
    """The last build's record when neither inputs nor output changed since it, else None."""
    try:
        record = json.loads(_record(cache_dir, out).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    outputs = outputs_fingerprint(out)
    if isinstance(record, dict) and outputs and record.get("inputs") == inputs and record.get("outputs") == outputs:
        return record
    return None


def remember(cache_dir: Path, out: Path, inputs: str, record: dict[str, object]) -> None:
    """Store what the build just produced, for the next `up_to_date`."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    path = _record(cache_dir, out)
    temporary = path.with_suffix(f".tmp-{os.getpid()}")
    temporary.write_text(
        json.dumps({**record, "inputs": inputs, "outputs": outputs_fingerprint(out)}), encoding="utf-8"
    )
    os.replace(temporary, path)
