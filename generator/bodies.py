"""Rendering every Markdown body, with a persistent cache and both cores for large sites.

A body's HTML depends on its text alone (cross-links are resolved later), so the cache key is a
hash of the text and of the renderer's version."""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path

from . import code_digest
from .content import Content
from .markup import Rendered, render_markdown
from .parallel import chunks, run_all

PARALLEL_THRESHOLD = 120
SAVE_BATCH = 500


def body_key(text: str) -> str:
    """Cache key of one body: its text, the generator's code and its dependencies' versions."""
    return hashlib.sha256(f"bodies:{code_digest()}".encode() + text.encode("utf-8")).hexdigest()


class BodyCache:
    """Rendered bodies by key, in memory, optionally persisted in one file."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.entries: dict[str, Rendered] = {}
        self.hits = 0
        if path is not None and path.is_file():
            try:
                with path.open("rb") as handle:
                    if pickle.load(handle) == code_digest():
                        for _ in range(pickle.load(handle)):
                            self.entries.update(pickle.load(handle))
            except (OSError, pickle.UnpicklingError, EOFError, AttributeError, KeyError, TypeError, ValueError):
                self.entries = {}

    def save(self, keep: set[str]) -> None:
        """Persist the entries still in use (atomically, so a killed build leaves a usable cache)."""
        if self.path is None:
            return
        self.entries = {k: v for k, v in self.entries.items() if k in keep}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(f".tmp-{os.getpid()}")
        items = sorted(self.entries.items())
        batches = [dict(items[i : i + SAVE_BATCH]) for i in range(0, len(items), SAVE_BATCH)]
        with temporary.open("wb") as handle:  # in batches: one pickle of everything needs a memo of every object
            for part in (code_digest(), len(batches), *batches):
                pickle.dump(part, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, self.path)


def render_bodies(
    content: Content, *, cache: BodyCache | None = None, jobs: int = 1
) -> dict[tuple[str, str], Rendered]:
    """Every page's body rendered, from the cache where possible, the rest on every core."""
    cache = cache if cache is not None else BodyCache()
    keys = {where: body_key(page.body) for where, page in content.pages.items()}
    todo = sorted({key: where for where, key in keys.items() if key not in cache.entries}.items())

    def render(i: int) -> list[Rendered]:
        return [render_markdown(content.pages[where].body) for _, where in parts[i]]

    parts = chunks(todo, jobs if len(todo) >= PARALLEL_THRESHOLD else 1)
    for part, results in zip(parts, run_all(render, len(parts), jobs), strict=True):
        cache.entries.update({key: result for (key, _), result in zip(part, results, strict=True)})
    cache.hits += len(keys) - len(todo)
    if todo or len(cache.entries) != len(set(keys.values())):
        cache.save(set(keys.values()))
    return {where: cache.entries[key] for where, key in keys.items()}
