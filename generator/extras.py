"""The pages besides the code, class and home pages: the translation status page, the 404 page,
robots.txt, the OpenSearch descriptions, every language's codes.json, the sitemap and the static assets."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from babel.messages.catalog import Catalog

from .catalogs import coverage, load_template
from .config import Language, SiteConfig
from .content import Content
from .notfound import not_found_html
from .render import Renderer, StatusRow, codes_json, codes_json_name, render_views, sitemap, static_files, status_rows
from .routes import Routes
from .seo import is_absolute, opensearch_files, robots
from .site import Alternate, Linked, View


def extra_files(
    config: SiteConfig,
    content: Content,
    linked: Linked,
    routes: Routes,
    renderers: dict[str, Renderer],
    catalogs: dict[str, Catalog],
) -> Iterator[tuple[str, bytes | Iterable[bytes]]]:
    """(output name, bytes or pieces) of every extra file, one at a time (a large site's are large)."""
    root = config.root
    yield from sorted(translation_pages(config, content, linked, routes, renderers, catalogs, root).items())
    yield "404.html", not_found_html(config, renderers, routes, linked.refs)
    yield from opensearch_files(config, renderers, routes)
    for lang in config.languages:
        yield codes_json_name(lang), codes_json(config, content, linked, routes, lang)
    if is_absolute(routes.base_url):  # a sitemap lists absolute URLs only
        yield "sitemap.xml", sitemap(config, content, linked.states, routes)
    yield "robots.txt", robots(routes)
    yield from sorted(static_files(root).items())


def translation_pages(
    config: SiteConfig,
    content: Content,
    linked: Linked,
    routes: Routes,
    renderers: dict[str, Renderer],
    catalogs: dict[str, Catalog],
    root: Path,
) -> dict[str, bytes]:
    """The /translations/ page in every language: the status table for contributors."""
    template = load_template(root)
    cover = {code: coverage(catalog, template).percent for code, catalog in catalogs.items()}
    rows = status_rows(config, content, linked, routes, cover)
    return {output: data for output, _, data in render_views(_translation_views(config, routes, rows), renderers, root)}


def _translation_views(config: SiteConfig, routes: Routes, rows: list[StatusRow]) -> list[View]:
    """The /translations/ page in every language."""
    views = []
    for lang in config.languages:
        alternates = [_alt(other, routes) for other in config.languages]
        views.append(
            View(
                "translations.html",
                lang,
                "translations",
                routes.output_file(routes.path(lang, "translations")),
                {
                    "state": "current",
                    "alternates": alternates,
                    "source_url": routes.url(config.language(config.default_language), "translations"),
                    "canonical": routes.absolute(lang, "translations"),
                    "status": rows,
                    "body_lang": lang.tag,
                },
            )
        )
    return views


def _alt(lang: Language, routes: Routes) -> Alternate:
    return Alternate(lang, routes.url(lang, "translations"), routes.absolute(lang, "translations"), "current")
