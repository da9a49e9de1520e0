"""The one way in for input files (generator/textfile.py), beyond the bad-input table."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from generator import textfile
from generator.errors import InputError
from generator.render import static_files
from generator.textfile import MAX_FILE_BYTES, list_folder, read_input, read_text, walk_files


def problems(call: object, *args: object) -> list[str]:
    with pytest.raises(InputError) as caught:
        call(*args)  # type: ignore[operator]
    return [str(p) for p in caught.value.problems]


def test_an_unreadable_file_is_an_input_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests run as root, for whom chmod 000 changes nothing: the refusal the kernel would give
    (EACCES on open) is given by a stand-in for os.open instead."""
    page = tmp_path / "page.md"
    page.write_text("text", encoding="utf-8")

    def refuse(*_: object) -> int:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(textfile.os, "open", refuse)
    assert problems(read_text, page, tmp_path) == ["page.md:1: cannot read: Permission denied"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a file whatever its mode; the test above covers it")
def test_a_file_without_read_permission_is_an_input_error(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("text", encoding="utf-8")
    page.chmod(0)
    assert problems(read_text, page, tmp_path) == ["page.md:1: cannot read: Permission denied"]


def test_a_symlink_inside_the_project_is_followed(tmp_path: Path) -> None:
    (tmp_path / "real.md").write_text("text", encoding="utf-8")
    (tmp_path / "link.md").symlink_to("real.md")
    assert read_text(tmp_path / "link.md", tmp_path) == "text"


def test_the_project_root_may_itself_be_reached_through_a_symlink(tmp_path: Path) -> None:
    (tmp_path / "project").mkdir()
    (tmp_path / "project" / "page.md").write_text("text", encoding="utf-8")
    (tmp_path / "alias").symlink_to("project")
    root = tmp_path / "alias"
    assert read_text(root / "page.md", root) == "text"
    assert list_folder(root, root) == [root / "page.md"]


def test_a_file_exactly_at_the_limit_is_read_and_one_byte_more_is_not(tmp_path: Path) -> None:
    (tmp_path / "full").write_bytes(b"a" * MAX_FILE_BYTES)
    (tmp_path / "over").write_bytes(b"a" * (MAX_FILE_BYTES + 1))
    assert len(read_input(tmp_path / "full", tmp_path)) == MAX_FILE_BYTES
    assert problems(read_input, tmp_path / "over", tmp_path) == [
        f"over:1: file is {MAX_FILE_BYTES + 1} bytes, over the limit of {MAX_FILE_BYTES}"
    ]


def test_a_folder_linking_back_into_the_project_is_walked_once(tmp_path: Path) -> None:
    static = tmp_path / "templates" / "static"
    (static / "css").mkdir(parents=True)
    (static / "css" / "site.css").write_text("body{}", encoding="utf-8")
    (static / "again").symlink_to(".")  # a loop that stays inside the project
    assert walk_files(static, tmp_path) == [static / "css" / "site.css"]
    assert static_files(tmp_path) == {"static/css/site.css": b"body{}"}


def test_a_missing_folder_lists_as_empty(tmp_path: Path) -> None:
    assert list_folder(tmp_path / "nowhere", tmp_path) == []
    assert walk_files(tmp_path / "nowhere", tmp_path) == []
