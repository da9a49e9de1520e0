"""Checking parsed TOML tables against a declared set of keys and types."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from typing import Any

from .errors import Problem, did_you_mean, line_of_key

_CHECKS: dict[str, Any] = {
    "str": lambda v: isinstance(v, str),
    "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "bool": lambda v: isinstance(v, bool),
    "table": lambda v: isinstance(v, dict),
    "list[int]": lambda v: isinstance(v, list) and all(isinstance(x, int) and not isinstance(x, bool) for x in v),
    "list[str]": lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v),
    "list[table]": lambda v: isinstance(v, list) and all(isinstance(x, dict) for x in v),
    "table[str]": lambda v: isinstance(v, dict) and all(isinstance(x, str) for x in v.values()),
}

_NAMES = {
    "str": "a string",
    "int": "an integer",
    "bool": "true or false",
    "table": "a table",
    "list[int]": "a list of integers",
    "list[str]": "a list of strings",
    "list[table]": "an array of tables",
    "table[str]": "a table of strings",
}


@dataclass(frozen=True)
class Field:
    """One allowed key: its type name, whether it is required, and what it means."""

    type: str
    doc: str
    required: bool = False


def check_table(
    table: dict[str, Any],
    fields: dict[str, Field],
    *,
    path: str,
    text: str,
    line: int,
    where: str = "",
) -> list[Problem]:
    """Problems with `table`: unknown keys, missing required keys, wrong types."""
    problems = []
    prefix = f"{where}: " if where else ""
    for key, value in table.items():
        field = fields.get(key)
        if field is None:
            hint = did_you_mean(key, fields)
            problems.append(Problem(path, line_of_key(text, key, start=line), f"{prefix}unknown key '{key}'{hint}"))
        elif not _CHECKS[field.type](value):
            problems.append(
                Problem(path, line_of_key(text, key, start=line), f"{prefix}'{key}' must be {_NAMES[field.type]}")
            )
    for key, field in fields.items():
        if field.required and key not in table:
            problems.append(Problem(path, line, f"{prefix}missing required key '{key}'"))
    return problems


def parse_toml(text: str, *, path: str, line_offset: int = 0) -> dict[str, Any]:
    """Parse TOML text or raise a Problem-carrying error with the line in the file."""
    from .errors import InputError

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        line = getattr(error, "lineno", None)
        if line is None:
            line = _line_from_message(message)
        message = message.split(" (at ")[0]
        raise InputError([Problem(path, line + line_offset, f"invalid TOML: {message}")]) from None
    except RecursionError:  # tomllib recurses once per level of nested arrays and tables
        lines = text.split("\n")
        deepest = max(range(len(lines)), key=lambda i: lines[i].count("[") + lines[i].count("{"))
        raise InputError(
            [Problem(path, deepest + 1 + line_offset, "invalid TOML: arrays or tables nested too deeply")]
        ) from None


def _line_from_message(message: str) -> int:
    """Python 3.11's TOMLDecodeError carries the line only in its message."""
    marker = "(at line "
    if marker in message:
        return int(message.split(marker)[1].split(",")[0].rstrip(")"))
    return 1
