"""A new language from start to finish in a temporary git copy of the project: init, partial
translation, lint, stamp, an English edit, diff and update, each step through the command line."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

from generator.build import build_site

ROOT = Path(__file__).resolve().parent.parent
Cli = Callable[..., tuple[int, str, str]]

GERMAN_RULES = r"""
language = "German"

[[term]]
english = "status code"
preferred = "Statuscode"
avoid = ["Status-Code"]

[[punctuation]]
pattern = 'z\.B\.'
message = "write z. B. (with a space)"
"""


def git(root: Path, *args: str) -> str:
    """Run git in the copy, as a translator's clone would."""
    done = subprocess.run(
        [
            "git",
            "-c",
            "user.name=Translator",
            "-c",
            "user.email=translator@example.org",
            "-c",
            "commit.gpgsign=false",
            *args,
        ],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def copy_project(tmp_path: Path, *, history: bool) -> Path:
    """The project's input files in a temporary folder, optionally as a fresh git repository."""
    root = tmp_path / "copy"
    for name in ("content", "templates", "locales"):
        shutil.copytree(ROOT / name, root / name)
    shutil.copy(ROOT / "site.toml", root / "site.toml")
    if history:
        git(root, "init", "-q")
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "the project")
    return root


def german_404(root: Path, *, drop_section: bool = False, term: str = "Statuscode", example: str = "z. B.") -> str:
    """A partial German translation of the 404 page: headings and summary in German."""
    text = (root / "content/en/404.md").read_text()
    text = re.sub(
        r"^summary = .*$",
        f'phrase = "Nicht gefunden"\nsummary = "Der {term} sagt {example}: hier ist nichts."',
        text,
        count=1,
        flags=re.M,
    )
    for english, german in [
        ("What it means", "Was er bedeutet"),
        ("When servers send it", "Wann Server ihn senden"),
        ("Example", "Beispiel"),
    ]:
        text = text.replace(f"## {english} {{#", f"## {german} {{#")
    if drop_section:
        text = text[: text.index("## 404 or 410?")]
    return text


def no_python_reprs(text: str) -> bool:
    """Messages for translators carry no Python lists, tuples or tracebacks."""
    return "Traceback" not in text and not re.search(r"\[\(|\('|\['", text)


def test_a_new_language_from_init_to_update(tmp_path: Path, cli: Cli) -> None:
    root = copy_project(tmp_path, history=True)
    run = lambda *args: cli("--root", str(root), *args)  # noqa: E731 - a short alias

    # init: catalog, content folder, site.toml table; then rules of its own, as data
    code, out, err = run("i18n", "init", "de")
    assert code == 0, err
    assert out == "Added de: locales/de/LC_MESSAGES/messages.po, content/de/, [languages.de] in site.toml\n"
    (root / "locales/de/glossary.toml").write_text(GERMAN_RULES)

    # a partial translation: one page, with a section left out and a word the glossary forbids
    page = root / "content/de/404.md"
    page.write_text(german_404(root, drop_section=True, term="Status-Code", example="z.B."))
    code, out, err = run("check")
    assert code == 65 and no_python_reprs(err)
    causes = (
        page.read_text().split("\n").index(next(x for x in page.read_text().split("\n") if x.endswith("{#causes}"))) + 1
    )
    assert (
        f"content/de/404.md:{causes}: section #vs-410 of the English page is missing: add its heading with {{#vs-410}} after #causes"
        in err
    )
    assert "cross-link [[410]] of the English page is missing" not in err  # 410 is linked earlier too
    code, out, err = run("i18n", "stamp", "de", "404")
    assert code == 65 and "source_hash" not in page.read_text()
    assert "section #vs-410 of the English page is missing" in err
    assert (
        err.splitlines()[-1]
        == "nothing stamped: content/de/404.md must match the English page first (fix the problems above)"
    )

    # lint: the glossary's word and the punctuation rule, one `path:line: message` line each
    code, out, err = run("i18n", "lint", "de")
    assert code == 1
    assert (
        out
        == "content/de/404.md:3: «Status-Code»: write «Statuscode» (status code)\ncontent/de/404.md:3: «z.B.»: write z. B. (with a space)\n"
    )
    assert err == "2 findings in 1 page\n"

    # fixed: complete structure, glossary word; lint and check are clean, the page is new
    page.write_text(german_404(root))
    assert run("i18n", "lint", "de")[:2] == (0, "")
    code, out, err = run("check")
    assert code == 0 and "content/de/404.md" not in out, out
    code, out, _ = run("i18n", "status")
    pages = len(list((root / "content/en").glob("*.md")))
    assert re.search(rf"^de\s+1/{pages}\s+1\s+0\s+{pages - 1}\s+\d+%$", out, re.M) and "  de/404: new" in out
    built = build_site(root, search=False).files["de/404/index.html"].decode()
    assert "Nicht gefunden" in built and "English original of this page has changed" not in built
    code, out, err = run("i18n", "diff", "de", "404")
    assert code == 65 and "content/de/404.md:1: never stamped, so there is no English version to compare with" in err

    # stamp, and commit the translation
    code, out, err = run("i18n", "stamp", "de", "404")
    assert (code, out) == (0, "stamped content/de/404.md: it translates the English page as it is now\n"), err
    assert re.search(r'^source_hash = "[0-9a-f]{12}"$', page.read_text(), re.M)
    assert re.search(rf"^de\s+1/{pages}\s+0\s+0\s+{pages - 1}\s", run("i18n", "status")[1], re.M)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "German: 404")

    # the English page changes: the translation is outdated, and diff says exactly what changed
    english = root / "content/en/404.md"
    old = "It makes no claim about the future"
    english.write_text(english.read_text().replace(old, "It says nothing about the future"))
    git(root, "commit", "-q", "-am", "English 404: wording")
    code, out, _ = run("i18n", "status")
    assert "  de/404: outdated" in out
    code, out, _ = run("check")
    assert code == 0 and "content/de/404.md:1: warning: translation is outdated" in out
    code, out, err = run("i18n", "diff", "de", "404")
    assert code == 1, err
    lines = out.splitlines()
    assert lines[0].startswith("--- content/en/404.md\tstamped ") and lines[1].startswith("+++ content/en/404.md\tnow ")
    assert [line[:40] for line in lines if line[:1] in "+-" and line[:3] not in ("---", "+++")] == [
        "-404 says that the server could not map ",
        "+404 says that the server could not map ",
    ]
    assert any(old in line and line.startswith("-") for line in lines)
    assert any("It says nothing about the future" in line and line.startswith("+") for line in lines)

    # update the translation and stamp again: current, and diff has nothing to show
    page.write_text(page.read_text().replace(old, "It says nothing about the future"))
    assert run("i18n", "stamp", "de", "404")[0] == 0
    code, out, _ = run("i18n", "diff", "de", "404")
    assert (code, out) == (0, "content/de/404.md: up to date: content/en/404.md has not changed since it was stamped\n")
    assert "de/404" not in run("i18n", "status")[1]


def test_diff_without_history_says_why(tmp_path: Path, cli: Cli) -> None:
    root = copy_project(tmp_path, history=False)
    english = root / "content/en/404.md"
    english.write_text(english.read_text().replace("It makes no claim", "It says nothing"))
    code, out, err = cli("--root", str(root), "i18n", "diff", "zh", "404")
    assert code == 65 and out == ""
    first = err.splitlines()[0]
    assert re.fullmatch(
        r"content/zh/404\.md:\d+: cannot show what changed in English: this copy of the project is not a git clone, .*",
        first,
    ), first


def test_diff_with_a_stamp_missing_from_history(tmp_path: Path, cli: Cli) -> None:
    root = copy_project(tmp_path, history=True)
    page = root / "content/ru/404.md"
    page.write_text(
        re.sub(r'^source_hash = ".*"$', 'source_hash = "0123456789ab"', page.read_text(), count=1, flags=re.M)
    )
    code, _, err = cli("--root", str(root), "i18n", "diff", "ru", "404")
    assert code == 65
    assert "no version of content/en/404.md in the git history has source_hash '0123456789ab'" in err
