"""Loading `content/`: language-neutral facts once, words per language, all checked."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import SiteConfig
from .errors import InputError, Problem, display_path, line_of_key
from .frontmatter import Document, parse_document
from .schema import Field, check_table, parse_toml
from .textfile import list_folder, read_text

STATUSES = ("standard", "deprecated", "obsoleted", "temporary", "unused", "unofficial")
CLASSES = ("1xx", "2xx", "3xx", "4xx", "5xx")

CODE_FIELDS = {
    "code": Field("int", "The status code, 100-599; must equal the file name.", True),
    "related": Field("list[int]", "Related codes, most relevant first.", True),
    "cacheable": Field("bool", "Heuristically cacheable by default (RFC 9110 §15.1).", True),
    "body": Field("bool", "Whether a response with this code may carry content.", True),
    "meaning": Field("list[table]", "One or more meanings; the first titles the page.", True),
    "source": Field(
        "list[table]", "What the pages' claims rest on: specification sections, vendors' pages, library files."
    ),
    "reviewed": Field("str", "The date (YYYY-MM-DD) the pages were last checked against the sources."),
}

SOURCE_FIELDS = {
    "spec": Field("str", "A key of content/specs.toml (with `section`)."),
    "section": Field("str", "The section of `spec` cited."),
    "title": Field("str", "The cited document's own title, with the version for library files (with `url`)."),
    "url": Field("str", "The https:// address of the cited page or file, at a fixed version where it has one."),
}

MEANING_FIELDS = {
    "phrase": Field("str", "The registered reason phrase, or the vendor's.", True),
    "status": Field("str", "standard, deprecated, obsoleted, temporary, unused or unofficial.", True),
    "spec": Field("str", "The defining document: a key of content/specs.toml."),
    "section": Field("str", "The exact section of `spec` that defines the code."),
    "former": Field("list[str]", "Former registered phrases."),
    "vendor": Field("str", "Who uses an unofficial meaning."),
    "source": Field("str", "The vendor's own documentation of an unofficial meaning."),
    "id": Field("str", "Section id of this meaning in the body (required with several meanings)."),
    "expires": Field("str", "Expiry date of a temporary registration (YYYY-MM-DD)."),
    "known_as": Field("str", "The name people know the code by, where the registry gives none (418: I'm a teapot)."),
}

CODE_PAGE_FIELDS = {
    "summary": Field("str", "One-line summary of the code.", True),
    "phrase": Field("str", "The phrase in this language (not in the default language)."),
    "phrases": Field("table[str]", "Phrases of the other meanings, keyed by meaning id."),
    "source_hash": Field("str", "The version of the default-language page this translates."),
}

TEXT_PAGE_FIELDS = {
    "title": Field("str", "The page title.", True),
    "summary": Field("str", "One-line description.", True),
    "source_hash": Field("str", "The version of the default-language page this translates."),
}

SPEC_FIELDS = {
    "title": Field("str", "The document's title.", True),
    "url": Field("str", "The document's canonical URL; sections link as url#section-N.", True),
    "sections": Field("table[str]", "Section number -> section title, for each section cited.", True),
}

WARN_FIELDS = {
    "phrase": Field("str", "The warn-text the specification recommends.", True),
    "spec": Field("str", "The defining document: a key of content/specs.toml.", True),
    "section": Field("str", "The exact section of `spec` that defines the warn code.", True),
}

_CODE_FILE = re.compile(r"^(\d{3,5})\.(toml|md)$")
_WARN_KEY = re.compile(r"^warning-(\d{3})$")
_ID = re.compile(r"^[a-z][a-z0-9-]*$")


@dataclass(frozen=True)
class Spec:
    """A cited specification and the titles of its cited sections."""

    name: str
    title: str
    url: str
    sections: dict[str, str]

    def section_url(self, section: str) -> str:
        """The link to one exact section."""
        return f"{self.url}#section-{section}"


@dataclass(frozen=True)
class Meaning:
    """One meaning of a code: registered, or one vendor's."""

    phrase: str
    status: str
    spec: str = ""
    section: str = ""
    former: tuple[str, ...] = ()
    vendor: str = ""
    source: str = ""
    id: str = ""
    expires: str = ""
    known_as: str = ""


@dataclass(frozen=True)
class Source:
    """One document a code's pages rest on: a specification section, or a titled page or file."""

    title: str
    url: str
    spec: str = ""
    section: str = ""


@dataclass(frozen=True)
class Code:
    """Language-neutral facts about one status code."""

    code: int
    related: tuple[int, ...]
    cacheable: bool
    body: bool
    meanings: tuple[Meaning, ...]
    path: str
    sources: tuple[Source, ...] = ()
    reviewed: str = ""

    @property
    def klass(self) -> str:
        """The class, e.g. '4xx': the first digit (RFC 9110 §15)."""
        return f"{str(self.code)[0]}xx"

    @property
    def phrase(self) -> str:
        """The phrase that titles the page: the first meaning's, or the name it is known by."""
        return self.meanings[0].known_as or self.meanings[0].phrase

    @property
    def official(self) -> bool:
        """True when some meaning is in the IANA registry."""
        return any(m.status != "unofficial" for m in self.meanings)


@dataclass(frozen=True)
class WarnCode:
    """A warn code of the obsolete Warning header field (not a status code)."""

    code: int
    phrase: str
    spec: str
    section: str

    @property
    def key(self) -> str:
        """Its page key: 'warning-110'."""
        return f"warning-{self.code}"


@dataclass(frozen=True)
class Framework:
    """One library's constants for status codes."""

    key: str
    label: str
    api: str
    source: str
    version: str
    codes: dict[int, str]
    aliases: dict[int, str]


@dataclass(frozen=True)
class Page:
    """Words in one language: a code page ('404'), a class page ('4xx') or the home page ('home')."""

    lang: str
    key: str
    path: str
    meta: dict[str, Any]
    body: str  # the Markdown body
    body_line: int
    meta_text: str  # the front matter's text, for locating a key's line

    @property
    def source_hash(self) -> str:
        """The default-language version this translation was made from ('' if unknown)."""
        return str(self.meta.get("source_hash", ""))


@dataclass(frozen=True)
class Content:
    """All of `content/`, loaded and checked."""

    codes: dict[int, Code]
    pages: dict[tuple[str, str], Page]
    specs: dict[str, Spec]
    frameworks: tuple[Framework, ...]
    page_keys: tuple[str, ...] = field(default=())
    warn_codes: dict[int, WarnCode] = field(default_factory=dict)

    def page(self, lang: str, key: str) -> Page | None:
        """The page in that language, or None when it is not translated."""
        return self.pages.get((lang, key))


def page_keys(codes: dict[int, Code], warn_codes: dict[int, WarnCode] | None = None) -> tuple[str, ...]:
    """Every page every language has: home, the classes, the codes in order, then the Warning
    header's warn codes (their index page and one page each)."""
    warnings = ("warnings", *(warn_codes[n].key for n in sorted(warn_codes))) if warn_codes else ()
    return ("home", *CLASSES, *(str(c) for c in sorted(codes)), *warnings)


class ParseMemo:
    """Parsed facts files and pages by all their parse depends on (text, path, arguments): the dev
    server keeps one between rebuilds, so that an edit parses again only the files whose text
    changed (parsing TOML was half the time of a rebuild of the real site). Every file is still
    read and checked on every build; only entries used by the last build are kept."""

    def __init__(self) -> None:
        self.kept: dict[tuple[object, ...], Code | Page] = {}
        self.used: dict[tuple[object, ...], Code | Page] = {}
        self.specs = ""  # the specifications facts files are checked against, as loaded for this build

    def parse(self, key: tuple[object, ...], parse: Callable[[], Code | Page]) -> Code | Page:
        """The result of `parse()`, reused when a build before parsed the same `key`."""
        found = self.kept.get(key)
        if found is None:
            found = parse()  # an InputError is raised, never kept
        self.used[key] = found
        return found

    def next_build(self) -> None:
        """Forget what the last build did not use."""
        self.kept, self.used = self.used, {}


def load_content(config: SiteConfig, memo: ParseMemo | None = None) -> Content:
    """Read and check everything under `content/`; raise InputError listing every problem.
    With `memo`, files whose text a previous build parsed are not parsed again."""
    root = config.root
    memo = memo if memo is not None else ParseMemo()
    memo.next_build()
    problems: list[Problem] = []
    specs = _collect(problems, load_specs, root)
    memo.specs = repr(sorted(specs.items())) if specs is not None else ""
    codes: dict[int, Code] = {}
    seen: dict[int, str] = {}
    for path in list_folder(root / "content" / "codes", root):
        code = _collect(problems, load_code, path, root, specs, config.max_code, memo)
        if code is None:
            continue
        stem = path.name.split(".")[0]
        if stem != str(code.code):
            text = read_text(path, root)
            problems.append(
                Problem(code.path, line_of_key(text, "code"), f"code {code.code} does not match the file name '{stem}'")
            )
        if code.code in seen:
            problems.append(Problem(code.path, 1, f"duplicate code {code.code}: also defined in {seen[code.code]}"))
        else:
            seen[code.code] = code.path
        if stem == str(code.code) and code.code not in codes:
            codes[code.code] = code
    frameworks = _collect(problems, load_constants, root) or ()
    warn_codes = _collect(problems, load_warn_codes, root, specs) or {}
    pages: dict[tuple[str, str], Page] = {}
    for lang in config.languages:
        for path in list_folder(root / "content" / lang.code, root):
            page = _collect(
                problems, load_page, path, root, lang.code, default=lang.code == config.default_language, memo=memo
            )
            if page is not None:
                pages[(page.lang, page.key)] = page
    content = Content(
        codes=codes,
        pages=pages,
        specs=specs or {},
        frameworks=frameworks,
        page_keys=page_keys(codes, warn_codes),
        warn_codes=warn_codes,
    )
    problems += check_content(content, config)
    if problems:
        raise InputError(problems)
    return content


def _collect(problems: list[Problem], load: Any, *args: Any, **kwargs: Any) -> Any:
    """Run a loader, adding its InputError's problems to `problems`; None on failure."""
    try:
        return load(*args, **kwargs)
    except InputError as error:
        problems += error.problems
        return None


def load_warn_codes(root: Path, specs: dict[str, Spec] | None) -> dict[int, WarnCode]:
    """Read `content/warn-codes.toml` ({} when there is none); `specs` is None when specs.toml
    failed to load (as reported), so citations are not checked."""
    path = root / "content" / "warn-codes.toml"
    if not os.path.lexists(path):
        return {}
    shown = display_path(path, root)
    text = read_text(path, root)
    problems = []
    found = {}
    for number, table in parse_toml(text, path=shown).items():
        at = line_of_key(text, number)
        if not isinstance(table, dict):
            problems.append(Problem(shown, at, f"'{number}' must be a table"))
            continue
        found_here = check_table(table, WARN_FIELDS, path=shown, text=text, line=at, where=number)
        if not found_here and not re.match(r"^[12]\d\d$", number):
            found_here.append(
                Problem(shown, at, f"warn code '{number}' must be three digits, 1xx or 2xx (RFC 7234 §5.5)")
            )
        spec = specs.get(table.get("spec", "")) if specs is not None else None
        if not found_here and specs is not None and (spec is None or table["section"] not in spec.sections):
            found_here.append(
                Problem(
                    shown,
                    line_of_key(text, "section", start=at),
                    f"{number}: section {table['section']} of '{table['spec']}' is not in content/specs.toml",
                )
            )
        problems += found_here
        if not found_here:
            found[int(number)] = WarnCode(code=int(number), **table)
    if problems:
        raise InputError(problems)
    return found


def load_specs(root: Path) -> dict[str, Spec]:
    """Read `content/specs.toml`."""
    path = root / "content" / "specs.toml"
    shown = display_path(path, root)
    text = read_text(path, root)
    data = parse_toml(text, path=shown)
    problems = []
    specs = {}
    for name, table in data.items():
        at = line_of_key(text, name)
        if not isinstance(table, dict):
            problems.append(Problem(shown, at, f"'{name}' must be a table"))
            continue
        found = check_table(table, SPEC_FIELDS, path=shown, text=text, line=at, where=name)
        if not found and not table["url"].startswith("https://"):
            found.append(Problem(shown, line_of_key(text, "url", start=at), f"{name}: url must be an https:// URL"))
        problems += found
        if not found:
            specs[name] = Spec(name=name, **table)
    if problems:
        raise InputError(problems)
    return specs


def parse_code(text: str, *, path: str, specs: dict[str, Spec] | None, max_code: int = 599) -> Code:
    """Parse one `content/codes/<code>.toml`."""
    data = parse_toml(text, path=path)
    problems = check_table(data, CODE_FIELDS, path=path, text=text, line=1)
    if problems:
        raise InputError(problems)
    code = data["code"]
    if not 100 <= code <= max_code or str(code)[0] not in "12345":
        problems.append(Problem(path, line_of_key(text, "code"), f"code {code} is outside 100-{max_code}"))
    meanings = []
    starts = [i + 1 for i, line in enumerate(text.split("\n")) if line.strip() == "[[meaning]]"]
    for index, table in enumerate(data["meaning"]):
        at = starts[index] if index < len(starts) else 1
        found = check_table(table, MEANING_FIELDS, path=path, text=text, line=at, where=f"meaning {index + 1}")
        if not found:
            found = _check_meaning(table, specs, several=len(data["meaning"]) > 1, path=path, text=text, line=at)
        problems += found
        if not found:
            meanings.append(Meaning(**{**table, "former": tuple(table.get("former", ()))}))
    if not data["meaning"]:
        problems.append(Problem(path, line_of_key(text, "meaning"), "at least one [[meaning]] is required"))
    ids = [m.id for m in meanings if m.id]
    for dup in {i for i in ids if ids.count(i) > 1}:
        problems.append(Problem(path, 1, f"meaning id '{dup}' is used twice"))
    sources = _sources(data.get("source", []), specs, path=path, text=text, problems=problems)
    reviewed = data.get("reviewed", "")
    if reviewed and not _is_date(reviewed):
        problems.append(
            Problem(path, line_of_key(text, "reviewed"), f"reviewed '{reviewed}' must be a date as YYYY-MM-DD")
        )
    if problems:
        raise InputError(problems)
    return Code(
        code=code,
        related=tuple(data["related"]),
        cacheable=data["cacheable"],
        body=data["body"],
        meanings=tuple(meanings),
        path=path,
        sources=tuple(sources),
        reviewed=reviewed,
    )


def _is_date(text: str) -> bool:
    """True for a real calendar date written YYYY-MM-DD."""
    if not re.match(r"^\d{4}-\d{2}-\d{2}$", text):
        return False
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _sources(
    tables: list[dict[str, Any]], specs: dict[str, Spec] | None, *, path: str, text: str, problems: list[Problem]
) -> list[Source]:
    """The [[source]] tables of a facts file: a specification section, or a title and an https URL."""
    starts = [i + 1 for i, line in enumerate(text.split("\n")) if line.strip() == "[[source]]"]
    sources = []
    seen: set[str] = set()
    for index, table in enumerate(tables):
        at = starts[index] if index < len(starts) else 1
        found = check_table(table, SOURCE_FIELDS, path=path, text=text, line=at, where=f"source {index + 1}")
        source: Source | None = None
        if not found:
            if "spec" in table:
                spec = specs.get(table["spec"]) if specs is not None else None
                if set(table) != {"spec", "section"}:
                    found.append(Problem(path, at, "a specification source has exactly 'spec' and 'section'"))
                elif spec is None:
                    if specs is not None:  # None: specs.toml failed to load, as reported
                        found.append(
                            Problem(
                                path,
                                line_of_key(text, "spec", start=at),
                                f"spec '{table['spec']}' is not in content/specs.toml",
                            )
                        )
                elif table["section"] not in spec.sections:
                    found.append(
                        Problem(
                            path,
                            line_of_key(text, "section", start=at),
                            f"section '{table['section']}' of {spec.name} is not in content/specs.toml",
                        )
                    )
                else:
                    section = table["section"]
                    source = Source(
                        title=spec.sections[section], url=spec.section_url(section), spec=spec.name, section=section
                    )
            elif set(table) != {"title", "url"}:
                found.append(Problem(path, at, "a source is either 'spec' and 'section', or 'title' and 'url'"))
            elif not table["url"].startswith("https://") or any(c.isspace() for c in table["url"]):
                found.append(Problem(path, line_of_key(text, "url", start=at), "source url must be an https:// URL"))
            else:
                source = Source(title=table["title"], url=table["url"])
        if source is not None and source.url in seen:
            found.append(Problem(path, at, f"source {source.url} is listed twice"))
        problems += found
        if source is not None and not found:
            seen.add(source.url)
            sources.append(source)
    return sources


def _check_meaning(
    table: dict[str, Any], specs: dict[str, Spec] | None, *, several: bool, path: str, text: str, line: int
) -> list[Problem]:
    """Rules that tie a meaning's keys to its status."""
    problems = []

    def at(key: str) -> int:
        return line_of_key(text, key, start=line)

    status = table["status"]
    if status not in STATUSES:
        return [Problem(path, at("status"), f"status '{status}' must be one of {', '.join(STATUSES)}")]
    if status == "unofficial":
        # A convention no vendor documents (598) has neither; one without the other is a mistake.
        missing = [key for key in ("vendor", "source") if key not in table]
        if len(missing) == 1:
            problems.append(Problem(path, line, f"an unofficial meaning needs '{missing[0]}'"))
    else:
        for key in ("spec", "section"):
            if key not in table:
                problems.append(Problem(path, line, f"a {status} meaning needs '{key}'"))
        spec = specs.get(table.get("spec", "")) if specs is not None else None
        if "spec" in table and spec is None and specs is not None:  # None: specs.toml failed, as reported
            problems.append(Problem(path, at("spec"), f"spec '{table['spec']}' is not in content/specs.toml"))
        elif spec is not None and table.get("section") not in spec.sections:
            problems.append(
                Problem(
                    path, at("section"), f"section '{table.get('section')}' of {spec.name} is not in content/specs.toml"
                )
            )
    if status == "temporary" and "expires" not in table:
        problems.append(Problem(path, line, "a temporary meaning needs 'expires' as YYYY-MM-DD"))
    elif "expires" in table and not _is_date(table["expires"]):
        problems.append(Problem(path, at("expires"), f"expires '{table['expires']}' is not a date as YYYY-MM-DD"))
    if several and not _ID.match(table.get("id", "")):
        problems.append(
            Problem(path, at("id") if "id" in table else line, "each of several meanings needs an 'id' like 'nginx'")
        )
    source = table.get("source", "")
    if source and not source.startswith("https://"):
        problems.append(Problem(path, at("source"), "source must be an https:// URL"))
    return problems


def load_code(path: Path, root: Path, specs: dict[str, Spec] | None, max_code: int, memo: ParseMemo) -> Code:
    """Read one facts file."""
    shown = display_path(path, root)
    if path.suffix != ".toml":
        raise InputError([Problem(shown, 1, "unexpected file: content/codes/ holds only <code>.toml files")])
    text = read_text(path, root)
    key = ("code", shown, text, max_code, memo.specs)
    code = memo.parse(key, lambda: parse_code(text, path=shown, specs=specs, max_code=max_code))
    assert isinstance(code, Code)
    return code


def parse_page(text: str, *, path: str, lang: str, key: str, default: bool) -> Page:
    """Parse one page in one language."""
    document: Document = parse_document(text, path=path)
    coded = key.isdigit() or bool(_WARN_KEY.match(key))
    fields = CODE_PAGE_FIELDS if coded else TEXT_PAGE_FIELDS
    problems = check_table(document.meta, fields, path=path, text=document.meta_text, line=1)
    if coded and not default and "phrase" not in document.meta and not problems:
        problems.append(Problem(path, 1, "missing required key 'phrase' (the phrase in this language)"))
    if default:
        for extra in ("phrase", "phrases", "source_hash"):
            if extra in document.meta:
                problems.append(
                    Problem(
                        path,
                        line_of_key(document.meta_text, extra),
                        f"'{extra}' belongs in translations, not the default language",
                    )
                )
    if problems:
        raise InputError(problems)
    return Page(
        lang=lang,
        key=key,
        path=path,
        meta=document.meta,
        body=document.body,
        body_line=document.body_line,
        meta_text=document.meta_text,
    )


def load_page(path: Path, root: Path, lang: str, *, default: bool, memo: ParseMemo) -> Page:
    """Read one Markdown page."""
    shown = display_path(path, root)
    key = path.name.removesuffix(".md")
    if path.suffix != ".md" or not (
        key in ("home", "warnings") or key in CLASSES or _CODE_FILE.match(path.name) or _WARN_KEY.match(key)
    ):
        raise InputError(
            [
                Problem(
                    shown,
                    1,
                    "unexpected file: a language folder holds <code>.md, 1xx.md-5xx.md, home.md, warnings.md and warning-<code>.md",
                )
            ]
        )
    text = read_text(path, root)
    page = memo.parse(
        ("page", shown, text, lang, key, default),
        lambda: parse_page(text, path=shown, lang=lang, key=key, default=default),
    )
    assert isinstance(page, Page)
    return page


def load_constants(root: Path) -> tuple[Framework, ...]:
    """Read `content/constants.toml`."""
    path = root / "content" / "constants.toml"
    shown = display_path(path, root)
    text = read_text(path, root)
    data = parse_toml(text, path=shown)
    fields = {
        "label": Field("str", "The library's name.", True),
        "api": Field("str", "The API holding the constants.", True),
        "source": Field("str", "The upstream file checked.", True),
        "version": Field("str", "The version checked.", True),
        "codes": Field("table[str]", "Code -> constant.", True),
        "aliases": Field("table[str]", "Code -> former or alternative name."),
    }
    problems = []
    frameworks = []
    for key, table in data.items():
        at = line_of_key(text, key)
        found = (
            check_table(table, fields, path=shown, text=text, line=at, where=key)
            if isinstance(table, dict)
            else [Problem(shown, at, f"'{key}' must be a table")]
        )
        for name in ("codes", "aliases"):
            for number in table.get(name, {}) if not found else ():
                if not number.isdigit():
                    found.append(
                        Problem(
                            shown, line_of_key(text, number, start=at), f"{key}.{name}: '{number}' is not a status code"
                        )
                    )
        problems += found
        if not found:
            frameworks.append(
                Framework(
                    key=key,
                    label=table["label"],
                    api=table["api"],
                    source=table["source"],
                    version=table["version"],
                    codes={int(k): v for k, v in table["codes"].items()},
                    aliases={int(k): v for k, v in table.get("aliases", {}).items()},
                )
            )
    if problems:
        raise InputError(problems)
    return tuple(frameworks)


def present_files(root: Path) -> frozenset[str]:
    """Every entry of the facts and language folders, as 'codes/404.toml' or 'en/404.md' (one
    that is not a readable file too: its loader reports it, so it is not also 'missing')."""
    found = []
    for folder in list_folder(root / "content", root):
        try:
            entries = list_folder(folder, root)
        except InputError:  # a folder the loaders refuse, or no concern of theirs
            continue
        found += [f"{folder.name}/{path.name}" for path in entries]
    return frozenset(found)


def check_content(content: Content, config: SiteConfig, present: frozenset[str] | None = None) -> list[Problem]:
    """Cross-file rules: every code has facts and an English page, related codes exist. A file that
    exists but failed to load is not reported again as missing (`present` lists the files)."""
    present = present_files(config.root) if present is None else present
    problems = []
    default = config.default_language
    for code in content.codes.values():
        if f"{default}/{code.code}.md" not in present:
            problems.append(Problem(code.path, 1, f"code {code.code} has no page content/{default}/{code.code}.md"))
        for related in code.related:
            if f"codes/{related}.toml" not in present:
                problems.append(
                    Problem(
                        code.path,
                        line_of_key(_read_or_empty(config.root / code.path), "related"),
                        f"related code {related} has no page",
                    )
                )
    for (lang, key), page in content.pages.items():
        if lang != default and f"{default}/{key}.md" not in present:
            problems.append(Problem(page.path, 1, f"translation has no {default} page content/{default}/{key}.md"))
        elif key.isdigit() and f"codes/{key}.toml" not in present:
            problems.append(Problem(page.path, 1, f"no facts for code {key}: add content/codes/{key}.toml"))
        elif (warn := _WARN_KEY.match(key)) and int(warn.group(1)) not in content.warn_codes:
            problems.append(Problem(page.path, 1, f"no warn code {warn.group(1)} in content/warn-codes.toml"))
        if key.isdigit() and int(key) in content.codes and lang != default:
            ids = {m.id for m in content.codes[int(key)].meanings[1:]}
            for meaning_id in page.meta.get("phrases", {}):
                if meaning_id not in ids:
                    problems.append(
                        Problem(
                            page.path,
                            line_of_key(page.meta_text, meaning_id),
                            f"phrases: '{meaning_id}' is not the id of another meaning of {key}",
                        )
                    )
    warnings = ("warnings", *(w.key for w in content.warn_codes.values())) if content.warn_codes else ()
    for key in ("home", *CLASSES, *warnings):
        if (default, key) not in content.pages:
            problems.append(Problem(f"content/{default}/{key}.md", 1, "required page is missing"))
    return problems


def _read_or_empty(path: Path) -> str:
    """A file's text for locating a line, or '' if it cannot be read."""
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
