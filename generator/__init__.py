"""A static-site generator for the HTTP status code reference."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

__version__ = "0.1.0"


@functools.cache
def code_digest() -> str:
    """A hash of the generator's own source files and of the libraries' versions whose output it
    keeps: caches and the no-change check are keyed by it, so editing the generator (not only
    releasing a new version) invalidates them."""
    import jinja2
    import markdown

    digest = hashlib.sha256(f"{__version__}:{markdown.__version__}:{jinja2.__version__}".encode())
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:20]
