"""What search engines and browsers need besides the pages, all of it built on the site's absolute
URL: robots.txt's Sitemap line, the OpenSearch descriptions, and the check that a production build
has that URL."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from urllib.parse import urlsplit

from .config import SiteConfig, load_config
from .errors import InputError, Problem
from .render import Renderer
from .routes import Routes
from .textfile import read_text

PREVIEW_NOTE = (
    "note: base_url {base!r} is not an absolute URL, so canonical and hreflang links, og:url, JSON-LD, "
    "the sitemap and the OpenSearch description are left out (fine for a local preview; a production "
    "build needs --production --base-url https://host/path/)"
)


def is_absolute(base_url: str) -> bool:
    """True for an http(s) URL with a host, which absolute links can be made from."""
    parts = urlsplit(base_url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def require_absolute(root: Path, base_url: str) -> None:
    """A production build refuses a base URL that is not absolute: search engines ignore relative
    canonical, hreflang and sitemap URLs."""
    if is_absolute(base_url):
        return
    config = root / "site.toml"
    lines = read_text(config, root).splitlines() if os.path.lexists(config) else []
    line = next((n for n, text in enumerate(lines, 1) if text.startswith("base_url")), 1)
    message = f"a production build needs an absolute base_url such as https://user.github.io/repo/, not {base_url!r}: set it here or pass --base-url"
    raise InputError([Problem("site.toml", line, message)])


def robots(routes: Routes) -> bytes:
    """robots.txt: everything may be crawled; the sitemap's absolute URL when there is one."""
    lines = ["User-agent: *", "Allow: /"]
    if is_absolute(routes.base_url):
        lines.append(f"Sitemap: {routes.base_url.rstrip('/')}/sitemap.xml")
    return ("\n".join(lines) + "\n").encode()


def opensearch_name(routes: Routes, prefix: str) -> str:
    """Output file of a language's OpenSearch description."""
    return f"{prefix}/opensearch.xml" if prefix else "opensearch.xml"


def opensearch_files(
    config: SiteConfig, renderers: Mapping[str, Renderer], routes: Routes
) -> Iterator[tuple[str, bytes]]:
    """Each language's OpenSearch description, which lets browsers search the site from the address
    bar (its home page runs a ?q= query); none without an absolute base URL."""
    if not is_absolute(routes.base_url):
        return
    for lang in config.languages:
        xml = renderers[lang.code].render("opensearch.xml.html", lang=lang)
        yield opensearch_name(routes, lang.prefix), xml.encode("utf-8")


def check_base_url(root: Path, override: str | None, *, production: bool) -> str:
    """Before a build: refuse a production build without an absolute base URL; for any other build
    without one, the note that says what is left out (else "")."""
    base_url = override if override is not None else load_config(root).base_url
    if production:
        require_absolute(root, base_url)
    return "" if is_absolute(base_url) else PREVIEW_NOTE.format(base=base_url)
