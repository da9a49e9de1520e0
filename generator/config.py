"""The site configuration: `site.toml` parsed into a typed, validated structure."""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, replace
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
_PREFIX = re.compile(r"[a-z0-9][a-z0-9-]*")
RESERVED_PREFIXES = frozenset({"static", "pagefind"})  # folders the build writes at the root
# RFC 5646 section 2.1, well-formed language tags: langtag, private use, grandfathered
_BCP47 = re.compile(
    r"(?:(?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4}|[a-z]{5,8})"  # language (with extlangs)
    r"(?:-[a-z]{4})?"  # script
    r"(?:-(?:[a-z]{2}|[0-9]{3}))?"  # region
    r"(?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*"  # variants
    r"(?:-[0-9a-wy-z](?:-[a-z0-9]{2,8})+)*"  # extensions
    r"(?:-x(?:-[a-z0-9]{1,8})+)?"  # private use
    r"|x(?:-[a-z0-9]{1,8})+"
    r"|en-gb-oed|i-(?:ami|bnn|default|enochian|hak|klingon|lux|mingo|navajo|pwn|tao|tay|tsu)"
    r"|sgn-(?:be-fr|be-nl|ch-de)|art-lojban|cel-gaulish|no-bok|no-nyn|zh-(?:guoyu|hakka|min|min-nan|xiang))",
    re.IGNORECASE,
)
_OG = re.compile(r"[a-z]{2,3}_[A-Z]{2}")
_URL_PATH = re.compile(
    r"/(?:[A-Za-z0-9._~!$&'()*+,;=:@-]|%[0-9A-Fa-f]{2})*(?:/(?:[A-Za-z0-9._~!$&'()*+,;=:@-]|%[0-9A-Fa-f]{2})*)*"
)
_HOST = re.compile(
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?::[0-9]{1,5})?|\[[0-9A-Fa-f:.]+\](?::[0-9]{1,5})?"
)
MAX_CODE_RANGE = (100, 99999)  # content file names have 3 to 5 digits


def _shown(value: str) -> str:
    """A setting's value for a one-line message: control characters escaped."""
    return value if value.isprintable() else value.encode("unicode_escape").decode("ascii")


def prefix_problem(prefix: str) -> str:
    """What is wrong with a language's URL prefix ('' if nothing): it names a folder of the
    output, so it must be one safe path segment."""
    if prefix == "":
        return ""
    if not _PREFIX.fullmatch(prefix):
        return f"prefix '{_shown(prefix)}' must be lowercase letters, digits and '-' (one folder name, like 'zh' or 'pt-br')"
    if prefix in RESERVED_PREFIXES:
        return f"prefix '{prefix}' is a folder the build writes itself"
    return ""


def tag_problem(tag: str) -> str:
    """What is wrong with a BCP 47 language tag ('' if nothing): it must be well-formed."""
    if _BCP47.fullmatch(tag) and tag.isascii():
        return ""
    return f"tag '{_shown(tag)}' is not a well-formed BCP 47 language tag (like 'en', 'zh-Hans' or 'pt-BR')"


def og_problem(og: str) -> str:
    """What is wrong with an Open Graph locale ('' if nothing)."""
    return "" if _OG.fullmatch(og) and og.isascii() else f"og '{_shown(og)}' must be an Open Graph locale like 'ru_RU'"


def url_problem(url: str, *, key: str, schemes: tuple[str, ...], relative: bool) -> str:
    """What is wrong with a URL setting ('' if nothing): an absolute URL of one of `schemes`
    with a host (or, if `relative`, an absolute path), ending in '/', with no whitespace, control
    characters, credentials, query, fragment or '..' segment."""
    allowed = " or ".join(f"{scheme}://" for scheme in schemes) + (
        " URL or an absolute path like '/repo/'" if relative else " URL"
    )
    if any(c.isspace() or not c.isprintable() for c in url) or not url.isascii():
        return f"{key} must not contain whitespace, control or non-ASCII characters (percent-encode them)"
    scheme, _, rest = url.partition("://")
    if rest and scheme in schemes:
        host, slash, path = rest.partition("/")
        if not _HOST.fullmatch(host):
            return f"{key} must name a host, as in '{schemes[0]}://example.org/'"
        path = slash + path
    elif relative and url.startswith("/") and not url.startswith("//"):
        path = url
    else:
        return f"{key} must be an {allowed}"
    if not path.endswith("/"):
        return f"{key} must end with '/'"
    if "?" in path or "#" in path:
        return f"{key} must not have a query or fragment"
    if not _URL_PATH.fullmatch(path) or any(part in (".", "..") for part in path.split("/")):
        return f"{key} has a character or segment that is not allowed in a URL path"
    return ""


def with_base_url(config: SiteConfig, url: str) -> SiteConfig:
    """`config` with base_url replaced (`build --base-url`; a missing final '/' is added),
    checked as site.toml's is."""
    url = url if url.endswith("/") else url + "/"
    problem = url_problem(url, key="--base-url", schemes=("https", "http"), relative=True)
    if problem:
        raise InputError([Problem("--base-url", 1, problem)])
    return replace(config, base_url=url)


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
        for key, check in (("prefix", prefix_problem), ("tag", tag_problem), ("og", og_problem)):
            message = check(table[key])
            if message:
                problems.append(Problem(path, line_of_key(text, key, start=at), f"languages.{code}: {message}"))
        try:
            Locale.parse(table["babel"])
        except (UnknownLocaleError, ValueError):
            problems.append(
                Problem(path, line_of_key(text, "babel", start=at), f"unknown Babel locale '{table['babel']}'")
            )
        languages.append(Language(code=code, **table))
    default = data["default_language"]
    if not problems and default not in {lang.code for lang in languages}:
        problems.append(
            Problem(path, line_of_key(text, "default_language"), f"default_language '{default}' is not in [languages]")
        )
    prefixes = [lang.prefix for lang in languages]
    for lang in languages:
        if (lang.prefix == "") != (lang.code == default):
            problems.append(
                Problem(
                    path,
                    line_of_key(text, f"languages.{lang.code}"),
                    f"languages.{lang.code}: only the default language has an empty prefix",
                )
            )
        if prefixes.count(lang.prefix) > 1:
            problems.append(
                Problem(
                    path,
                    line_of_key(text, f"languages.{lang.code}"),
                    f"languages.{lang.code}: prefix '{lang.prefix}' is used twice",
                )
            )
    repo_url = data.get("repo_url", "")
    if repo_url:
        message = url_problem(
            repo_url if repo_url.endswith("/") else repo_url + "/", key="repo_url", schemes=("https",), relative=False
        )
        if message:
            problems.append(Problem(path, line_of_key(text, "repo_url"), message))
    base_url = data["base_url"]
    message = url_problem(base_url, key="base_url", schemes=("https", "http"), relative=True)
    if message:
        problems.append(Problem(path, line_of_key(text, "base_url"), message))
    max_code = data.get("max_code", 599)
    if not MAX_CODE_RANGE[0] <= max_code <= MAX_CODE_RANGE[1]:
        problems.append(
            Problem(
                path,
                line_of_key(text, "max_code"),
                f"max_code {max_code} is outside {MAX_CODE_RANGE[0]}-{MAX_CODE_RANGE[1]}",
            )
        )
    if problems:
        raise InputError(problems)
    ordered = sorted(languages, key=lambda lang: lang.code != default)
    return SiteConfig(
        root=root,
        base_url=base_url,
        default_language=default,
        languages=tuple(ordered),
        repo_url=data.get("repo_url", ""),
        max_code=max_code,
        search=data.get("search", True),
    )


def load_config(root: Path) -> SiteConfig:
    """Read and parse `site.toml` in the project root."""
    path = root / "site.toml"
    if not os.path.lexists(path):
        raise InputError([Problem("site.toml", 1, "file not found: the project root needs a site.toml")])
    return parse_config(read_text(path, root), root=root)
