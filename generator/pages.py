"""The render stage: every page's view rendered with Jinja (or its bytes taken from the previous
site when the page cache says nothing it depends on changed), with the page's JSON, into the
output. Large builds on disk render on every core; in-memory builds render in-process."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .errors import InputError, Problem
from .pagecache import PageCache
from .parallel import chunks, run_all
from .render import Renderer, owner, render_views
from .site import View
from .write import Output, Staging

# (output file, the source it comes from, digest, the page key it was rendered from)
Done = tuple[str, str, bytes, bytes | None]


def render_pages(
    keys: list[tuple[str, str]],
    make_view: Callable[[str, str], View],
    data_files: Callable[[str, str], list[tuple[str, bytes]]],
    renderers: dict[str, Renderer],
    output: Output,
    cache: PageCache,
    *,
    root: Path,
    jobs: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, tuple[bytes, bytes]]:
    """Render the pages of `keys` (language, page key), in order, into `output`, with the files
    `data_files` gives for each (its JSON); two pages writing one file is an input error. Returns
    the page cache's entries for this build."""
    jobs = jobs if isinstance(output, Staging) else 1  # workers can share a directory, not a dict
    parts = chunks(keys, jobs, per_job=16)

    def task(i: int) -> list[Done]:
        done: list[Done] = []
        for lang, key in parts[i]:
            view = make_view(lang, key)
            page_key = cache.key(view.template, lang, view.context)
            digest = cache.find(view.output, page_key)
            if digest is None or not output.place(view.output, digest):
                [(name, _, data)] = render_views([view], renderers, root)
                digest = output.store(name, data)
            done.append((view.output, owner(view), digest, page_key))
            done += [(name, view.key, output.store(name, data), None) for name, data in data_files(lang, key)]
        return done

    owners: dict[str, str] = {}
    entries: dict[str, tuple[bytes, bytes]] = {}
    problems = []
    finished = 0
    for index, part in enumerate(run_all(task, len(parts), jobs)):
        for name, source, digest, page_key in part:
            if name in owners:
                problems.append(Problem(source, 1, f"output {name} is also written by {owners[name]}"))
                continue
            owners[name] = source
            output.record(name, digest)
            if page_key is not None:
                entries[name] = (page_key, digest)
        finished += len(parts[index])
        if progress is not None:
            progress(finished, len(keys))
    if problems:
        raise InputError(problems)
    return entries
