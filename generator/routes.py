"""The one place that decides URLs and output paths. Templates and code ask here; nothing else
builds a URL by hand."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from .config import Language


@dataclass(frozen=True)
class Routes:
    """URLs for a site served at `base_url` ('/', '/repo/' or 'https://host/repo/')."""

    base_url: str

    @property
    def base_path(self) -> str:
        """The path part of the base URL, always ending in '/'."""
        return urlsplit(self.base_url).path or "/"

    def path(self, lang: Language, key: str) -> str:
        """Site-relative path of a page: '' for home, '404/', 'translations/' ..."""
        prefix = f"{lang.prefix}/" if lang.prefix else ""
        if key == "home":
            return prefix
        if key == "warnings":  # the Warning header's warn codes have their own URL space: not status codes
            return f"{prefix}warning/"
        if key.startswith("warning-"):
            return f"{prefix}warning/{key.removeprefix('warning-')}/"
        return f"{prefix}{key}/"

    def url(self, lang: Language, key: str, fragment: str = "") -> str:
        """The URL to link a page with: root-relative under the base path."""
        return self.base_path + self.path(lang, key) + (f"#{fragment}" if fragment else "")

    def absolute(self, lang: Language, key: str) -> str:
        """The absolute URL (for canonical, hreflang, sitemap, Open Graph) when the base URL has a host."""
        host = self.base_url[: -len(self.base_path)] if "://" in self.base_url else ""
        return host + self.url(lang, key)

    def json_url(self, lang: Language, name: str) -> str:
        """URL of a JSON file beside the HTML: '/404.json', '/zh/codes.json'."""
        prefix = f"{lang.prefix}/" if lang.prefix else ""
        return f"{self.base_path}{prefix}{name}.json"

    def asset(self, name: str) -> str:
        """URL of a static asset."""
        return f"{self.base_path}static/{name}"

    @staticmethod
    def output_file(path: str) -> str:
        """Output file for a page path: '404/' -> '404/index.html', '' -> 'index.html'."""
        return f"{path}index.html"
