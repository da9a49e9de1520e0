"""Checking that every internal link and #fragment in a built site resolves."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"] or "")
        for name in ("href", "src"):
            if values.get(name) and not (tag == "link" and values.get("rel") in ("canonical", "alternate")):
                self.links.append(values[name] or "")


def parse(html: bytes) -> _Collector:
    """Ids and links of one page."""
    collector = _Collector()
    collector.feed(html.decode("utf-8"))
    return collector


def broken_links(files: dict[str, bytes], base_path: str = "/") -> list[str]:
    """'page -> link' for every internal link whose file or fragment is missing."""
    pages = {name: parse(data) for name, data in files.items() if name.endswith(".html")}
    broken = []
    for name, page in sorted(pages.items()):
        for link in page.links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc:
                continue
            if not parts.path:
                target = name
            elif not parts.path.startswith(base_path):
                broken.append(f"{name} -> {link} (outside the base path)")
                continue
            else:
                target = unquote(parts.path[len(base_path) :])
                if target == "" or target.endswith("/"):
                    target += "index.html"
            if target not in files:
                broken.append(f"{name} -> {link}")
            elif parts.fragment and target in pages and parts.fragment not in pages[target].ids:
                broken.append(f"{name} -> {link} (no #{parts.fragment})")
    return broken
