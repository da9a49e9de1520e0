"""Splitting a Markdown page into its TOML front matter and its body."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .errors import InputError, Problem
from .schema import parse_toml

FENCE = "+++"


@dataclass(frozen=True)
class Document:
    """A page's front matter and body; `body_line` is the file line where the body starts."""

    meta: dict[str, Any]
    body: str
    body_line: int
    meta_text: str


def parse_document(text: str, *, path: str) -> Document:
    """Split `+++`-fenced TOML front matter from the Markdown body; line numbers are the file's."""
    if not text.strip():
        raise InputError([Problem(path, 1, "file is empty: it needs +++ front matter +++ and a body")])
    lines = text.split("\n")
    if lines[0].strip() != FENCE:
        raise InputError([Problem(path, 1, f"file must start with a '{FENCE}' front-matter line")])
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == FENCE)
    except StopIteration:
        raise InputError([Problem(path, 1, f"front matter opened here is never closed with '{FENCE}'")]) from None
    meta_text = "\n".join(lines[1:end])
    meta = parse_toml(meta_text, path=path, line_offset=1)
    body = "\n".join(lines[end + 1 :])
    return Document(meta=meta, body=body, body_line=end + 2, meta_text="\n" + meta_text)
