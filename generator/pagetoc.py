"""An article's own contents, for the on-page table of contents: its second-level headings."""

from __future__ import annotations

import html
import re

from markupsafe import Markup

_H2 = re.compile(r'<h2 id="([^"]+)"[^>]*>(.*?)</h2>', re.S)
_TAG = re.compile(r"<[^>]+>")


def headings(body: str | Markup) -> list[tuple[str, str]]:
    """(id, text) of each <h2 id> in rendered Markdown, in order; the text without its markup."""
    return [(anchor, html.unescape(_TAG.sub("", inner)).strip()) for anchor, inner in _H2.findall(str(body))]
