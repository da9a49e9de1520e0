"""Markdown to HTML: a pure function of the text, so results can be cached and computed in parallel.

Cross-links (`[[410]]`) become placeholders that `resolve_links` fills in per language; raw HTML is
escaped; every heading needs an explicit id; only safe URL schemes and attributes pass.
"""

from __future__ import annotations

import html
import re
import sys
import xml.etree.ElementTree as etree
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import markdown
from markdown.extensions import Extension
from markdown.extensions.attr_list import AttrListExtension
from markdown.extensions.fenced_code import FencedBlockPreprocessor, FencedCodeExtension
from markdown.extensions.sane_lists import SaneListExtension
from markdown.extensions.tables import TableExtension
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor

from .highlight import code_highlighting

XLINK_SYNTAX = r"\[\[(\d{3,5})(?:#([a-z][a-z0-9-]*))?(?:\|([^\]\n]+))?\]\]"
_PLACEHOLDER = re.compile(r'<a data-xlink="(\d{3,5})(#[a-z0-9-]*)?">(.*?)</a>', re.DOTALL)
_SAFE_SCHEMES = {"", "http", "https", "mailto"}
_ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "data-xlink"},
    "img": {"src", "alt", "title"},
    "code": {"class"},
    "th": {"class"},
    "td": {"class"},
}
_ALIGN = re.compile(r"^text-align: (left|right|center);?$")
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_ID = re.compile(r"^[a-z][a-z0-9-]*$")
MAX_BRACKETS = 500
MAX_INDENT = 80
# Limits measured with Python-Markdown 3.11 (tests/test_robustness.py): a page far below them renders
# in well under a second at the size limit; the real site's pages use at most about a tenth.
MAX_BACKTICKS = 2000  # each unmatched run of backticks scans the rest of its paragraph
MAX_BACKTICK_RUN = 8  # runs of many lengths: 80 KB of them took 5 s, 320 KB 50 s
MAX_EMPHASIS = 2000  # '*' and '_': 40 KB of '*a' took 1.4 s, so 512 KB would take about 18 s
MAX_NESTING = 20  # list or quote markers opening one line: 5,000 of '- ' took 2-6 s to fail
# Each inline match rebuilds its text node, so a block's cost is its matches times its length:
# 80 KB of hard line breaks in one paragraph took 10 s.
MAX_BLOCK = 20_000  # characters between blank lines (the real site's longest is 2,264)
MAX_INLINE = 2000  # backslash escapes, entities, '<' and hard line breaks
_BACKTICK_RUN = re.compile("`" * (MAX_BACKTICK_RUN + 1) + "+")
_MARKER = r"[ \t]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+|>[ \t]*)"
_MARKERS = re.compile(f"(?:{_MARKER})+")
_RULE = re.compile(r"[ \t]*([-*_])(?:[ \t]*\1)*[ \t]*")


@dataclass(frozen=True)
class XLink:
    """A cross-link found in a body: target code, optional fragment, optional own text."""

    code: int
    fragment: str
    source: str


@dataclass(frozen=True)
class Rendered:
    """A body rendered to HTML with cross-link placeholders, and what the checks need to know of it."""

    html: str
    ids: tuple[str, ...]
    links: tuple[XLink, ...]
    blocks: tuple[str, ...]
    problems: tuple[tuple[str, str], ...]  # (text to find the line by, message)


@dataclass
class _Findings:
    """What one conversion found: cross-links, heading ids, problems."""

    links: list[XLink] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)


class _CrossLinks(InlineProcessor):
    """`[[404]]`, `[[404#vs-410]]`, `[[404|text]]` -> placeholder anchors."""

    def __init__(self, md: markdown.Markdown, found: _Strict) -> None:
        super().__init__(XLINK_SYNTAX, md)
        self.found = found

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[etree.Element, int, int]:  # type: ignore[override]  # noqa: N802
        element = etree.Element("a")
        element.set("data-xlink", m.group(1) + (f"#{m.group(2)}" if m.group(2) else ""))
        element.text = m.group(3) or ""
        # section ids repeat on every page ('when', 'example'): one string each saves memory
        self.found.findings.links.append(XLink(int(m.group(1)), sys.intern(m.group(2) or ""), m.group(0)))
        return element, m.start(0), m.end(0)


class _Checks(Treeprocessor):
    """Collect heading ids; refuse headings without ids, unsafe URLs and unknown attributes."""

    def __init__(self, md: markdown.Markdown, found: _Strict) -> None:
        super().__init__(md)
        self.found = found

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            if element.tag in _HEADINGS:
                self._heading(element)
            allowed = _ALLOWED_ATTRIBUTES.get(element.tag, {"id"} if element.tag in _HEADINGS else set())
            align = _ALIGN.match(element.get("style", "")) if element.tag in ("th", "td") else None
            if align:  # the CSP forbids inline styles: table alignment becomes a class
                del element.attrib["style"]
                element.set("class", f"align-{align.group(1)}")
            for name, value in list(element.attrib.items()):
                if name not in allowed:
                    self._problem(f"{name}=", f"attribute '{name}' is not allowed in Markdown")
                    del element.attrib[name]
                elif name in ("href", "src") and not _safe_url(value):
                    self._problem(value, f"unsafe URL '{value}': use https:, http:, mailto: or a relative link")
                    element.set(name, "#")

    def _heading(self, element: etree.Element) -> None:
        text = "".join(element.itertext()).strip()
        if element.tag == "h1":
            self._problem(text, "use '##' headings: '#' is the page title")
        heading_id = element.get("id", "")
        if not heading_id:
            self._problem(text, f"heading '{text}' needs an id: add {{#some-id}}")
        elif not _ID.match(heading_id):
            self._problem(heading_id, f"heading id '{heading_id}' must be lowercase ASCII letters, digits and '-'")
        elif heading_id in self.found.findings.ids:
            self._problem(heading_id, f"heading id '{heading_id}' is used twice")
        else:
            self.found.findings.ids.append(heading_id)

    def _problem(self, needle: str, message: str) -> None:
        self.found.findings.problems.append((needle, message))


def _safe_url(url: str) -> bool:
    """True for http(s), mailto and relative URLs, after removing what browsers ignore."""
    cleaned = re.sub(r"[\x00-\x20\x7f]", "", html.unescape(url))
    try:
        return urlsplit(cleaned).scheme.lower() in _SAFE_SCHEMES
    except ValueError:
        return False


class _Strict(Extension):
    """The project's rules, through Python-Markdown's public extension API: raw HTML escaped,
    cross-links, and the checks; it keeps what a conversion found until the next `reset`."""

    def __init__(self) -> None:
        super().__init__()
        self.findings = _Findings()

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802
        md.registerExtension(self)  # so that md.reset() resets the findings too
        # Raw HTML is escaped, never passed through: contributors' text reaches readers as text.
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.inlinePatterns.register(_CrossLinks(md, self), "xlink", 175)
        md.treeprocessors.register(_Checks(md, self), "checks", 0)

    def reset(self) -> None:
        self.findings = _Findings()


class Converter:
    """A reusable Markdown converter with the project's extensions (making one is slow)."""

    def __init__(self) -> None:
        self.strict = _Strict()
        self.md = markdown.Markdown(
            extensions=[
                FencedCodeExtension(),
                code_highlighting(),
                TableExtension(),
                AttrListExtension(),
                SaneListExtension(),
                self.strict,
            ]
        )

    def render(self, text: str) -> Rendered:
        """Render a page body."""
        refused = _refuse(text)
        if refused:
            return Rendered("", ids=(), links=(), blocks=(), problems=(refused,))
        self.md.reset()
        try:
            body = self.md.convert(text)
        except RecursionError:  # Python-Markdown recurses per nesting level (lists, quotes)
            self.md.reset()
            return Rendered(
                "",
                ids=(),
                links=(),
                blocks=(),
                problems=((text.strip()[:40], "Markdown is nested too deeply to render"),),
            )
        found = self.strict.findings
        blocks = tuple(m.group("code") for m in FencedBlockPreprocessor.FENCED_BLOCK_RE.finditer(text))
        problems = (*found.problems, *malformed_links(body))
        return Rendered(
            body,
            ids=tuple(sys.intern(i) for i in found.ids),
            links=tuple(found.links),
            blocks=blocks,
            problems=problems,
        )


_shared: list[Converter] = []


def render_markdown(text: str) -> Rendered:
    """Render a page body with this process's converter."""
    if not _shared:
        _shared.append(Converter())
    return _shared[0].render(text)


def _refuse(text: str) -> tuple[str, str] | None:
    """Input that would make Python-Markdown take seconds or recurse too deep: (needle, message)."""
    prose = FencedBlockPreprocessor.FENCED_BLOCK_RE.sub("", text)
    brackets = prose.count("[")
    if brackets > MAX_BRACKETS:  # its link parsing is quadratic in unmatched '['
        return "[", f"{brackets} '[' outside code blocks; a page may have at most {MAX_BRACKETS}"
    backticks = prose.count("`")
    if backticks > MAX_BACKTICKS:
        return "`", f"{backticks} backticks outside code blocks; a page may have at most {MAX_BACKTICKS}"
    run = _BACKTICK_RUN.search(prose)
    if run:
        return run.group(
            0
        ), f"a run of {len(run.group(0))} backticks; code spans may use at most {MAX_BACKTICK_RUN} (use a fenced block)"
    emphasis = prose.count("*") + prose.count("_")
    if emphasis > MAX_EMPHASIS:
        return (
            "*" if "*" in prose else "_",
            f"{emphasis} '*' and '_' outside code blocks; a page may have at most {MAX_EMPHASIS}",
        )
    inline = prose.count("\\") + prose.count("&") + prose.count("<") + prose.count("  \n")
    if inline > MAX_INLINE:
        return (
            "\\",
            f"{inline} backslashes, '&', '<' and hard line breaks outside code blocks; a page may have at most {MAX_INLINE}",
        )
    longest = max(re.split(r"\n[ \t]*\n", prose), key=len)
    if len(longest) > MAX_BLOCK:
        return longest[
            :40
        ], f"a paragraph or block of {len(longest)} characters; split it with blank lines (at most {MAX_BLOCK})"
    for line in prose.split("\n"):
        indent = len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip(" "))
        if indent > MAX_INDENT:  # each level of list nesting is a level of recursion
            return line, f"line indented {indent} spaces; nesting may go {MAX_INDENT // 4} levels deep at most"
        opening = _MARKERS.match(line)
        if opening and len(re.findall(_MARKER, opening.group(0))) > MAX_NESTING and not _RULE.fullmatch(line):
            return (
                line,
                f"line opens more than {MAX_NESTING} nested lists or quotes; nesting may go {MAX_NESTING} levels deep at most",
            )
    return None


_CODE_HTML = re.compile(r"<(pre|code)\b[^>]*>.*?</\1>", re.DOTALL)
_XLINK_LIKE = re.compile(r"\[\[[^\]\n<]{0,60}(?:\]\])?")


def malformed_links(body: str) -> list[tuple[str, str]]:
    """(needle, message) for each '[[' left in the rendered prose (code aside): a well-formed
    cross-link has become a placeholder, so what remains is a malformed one that would
    otherwise reach readers as plain text."""
    problems = []
    for match in _XLINK_LIKE.finditer(_CODE_HTML.sub("", body)):
        shown = html.unescape(match.group(0))
        problems.append(
            (
                shown,
                f"malformed cross-link '{shown}': write [[404]], [[404#section-id]] (a lowercase id) or [[404|text]]",
            )
        )
    return problems


def resolve_links(body: str, target: Callable[[int, str], tuple[str, str]]) -> str:
    """Fill cross-link placeholders: `target(code, fragment)` gives (url, default text)."""

    def replace(m: re.Match[str]) -> str:
        url, default_text = target(int(m.group(1)), (m.group(2) or "")[1:])
        text = m.group(3) or html.escape(default_text)
        return f'<a href="{html.escape(url)}">{text}</a>'

    return _PLACEHOLDER.sub(replace, body)
