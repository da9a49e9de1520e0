"""The build, top to bottom: load config → load content and catalogs → render Markdown → link →
render pages → (write). Everything is read and linked before anything is written."""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from babel.support import NullTranslations

from . import bodies, code_digest
from .catalogs import compile_catalog, coverage, load_catalogs, load_template
from .config import SiteConfig, load_config
from .content import Content, load_content
from .errors import InputError, Problem
from .pagecache import PageCache, salt, tree_digest
from .render import (
    check_templates,
    code_data_file,
    codes_json,
    codes_json_name,
    language_renderer,
    render_pages,
    render_views,
    sitemap,
    static_files,
    status_rows,
    translations_digest,
)
from .routes import Routes
from .search import search_bundles
from .site import OUTDATED, Linked, View, build_view, link_site
from .write import Memory, WriteStats, check_output_dir, output_lock, staged


class Stopwatch:
    """Wall time of each stage of a build (`build --timings` prints them)."""

    def __init__(self) -> None:
        self.laps: list[tuple[str, float, int]] = []

    @contextlib.contextmanager
    def lap(self, name: str) -> Iterator[None]:
        """Time the block as stage `name`; note this process's peak memory (MB) after it."""
        started = time.perf_counter()
        try:
            yield
        finally:
            self.laps.append((name, time.perf_counter() - started, peak_memory_mb()))

    def note(self, name: str, seconds: float) -> None:
        """A stage that ran inside another one (its time is part of that one's)."""
        self.laps.append((name, seconds, peak_memory_mb()))


def peak_memory_mb() -> int:
    """This process's peak resident memory so far, in MB (Linux reports KB; macOS bytes)."""
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // (1 << 20) if sys.platform == "darwin" else peak // 1024


@dataclass(frozen=True)
class Built:
    """A built site in memory: output files and what went into them."""

    files: dict[str, bytes]  # every output file, when built in memory ({} when streamed to disk)
    names: tuple[str, ...]  # every output file's name
    config: SiteConfig
    content: Content
    linked: Linked
    warnings: tuple[Problem, ...]
    rendered: dict = field(default_factory=dict, repr=False)  # (lang, key) -> Rendered body
    catalogs: dict = field(default_factory=dict, repr=False)  # lang -> Babel Catalog
    renderers: dict = field(default_factory=dict, repr=False)  # lang -> Renderer
    laps: tuple[tuple[str, float, int], ...] = ()  # (stage, seconds, peak MB after it)


def site_date(root: Path) -> dt.date | None:
    """The date the site shows: SOURCE_DATE_EPOCH, else the last commit's, else none (never the clock)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is None:
        try:
            epoch = subprocess.run(
                ["git", "-C", str(root), "log", "-1", "--format=%ct"],
                capture_output=True, text=True, check=True, timeout=10,
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return None
    try:
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
    except ValueError:
        return None


@contextlib.contextmanager
def _without_cycle_collector() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a build (and its forked workers). A build
    makes millions of objects that live until it ends and form no cycles to speak of; the
    collector's passes over them cost 7-8 % of a 3,000-page build and a link stage at 30,000
    pages took 1.9 s instead of 1.1 s, while peak memory did not grow. Reference counting still
    frees everything else at once."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@_without_cycle_collector()
def build_site(root: Path, *, base_url: str | None = None, cache_dir: Path | None = None, jobs: int = 1, search: bool = True, progress: Callable[[int, int], None] | None = None, sink: Any = None, keep_bodies: bool = True) -> Built:
    """Build the whole site, in memory or into `sink` (a write.Staging); raise InputError with
    every problem found. `cache_dir` keeps rendered Markdown and search bundles between builds.
    With `keep_bodies=False` the rendered bodies are let go once the pages are made (the CLI
    needs no more of them; on a large site they are the largest thing in memory), and
    `Built.rendered` is empty."""
    watch = Stopwatch()
    with watch.lap("setup"):
        cache = bodies.BodyCache(cache_dir / "bodies.pickle" if cache_dir else None)
        config = load_config(root)
        if base_url is not None:
            config = replace(config, base_url=base_url if base_url.endswith("/") else base_url + "/")
    problems: list[Problem] = []
    content = catalogs = None
    routes = Routes(config.base_url)
    translations: dict[str, Any] = {}
    renderers: dict[str, Any] = {}

    def templates() -> None:  # load_content runs it once, while the workers load and render pages
        nonlocal catalogs
        started = time.perf_counter()
        try:
            catalogs = load_catalogs(config)
        except InputError as error:
            problems.extend(error.problems)
        translations.update({
            lang.code: compile_catalog(catalogs[lang.code]) if catalogs and lang.code in catalogs else NullTranslations()
            for lang in config.languages
        })
        updated = site_date(root)
        renderers.update({lang.code: language_renderer(root, lang, translations[lang.code], routes, updated) for lang in config.languages})
        for renderer in renderers.values():  # compiled here once, not in every worker
            try:
                check_templates(renderer.env, root)
            except InputError as error:
                problems.extend(p for p in error.problems if p not in problems)
        watch.note("catalogs and templates (meanwhile)", time.perf_counter() - started)

    prepared: dict[tuple[str, str], Any] = {}
    with watch.lap("load content, render Markdown"):
        try:
            content = load_content(config, jobs=jobs, prepare=bodies.prerender(cache), prepared=prepared, meanwhile=templates)
        except InputError as error:
            problems += error.problems
        if content is not None and catalogs is not None:
            rendered = bodies.render_bodies(content, cache=cache, jobs=jobs, prepared=prepared)
    del prepared, cache
    if content is None or catalogs is None:
        raise InputError(problems)
    with watch.lap("link"):
        linked = link_site(config, content, rendered, routes)
    problems += linked.problems
    if problems:
        raise InputError(problems)
    sink = Memory() if sink is None else sink
    keys = [(lang.code, key) for lang in config.languages for key in content.page_keys]

    def make_view(lang: str, key: str) -> View:
        return build_view(config, content, rendered, routes, linked.index, config.language(lang), key)

    with watch.lap("render pages"):
        pages = PageCache(cache_dir / "pages.pickle" if cache_dir else None, page_salt(root, config, renderers, translations))
        entries = render_pages(keys, make_view, renderers, root, sink, jobs=jobs, progress=progress, cache=pages,
                               extra=lambda lang, key: code_data_file(config, content, linked, routes, config.language(lang), key))
        pages.save(entries)
        del pages, entries
    if not keep_bodies:
        rendered = {}
    with watch.lap("JSON, sitemap, extras"):  # each written as soon as made (codes.json piece by piece): a large site's are large
        for make in (
            lambda: translation_pages(config, content, linked, routes, renderers, catalogs, root),
            lambda: not_found_page(config, renderers, routes),
            *(lambda lang=lang: {codes_json_name(lang): codes_json(config, content, linked, routes, lang)} for lang in config.languages),
            lambda: {"sitemap.xml": sitemap(config, content, linked.states, routes)},
            lambda: {"robots.txt": robots(routes)},
            lambda: static_files(root),
        ):
            extras = make()
            for name in sorted(extras):
                if isinstance(extras[name], bytes):
                    sink.add(name, extras[name])
                else:
                    sink.add_parts(name, extras[name])
            del extras
    if config.search and search:
        with watch.lap("search index"):
            bundles = search_bundles(sink, config.languages, cache_dir / "search" if cache_dir else None)
            for name in sorted(bundles):
                sink.add(name, bundles[name])
    warnings = tuple(
        Problem(content.pages[(lang, key)].path, 1, "warning: translation is outdated: the English page changed since source_hash was stamped")
        for (lang, key), state in sorted(linked.states.items())
        if state == OUTDATED
    )
    return Built(
        files=sink if isinstance(sink, Memory) else {}, names=tuple(sorted(sink.digests)), config=config, content=content,
        linked=linked, warnings=warnings, rendered=rendered, catalogs=catalogs, renderers=renderers, laps=tuple(watch.laps),
    )


def page_salt(root: Path, config: SiteConfig, renderers: dict, translations: dict) -> bytes:
    """What shapes every page besides its view: code, templates, translations, globals."""
    languages = [
        (code, translations_digest(translations[code]), sorted((k, v) for k, v in renderer.globals.items() if isinstance(v, str)))
        for code, renderer in sorted(renderers.items())
    ]
    return salt(code_digest(), tree_digest(root / "templates"), config.base_url, config.languages, languages)


def _read_template(root: Path):  # noqa: ANN202 - a Babel Catalog or None
    """The extracted .pot, if present, to measure coverage against."""
    return load_template(root)


def robots(routes: Routes) -> bytes:
    """robots.txt: everything may be crawled; where the sitemap is."""
    base = routes.base_url if "://" in routes.base_url else routes.base_path
    return f"User-agent: *\nAllow: /\nSitemap: {base}sitemap.xml\n".encode()


def translation_pages(config: SiteConfig, content: Content, linked: Linked, routes: Routes, renderers: dict, catalogs: dict, root: Path) -> dict[str, bytes]:
    """The /translations/ page in every language: the status table for contributors."""
    template = _read_template(root)
    cover = {code: coverage(catalog, template).percent for code, catalog in catalogs.items()}
    rows = status_rows(config, content, linked, routes, cover)
    return {output: data for output, _, data in render_views(_translation_views(config, routes, rows), renderers, root)}


def _translation_views(config: SiteConfig, routes: Routes, rows: list) -> list[View]:
    """The /translations/ page in every language."""
    views = []
    for lang in config.languages:
        alternates = [_alt(other, routes) for other in config.languages]
        views.append(View("translations.html", lang, "translations", routes.output_file(routes.path(lang, "translations")), {
            "state": "current",
            "alternates": alternates,
            "source_url": routes.url(config.language(config.default_language), "translations"),
            "canonical": routes.absolute(lang, "translations"),
            "status": rows,
            "body_lang": lang.tag,
        }))
    return views


def _alt(lang, routes: Routes):  # noqa: ANN001, ANN202
    from .site import Alternate

    return Alternate(lang, routes.url(lang, "translations"), routes.absolute(lang, "translations"), "current")


def not_found_page(config: SiteConfig, renderers: dict, routes: Routes) -> dict[str, bytes]:
    """404.html at the root: every language's message; a small script shows the path's language."""
    from markupsafe import Markup

    sections = [Markup(renderers[lang.code].render("notfound_message.html", lang=lang)) for lang in config.languages]
    default = renderers[config.default_language]
    title = default.render_string("{{ _('Page not found') }}")
    html = default.render("notfound.html", sections=sections, default=config.language(config.default_language), title=title)
    return {"404.html": html.encode("utf-8")}


def build_and_write(root: Path, out: Path, *, base_url: str | None = None, cache_dir: Path | None = None, jobs: int = 1, progress: Callable[[int, int], None] | None = None) -> tuple[Built, WriteStats]:
    """Build straight into a staging directory beside `out` and swap it in; nothing changes in
    `out` if the build fails. The lock is held for the whole build: a second build refuses."""
    out = Path(os.path.abspath(out))
    check_output_dir(out, root)  # before the lock, which creates a file beside `out`
    with output_lock(out), staged(out, root, locked=True) as staging:
        built = build_site(root, base_url=base_url, cache_dir=cache_dir, jobs=jobs, progress=progress, sink=staging, keep_bodies=False)
        started = time.perf_counter()
        stats = staging.commit()
        built = replace(built, laps=(*built.laps, ("swap in", time.perf_counter() - started, peak_memory_mb())))
    return built, stats


__all__ = ["Built", "build_site", "build_and_write", "site_date"]
