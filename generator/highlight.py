"""Syntax highlighting of fenced code blocks: Python-Markdown's codehilite extension with Pygments,
writing CSS classes only (the site's CSP allows no inline styles; style.css colours the classes
for light and dark themes)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from markdown.extensions.codehilite import CodeHiliteExtension
from markupsafe import escape
from pygments.formatters.html import HtmlFormatter


class FocusableHtml(HtmlFormatter):  # type: ignore[type-arg]  # generic only in the stubs
    """Pygments' HTML with a <pre> that takes keyboard focus, so that a block too wide for the
    screen can be scrolled with the arrow keys, and the language as a class of its <code>."""

    def __init__(self, lang_str: str = "", **options: Any) -> None:
        super().__init__(**options)
        self.lang_str = lang_str

    def wrap(self, source: Iterator[tuple[int, str]]) -> Iterator[tuple[int, str]]:
        """The lines inside <pre tabindex="0"><code>, replacing the formatter's own wrapping."""
        language = f' class="{escape(self.lang_str)}"' if self.lang_str else ""
        yield 0, f'<pre tabindex="0"><code{language}>'
        yield from source
        yield 0, "</code></pre>"


_FORMATTERS: dict[tuple[str, str], FocusableHtml] = {}


def formatter(lang_str: str = "", **options: Any) -> FocusableHtml:
    """The formatter for blocks of one language, made once and reused. codehilite accepts any
    callable as `pygments_formatter` and calls it for every block; making an HtmlFormatter builds
    its whole style table, which was most of the cost of highlighting a page."""
    key = (lang_str, repr(sorted(options.items())))
    found = _FORMATTERS.get(key)
    if found is None:
        found = _FORMATTERS[key] = FocusableHtml(lang_str=lang_str, **options)
    return found


def code_highlighting() -> CodeHiliteExtension:
    """The codehilite extension as the site uses it: no guessing of unmarked blocks' language."""
    return CodeHiliteExtension(guess_lang=False, css_class="hl", pygments_formatter=formatter)
