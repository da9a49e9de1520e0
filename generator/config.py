"""The site configuration: `site.toml` parsed into a typed, validated structure."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from babel import Locale, UnknownLocaleError

from .errors import InputError, Problem, line_of_key
from .schema import Field, check_table, parse_toml
from .textfile import read_text

SITE_FIELDS = {
    "base_url": Field("str", "Where the site is served: '/', '/repo/' or 'https://host/repo/'.", True),
    "default_language": Field("str", "The language served at the root, without a URL prefix.", True),
    "repo_url": Field("str", "The source repository, for 'edit this page' links."),
    "languages": Field("table", "One table per language, in switcher order.", True),
    "search": Field("bool", "Build the full-text search index (default true)."),
    "max_code": Field("int", "Highest valid code (default 599; only synthetic benchmark sites raise it)."),
}

LANGUAGE_FIELDS = {
    "prefix": Field("str", "URL prefix ('' for the default language).", True),
    "tag": Field("str", "BCP 47 tag for <html lang> and hreflang, e.g. 'zh-Hans'.", True),
    "babel": Field("str", "Babel/CLDR locale for names, numbers, dates and plurals, e.g. 'zh_Hans'.", True),
    "og": Field("str", "Open Graph locale, e.g. 'zh_CN'.", True),
}

_CODE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]+)*$")


@dataclass(frozen=True)
class Language:
    """One language of the site and all the spellings of its locale."""

    code: str
    prefix: str
    tag: str
    babel: str
    og: str

    @property
    def locale(self) -> Locale:
        """The Babel locale, for CLDR names, numbers, dates and plural rules."""
        return Locale.parse(self.babel)


@dataclass(frozen=True)
class SiteConfig:
    """Everything `site.toml` says, checked."""

    root: Path
    base_url: str
    default_language: str
    languages: tuple[Language, ...]
    repo_url: str = ""
    max_code: int = 599
    search: bool = True
    date: dt.date | None = None  # the build date (SOURCE_DATE_EPOCH or the last commit), set by the build

    def expired(self, expires: str) -> bool:
        """Whether a temporary registration's expiry date lies before the build date."""
        return bool(expires) and self.date is not None and dt.date.fromisoformat(expires) < self.date

    def language(self, code: str) -> Language:
        """The language with this content code."""
        return next(lang for lang in self.languages if lang.code == code)


def parse_config(text: str, *, root: Path, path: str = "site.toml") -> SiteConfig:
    """Parse the text of `site.toml`; raise InputError listing every problem."""
    data = parse_toml(text, path=path)
    problems = check_table(data, SITE_FIELDS, path=path, text=text, line=1)
    if problems:
        raise InputError(problems)
    languages = []
    for code, table in data["languages"].items():
        at = line_of_key(text, f"languages.{code}")
        if not isinstance(table, dict):
            problems.append(Problem(path, at, f"languages.{code} must be a table"))
            continue
        found = check_table(table, LANGUAGE_FIELDS, path=path, text=text, line=at, where=f"languages.{code}")
        problems += found
        if found:
            continue
        if not _CODE.match(code):
            problems.append(Problem(path, at, f"language code '{code}' must look like 'en' or 'pt-br'"))
        try:
            Locale.parse(table["babel"])
        except (UnknownLocaleError, ValueError):
            problems.append(Problem(path, line_of_key(text, "babel", start=at), f"unknown Babel locale '{table['babel']}'"))
        languages.append(Language(code=code, **table))
    default = data["default_language"]
    if not problems and default not in {lang.code for lang in languages}:
        problems.append(Problem(path, line_of_key(text, "default_language"), f"default_language '{default}' is not in [languages]"))
    prefixes = [lang.prefix for lang in languages]
    for lang in languages:
        if (lang.prefix == "") != (lang.code == default):
            problems.append(Problem(path, line_of_key(text, f"languages.{lang.code}"), f"languages.{lang.code}: only the default language has an empty prefix"))
        if prefixes.count(lang.prefix) > 1:
            problems.append(Problem(path, line_of_key(text, f"languages.{lang.code}"), f"languages.{lang.code}: prefix '{lang.prefix}' is used twice"))
    repo_url = data.get("repo_url", "")
    if repo_url and not repo_url.startswith("https://"):
        problems.append(Problem(path, line_of_key(text, "repo_url"), "repo_url must be an https:// URL or empty"))
    base_url = data["base_url"]
    if not base_url.endswith("/"):
        problems.append(Problem(path, line_of_key(text, "base_url"), "base_url must end with '/'"))
    if problems:
        raise InputError(problems)
    ordered = sorted(languages, key=lambda lang: lang.code != default)
    return SiteConfig(
        root=root,
        base_url=base_url,
        default_language=default,
        languages=tuple(ordered),
        repo_url=data.get("repo_url", ""),
        max_code=data.get("max_code", 599),
        search=data.get("search", True),
    )


def load_config(root: Path) -> SiteConfig:
    """Read and parse `site.toml` in the project root."""
    path = root / "site.toml"
    if not path.is_file():
        raise InputError([Problem("site.toml", 1, "file not found: the project root needs a site.toml")])
    return parse_config(read_text(path, root), root=root)
