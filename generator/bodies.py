"""Rendering every Markdown body, with a persistent cache and both cores for large sites.

A body's HTML depends on its text alone (cross-links are resolved later), so the cache key is a
hash of the text and of the renderer's version."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import pickle
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import markdown

from . import __version__
from .content import Content
from .markup import Rendered, render_markdown

_SALT = f"{__version__}:{markdown.__version__}:1".encode()
PARALLEL_THRESHOLD = 120


def body_key(text: str) -> str:
    """Cache key of one body."""
    return hashlib.sha256(_SALT + text.encode("utf-8")).hexdigest()


class BodyCache:
    """Rendered bodies by key, in memory, optionally persisted in one file."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.entries: dict[str, Rendered] = {}
        self.hits = 0
        if path is not None and path.is_file():
            try:
                with path.open("rb") as handle:
                    stored = pickle.load(handle)
                if isinstance(stored, dict) and stored.get("salt") == _SALT:
                    self.entries = stored["entries"]
            except (OSError, pickle.UnpicklingError, EOFError, AttributeError, KeyError, TypeError):
                self.entries = {}

    def save(self, keep: set[str]) -> None:
        """Persist the entries still in use (atomically, so a killed build leaves a usable cache)."""
        if self.path is None:
            return
        self.entries = {k: v for k, v in self.entries.items() if k in keep}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(f".tmp-{os.getpid()}")
        with temporary.open("wb") as handle:
            pickle.dump({"salt": _SALT, "entries": self.entries}, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, self.path)


def _render_many(texts: list[str]) -> list[Rendered]:
    """Worker: render a chunk of bodies with one converter."""
    return [render_markdown(t) for t in texts]


def render_bodies(content: Content, *, cache: BodyCache | None = None, jobs: int = 1) -> dict[tuple[str, str], Rendered]:
    """Every page's body rendered, from the cache where possible."""
    cache = cache if cache is not None else BodyCache()
    keys = {where: body_key(page.body) for where, page in content.pages.items()}
    todo = sorted({k: content.pages[w].body for w, k in keys.items() if k not in cache.entries}.items())
    if jobs > 1 and len(todo) >= PARALLEL_THRESHOLD:
        chunks = [todo[i::jobs * 4] for i in range(jobs * 4)]
        # Workers come from a clean forkserver, not a fork of this process: a fork would inherit
        # the output lock and could outlive a killed build while holding it.
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["generator.markup"])
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            for chunk, results in zip(chunks, pool.map(_render_many, [[t for _, t in c] for c in chunks]), strict=True):
                cache.entries.update({k: r for (k, _), r in zip(chunk, results, strict=True)})
    else:
        for key, text in todo:
            cache.entries[key] = render_markdown(text)
    cache.hits += len(keys) - len(todo)
    cache.save(set(keys.values()))
    return {where: cache.entries[key] for where, key in keys.items()}
