"""404.html: one file, served by GitHub Pages at any unknown path, holding the not-found page of
every language (a real page: header, search, language links, frequently met codes); notfound.js
shows the one in the path's language."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from markupsafe import escape

from .config import Language, SiteConfig
from .routes import Routes
from .site import Alternate, CodeRef

# Codes developers meet most in logs and API errors; each listed only if the site has it.
COMMON = (400, 401, 403, 404, 405, 429, 500, 502, 503, 504, 301, 304)
_BODY = re.compile(r"<body>(.*)</body>", re.S)
_TITLE = re.compile(r"<title>(.*?)</title>", re.S)


def not_found_html(
    config: SiteConfig, renderers: Mapping[str, Any], routes: Routes, refs: Mapping[str, Mapping[int, CodeRef]]
) -> bytes:
    """The default language's page, with every other language's page in a <template>."""
    pages: dict[Language, str] = {}
    for lang in config.languages:
        alternates = [
            Alternate(other, routes.url(other, "home"), routes.absolute(other, "home"), "current")
            for other in config.languages
        ]
        own = refs[lang.code]
        common = [own[code] for code in COMMON if code in own]
        pages[lang] = renderers[lang.code].render(
            "notfound.html", lang=lang, alternates=alternates, state="current", common=common, canonical=""
        )
    default = config.language(config.default_language)
    templates = "".join(_template(lang, html) for lang, html in pages.items() if lang != default)
    page = pages[default]
    at = page.rindex("</body>")
    return (page[:at] + templates + page[at:]).encode("utf-8")


def _template(lang: Language, html: str) -> str:
    """A language's page as a <template> of its body, with what notfound.js needs to show it."""
    title, body = _TITLE.search(html), _BODY.search(html)
    assert title is not None and body is not None  # base.html writes both
    return f'<template data-prefix="{escape(lang.prefix)}" data-lang="{escape(lang.tag)}" data-title="{title.group(1)}">{body.group(1)}</template>\n'
