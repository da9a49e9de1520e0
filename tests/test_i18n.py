"""Translators' workflow: catalogs, plural forms, language names, a new language with no Python."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

from generator.build import build_site
from generator.config import Language
from generator.i18n import extract_catalog
from generator.render import language_name

ROOT = Path(__file__).resolve().parent.parent


def test_language_names_come_from_cldr_in_their_own_language() -> None:
    names = [
        language_name(Language(code, code, code, babel, "x"))
        for code, babel in [("en", "en"), ("zh", "zh_Hans"), ("ru", "ru"), ("de", "de")]
    ]
    assert names == ["English", "简体中文", "Русский", "Deutsch"]  # CLDR's name for zh_Hans as a whole


def test_russian_plurals_have_three_forms(make_project: Callable[..., Path]) -> None:
    # 0 / 1 / 2 / 5 / 21 codes in a class: CLDR's one, few and many forms.
    files: dict[str, str | bytes | None] = {}
    root = make_project(files)
    counts = {}
    for number in range(1, 23):
        code = 100 + number
        (root / f"content/codes/{code}.toml").write_text(
            f'code = {code}\nrelated = []\ncacheable = false\nbody = true\n\n[[meaning]]\nphrase = "P{code}"\nstatus = "unofficial"\nvendor = "v"\nsource = "https://example.org/"\n'
        )
        (root / f"content/en/{code}.md").write_text(f'+++\nsummary = "s{code}"\n+++\nBody.\n')
        if number in (1, 2, 5, 21):
            page = build_site(root, search=False).files["ru/1xx/index.html"].decode()
            counts[number] = re.search(r'<h2 id="codes">([^<]+)</h2>', page).group(1)
    assert counts == {1: "1 код", 2: "2 кода", 5: "5 кодов", 21: "21 код"}


def test_numbers_and_dates_follow_the_locale(built) -> None:  # noqa: ANN001 - fixture
    assert "1 января 2026\u202fг." in built.files["ru/index.html"].decode()
    assert "2026年1月1日" in built.files["zh/index.html"].decode()


def test_new_language_needs_only_files(tmp_path: Path, cli: Callable[..., tuple[int, str, str]]) -> None:
    root = tmp_path / "copy"
    for name in ("content", "templates", "locales"):
        shutil.copytree(ROOT / name, root / name)
    shutil.copy(ROOT / "site.toml", root / "site.toml")
    code, out, err = cli("--root", str(root), "i18n", "init", "de")
    assert code == 0, err
    assert (root / "locales/de/LC_MESSAGES/messages.po").is_file() and (root / "content/de").is_dir()
    assert '[languages.de]\nprefix = "de"\ntag = "de"\nbabel = "de"\nog = "de_DE"' in (root / "site.toml").read_text()
    catalog = root / "locales/de/LC_MESSAGES/messages.po"
    catalog.write_text(
        catalog.read_text().replace(
            'msgid "Related codes"\nmsgstr ""', 'msgid "Related codes"\nmsgstr "Verwandte Codes"'
        )
    )
    (root / "content/de/404.md").write_text(
        (root / "content/en/404.md").read_text().replace("+++\nsummary", '+++\nphrase = "Nicht gefunden"\nsummary', 1)
    )
    assert cli("--root", str(root), "i18n", "stamp", "de", "404")[0] == 0
    built = build_site(root, search=False, base_url="https://example.org/")
    page = built.files["de/404/index.html"].decode()
    assert '<html lang="de"' in page and "Nicht gefunden" in page and "Verwandte Codes" in page
    fallback = built.files["de/410/index.html"].decode()
    assert '<div class="prose" lang="en">' in fallback and 'hreflang="de"' not in fallback.split("</head>")[0]
    assert 'hreflang="de" href="https://example.org/de/404/"' in built.files["404/index.html"].decode()
    code, out, _ = cli("--root", str(root), "i18n", "status")
    pages = len(list((root / "content/en").glob("*.md")))
    assert re.search(rf"^de\s+1/{pages}\s+0\s+0\s+{pages - 1}\s+\d+%$", out, re.M), out


def test_status_lists_outdated_and_missing(
    make_project: Callable[..., Path], cli: Callable[..., tuple[int, str, str]]
) -> None:
    root = make_project()
    english = root / "content/en/404.md"
    english.write_text(english.read_text() + "\nMore.\n")
    code, out, _ = cli("--root", str(root), "i18n", "status")
    assert code == 0
    assert re.search(r"^zh\s+2/9\s+0\s+1\s+7\s+100%$", out, re.M), out
    assert "  zh/404: outdated" in out and "  ru/410: missing" in out
    page = build_site(root, search=False).files["translations/index.html"].decode()
    assert '<a href="/zh/404/">404</a>' in page


def test_extract_update_compile_round_trip(tmp_path: Path, cli: Callable[..., tuple[int, str, str]]) -> None:
    root = tmp_path / "copy"
    for name in ("templates", "locales"):
        shutil.copytree(ROOT / name, root / name)
    shutil.copy(ROOT / "site.toml", root / "site.toml")
    base = root / "templates/base.html"
    base.write_text(base.read_text().replace("</footer>", "<p>{{ _('A brand new string') }}</p>\n</footer>"))
    strings = sum(1 for message in extract_catalog(ROOT) if message.id)  # every one translated in ru
    assert cli("--root", str(root), "i18n", "extract")[0] == 0
    code, out, _ = cli("--root", str(root), "i18n", "update")
    assert code == 0 and f"locales/ru/LC_MESSAGES/messages.po: {strings} of {strings + 1} translated" in out
    assert 'msgid "A brand new string"\nmsgstr ""' in (root / "locales/ru/LC_MESSAGES/messages.po").read_text()
    code, out, _ = cli("--root", str(root), "i18n", "compile")
    assert f"ru: {strings} of {strings + 1} messages translated ({100 * strings / (strings + 1):.0f}%), 0 fuzzy" in out
