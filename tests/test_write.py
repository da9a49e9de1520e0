"""Writing: atomic swap, unchanged files kept, unsafe output directories refused."""

from __future__ import annotations

import os
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
    assert snapshot(out) == {"a.html": b"A", "c.html": b"C", MANIFEST: b"a.html\nc.html\n"}
    assert (out / "a.html").stat().st_ino == inode  # not rewritten
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site.") and not p.name.endswith(".lock")] == []


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


def test_cli_build_writes_site_and_summary(make_project: Callable[..., Path], cli: Callable[..., tuple[int, str, str]]) -> None:
    root = make_project()
    code, out, err = cli("--root", str(root), "build")
    assert code == 0, err
    assert (root / "_site" / "index.html").is_file()
    summary = out.splitlines()[-1]
    assert summary.startswith("Built ") and " pages in 3 languages in " in summary


def test_failed_build_leaves_previous_site(make_project: Callable[..., Path], cli: Callable[..., tuple[int, str, str]]) -> None:
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
def test_output_inside_sources_is_refused(make_project: Callable[..., Path], cli: Callable[..., tuple[int, str, str]], target: str) -> None:
    root = make_project()
    before = snapshot(root)
    code, _, err = cli("--root", str(root), "build", "--out", str(root / target))
    assert code == EXIT_OUTPUT
    assert err.startswith("error: ") and err.count("\n") == 1
    assert snapshot(root) == before


def test_output_with_foreign_files_or_git_is_refused(make_project: Callable[..., Path], cli: Callable[..., tuple[int, str, str]], tmp_path: Path) -> None:
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


def test_a_file_added_to_the_output_later_blocks_the_next_build(make_project: Callable[..., Path], cli: Callable[..., tuple[int, str, str]]) -> None:
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


def test_stale_staging_from_a_killed_build_is_removed(tmp_path: Path) -> None:
    out = tmp_path / "site"
    write_site(out, {"a.html": b"A"}, tmp_path / "project")
    stale = tmp_path / f".site.staging-{os.getpid() + 100000}"
    (stale / "x").mkdir(parents=True)
    write_site(out, {"a.html": b"B"}, tmp_path / "project")
    assert not stale.exists()
    assert (out / "a.html").read_bytes() == b"B"


def _children() -> set[int]:
    """Live child processes of this process, from /proc/<pid>/stat (Linux)."""
    found: set[int] = set()
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text() if entry.name.isdigit() else ""
        except OSError:
            continue
        if stat and int(stat.rsplit(")", 1)[1].split()[1]) == os.getpid():
            found.add(int(entry.name))
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").is_file(), reason="needs Linux /proc")
def test_the_janitor_is_gone_when_a_write_returns(tmp_path: Path) -> None:
    # A janitor still alive after the build returned could hold the inherited lock (the next
    # build is refused) or remove the next build's staging directory, which has the same name.
    before = _children()
    for attempt in range(20):
        write_site(tmp_path / "site", {"a.html": str(attempt).encode()}, tmp_path / "project")
        assert _children() - before == set()  # (children of earlier tests may end meanwhile)
    assert (tmp_path / "site/a.html").read_text() == "19"


def test_no_change_rebuild_is_skipped_until_an_input_or_output_changes(make_project: Callable[..., Path], cli: Callable[..., tuple[int, str, str]]) -> None:
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
    assert cli("--root", str(root), "build", "--base-url", "/sub/")[1].startswith("Built ")
    assert cli("--root", str(root), "build", "--no-cache")[1].startswith("Built ")
