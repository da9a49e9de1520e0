"""Incremental rebuilds for the dev server: reload only the files that changed, re-render only the
views whose inputs changed, write only the files whose bytes changed. It reuses the build's own
stages; there is no second rendering path."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

from babel.messages.catalog import Catalog

from .build import Built, build_site, not_found_page, translation_pages
from .catalogs import compile_catalog, complete, load_catalogs
from .config import Language, SiteConfig
from .content import CLASSES, Content, check_content, load_code, load_page, page_keys, present_files
from .errors import InputError, Problem
from .markup import Rendered, render_markdown
from .render import _json, code_json, language_renderer, render_views, sitemap
from .routes import Routes
from .search import bundle_prefix, page_names, search_bundles
from .site import MISSING, Index, Linked, build_view, check_bodies, index_site
from .write import MANIFEST, Memory

WATCHED = ("content", "templates", "locales", "site.toml")


@dataclass(frozen=True)
class Update:
    """What one incremental rebuild did."""

    changed: tuple[str, ...]  # output files whose bytes changed
    rendered: int  # views rendered


class Session:
    """A built site kept in memory between edits."""

    def __init__(self, root: Path, out: Path) -> None:
        self.root = root
        self.out = out
        self.built: Built | None = None
        self.present: frozenset[str] | None = None  # files under content/, kept up to date
        self.search_stale: set[str] = set()  # languages whose search bundle predates an edit
        self.generation = 0  # full builds so far: a search job taken before one is void after it

    def full(self) -> Update:
        """Build everything (raises InputError) and write the changed files."""
        built = build_site(self.root, cache_dir=self.root / ".cache", jobs=os.cpu_count() or 1)
        previous = self.built.files if self.built else _read_existing(self.out, built.files)
        self.built = built
        self.generation += 1
        self.search_stale.clear()  # a full build indexes every language
        self.present = present_files(self.root)  # now, not on the first edit
        return Update(changed=tuple(self._write(built.files, previous)), rendered=len(built.names))

    def update(self, paths: set[Path]) -> Update:
        """Apply edits to `paths` (raises InputError and keeps the last good state)."""
        rel = {_relative(p, self.root) for p in paths}
        content_paths = {r for r in rel if r.startswith("content/")}
        templates = {r.removeprefix("templates/") for r in rel if r.startswith("templates/")}
        locales = {r for r in rel if r.startswith("locales/")}
        global_change = "site.toml" in rel or content_paths & {"content/specs.toml", "content/constants.toml", "content/clients.json"} or any(
            t.startswith("static/") for t in templates
        )
        if self.built is None or global_change:
            return self.full()
        built = self.built
        config = built.config
        routes = Routes(config.base_url)
        content, changed_pages = self._reload_content(built.content, config, content_paths)
        catalogs, renderers, relanguaged = built.catalogs, built.renderers, set()
        if locales:
            catalogs, renderers, relanguaged = self._reload_catalogs(config, routes, built)
        rendered = dict(built.rendered)
        for where in changed_pages:
            page, before = content.pages.get(where), built.content.pages.get(where)
            if page is None:
                rendered.pop(where, None)
            elif before is None or before.body != page.body:
                rendered[where] = render_markdown(page.body)
        unlinked = set(content.codes) == set(built.content.codes) and all(
            _targets(rendered.get(where)) == _targets(built.rendered.get(where))
            and (not where[1].isdigit() or _related(content, where[1]) == _related(built.content, where[1]))
            for where in changed_pages
        )
        index = index_site(config, content, rendered, routes, built.linked.index, changed_pages, unlinked)
        touched = {k for _, k in changed_pages}
        problems = check_bodies(config, content, {w: r for w, r in rendered.items() if w[1] in touched}, index.states)
        if problems:
            raise InputError(problems)
        keys = _affected(config, built, content, index, changed_pages)
        keys |= _template_users(config, content, templates)
        keys |= {(lang, key) for lang in relanguaged for key in (*content.page_keys, "translations")}
        views = tuple(
            build_view(config, content, rendered, routes, index, config.language(lang), key)
            for lang, key in sorted(keys)
            if key != "translations"
        )
        linked = replace(built.linked, index=index)
        files = dict(built.files)
        files.update({output: data for output, _, data in render_views(views, renderers, self.root)})
        if any(key == "translations" for _, key in keys):
            files.update(translation_pages(config, content, linked, routes, renderers, catalogs, self.root))
        if relanguaged or {"notfound.html", "notfound_message.html"} & templates:
            files.update(not_found_page(config, renderers, routes))
        data_keys = {(lang, key) for lang, key in keys if key.isdigit() and _data_changed(built, content, index, lang, key)}
        if data_keys:
            files.update(_json_for(config, content, linked, routes, data_keys))
        if _missing(index) != _missing(built.linked.index) or index.numbers != built.linked.index.numbers:
            files["sitemap.xml"] = sitemap(config, content, index.states, routes)  # lists what exists
        for key in set(built.content.page_keys) - set(content.page_keys):
            for lang in config.languages:
                files.pop(routes.output_file(routes.path(lang, key)), None)
                files.pop(f"{lang.prefix + '/' if lang.prefix else ''}{key}.json", None)
        self.built = replace(built, files=files, names=tuple(sorted(files)), content=content, linked=linked, rendered=rendered, catalogs=catalogs, renderers=renderers)
        changed = tuple(self._write(files, built.files))
        if config.search:
            self.search_stale |= {lang.code for lang in config.languages if page_names(changed, lang)}
        return Update(changed=changed, rendered=len(views))

    def search_job(self) -> tuple[tuple[Language, ...], Memory, int] | None:
        """What a search refresh needs: the languages whose search bundle predates an edit, their
        code pages as they are now, and this session's generation. They count as fresh from here
        on; an edit meanwhile makes a language stale again."""
        if self.built is None or not self.search_stale:
            return None
        built = self.built
        languages = tuple(lang for lang in built.config.languages if lang.code in self.search_stale)
        pages = Memory({name: built.files[name] for lang in languages for name in page_names(built.files, lang)})
        self.search_stale.clear()
        return languages, pages, self.generation

    def index_search(self, languages: tuple[Language, ...], pages: Memory) -> dict[str, bytes]:
        """Pagefind's bundles of `languages` from their code pages (touches no session state, so
        it can run outside the dev server's lock; raises InputError if Pagefind fails)."""
        return search_bundles(pages, languages, self.root / ".cache" / "search")

    def retry_search(self, languages: tuple[Language, ...]) -> None:
        """A search job that failed: its languages are stale again."""
        self.search_stale |= {lang.code for lang in languages}

    def apply_search(self, languages: tuple[Language, ...], bundles: dict[str, bytes], generation: int) -> list[str]:
        """Put new bundles of `languages` in place of their old ones and write the files that
        changed; nothing if a full build has replaced the site since the job was taken."""
        if self.built is None or generation != self.generation:
            return []
        built = self.built
        prefixes = tuple(bundle_prefix(lang) for lang in languages)
        files = {name: data for name, data in built.files.items() if not name.startswith(prefixes)}
        files.update(bundles)
        self.built = replace(built, files=files, names=tuple(sorted(files)))
        return self._write(files, built.files)

    def refresh_search(self) -> list[str]:
        """Index again the languages whose code pages changed since their bundle was made, and
        write what changed (raises InputError if Pagefind fails). The dev server does this in a
        thread of its own (see serve.SearchRefresher): Pagefind takes 0.3-0.7 s per language of
        the real site, too long to hold up the next edit."""
        job = self.search_job()
        if job is None:
            return []
        languages, pages, generation = job
        return self.apply_search(languages, self.index_search(languages, pages), generation)

    def _reload_catalogs(self, config: SiteConfig, routes: Routes, built: Built) -> tuple[dict, dict, set[str]]:
        """Catalogs re-read; environments rebuilt for the languages whose catalog changed."""
        from babel.support import NullTranslations

        from .build import site_date

        catalogs = load_catalogs(config)
        renderers = dict(built.renderers)
        changed = set()
        for lang in config.languages:
            old, new = built.catalogs.get(lang.code), catalogs.get(lang.code)
            if _catalog_key(old) != _catalog_key(new):
                translations = compile_catalog(new) if new is not None else NullTranslations()
                renderers[lang.code] = language_renderer(self.root, lang, translations, routes, site_date(self.root))
                changed.add(lang.code)
        return catalogs, renderers, changed

    def _reload_content(self, content: Content, config: SiteConfig, paths: set[str]) -> tuple[Content, set[tuple[str, str]]]:
        """Content with the changed files re-read; the (language, key) pairs whose words changed."""
        codes = dict(content.codes)
        pages = dict(content.pages)
        changed: set[tuple[str, str]] = set()
        problems: list[Problem] = []
        languages = {lang.code for lang in config.languages}
        if not hasattr(self, "present") or self.present is None:
            self.present = present_files(self.root)
        for rel in sorted(paths):
            path = self.root / rel
            parts = rel.split("/")
            try:
                if parts[1] == "codes" and rel.endswith(".toml"):
                    number = int(Path(rel).stem) if Path(rel).stem.isdigit() else None
                    if path.exists():
                        code = load_code(path, self.root, content.specs, config.max_code)
                        codes[code.code] = code
                        number = code.code
                    elif number is not None:
                        codes.pop(number, None)
                    if number is not None:
                        changed |= {(lang, str(number)) for lang in languages}
                elif len(parts) == 3 and parts[1] in languages and rel.endswith(".md"):
                    key = Path(rel).stem
                    if path.exists():
                        page = load_page(path, self.root, parts[1], default=parts[1] == config.default_language)
                        pages[(parts[1], page.key)] = page
                    else:
                        pages.pop((parts[1], key), None)
                    changed.add((parts[1], key))
                    if parts[1] == config.default_language:
                        changed |= {(lang, key) for lang in languages}
            except InputError as error:
                problems += error.problems
        new = Content(codes=codes, pages=pages, specs=content.specs, frameworks=content.frameworks, page_keys=page_keys(codes))
        present = self.present
        for rel in paths:
            name = rel.removeprefix("content/")
            present = present | {name} if (self.root / rel).exists() else present - {name}
        self.present = present  # what is on disk now, whether or not the content is valid
        problems += check_content(new, config, present)
        if problems:
            raise InputError(problems)
        return new, changed

    def _write(self, files: dict[str, bytes], previous: dict[str, bytes]) -> list[str]:
        """Write each changed file in place, atomically per file; remove files no longer built."""
        changed = []
        for name, data in files.items():
            before = previous.get(name)
            if before is data or before == data:  # unchanged since the last write
                continue
            target = self.out / name
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_name(f".{target.name}.tmp")
            temporary.write_bytes(data)
            os.replace(temporary, target)
            changed.append(name)
        for name in set(previous) - set(files):
            (self.out / name).unlink(missing_ok=True)
            changed.append(name)
        if files.keys() != previous.keys() or not (self.out / MANIFEST).is_file():
            (self.out / MANIFEST).write_text("".join(f"{n}\n" for n in sorted(files)), encoding="utf-8")
        return sorted(changed)


def _read_existing(out: Path, files: dict[str, bytes]) -> dict[str, bytes]:
    """The bytes already in `out` for the files about to be written."""
    existing = {}
    for name in files:
        try:
            existing[name] = (out / name).read_bytes()
        except OSError:
            pass
    return existing


def _affected(config: SiteConfig, built: Built, content: Content, index: Index, changed: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """Every (language, page key) whose view may differ after `changed` pages changed."""
    old = built.linked.index
    keys = {w for w in changed if w[1] in content.page_keys}
    for lang in config.languages:
        refs_old, refs_new = old.refs[lang.code], index.refs[lang.code]
        moved = {n for n in refs_new if refs_old.get(n) != refs_new[n]} | (set(refs_old) - set(refs_new))
        for number in moved:
            klass = f"{str(number)[0]}xx"
            keys |= {(lang.code, "home"), (lang.code, klass), (lang.code, str(number))}
            keys |= {(lang.code, str(user)) for user in index.users.get(number, ()) | old.users.get(number, ())}
    for number in index.numbers:
        if old.referenced_by.get(number) != index.referenced_by[number]:
            keys |= {(lang.code, str(number)) for lang in config.languages}
    for where, state in index.states.items():
        if old.states.get(where) != state:  # every version lists its alternates (hreflang)
            keys |= {(lang.code, where[1]) for lang in config.languages} | {(where[0], "translations")}
    if index.numbers != old.numbers:
        keys |= {(lang.code, key) for lang in config.languages for key in content.page_keys}
    return {k for k in keys if k[1] in content.page_keys or k[1] == "translations"}


def _template_users(config: SiteConfig, content: Content, names: set[str]) -> set[tuple[str, str]]:
    """Views that render with any of the changed templates."""
    if not names:
        return set()
    every = {(lang.code, key) for lang in config.languages for key in content.page_keys}
    if names & {"base.html", "macros.html"} or not names <= {"home.html", "class.html", "code.html"}:
        return every | {(lang.code, "translations") for lang in config.languages}
    kinds = {"home.html": {"home"}, "class.html": set(CLASSES)}
    chosen = set()
    for lang, key in every:
        if ("code.html" in names and key.isdigit()) or any(key in kinds.get(n, ()) for n in names):
            chosen.add((lang, key))
    return chosen


def _json_for(config: SiteConfig, content: Content, linked: Linked, routes: Routes, keys: set[tuple[str, str]]) -> dict[str, bytes]:
    """JSON of the affected codes, and the codes.json of each affected language."""
    out = {}
    for lang in config.languages:
        mine = {key for code, key in keys if code == lang.code and key.isdigit() and int(key) in content.codes}
        if not mine:
            continue
        prefix = f"{lang.prefix}/" if lang.prefix else ""
        for key in mine:
            out[f"{prefix}{key}.json"] = _json(code_json(linked, content, lang, routes, config.default_language, int(key)))
        everything = [code_json(linked, content, lang, routes, config.default_language, n) for n in sorted(content.codes)]
        out[f"{prefix}codes.json"] = _json({"language": lang.tag, "codes": everything})
    return out


def _missing(index: Index) -> set[tuple[str, str]]:
    """The pages with no translation: what the sitemap leaves out."""
    return {where for where, state in index.states.items() if state == MISSING}


def _data_changed(built: Built, content: Content, index: Index, lang: str, key: str) -> bool:
    """Whether a code's published JSON can differ: its facts, its ref or its state changed."""
    number = int(key)
    old = built.linked.index
    return (
        built.content.codes.get(number) != content.codes.get(number)
        or old.refs[lang].get(number) != index.refs[lang].get(number)
        or old.states.get((lang, key)) != index.states.get((lang, key))
    )


def _targets(body: Rendered | None) -> frozenset[int] | None:
    """The codes a body links to (None for no body)."""
    return None if body is None else frozenset(link.code for link in body.links)


def _related(content: Content, key: str) -> tuple[int, ...] | None:
    """A code's related codes (None when it has no facts)."""
    code = content.codes.get(int(key))
    return None if code is None else code.related


def _relative(path: Path, root: Path) -> str:
    """A watched path relative to the project root, with '/' separators."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _catalog_key(catalog: Catalog | None) -> tuple:
    """What of a catalog affects pages: its complete entries."""
    if catalog is None:
        return ()
    return tuple(sorted((str(m.id), str(m.string)) for m in catalog if complete(m)))


