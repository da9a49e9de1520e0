"""Writing: atomic swap, unchanged files kept, unsafe output directories refused."""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.errors import EXIT_INPUT, EXIT_OUTPUT, OutputRefused
from generator.write import MANIFEST, output_lock, staged, write_site


def snapshot(directory: Path) -> dict[str, bytes]:
    return {p.relative_to(directory).as_posix(): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


def test_write_replaces_and_keeps_unchanged_files(tmp_path: Path) -> None:
    out = tmp_path / "site"
    first = write_site(out, {"a.html": b"A", "b/index.html": b"B"}, tmp_path / "project")
    assert first.written == 2
    inode = (out / "a.html").stat().st_ino
    second = write_site(out, {"a.html": b"A", "c.html": b"C"}, tmp_path / "project")
    assert (second.written, second.unchanged, second.removed) == (1, 1, 1)
    digest = hashlib.sha256
    assert snapshot(out) == {
        "a.html": b"A",
        "c.html": b"C",
        MANIFEST: f"a.html {digest(b'A').hexdigest()}\nc.html {digest(b'C').hexdigest()}\n".encode(),
    }
    assert (out / "a.html").stat().st_ino == inode  # not rewritten
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".site.")) == [
        ".site.identities",
        ".site.lock",
        ".site.spare",
    ]
    assert snapshot(tmp_path / ".site.spare") == {
        "a.html": b"A",
        "b/index.html": b"B",
        MANIFEST: f"a.html {digest(b'A').hexdigest()}\nb/index.html {digest(b'B').hexdigest()}\n".encode(),
    }


def test_the_spare_is_brought_up_to_date_and_swapped_in(tmp_path: Path) -> None:
    out, root = tmp_path / "site", tmp_path / "project"
    sites = [
        {"a.html": b"A", "b/index.html": b"B"},
        {"a.html": b"A2", "b/index.html": b"B"},
        {"a.html": b"A3", "c.html": b"C"},
        {"a.html": b"A3", "c.html": b"C"},
    ]
    for files in sites:
        write_site(out, files, root)
        assert {k: v for k, v in snapshot(out).items() if k != MANIFEST} == files
    assert not (tmp_path / ".site.spare/b").exists()  # a folder no file needs goes with it
    inode = (out / "c.html").stat().st_ino
    write_site(out, sites[-1], root)
    assert (out / "c.html").stat().st_ino == inode  # unchanged files keep their inode in both trees


def test_a_file_written_in_pieces_is_kept_when_its_bytes_did_not_change(tmp_path: Path) -> None:
    out, root = tmp_path / "site", tmp_path / "project"

    def write(parts: list[bytes]) -> tuple[int, int]:
        with staged(out, root) as staging:
            staging.add_parts("codes.json", iter(parts))
            stats = staging.commit()
        return stats.written, stats.unchanged

    assert write([b'{"a":', b"1}"]) == (1, 0)
    inode = (out / "codes.json").stat().st_ino
    assert write([b'{"a"', b":1", b"}"]) == (0, 1)  # other pieces, same bytes
    assert (out / "codes.json").stat().st_ino == inode
    assert write([b'{"a":', b"2}"]) == (1, 0)
    assert (out / "codes.json").read_bytes() == b'{"a":2}'
    assert write([b'{"a":', b"2}", b"\n"]) == (1, 0)  # a prefix of the new bytes is not the same file
    assert (out / "codes.json").read_bytes() == b'{"a":2}\n'


def test_cli_build_writes_site_and_summary(
    make_project: Callable[..., Path], cli: Callable[..., tuple[int, str, str]]
) -> None:
    root = make_project()
    code, out, err = cli("--root", str(root), "build")
    assert code == 0, err
    assert (root / "_site" / "index.html").is_file()
    summary = out.splitlines()[-1]
    assert summary.startswith("Built ") and " pages in 3 languages in " in summary


def test_failed_build_leaves_previous_site(
    make_project: Callable[..., Path], cli: Callable[..., tuple[int, str, str]]
) -> None:
    root = make_project()
    assert cli("--root", str(root), "build")[0] == 0
    before = snapshot(root / "_site")
    (root / "content/en/410.md").write_text('+++\nsummary = "x"\n+++\n## A {#meaning}\n\nSee [[999]].\n')
    (root / "content/codes/404.toml").write_text("code = 404\n")
    code, _, err = cli("--root", str(root), "build")
    assert code == EXIT_INPUT
    lines = err.splitlines()
    assert "content/en/410.md:6: link to code 999, which has no page" not in lines  # content errors stop first
    assert lines[0].startswith("content/codes/404.toml:1: missing required key")
    assert lines[-1].endswith("nothing was written.")
    assert "Traceback" not in err
    assert snapshot(root / "_site") == before


@pytest.mark.parametrize("target", [".", "..", "content", "templates", "locales", "content/en"])
def test_output_inside_sources_is_refused(
    make_project: Callable[..., Path], cli: Callable[..., tuple[int, str, str]], target: str
) -> None:
    root = make_project()
    before = snapshot(root)
    code, _, err = cli("--root", str(root), "build", "--out", str(root / target))
    assert code == EXIT_OUTPUT
    assert err.startswith("error: ") and err.count("\n") == 1
    assert snapshot(root) == before


def test_output_with_foreign_files_or_git_is_refused(
    make_project: Callable[..., Path], cli: Callable[..., tuple[int, str, str]], tmp_path: Path
) -> None:
    root = make_project()
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "notes.txt").write_text("mine")
    code, _, err = cli("--root", str(root), "build", "--out", str(docs))
    assert code == EXIT_OUTPUT and "did not write" in err
    assert (docs / "notes.txt").read_text() == "mine"
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    assert cli("--root", str(root), "build", "--out", str(repo))[0] == EXIT_OUTPUT
    link = tmp_path / "link"
    link.symlink_to(root)
    assert cli("--root", str(root), "build", "--out", str(link))[0] == EXIT_OUTPUT
    assert cli("--root", str(root), "build", "--out", "/")[0] == EXIT_OUTPUT
    assert cli("--root", str(root), "build", "--out", str(Path.home()))[0] == EXIT_OUTPUT


def test_a_file_added_to_the_output_later_blocks_the_next_build(
    make_project: Callable[..., Path], cli: Callable[..., tuple[int, str, str]]
) -> None:
    root = make_project()
    assert cli("--root", str(root), "build")[0] == 0
    (root / "_site" / "CNAME").write_text("example.org")
    code, _, err = cli("--root", str(root), "build")
    assert code == EXIT_OUTPUT and "CNAME" in err
    assert (root / "_site" / "CNAME").is_file()


def test_second_concurrent_build_refuses(tmp_path: Path) -> None:
    out = tmp_path / "site"
    with output_lock(out):
        with pytest.raises(OutputRefused, match="another build"):
            write_site(out, {"a.html": b"A"}, tmp_path / "project")
    assert not out.exists()
    assert write_site(out, {"a.html": b"A"}, tmp_path / "project").written == 1


def test_a_spare_left_half_made_by_a_killed_build_is_never_trusted(tmp_path: Path) -> None:
    out, root = tmp_path / "site", tmp_path / "project"
    write_site(out, {"a.html": b"A", "b.html": b"B"}, root)
    write_site(out, {"a.html": b"A", "b.html": b"B2"}, root)
    spare = tmp_path / ".site.spare"
    with pytest.raises(RuntimeError), staged(out, root) as staging:  # killed half-way
        staging.store("a.html", b"A")
        (spare / "b.html").write_bytes(b"half-written")
        raise RuntimeError
    assert not (spare / MANIFEST).exists()
    write_site(out, {"a.html": b"A", "b.html": b"B"}, root)
    assert (out / "b.html").read_bytes() == b"B"
    assert sorted(p.name for p in (out).iterdir()) == [MANIFEST, "a.html", "b.html"]


@pytest.mark.parametrize("where", ["live", "spare"])
def test_a_file_edited_by_hand_in_either_tree_is_written_again(tmp_path: Path, where: str) -> None:
    out, root = tmp_path / "site", tmp_path / "project"
    files = {"a.html": b"A", "b/c.html": b"C"}
    write_site(out, files, root)
    write_site(out, files, root)
    tree = out if where == "live" else tmp_path / ".site.spare"
    (tree / "b/c.html").write_bytes(b"X")  # same size, new bytes
    os.chmod(tree / "a.html", 0o600)
    for _ in range(2):  # the edited tree is the spare in one of these two builds, the live site in the other
        write_site(out, files, root)
        assert (out / "b/c.html").read_bytes() == b"C"
        assert stat.S_IMODE((out / "a.html").stat().st_mode) == 0o644
        assert stat.S_IMODE((out / "b").stat().st_mode) == 0o755


def test_modes_are_normalised_whatever_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o077)
    try:
        write_site(tmp_path / "site", {"a.html": b"A", "b/c.html": b"C"}, tmp_path / "project")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "site/a.html").stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "site/b").stat().st_mode) == 0o755
    assert stat.S_IMODE((tmp_path / "site").stat().st_mode) == 0o755


@pytest.mark.parametrize("name", ["../escape.html", "/abs.html", "a/../../b.html", "a//b.html", "", "a\\b"])
def test_an_output_name_outside_the_site_is_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(OutputRefused, match="output names must be relative paths inside the site"):
        write_site(tmp_path / "site", {name: b"x"}, tmp_path / "project")
    assert not (tmp_path / "escape.html").exists() and not Path("/abs.html").exists()


def test_a_symlinked_folder_in_the_spare_is_not_followed(tmp_path: Path) -> None:
    out, root = tmp_path / "site", tmp_path / "project"
    write_site(out, {"a.html": b"A"}, root)
    write_site(out, {"a.html": b"A"}, root)
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / ".site.spare" / "b").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(OutputRefused, match="leads out of the output"):
        write_site(out, {"a.html": b"A", "b/c.html": b"C"}, root)
    assert list((tmp_path / "elsewhere").iterdir()) == []


@pytest.mark.parametrize("stray", ["folder", "symlink", "file"])
def test_a_stray_folder_or_symlink_in_the_output_counts_as_foreign(tmp_path: Path, stray: str) -> None:
    out, root = tmp_path / "site", tmp_path / "project"
    write_site(out, {"a.html": b"A"}, root)
    if stray == "folder":
        (out / "mine").mkdir()
    elif stray == "symlink":
        (out / "mine").symlink_to(tmp_path)
    else:
        (out / "mine").write_text("x")
    with pytest.raises(OutputRefused, match="did not write, e.g. mine"):
        write_site(out, {"a.html": b"B"}, root)
    assert (out / "a.html").read_bytes() == b"A"


def test_glob_characters_in_the_output_name_touch_nothing_else(tmp_path: Path) -> None:
    root = tmp_path / "project"
    write_site(tmp_path / "site", {"a.html": b"A"}, root)
    write_site(tmp_path / "site", {"a.html": b"A"}, root)
    write_site(tmp_path / "s*", {"a.html": b"B"}, root)
    write_site(tmp_path / "s*", {"a.html": b"C"}, root)
    assert (tmp_path / ".site.spare/a.html").read_bytes() == b"A" and (tmp_path / "site/a.html").read_bytes() == b"A"
    assert (tmp_path / "s*/a.html").read_bytes() == b"C"


def test_no_change_rebuild_is_skipped_until_an_input_or_output_changes(
    make_project: Callable[..., Path], cli: Callable[..., tuple[int, str, str]]
) -> None:
    root = make_project()
    assert cli("--root", str(root), "build")[1].splitlines()[-1].startswith("Built ")
    assert cli("--root", str(root), "build")[1].startswith("Up to date: no input changed")
    page = root / "content/en/410.md"
    page.write_text(page.read_text() + "\nMore.\n")
    assert cli("--root", str(root), "build")[1].startswith("Built ")
    assert "More." in (root / "_site/410/index.html").read_text()
    (root / "_site/410.json").unlink()
    assert cli("--root", str(root), "build")[1].startswith("Built ")
    assert (root / "_site/410.json").is_file()
    good = (root / "_site/410/index.html").read_bytes()
    (root / "_site/410/index.html").write_bytes(good.replace(b"More.", b"Mora."))  # edited by hand, same size
    assert cli("--root", str(root), "build")[1].startswith("Built ")
    assert (root / "_site/410/index.html").read_bytes() == good
    assert cli("--root", str(root), "build", "--base-url", "/sub/")[1].startswith("Built ")
    assert cli("--root", str(root), "build", "--no-cache")[1].startswith("Built ")


def test_an_output_that_cannot_be_written_is_one_line_and_exit_73(
    make_project: Callable[..., Path], cli: Callable[..., tuple[int, str, str]], tmp_path: Path
) -> None:
    root = make_project()
    (tmp_path / "a-file").write_text("x")
    code, _, err = cli("--root", str(root), "build", "--out", str(tmp_path / "a-file" / "site"))
    assert code == EXIT_OUTPUT
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert err.startswith(f"error: {tmp_path / 'a-file'}") and err.rstrip().endswith(
        "nothing was changed in the output"
    )
