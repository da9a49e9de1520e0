"""Shared fixtures: tiny projects in tmp_path, built in memory or through the CLI."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sitekit import default_files, stamp_all, write_project  # noqa: E402

from generator.build import Built, build_site  # noqa: E402
from generator.cli import main  # noqa: E402


@pytest.fixture(autouse=True)
def _fixed_date(monkeypatch: pytest.MonkeyPatch) -> None:
    """Builds in tests use a fixed date, like CI's SOURCE_DATE_EPOCH."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01


@pytest.fixture
def make_project(tmp_path: Path) -> Callable[..., Path]:
    """Write a project from the defaults plus overrides; translations stamped as current."""

    def make(files: dict[str, str | bytes | None] | None = None, *, stamp: bool = True, name: str = "project") -> Path:
        root = write_project(tmp_path / name, {**default_files(), **(files or {})})
        if stamp:
            stamp_all(root)
        return root

    return make


@pytest.fixture
def built(make_project: Callable[..., Path]) -> Built:
    """The default tiny project, built in memory."""
    return build_site(make_project())


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    """Run the command line; return (exit code, stdout, stderr)."""

    def run(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return run
