"""UI strings: gettext catalogs read with Babel, checked strictly, compiled in memory."""

from __future__ import annotations

import gettext
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.plurals import get_plural
from babel.messages.pofile import PoFileError, read_po
from babel.support import Translations

from .config import Language, SiteConfig
from .errors import InputError, Problem, display_path
from .textfile import read_text

DOMAIN = "messages"
_PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]")
_TYPED = re.compile(r"%\((\w+)\)([sdif])")


@dataclass(frozen=True)
class Coverage:
    """How much of a catalog is translated (fuzzy and partly filled plural entries do not count)."""

    translated: int
    total: int

    @property
    def percent(self) -> float:
        """Translated share, 0-100."""
        return 100.0 * self.translated / self.total if self.total else 100.0


def catalog_path(root: Path, lang: Language) -> Path:
    """Where a language's catalog lives."""
    return root / "locales" / lang.babel / "LC_MESSAGES" / f"{DOMAIN}.po"


def template_path(root: Path) -> Path:
    """The extracted message template."""
    return root / "locales" / f"{DOMAIN}.pot"


_STRING = r'"(?:[^"\\]|\\.)*"'
_LINE = re.compile(rf"^(?:(?:msgctxt|msgid|msgid_plural|msgstr|msgstr\[(\d+)\])\s+{_STRING}|{_STRING}|#.*|)\s*$")


def lint_po(text: str, *, path: str, plurals: int) -> list[Problem]:
    """Line-level checks Babel's lenient parser skips: malformed lines, unterminated strings,
    plural entries without exactly `plurals` forms."""
    problems = []
    forms: list[int] = []
    entry = 0  # line of the msgid of the current plural entry, 0 outside one

    def close() -> None:
        if entry and len(forms) != plurals:
            problems.append(Problem(path, entry, f"plural entry has {len(forms)} forms; this language needs {plurals}"))

    for number, line in enumerate(text.split("\n"), start=1):
        match = _LINE.match(line)
        if match is None:
            problems.append(
                Problem(path, number, "invalid catalog line: expected a keyword and a quoted string, or a comment")
            )
            continue
        if line.startswith(("msgctxt ", "msgid ")):  # a new entry starts
            close()
            entry, forms = 0, []
        if line.startswith("msgid_plural"):
            entry = number - 1
        if match.group(1) is not None:
            forms.append(int(match.group(1)))
    close()
    return problems


def parse_catalog(text: str, *, path: str, locale: str) -> Catalog:
    """Parse .po text and check it: syntax, header, placeholders, plural forms; raise InputError."""
    lexical = lint_po(text, path=path, plurals=get_plural(locale).num_plurals)
    if lexical:
        raise InputError(lexical)
    try:
        catalog = read_po(io.StringIO(text), locale=locale, abort_invalid=True)
    except PoFileError as error:
        message, _, line = str(error).rpartition(" on ")
        number = int(line) + 1 if line.isdigit() else 1
        raise InputError([Problem(path, number, f"invalid catalog: {message}")]) from None
    except ValueError:  # Babel reads nplurals with int()
        raise InputError(
            [Problem(path, _header_line(text), "Plural-Forms must read 'nplurals=N; plural=EXPRESSION;'")]
        ) from None
    problems = []
    if catalog.charset != "utf-8":
        problems.append(
            Problem(
                path,
                _header_line(text, "Content-Type:"),
                f"catalog declares charset {catalog.charset}; catalogs must be UTF-8 (charset=UTF-8)",
            )
        )
    plural_problem = check_plural_forms(catalog.num_plurals, catalog.plural_expr)
    if plural_problem:
        raise InputError([*problems, Problem(path, _header_line(text), plural_problem)])
    if not re.search(r'^msgid ""\s*\nmsgstr ""\s*\n"', text, re.MULTILINE) or "Content-Type:" not in text:
        problems.append(
            Problem(
                path,
                1,
                'catalog has no header: it must start with msgid "" and a msgstr with Content-Type and Plural-Forms',
            )
        )
    expected = get_plural(locale).num_plurals
    if catalog.num_plurals != expected:
        problems.append(
            Problem(
                path,
                _header_line(text),
                f"Plural-Forms says nplurals={catalog.num_plurals}; {locale} has {expected} plural forms",
            )
        )
    for entry in catalog:
        if entry.id:
            problems += [Problem(path, entry.lineno or 1, p) for p in check_message(entry, expected)]
    if problems:
        raise InputError(problems)
    return catalog


def _header_line(text: str, header: str = "Plural-Forms:") -> int:
    """The line of a header (Plural-Forms by default), or 1."""
    for number, line in enumerate(text.split("\n"), start=1):
        if header in line:
            return number
    return 1


PLURAL_PROBES = (*range(1000), 10_000, 100_001, 1_000_000, 2**31 - 1)


def check_plural_forms(count: int, expression: str) -> str:
    """What is wrong with a Plural-Forms expression ('' if nothing): it must compile as gettext
    reads it and give a form in 0..count-1, without error, for every number a page may show."""
    if not 1 <= count <= 6:
        return f"Plural-Forms: nplurals={count} must be between 1 and 6"
    try:
        choose = gettext.c2py(expression)
    except (ValueError, SyntaxError, RecursionError, OverflowError) as error:
        return f"Plural-Forms: invalid plural expression: {error}"
    for n in PLURAL_PROBES:
        try:
            form = choose(n)
        except (ArithmeticError, RecursionError, ValueError) as error:
            return f"Plural-Forms: plural expression fails for n={n}: {error}"
        if not 0 <= form < count:
            return f"Plural-Forms: plural expression gives form {form} for n={n}; nplurals={count} allows 0-{count - 1}"
    return ""


def check_message(message: Message, plurals: int) -> list[str]:
    """Problems with one entry: plural form count, placeholders the msgid does not have."""
    problems = []
    ids = message.id if isinstance(message.id, (list, tuple)) else (message.id,)
    strings = message.string if isinstance(message.string, (list, tuple)) else (message.string,)
    if message.pluralizable and len(strings) != plurals:
        problems.append(f"'{ids[0]}': {len(strings)} plural forms, expected {plurals}")
    allowed = set().union(*(_PLACEHOLDER.findall(i) for i in ids))
    typed = set().union(*(_TYPED.findall(i) for i in ids))
    typed_names = dict(sorted(typed))
    for string in strings:
        extra = set(_PLACEHOLDER.findall(string or "")) - allowed
        retyped = sorted(set(_TYPED.findall(string or "")) - typed)
        if extra:
            problems.append(f"'{ids[0]}': placeholder %({sorted(extra)[0]})s is not in the msgid")
        elif retyped:
            name, kind = retyped[0]
            problems.append(
                f"'{ids[0]}': placeholder %({name}){kind} has another type than the msgid's %({name}){typed_names[name]}"
            )
        elif string and not message.pluralizable and set(_PLACEHOLDER.findall(string)) != allowed:
            missing = sorted(allowed - set(_PLACEHOLDER.findall(string)))[0]
            problems.append(f"'{ids[0]}': msgstr lacks placeholder %({missing})s")
        elif string and "%" in _PLACEHOLDER.sub("", string).replace("%%", ""):
            problems.append(f"'{ids[0]}': a lone '%' must be written '%%'")
    return problems


def complete(message: Message) -> bool:
    """True when every form is filled in and the entry is not fuzzy."""
    strings = message.string if isinstance(message.string, (list, tuple)) else (message.string,)
    return bool(message.id) and not message.fuzzy and all(strings)


def coverage(catalog: Catalog, template: Catalog | None = None) -> Coverage:
    """Translated entries over the template's entries (or the catalog's own)."""
    ids = [m.id for m in (template or catalog) if m.id]
    done = sum(1 for i in ids if (m := catalog.get(i)) is not None and complete(m))
    return Coverage(translated=done, total=len(ids))


def compile_catalog(catalog: Catalog) -> Translations:
    """In-memory translations holding only complete entries (the rest fall back to English)."""
    usable = Catalog(locale=catalog.locale, domain=DOMAIN)
    usable.mime_headers = catalog.mime_headers
    for message in catalog:
        if complete(message):
            usable[message.id] = message
    buffer = io.BytesIO()
    write_mo(buffer, usable)
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)


def load_template(root: Path) -> Catalog | None:
    """The extracted .pot, to measure coverage against (None when there is none)."""
    path = template_path(root)
    if not os.path.lexists(path):
        return None
    shown = display_path(path, root)
    text = read_text(path, root)
    problems = lint_po(text, path=shown, plurals=2)
    if problems:
        raise InputError(problems)
    try:
        return read_po(io.StringIO(text), abort_invalid=True)
    except PoFileError as error:
        message, _, line = str(error).rpartition(" on ")
        raise InputError(
            [Problem(shown, int(line) + 1 if line.isdigit() else 1, f"invalid catalog template: {message}")]
        ) from None
    except ValueError as error:
        raise InputError([Problem(shown, _header_line(text), f"invalid catalog template header: {error}")]) from None


def load_catalogs(config: SiteConfig) -> dict[str, Catalog]:
    """Read every language's catalog (a missing one means the UI shows English)."""
    catalogs = {}
    problems = []
    for lang in config.languages:
        path = catalog_path(config.root, lang)
        if not os.path.lexists(path):
            continue
        try:
            catalogs[lang.code] = parse_catalog(
                read_text(path, config.root), path=display_path(path, config.root), locale=lang.babel
            )
        except InputError as error:
            problems += error.problems
    if problems:
        raise InputError(problems)
    return catalogs
