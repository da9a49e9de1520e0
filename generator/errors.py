"""The project's one input-error type, which knows where the problem is."""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

EXIT_INPUT = 65  # sysexits EX_DATAERR: the input is wrong
EXIT_OUTPUT = 73  # sysexits EX_CANTCREAT: the output directory is refused or busy


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in one input file, printed as `path:line: message`."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class InputError(Exception):
    """Raised for input the generator cannot accept; carries every problem found."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self) -> tuple[type, tuple[list[Problem]]]:
        """Pickle by problems, so an error raised in a worker process arrives whole."""
        return (InputError, (self.problems,))


class OutputRefused(Exception):
    """Raised when the output directory is unsafe to replace or busy."""


def display_path(path: Path, root: Path) -> str:
    """A path as the user should see it: relative to the project root where possible."""
    text, base = str(path), str(root)
    if text.startswith(base) and text[len(base) : len(base) + 1] == os.sep:
        return text[len(base) + 1 :].replace(os.sep, "/")  # the usual case, without pathlib's cost
    try:
        return path.relative_to(root).as_posix()  # e.g. root '.', still with no filesystem calls
    except ValueError:
        pass
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A ' (did you mean 'x'?)' hint, or '' when nothing is close."""
    close = difflib.get_close_matches(word, sorted(choices), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def line_of_key(text: str, key: str, *, start: int = 1) -> int:
    """The line (1-based) where a TOML key or table header for `key` stands, at or after `start`."""
    pattern = re.compile(rf"^\s*(?:\[+\s*)?[\"']?{re.escape(key)}[\"']?\s*(?:=|\]|\.)", re.MULTILINE)
    lines = text.splitlines()
    for number in range(start, len(lines) + 1):
        if pattern.match(lines[number - 1]):
            return number
    return start


def line_of_text(text: str, needle: str, *, offset: int = 0) -> int:
    """The line (1-based) of the first occurrence of `needle`, plus `offset`; 1 when absent."""
    index = text.find(needle)
    if index < 0:
        return 1 + offset
    return text.count("\n", 0, index) + 1 + offset
