"""The build, top to bottom, the same for `build`, `check` and `serve`: load (config, content,
catalogs, templates) → render Markdown bodies → link → views → render pages → emit the extras and
the search index. Everything is read and linked before anything is written."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.support import NullTranslations

from . import code_digest
from .bodies import BodyCache, render_bodies
from .catalogs import compile_catalog, load_catalogs
from .config import SiteConfig, load_config, with_base_url
from .content import Content, ParseMemo, load_content
from .dates import last_changed, page_date, page_files
from .errors import InputError, Problem, line_of_key
from .extras import extra_files
from .markup import Rendered
from .pagecache import PageCache, salt, tree_digest
from .pages import render_pages
from .render import Renderer, check_templates, code_data_file, language_renderer, translations_digest
from .routes import Routes
from .search import search_bundles
from .site import OUTDATED, Linked, View, build_view, link_site
from .write import Memory, Output, Staging, WriteStats, add, check_output_dir, output_lock, staged


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


def peak_memory_mb() -> int:
    """This process's peak resident memory so far, in MB (Linux reports KB; macOS bytes)."""
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // (1 << 20) if sys.platform == "darwin" else peak // 1024


@dataclass
class Caches:
    """What one build keeps for the next: rendered bodies and pages (content-addressed: a key
    covers everything the result depends on) and search bundles. In `directory` on disk, or in
    memory only (`directory=None`: the dev server keeps one Caches between rebuilds)."""

    directory: Path | None = None
    bodies: BodyCache = field(default_factory=BodyCache)
    pages: PageCache | None = None
    renderers: dict[tuple[object, ...], Renderer] = field(default_factory=dict)  # by all a compiled template depends on
    dates: tuple[str, dict[str, dt.date]] | None = None  # (git HEAD, each content file's last commit date)
    parsed: ParseMemo = field(default_factory=ParseMemo)  # content files parsed, by their text

    def content_dates(self, root: Path) -> dict[str, dt.date]:
        """Each content file's last commit date, read from git again only when HEAD moved (the
        dev server rebuilds on every save; the history changes only with a commit)."""
        head = git_head(root)
        if self.dates is None or self.dates[0] != head or not head:
            self.dates = (head, last_changed(root))
        return self.dates[1]

    @classmethod
    def on_disk(cls, directory: Path) -> Caches:
        """Caches read from and saved to `directory` (.cache/)."""
        return cls(directory, BodyCache(directory / "bodies.pickle"))

    def page_cache(self, salts: dict[str, bytes]) -> PageCache:
        """The page cache for a build whose pages in each language share these salts."""
        if self.directory is not None:
            return PageCache(self.directory / "pages.pickle", salts)
        return PageCache(None, salts, dict(self.pages.entries) if self.pages is not None else {})


@dataclass(frozen=True)
class Built:
    """A built site: what went into it and the problems worth a warning."""

    output: Output
    config: SiteConfig
    content: Content
    linked: Linked
    rendered: dict[tuple[str, str], Rendered]
    warnings: tuple[Problem, ...]
    laps: tuple[tuple[str, float, int], ...] = ()  # (stage, seconds, peak MB after it)

    @property
    def files(self) -> Memory:
        """Every output file, for a site built in memory."""
        assert isinstance(self.output, Memory), "the site was written to disk"
        return self.output

    @property
    def names(self) -> tuple[str, ...]:
        """Every output file's name."""
        return tuple(sorted(self.output.digests))


def git_head(root: Path) -> str:
    """The commit checked out in `root` ('' outside a git repository)."""
    try:
        return subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, check=True, timeout=10
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def site_date(root: Path) -> dt.date | None:
    """The date the site shows: SOURCE_DATE_EPOCH, else the last commit's, else none (never the clock)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is None:
        try:
            epoch = subprocess.run(
                ["git", "-C", str(root), "log", "-1", "--format=%ct"],
                capture_output=True,
                text=True,
                check=True,
                timeout=10,
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return None
    try:
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
    except ValueError:
        return None


@dataclass(frozen=True)
class Inputs:
    """Everything read from the project, checked."""

    config: SiteConfig
    content: Content
    catalogs: dict[str, Catalog]
    renderers: dict[str, Renderer]
    routes: Routes


def load_inputs(root: Path, *, base_url: str | None = None, caches: Caches | None = None) -> Inputs:
    """Read config, content, catalogs and templates; raise InputError with every problem found.
    With `caches`, a language's compiled templates are reused while nothing they depend on changed."""
    config = replace(load_config(root), date=site_date(root))
    if base_url is not None:
        config = with_base_url(config, base_url)
    problems: list[Problem] = []
    content = catalogs = None
    try:
        content = load_content(config, caches.parsed if caches is not None else None)
    except InputError as error:
        problems += error.problems
    try:
        catalogs = load_catalogs(config)
    except InputError as error:
        problems += error.problems
    routes = Routes(config.base_url)
    renderers = {}
    templates = tree_digest(config.root / "templates")
    kept = caches.renderers if caches is not None else {}
    fresh: dict[tuple[object, ...], Renderer] = {}
    for lang in config.languages:
        translations = (
            compile_catalog(catalogs[lang.code]) if catalogs and lang.code in catalogs else NullTranslations()
        )
        key = (code_digest(), templates, lang, translations_digest(translations), config.base_url, config.date)
        renderer = kept.get(key)
        if renderer is None:
            renderer = language_renderer(config.root, lang, translations, routes, config.date)
            try:
                check_templates(renderer.env, config.root)
            except InputError as error:
                problems += [p for p in error.problems if p not in problems]
                renderer = None
        if renderer is not None:
            renderers[lang.code] = fresh[key] = renderer
    if caches is not None:
        caches.renderers = fresh
    if problems or content is None or catalogs is None:
        raise InputError(problems)
    return Inputs(config, content, catalogs, renderers, routes)


def build_site(
    root: Path,
    *,
    base_url: str | None = None,
    output: Output | None = None,
    caches: Caches | None = None,
    jobs: int = 1,
    search: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> Built:
    """Build the whole site into `output` (in memory by default); raise InputError with every
    problem found. `caches` carries rendered bodies, pages and search bundles between builds."""
    watch = Stopwatch()
    caches = caches if caches is not None else Caches()
    output = output if output is not None else Memory()
    with watch.lap("load"):
        inputs = load_inputs(root, base_url=base_url, caches=caches)
    config, content, routes = inputs.config, inputs.content, inputs.routes
    with watch.lap("render Markdown"):
        rendered = render_bodies(content, cache=caches.bodies, jobs=jobs)
    with watch.lap("link"):
        linked = link_site(config, content, rendered, routes)
    if linked.problems:
        raise InputError(linked.problems)

    dates = caches.content_dates(config.root)

    def make_view(lang: str, key: str) -> View:
        view = build_view(config, content, rendered, routes, linked.index, config.language(lang), key)
        modified = page_date(dates, page_files(content, lang, config.default_language, key), config.date)
        view.context["modified"] = modified.isoformat() if modified else ""
        return view

    def data_files(lang: str, key: str) -> list[tuple[str, bytes]]:
        return code_data_file(config, content, linked, routes, config.language(lang), key)

    with watch.lap("render pages"):
        pages = caches.page_cache(page_salts(config, inputs.renderers))
        keys = [(lang.code, key) for lang in config.languages for key in content.page_keys]
        pages.save(
            render_pages(
                keys,
                make_view,
                data_files,
                inputs.renderers,
                output,
                pages,
                root=config.root,
                jobs=jobs,
                progress=progress,
            )
        )
        caches.pages = pages
    with watch.lap("extras"):
        for name, data in extra_files(config, content, linked, routes, inputs.renderers, inputs.catalogs):
            if isinstance(data, bytes):
                add(output, name, data)
            else:
                output.add_parts(name, data)
    if config.search and search:
        with watch.lap("search index"):
            where = {"directory": output.directory} if isinstance(output, Staging) else {"files": output}
            bundles = search_bundles(
                output.digests, config.languages, caches.directory / "search" if caches.directory else None, **where
            )
            for name in sorted(bundles):
                add(output, name, bundles[name])
    return Built(
        output=output,
        config=config,
        content=content,
        linked=linked,
        rendered=rendered,
        warnings=warnings(config, content, linked),
        laps=tuple(watch.laps),
    )


def warnings(config: SiteConfig, content: Content, linked: Linked) -> tuple[Problem, ...]:
    """What the site can be built with but a maintainer should see: outdated translations and
    temporary registrations past their expiry date."""
    found = [
        Problem(
            content.pages[(lang, key)].path,
            1,
            "warning: translation is outdated: the English page changed since source_hash was stamped",
        )
        for (lang, key), state in sorted(linked.states.items())
        if state == OUTDATED
    ]
    for number, code in sorted(content.codes.items()):
        for meaning in code.meanings:
            if config.expired(meaning.expires):
                # the IANA registry may have extended or removed it: the facts file should say which
                text = (config.root / code.path).read_text(encoding="utf-8")
                found.append(
                    Problem(
                        code.path,
                        line_of_key(text, "expires"),
                        (
                            f"warning: the temporary registration of {number} expired on {meaning.expires}, before the build date "
                            f"{config.date}; check the IANA registry and record the extension (expires, with a source) or the removal"
                        ),
                    )
                )
    return tuple(found)


def page_salts(config: SiteConfig, renderers: dict[str, Renderer]) -> dict[str, bytes]:
    """Per language, what shapes every page in it besides its view: the generator and its
    dependencies, the templates, the settings, and the language's translations and globals."""
    shared = (code_digest(), tree_digest(config.root / "templates"), config.base_url, config.languages)
    return {
        code: salt(
            *shared,
            code,
            translations_digest(renderer.translations),
            sorted((k, v) for k, v in renderer.globals.items() if isinstance(v, str)),
        )
        for code, renderer in renderers.items()
    }


def build_and_write(
    root: Path,
    out: Path,
    *,
    base_url: str | None = None,
    cache_dir: Path | None = None,
    jobs: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[Built, WriteStats]:
    """Build into the spare copy beside `out` and swap it in; nothing changes in `out` if the
    build fails. The lock is held for the whole build: a second build refuses."""
    out = Path(os.path.abspath(out))
    check_output_dir(out, root)  # before the lock, which creates a file beside `out`
    caches = Caches.on_disk(cache_dir) if cache_dir is not None else Caches()
    with output_lock(out), staged(out, root, locked=True) as staging:
        built = build_site(root, base_url=base_url, caches=caches, jobs=jobs, progress=progress, output=staging)
        started = time.perf_counter()
        stats = staging.commit()
        built = replace(built, laps=(*built.laps, ("swap in", time.perf_counter() - started, peak_memory_mb())))
    return built, stats


__all__ = ["Built", "Caches", "build_site", "build_and_write", "load_inputs", "site_date"]
