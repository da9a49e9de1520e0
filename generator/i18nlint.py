"""The translators' linter: each language's glossary and punctuation rules, kept as data in
`locales/<locale>/glossary.toml`, checked against the prose of its pages.

Only prose is read: code spans, fenced code blocks, link targets, URLs, heading ids, cross-link
targets and front-matter keys are blanked out first, so a finding is always about words a reader
sees in that language.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .catalogs import catalog_path
from .config import Language, SiteConfig
from .errors import InputError, Problem, display_path, line_of_key
from .schema import Field, check_table, parse_toml
from .textfile import read_text

GLOSSARY = "glossary.toml"

_FILE_FIELDS = {
    "language": Field("str", "The language the rules are for, as a reader would name it.", True),
    "term": Field("list[table]", "Glossary entries: the preferred word for a term and the words to avoid."),
    "punctuation": Field("list[table]", "Punctuation rules: a pattern that is wrong and what to write instead."),
}
_TERM_FIELDS = {
    "english": Field("str", "The English term.", True),
    "preferred": Field("str", "The word to write in this language.", True),
    "avoid": Field(
        "list[str]",
        "Words not to write for it (matched with any ending; a word of the English term only outside English phrases).",
    ),
    "pattern": Field(
        "str",
        "Instead of `avoid`: a regular expression for the wrong wording (when a word is wrong only in one sense).",
    ),
    "note": Field("str", "Why, for translators."),
}
_RULE_FIELDS = {
    "pattern": Field(
        "str", "A regular expression for what is wrong; {cjk} stands for a Chinese character or full-width mark.", True
    ),
    "message": Field("str", "What to write instead, for the translator.", True),
}

# Chinese characters and the marks set with them (CJK punctuation, full-width forms). Not the
# curly quotes: they also wrap English words in Chinese text.
_CJK = "[\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]"
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9./+-]*")

# What is never prose. Code and URLs become a neutral mark (neither space, letter nor Chinese), a
# cross-link becomes its own text or the mark, link targets and heading ids go.
_NEUTRAL = "\u2063"
_NOT_PROSE = re.compile(
    r"(?P<code>(`+)(?:(?!\2).)+?\2)"  # code spans
    r"|(?P<target>\]\([^)\s]*(?:\s+\"[^\"]*\")?\))"  # link targets (the link text stays)
    r"|(?P<url><(?:https?|mailto):[^>\s]*>|https?://[^\s)>\]]+)"  # autolinks, bare URLs
    r"|(?P<id>[ \t]*\{#[^}]*\})"  # heading ids
    r"|\[\[\d{3,5}(?:#[a-z0-9-]*)?(?:\|(?P<text>[^\]\n]+))?\]\]"  # cross-links
)
_FENCE = re.compile(r"^\s*(```|~~~)")
_VALUE = re.compile(r'^\s*([A-Za-z0-9_-]+)\s*=\s*"((?:[^"\\]|\\.)*)"\s*$')
_UNTRANSLATED_KEYS = {"source_hash"}


@dataclass(frozen=True)
class Check:
    """One thing the linter looks for: a compiled pattern and the message for a match."""

    pattern: re.Pattern[str]
    message: str
    english_word: bool = False  # the English term itself: not flagged inside an English phrase (a name)


@dataclass(frozen=True)
class Term:
    """A glossary entry: the English term, the preferred word, the words to avoid, why."""

    english: str
    preferred: str
    avoid: tuple[str, ...]
    note: str


@dataclass(frozen=True)
class Rules:
    """A language's glossary and punctuation rules."""

    path: str
    language: str
    terms: tuple[Term, ...]
    checks: tuple[Check, ...]


def rules_path(root: Path, lang: Language) -> Path:
    """Where a language's rules live: next to its catalog."""
    return root / "locales" / lang.babel / GLOSSARY


def load_rules(root: Path, lang: Language) -> Rules | None:
    """A language's rules, or None when it has none; InputError for a malformed file."""
    path = rules_path(root, lang)
    if not os.path.lexists(path):  # anything there is read_text's to accept or refuse
        return None
    shown = display_path(path, root)
    text = read_text(path, root)
    data = parse_toml(text, path=shown)
    problems = check_table(data, _FILE_FIELDS, path=shown, text=text, line=1)
    if problems:
        raise InputError(problems)
    terms, checks = [], []
    for number, entry in enumerate(data.get("term", []), start=1):
        at = _nth_table_line(text, "term", number)
        found = check_table(entry, _TERM_FIELDS, path=shown, text=text, line=at, where=f"term {number}")
        if found:
            problems += found
            continue
        term = Term(entry["english"], entry["preferred"], tuple(entry.get("avoid", ())), entry.get("note", ""))
        terms.append(term)
        message = f"write «{term.preferred}» ({term.english})" + (f": {term.note}" if term.note else "")
        for word in term.avoid:
            english = bool(_LATIN_WORD.fullmatch(word)) and word.lower() in term.english.lower().split()
            checks.append(Check(_word_pattern(word), f"«{{found}}»: {message}", english))
        if "pattern" in entry:
            compiled = _compile(entry["pattern"], shown, line_of_key(text, "pattern", start=at), problems)
            if compiled is not None:
                checks.append(Check(compiled, f"«{{found}}»: {message}"))
    for number, entry in enumerate(data.get("punctuation", []), start=1):
        at = _nth_table_line(text, "punctuation", number)
        found = check_table(entry, _RULE_FIELDS, path=shown, text=text, line=at, where=f"punctuation {number}")
        if found:
            problems += found
            continue
        compiled = _compile(entry["pattern"], shown, line_of_key(text, "pattern", start=at), problems)
        if compiled is not None:
            checks.append(Check(compiled, f"«{{found}}»: {entry['message']}"))
    if problems:
        raise InputError(problems)
    return Rules(shown, data["language"], tuple(terms), tuple(checks))


def _nth_table_line(text: str, name: str, number: int) -> int:
    """The line of the `number`th `[[name]]` header."""
    lines = [i for i, line in enumerate(text.split("\n"), start=1) if line.strip() == f"[[{name}]]"]
    return lines[number - 1] if number <= len(lines) else 1


def _compile(pattern: str, path: str, line: int, problems: list[Problem]) -> re.Pattern[str] | None:
    """A rule's pattern compiled, or None with a problem recorded."""
    try:
        return re.compile(pattern.replace("{cjk}", _CJK))
    except re.error as error:
        problems.append(Problem(path, line, f"invalid pattern: {error}"))
        return None


def _word_pattern(word: str) -> re.Pattern[str]:
    """A word to avoid, with any ending (Russian inflects); a whole word unless it is Chinese."""
    start = "" if re.match(_CJK, word) or not word[:1].isalnum() else r"(?<!\w)"
    tail = r"\w*" if word[-1:].isalnum() and not re.match(_CJK, word[-1]) else ""
    return re.compile(start + re.escape(word) + tail, re.IGNORECASE)


def prose_lines(text: str) -> list[tuple[int, str]]:
    """(line number, the line's prose) for every line worth reading: the body outside code blocks
    and the string values of the front matter."""
    lines = text.split("\n")
    result: list[tuple[int, str]] = []
    start = 0
    if lines and lines[0].strip() == "+++":
        end = next((i for i in range(1, len(lines)) if lines[i].strip() == "+++"), 0)
        for index in range(1, end):
            value = _VALUE.match(lines[index])
            if value and value.group(1) not in _UNTRANSLATED_KEYS:
                result.append((index + 1, value.group(2).replace('\\"', '"')))
        start = end + 1
    fence = ""
    for index in range(start, len(lines)):
        line = lines[index]
        opening = _FENCE.match(line)
        if fence:
            if opening and opening.group(1) == fence:
                fence = ""
            continue
        if opening:
            fence = opening.group(1)
            continue
        result.append((index + 1, _NOT_PROSE.sub(_prose_of, line)))
    return result


def _prose_of(match: re.Match[str]) -> str:
    """What a reader sees of a non-prose match, as far as the rules care."""
    if match.group("target"):
        return "]"
    if match.group("id"):
        return ""
    return match.group("text") or _NEUTRAL


_PO_STRING = re.compile(r'^(msgid|msgid_plural|msgstr(?:\[\d+\])?|msgctxt)?\s*"((?:[^"\\]|\\.)*)"\s*$')
_PLACEHOLDER = re.compile(r"%(?:\(\w+\))?[sdif]|%%")


def catalog_lines(text: str) -> list[tuple[int, str]]:
    """(line number, text) of every translation in a .po file (msgstr lines and their
    continuations, the header excepted), placeholders replaced by the neutral mark."""
    result = []
    keyword = ""
    header = False
    for number, line in enumerate(text.split("\n"), start=1):
        match = _PO_STRING.match(line)
        if match is None:
            keyword = ""
            continue
        if match.group(1):
            keyword = match.group(1)
            if keyword == "msgid":
                header = match.group(2) == ""
        if keyword.startswith("msgstr") and not header:
            result.append((number, _PLACEHOLDER.sub(_NEUTRAL, match.group(2).replace('\\"', '"'))))
    return result


def lint_text(text: str, path: str, rules: Rules, *, catalog: bool = False) -> list[Problem]:
    """Every finding in one page's text (or, with `catalog`, in a .po file's translations)."""
    problems = []
    for number, line in catalog_lines(text) if catalog else prose_lines(text):
        for check in rules.checks:
            for match in check.pattern.finditer(line):
                if check.english_word and _kept_english(line, match.start(), match.end()):
                    continue
                problems.append(
                    Problem(
                        path, number, check.message.replace("{found}", match.group(0).strip().replace(_NEUTRAL, "`…`"))
                    )
                )
    return problems


def _kept_english(line: str, start: int, end: int) -> bool:
    """True when an English word is meant to stay English: next to another English word (a product
    or feature name such as 'Authenticated Origin Pulls', an error message, a quotation), or as the
    gloss in parentheses after the term in this language: «источник (origin)»."""
    before = re.search(r"([A-Za-z][\w/.-]*)[*_]*[ \t]*[*_]*$", line[:start])
    after = re.match(r"[*_]*[ \t]*[*_]*[A-Za-z]", line[end:])
    gloss = re.search(r"\([ \t]*$", line[:start])
    return bool(before or after or gloss)


def lint(config: SiteConfig, languages: list[Language]) -> list[Problem]:
    """Findings in every page and the UI catalog of these languages (those without rules have none)."""
    problems = []
    for lang in languages:
        rules = load_rules(config.root, lang)
        if rules is None:
            continue
        for path in sorted((config.root / "content" / lang.code).glob("*.md")):
            shown = display_path(path, config.root)
            problems += lint_text(read_text(path, config.root), shown, rules)
        catalog = catalog_path(config.root, lang)
        if catalog.is_file():
            problems += lint_text(
                read_text(catalog, config.root), display_path(catalog, config.root), rules, catalog=True
            )
    return sorted(set(problems))


def glossary_rows(rules: Rules) -> list[dict[str, Any]]:
    """The glossary as translators read it: term, preferred, avoid, note."""
    return [
        {"term": t.english, "preferred": t.preferred, "avoid": ", ".join(t.avoid), "note": t.note} for t in rules.terms
    ]
