"""Rendering: views to HTML with Jinja (autoescape, StrictUndefined, gettext), plus the site's
JSON, sitemap, robots.txt, 404 page and static assets; all in memory."""

from __future__ import annotations

import contextvars
import datetime as dt
import functools
import hashlib
import io
import json
import os
import re
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from babel.dates import format_date
from babel.numbers import format_decimal, format_percent
from babel.support import NullTranslations
from jinja2 import nodes
from jinja2.loaders import split_template_path
from jinja2.visitor import NodeTransformer
from markupsafe import Markup, escape

from .clients import Clients, load_clients
from .config import Language, SiteConfig
from .content import Content
from .errors import InputError, Problem, display_path
from .pagetoc import headings
from .routes import Routes
from .search import bundle_prefix
from .site import MISSING, OUTDATED, Linked, View
from .textfile import read_input, read_text, walk_files

CSP = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'"
)


@dataclass(frozen=True)
class StatusRow:
    """One language's line of the translation status table."""

    lang: Language
    total: int
    translated: int
    outdated: tuple[tuple[str, str], ...]
    missing: tuple[tuple[str, str], ...]
    coverage: float


@functools.cache
def language_name(lang: Language) -> str:
    """The language's own name for itself, from CLDR, capitalised for a menu (every page shows
    every language's name: computed once). CLDR's name for the whole tag comes first: «简体中文»,
    not the composed «中文 (简体)»."""
    locale = lang.locale
    name = locale.languages.get(str(locale)) or locale.get_display_name(locale) or lang.code
    return name[:1].upper() + name[1:]


_TRANSLATIONS: contextvars.ContextVar[NullTranslations] = contextvars.ContextVar("translations")


@dataclass(frozen=True)
class Renderer:
    """One language's view of the shared environment: its translations, number and date formats."""

    env: jinja2.Environment
    translations: NullTranslations
    globals: dict[str, Any]

    def render(self, name: str, **context: Any) -> str:
        """Render a template file in this language."""
        return self._in_language(self.env.get_template(name), context)

    def render_string(self, source: str, **context: Any) -> str:
        """Render a template given as text in this language."""
        return self._in_language(self.env.from_string(source), context)

    def _in_language(self, template: jinja2.Template, context: dict[str, Any]) -> str:
        token = _TRANSLATIONS.set(self.translations)
        try:
            return template.render(**self.globals, **context)
        finally:
            _TRANSLATIONS.reset(token)


def _translated(method: str) -> Callable[..., Markup]:
    """A gettext-family callable in the language being rendered, whose result is escaped: Jinja's
    newstyle gettext marks translations safe, so a '<script>' in a msgstr would otherwise reach
    the page. (A context variable, not the template context, so macros import without context.)"""

    def call(*args: Any) -> Markup:
        return escape(getattr(_TRANSLATIONS.get(), method)(*args))

    return call


_CODE_SPAN = re.compile(r"`([^`]+)`")


def inline_code(text: str) -> Markup:
    """Plain text with `code` spans, as summaries are written: escaped, spans as <code>."""
    return Markup(_CODE_SPAN.sub(lambda m: f"<code>{m.group(1)}</code>", str(escape(text))))


def plain(text: str) -> str:
    """Plain text with the backticks of code spans removed (for meta descriptions)."""
    return _CODE_SPAN.sub(lambda m: m.group(1), text)


class _FoldGettext(NodeTransformer):
    """Replace `_("text")` and `gettext("text", name=value)` by their translation, escaped, at
    compile time: a page calls gettext dozens of times, always with the same strings."""

    def __init__(self, translations: NullTranslations) -> None:
        self.translations = translations

    def visit_Call(self, call: nodes.Call) -> nodes.Node:  # noqa: N802 - Jinja's visitor naming
        node = self.generic_visit(call)
        if not (
            isinstance(node, nodes.Call)
            and isinstance(node.node, nodes.Name)
            and node.node.name in ("_", "gettext")
            and len(node.args) == 1
            and isinstance(node.args[0], nodes.Const)
            and isinstance(node.args[0].value, str)
            and node.dyn_args is None
            and node.dyn_kwargs is None
        ):
            return node
        translated = escape(self.translations.gettext(node.args[0].value))  # as _translated does
        if not node.kwargs:
            try:
                return nodes.MarkSafe(nodes.Const(str(Markup(translated) % {})), lineno=node.lineno)
            except (KeyError, TypeError, ValueError):
                return node  # fails at render time, as it would unfolded
        # Jinja's newstyle gettext: Markup(translation) % variables, which escapes the values
        variables = nodes.Dict(
            [nodes.Pair(nodes.Const(k.key), k.value, lineno=node.lineno) for k in node.kwargs], lineno=node.lineno
        )
        return nodes.Mod(nodes.MarkSafe(nodes.Const(str(translated))), variables, lineno=node.lineno)


class _Environment(jinja2.Environment):
    """An environment for one language: its constant translations are compiled into the templates."""

    translations: NullTranslations = NullTranslations()

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        folded = _FoldGettext(self.translations).visit(super()._parse(source, name, filename))
        assert isinstance(folded, nodes.Template)
        return folded


def translations_digest(translations: NullTranslations) -> str:
    """A short hash of a catalog's messages: compiled templates depend on it."""
    messages = getattr(translations, "_catalog", {})
    return hashlib.sha256("\0".join(sorted(f"{k!r}={v!r}" for k, v in messages.items())).encode()).hexdigest()[:16]


class TemplateLoader(jinja2.BaseLoader):
    """Templates from templates/, each read through textfile.read_text (a regular UTF-8 file
    inside the project, size-limited), so a bad one is an input error naming it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.folder = root / "templates"

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        path = self.folder.joinpath(*split_template_path(template))  # refuses '..'
        if not os.path.lexists(path):
            raise jinja2.TemplateNotFound(template)
        text = read_text(path, self.root)
        mtime = os.stat(path).st_mtime_ns

        def uptodate() -> bool:
            try:
                return os.stat(path).st_mtime_ns == mtime
            except OSError:
                return False

        return text, str(path), uptodate

    def list_templates(self) -> list[str]:
        return sorted(path.relative_to(self.folder).as_posix() for path in walk_files(self.folder, self.root))


def new_environment(
    root: Path, routes: Routes, translations: NullTranslations | None = None, lang: str = ""
) -> jinja2.Environment:
    """The Jinja environment of one language (each compiles its templates once, with the
    language's translations folded in)."""
    translations = translations if translations is not None else NullTranslations()
    env = _Environment(
        loader=TemplateLoader(root),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.translations = translations
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=_translated("gettext"),
        ngettext=_translated("ngettext"),
        pgettext=_translated("pgettext"),
        npgettext=_translated("npgettext"),
        newstyle=True,
    )
    env.filters.update(inline_code=inline_code, plain=plain, headings=headings)
    env.globals.update(
        url=routes.url,
        asset=routes.asset,
        json_url=routes.json_url,
        absolute_url=routes.absolute,
        absolute_urls="://" in routes.base_url,
        language_name=language_name,
        csp=Markup(CSP),
        base_path=routes.base_path,
    )
    return env


def language_renderer(
    root: Path, lang: Language, translations: NullTranslations, routes: Routes, updated: dt.date | None
) -> Renderer:
    """The renderer for one language, with its own environment."""
    locale = lang.locale
    env = new_environment(root, routes, translations, lang.code)
    return Renderer(
        env,
        translations,
        {
            "number": lambda n: format_decimal(n, locale=locale),
            "percent": lambda p: format_percent(p / 100, format="#,##0.#%", locale=locale),
            "format_iso_date": lambda s: format_date(dt.date.fromisoformat(s), format="long", locale=locale),
            "updated": format_date(updated, format="long", locale=locale) if updated else "",
            "translations_url": routes.url(lang, "translations"),
            "search_url": routes.base_path + bundle_prefix(lang) + "pagefind.js",
        },
    )


def template_problem(error: Exception, root: Path) -> Problem:
    """A template error as `templates/x.html:line: message`."""
    templates = (root / "templates").resolve()
    if isinstance(error, jinja2.TemplateSyntaxError):
        name = error.filename or error.name or "?"
        return Problem(display_path(Path(name), root), error.lineno, f"template syntax error: {error.message}")
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        path = Path(frame.filename)
        if path.is_absolute() and templates in path.resolve().parents:
            return Problem(display_path(path, root), frame.lineno or 1, f"template error: {error}")
    return Problem("templates", 1, f"template error: {error}")


def check_templates(env: jinja2.Environment, root: Path) -> None:
    """Compile every template up front so a syntax error anywhere is reported, with its line."""
    problems = []
    for name in env.list_templates(filter_func=lambda n: n.endswith(".html")):
        try:
            env.get_template(name)
        except jinja2.TemplateSyntaxError as error:
            problems.append(template_problem(error, root))
        except InputError as error:
            problems += error.problems
        except RecursionError:  # Jinja's parser recurses once per level of nested tags or brackets
            problems.append(Problem(f"templates/{name}", 1, "template is nested too deeply to compile"))
    if problems:
        raise InputError(problems)


def owner(view: View) -> str:
    """The source file a view's output comes from (for error messages)."""
    return view.context["page"].path if "page" in view.context else view.key


def render_views(views: Iterable[View], renderers: dict[str, Renderer], root: Path) -> list[tuple[str, str, bytes]]:
    """Render views to (output file, source path, bytes); a template error raises InputError."""
    out = []
    for view in views:
        try:
            html = renderers[view.lang.code].render(view.template, lang=view.lang, **view.context)
        except (jinja2.TemplateError, TypeError, KeyError, ValueError, RecursionError) as error:
            raise InputError([template_problem(error, root)]) from None
        out.append((view.output, owner(view), html.encode("utf-8")))
    return out


def status_rows(
    config: SiteConfig, content: Content, linked: Linked, routes: Routes, coverage: dict[str, float]
) -> list[StatusRow]:
    """Per language: pages translated, outdated, missing; catalog coverage."""
    rows = []
    for lang in config.languages:
        keys = content.page_keys
        states = {k: linked.states[(lang.code, k)] for k in keys}
        rows.append(
            StatusRow(
                lang=lang,
                total=len(keys),
                translated=sum(1 for s in states.values() if s != MISSING),
                outdated=tuple((k, routes.url(lang, k)) for k in keys if states[k] == OUTDATED),
                missing=tuple((k, routes.url(lang, k)) for k in keys if states[k] == MISSING),
                coverage=100.0 if lang.code == config.default_language else coverage.get(lang.code, 0.0),
            )
        )
    return rows


def code_json(
    linked: Linked,
    content: Content,
    lang: Language,
    routes: Routes,
    default: str,
    number: int,
    clients: Clients | None = None,
) -> dict[str, Any]:
    """One code's data as published in /404.json; `clients`: content/clients.json, if any."""
    code = content.codes[number]
    ref = linked.refs[lang.code][number]
    return {
        "code": number,
        "phrase": code.phrase,
        "phrase_local": ref.local or code.phrase,
        "class": code.klass,
        "summary": ref.summary,
        "url": routes.url(lang, str(number)),
        "cacheable": code.cacheable,
        "body_allowed": code.body,
        "meanings": [
            {
                "phrase": m.phrase,
                "status": m.status,
                "vendor": m.vendor or None,
                "specification": content.specs[m.spec].section_url(m.section) if m.spec else None,
                "source": m.source or None,
                "former_phrases": list(m.former),
                "expires": m.expires or None,
                "expired": badge.expired,
            }
            for m, badge in zip(code.meanings, ref.badges, strict=True)
        ],
        "sources": [{"title": s.title, "url": s.url} for s in code.sources],
        "reviewed": code.reviewed or None,
        "constants": {f.key: f.codes.get(number) for f in content.frameworks},
        "translation": linked.states[(lang.code, str(number))],
        "clients": clients.data(number) if clients else None,
    }


def codes_json(config: SiteConfig, content: Content, linked: Linked, routes: Routes, lang: Language) -> Iterator[bytes]:
    """`/codes.json` of one language, in pieces, so that a large one is never whole in memory:
    exactly what _json({"language": ..., "codes": [each code_json]}) writes (keys sorted, compact)."""
    yield b'{"codes":['
    for i, number in enumerate(sorted(content.codes)):
        item = _json(
            code_json(linked, content, lang, routes, config.default_language, number, load_clients(config.root))
        )
        yield (b"," + item[:-1]) if i else item[:-1]
    yield b'],"language":' + _json(lang.tag)[:-1] + b"}\n"


def codes_json_name(lang: Language) -> str:
    """Where a language's codes.json goes."""
    return f"{lang.prefix}/codes.json" if lang.prefix else "codes.json"


def code_data_file(
    config: SiteConfig, content: Content, linked: Linked, routes: Routes, lang: Language, key: str
) -> list[tuple[str, bytes]]:
    """[('404.json', data)] for a code page, [] for other pages: written with the page."""
    if not key.isdigit():
        return []
    prefix = f"{lang.prefix}/" if lang.prefix else ""
    return [
        (
            f"{prefix}{key}.json",
            _json(
                code_json(linked, content, lang, routes, config.default_language, int(key), load_clients(config.root))
            ),
        )
    ]


def _json(data: Any) -> bytes:
    """Deterministic, compact JSON (compact, so the C encoder does the work: `indent` forces the
    pure-Python one, several times slower at tens of thousands of files)."""
    return (json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n").encode("utf-8")


def sitemap(config: SiteConfig, content: Content, states: dict[tuple[str, str], str], routes: Routes) -> bytes:
    """sitemap.xml with an xhtml:link alternate for every translated language version."""
    from xml.sax.saxutils import quoteattr

    out = io.BytesIO()  # one buffer, not a list of lines: at 30,000 pages that list is large
    out.write(b'<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
    )
    for lang in config.languages:
        for key in content.page_keys:
            if states[(lang.code, key)] == MISSING:
                continue
            lines = [f"<url><loc>{_xml(routes.absolute(lang, key))}</loc>"]
            for other in config.languages:
                if states[(other.code, key)] != MISSING:
                    lines.append(
                        f'<xhtml:link rel="alternate" hreflang={quoteattr(other.tag)} href={quoteattr(routes.absolute(other, key))}/>'
                    )
            lines.append("</url>\n")
            out.write("\n".join(lines).encode("utf-8"))
    out.write(b"</urlset>\n")
    return out.getvalue()


def _xml(text: str) -> str:
    from xml.sax.saxutils import escape

    return escape(text)


def static_files(root: Path) -> dict[str, bytes]:
    """Everything under templates/static/, copied to static/: regular files inside the project
    only (textfile.read_input), so a symlink to /etc/passwd is refused, not published."""
    base = root / "templates" / "static"
    files, problems = {}, []
    for path in walk_files(base, root):
        try:
            files[f"static/{path.relative_to(base).as_posix()}"] = read_input(path, root)
        except InputError as error:
            problems += error.problems
    if problems:
        raise InputError(problems)
    return files
