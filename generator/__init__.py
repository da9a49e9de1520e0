"""A static-site generator for the HTTP status code reference."""

from __future__ import annotations

import functools
import hashlib
import sys
from importlib import metadata
from pathlib import Path

__version__ = "0.1.0"

# Every installed distribution whose code shapes the output: a cache made with another version of
# any of them is stale.
RUNTIME = ("jinja2", "markupsafe", "markdown", "babel", "pygments", "pagefind", "pagefind-bin-extended")


def dependency_versions() -> dict[str, str]:
    """The installed version of each runtime dependency ('' when one is not installed)."""
    versions = {}
    for name in RUNTIME:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = ""
    return versions


@functools.cache
def code_digest() -> str:
    """A hash of the generator's own source files, of the Python version and of every runtime
    dependency's version: caches and the no-change check are keyed by it, so editing the generator
    or upgrading a library invalidates them."""
    digest = hashlib.sha256(f"{__version__}:{sys.version}:{sorted(dependency_versions().items())}".encode())
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:20]
