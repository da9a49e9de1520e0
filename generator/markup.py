"""Markdown to HTML: a pure function of the text, so results can be cached and computed in parallel.

Cross-links (`[[410]]`) become placeholders that `resolve_links` fills in per language; raw HTML is
escaped; every heading needs an explicit id; only safe URL schemes and attributes pass.
"""

from __future__ import annotations

import html
import re
import sys
import xml.etree.ElementTree as etree
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import markdown
from markdown import blockprocessors, inlinepatterns, treeprocessors, util
from markdown.extensions import Extension
from markdown.extensions.attr_list import AttrListExtension
from markdown.extensions.fenced_code import FencedBlockPreprocessor, FencedCodeExtension
from markdown.extensions.sane_lists import SaneListExtension
from markdown.extensions.tables import TableExtension, TableProcessor
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor

from .highlight import code_highlighting
from .slotted import picklable
from .textfile import pack, unpack

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


@picklable
@dataclass(frozen=True, slots=True)
class XLink:
    """A cross-link found in a body: target code, optional fragment, optional own text."""

    code: int
    fragment: str
    source: str


@picklable
@dataclass(frozen=True, slots=True)
class Rendered:
    """A body rendered to HTML with placeholders, and what the checks need to know of it. The main
    process holds every body of the site until its pages are rendered, so on a large site the HTML
    is kept compressed (textfile.pack), in about a quarter of the memory."""

    packed: bytes | str
    ids: tuple[str, ...]
    links: tuple[XLink, ...]
    blocks: tuple[str, ...]
    problems: tuple[tuple[str, str], ...]  # (text to find the line by, message)

    @classmethod
    def of(cls, html: str, **rest: Any) -> Rendered:
        """Keep `html` (compressed on a large site)."""
        return cls(packed=pack(html), **rest)

    @property
    def html(self) -> str:
        """The HTML, with cross-link placeholders."""
        return unpack(self.packed)


class _CrossLinks(InlineProcessor):
    """`[[404]]`, `[[404#vs-410]]`, `[[404|text]]` -> placeholder anchors."""

    def __init__(self, md: markdown.Markdown) -> None:
        super().__init__(XLINK_SYNTAX, md)

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[etree.Element, int, int]:  # noqa: N802
        element = etree.Element("a")
        element.set("data-xlink", m.group(1) + (f"#{m.group(2)}" if m.group(2) else ""))
        element.text = m.group(3) or ""
        # section ids repeat on every page ('when', 'example'): one string each saves memory
        self.md.found_links.append(XLink(int(m.group(1)), sys.intern(m.group(2) or ""), m.group(0)))
        return element, m.start(0), m.end(0)


# What a text must contain for an inline pattern to match anywhere in it (by the pattern's regex).
# A pattern missing from this table is always tried.
_TRIGGERS: dict[str, tuple[str, ...]] = {
    inlinepatterns.BACKTICK_RE: ("`",),
    inlinepatterns.ESCAPE_RE: ("\\",),
    inlinepatterns.LINK_RE: ("[",),  # also REFERENCE_RE
    inlinepatterns.IMAGE_LINK_RE: ("![",),  # also IMAGE_REFERENCE_RE
    inlinepatterns.AUTOLINK_RE: ("<",),
    inlinepatterns.AUTOMAIL_RE: ("<",),
    inlinepatterns.LINE_BREAK_RE: ("  \n",),
    inlinepatterns.ENTITY_RE: ("&",),
    inlinepatterns.HTML_RE: ("<",),
    XLINK_SYNTAX: ("[[",),
}


def _triggers(pattern: inlinepatterns.Pattern) -> tuple[str, ...] | None:
    """The substrings one of which a text needs for `pattern` to match, or None if unknown."""
    if isinstance(pattern, inlinepatterns.DelimiterProcessor):
        return tuple(pattern.tokens)  # '*' and '_'
    return _TRIGGERS.get(getattr(pattern, "pattern", None))


class _FastInline(treeprocessors.InlineProcessor):
    """Python-Markdown's inline processor, skipping the patterns whose trigger text (a backtick,
    a '[', a '<', ...) does not occur in the rest of a text. The output is the same; most text
    holds none of them, and trying every pattern on every text is most of Markdown's time."""

    def run(self, tree: etree.Element, ancestors: list[str] | None = None) -> etree.Element:
        self._patterns = [(pattern, _triggers(pattern)) for pattern in self.inlinePatterns]
        known = all(triggers is not None for _, triggers in self._patterns)
        self._any = re.compile("|".join(re.escape(t) for _, ts in self._patterns for t in ts)) if known else None
        return super().run(tree, ancestors)

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:  # noqa: N802, N803 - overrides a private method
        if isinstance(data, util.AtomicString) or (self._any is not None and not self._any.search(data)):
            return data  # most text: nothing any pattern could match
        apply = self._InlineProcessor__applyPattern
        # Placeholders put in by a match hold no trigger, so the patterns that can match only
        # become fewer as the text is processed: choosing them once is enough.
        for index in range(patternIndex, len(self._patterns)):
            pattern, triggers = self._patterns[index]
            if triggers is None or any(t in data for t in triggers):
                matched, start = True, 0
                while matched:
                    data, matched, start = apply(pattern, data, index, start)
        return data


class _Checks(Treeprocessor):
    """Collect heading ids; refuse headings without ids, unsafe URLs and unknown attributes."""

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
        elif heading_id in self.md.found_ids:
            self._problem(heading_id, f"heading id '{heading_id}' is used twice")
        else:
            self.md.found_ids.append(heading_id)

    def _problem(self, needle: str, message: str) -> None:
        self.md.found_problems.append((needle, message))


def _safe_url(url: str) -> bool:
    """True for http(s), mailto and relative URLs, after removing what browsers ignore."""
    cleaned = re.sub(r"[\x00-\x20\x7f]", "", html.unescape(url))
    try:
        return urlsplit(cleaned).scheme.lower() in _SAFE_SCHEMES
    except ValueError:
        return False


class _Strict(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802
        # Raw HTML is escaped, never passed through: contributors' text reaches readers as text.
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.inlinePatterns.register(_CrossLinks(md), "xlink", 175)
        md.treeprocessors.register(_Checks(md), "checks", 0)


# Block processors that first look for the one character their pattern cannot match without; the
# stock ones run a regular expression over every block of every body (most of them fail). The
# answer is the same: each check is implied by the processor's own pattern.
class _HashHeader(blockprocessors.HashHeaderProcessor):
    def test(self, parent: Any, block: str) -> bool:
        return "#" in block and super().test(parent, block)


class _HorizontalRule(blockprocessors.HRProcessor):
    def test(self, parent: Any, block: str) -> bool:
        return ("-" in block or "*" in block or "_" in block) and super().test(parent, block)


class _BlockQuote(blockprocessors.BlockQuoteProcessor):
    def test(self, parent: Any, block: str) -> bool:
        return ">" in block and super().test(parent, block)


class _Table(TableProcessor):
    def test(self, parent: Any, block: str) -> bool:
        return "|" in block and super().test(parent, block)  # a header row without '|' is no table


class _Reference(blockprocessors.ReferenceProcessor):
    def run(self, parent: Any, blocks: list[str]) -> bool:
        return "]:" in blocks[0] and super().run(parent, blocks)


# name -> (make the quick processor from the stock one, the priority Python-Markdown gives it)
_QUICK_BLOCKS: dict[str, tuple[Callable[[Any], Any], int]] = {
    "table": (lambda stock: _Table(stock.parser, stock.config), 75),
    "hashheader": (lambda stock: _HashHeader(stock.parser), 70),
    "hr": (lambda stock: _HorizontalRule(stock.parser), 50),
    "quote": (lambda stock: _BlockQuote(stock.parser), 20),
    "reference": (lambda stock: _Reference(stock.parser), 15),
}


def new_markdown(*, fast: bool = True) -> markdown.Markdown:
    """A Markdown converter with the project's extensions (reuse it: creating one is slow).
    `fast=False` is stock Python-Markdown with them, without this module's shortcuts (tests
    compare the two)."""
    # Instances, not names: looking extensions up by name scans every installed package's entry
    # points (about 30 ms in each process that makes a converter).
    md = markdown.Markdown(extensions=[FencedCodeExtension(), code_highlighting(), TableExtension(), AttrListExtension(), SaneListExtension(), _Strict()])
    md.found_links, md.found_ids, md.found_problems = [], [], []
    if fast:
        _quicken(md)
    return md


def _quicken(md: markdown.Markdown) -> None:
    """This module's shortcuts, each giving the same HTML as the stock code it replaces."""
    md.treeprocessors.register(_FastInline(md), "inline", 20)
    blocks = md.parser.blockprocessors
    for name, (quick, priority) in _QUICK_BLOCKS.items():
        blocks.register(quick(blocks[name]), name, priority)
    # `is_block_level` is asked about 60 times per body, and each time lowercased the tag and
    # searched a list of 50 names; the list does not change once the extensions are loaded
    # (md_in_html, which would change it, is not used).
    md.is_block_level = _BlockLevels(md.block_level_elements).__getitem__  # type: ignore[method-assign]
    for registry in (md.preprocessors, blocks, md.treeprocessors, md.inlinePatterns, md.postprocessors):
        registry.__class__ = _Registry


class _Registry(util.Registry):
    """A registry that keeps the ordered list of its items until it changes: Python-Markdown's
    makes the list afresh on every iteration, which is for every block of every body."""

    _items: tuple[Any, ...] | None = None

    def __iter__(self) -> Iterator[Any]:
        if self._items is None:
            self._items = tuple(super().__iter__())
        return iter(self._items)

    def register(self, item: Any, name: str, priority: float) -> None:
        self._items = None
        super().register(item, name, priority)

    def deregister(self, name: str, strict: bool = True) -> None:
        self._items = None
        super().deregister(name, strict)


class _BlockLevels(dict):
    """tag -> is it block-level, worked out as Python-Markdown does the first time a tag is seen."""

    def __init__(self, names: list[str]) -> None:
        super().__init__()
        self.names = frozenset(names)

    def __missing__(self, tag: Any) -> bool:
        level = self[tag] = isinstance(tag, str) and tag.lower().rstrip("/") in self.names
        return level


_shared: list[markdown.Markdown] = []


def render_markdown(text: str, md: markdown.Markdown | None = None) -> Rendered:
    """Render a page body."""
    if md is None:
        if not _shared:
            _shared.append(new_markdown())
        md = _shared[0]
    refused = _refuse(text)
    if refused:
        return Rendered.of("", ids=(), links=(), blocks=(), problems=(refused,))
    md.reset()
    md.found_links, md.found_ids, md.found_problems = [], [], []
    try:
        body = md.convert(text)
    except RecursionError:  # Python-Markdown recurses per nesting level (lists, quotes)
        md.reset()
        return Rendered.of("", ids=(), links=(), blocks=(), problems=((text.strip()[:40], "Markdown is nested too deeply to render"),))
    blocks = tuple(m.group("code") for m in FencedBlockPreprocessor.FENCED_BLOCK_RE.finditer(text))
    return Rendered.of(
        body,
        ids=tuple(sys.intern(i) for i in md.found_ids),
        links=tuple(md.found_links),
        blocks=blocks,
        problems=tuple(md.found_problems),
    )


def _refuse(text: str) -> tuple[str, str] | None:
    """Input that would make Python-Markdown take seconds or recurse too deep: (needle, message)."""
    prose = FencedBlockPreprocessor.FENCED_BLOCK_RE.sub("", text)
    brackets = prose.count("[")
    if brackets > MAX_BRACKETS:  # its link parsing is quadratic in unmatched '['
        return "[", f"{brackets} '[' outside code blocks; a page may have at most {MAX_BRACKETS}"
    for line in prose.split("\n"):
        indent = len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip(" "))
        if indent > MAX_INDENT:  # each level of list nesting is a level of recursion
            return line, f"line indented {indent} spaces; nesting may go {MAX_INDENT // 4} levels deep at most"
    return None


def resolve_links(body: str, target: Callable[[int, str], tuple[str, str]]) -> str:
    """Fill cross-link placeholders: `target(code, fragment)` gives (url, default text)."""

    def replace(m: re.Match[str]) -> str:
        url, default_text = target(int(m.group(1)), (m.group(2) or "")[1:])
        text = m.group(3) or html.escape(default_text)
        return f'<a href="{html.escape(url)}">{text}</a>'

    return _PLACEHOLDER.sub(replace, body)
