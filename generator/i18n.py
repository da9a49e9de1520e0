"""Translator commands: extract, update, compile, status, init, stamp, diff, lint, glossary.
None needs Python edits; each behaves as a Unix tool (pipes, exit codes, no tracebacks)."""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import io
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from .build import site_date
from .catalogs import DOMAIN, catalog_path, complete, coverage, load_catalogs, template_path
from .config import Language, SiteConfig, load_config, parse_config
from .content import Content, load_content
from .errors import EXIT_INPUT, EXIT_OUTPUT, InputError, Problem, display_path
from .frontmatter import parse_document
from .i18nlint import glossary_rows, lint, load_rules, rules_path
from .markup import Rendered, render_markdown
from .site import MISSING, NEW, OUTDATED, SOURCE, TRANSLATED, body_problems, source_hash, text_hash, translation_states
from .textfile import read_text

PROJECT = "http-status-reference"
_METHODS = [("**.html", "jinja2")]
_OPTIONS = {"**.html": {"extensions": "jinja2.ext.i18n", "silent": "false"}}
EXIT_FINDINGS = 1  # lint found something, diff shows a change: like grep(1) and diff(1)
EXIT_PIPE = 128 + 13  # the reader of our output went away (SIGPIPE), as a shell reports it
_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{1,8})*$")
_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")


def run(root: Path, args: argparse.Namespace) -> int:
    """Dispatch `python -m generator i18n <action>`; turn pipes closed early, interrupts and file
    errors into exit codes and one-line messages."""
    actions: dict[str, Callable[[Path, argparse.Namespace], int]] = {
        "extract": extract,
        "update": update,
        "compile": compile_,
        "status": status,
        "init": init,
        "stamp": stamp,
        "diff": diff,
        "lint": lint_command,
        "glossary": glossary,
    }
    try:
        code = actions[args.action](root, args)
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        # `i18n status | head`: what was asked for was read; flushing again at exit would fail too.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_PIPE
    except KeyboardInterrupt:
        return 128 + 2
    except OSError as error:
        where = display_path(Path(error.filename), root) if error.filename else "i18n"
        print(f"{where}: {error.strerror or error}", file=sys.stderr)
        return EXIT_OUTPUT


def _date(root: Path) -> dt.datetime:
    """A deterministic creation date for catalogs."""
    day = site_date(root) or dt.date(1970, 1, 1)
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def extract_catalog(root: Path) -> Catalog:
    """Every translatable string in the templates."""
    catalog = Catalog(project=PROJECT, domain=DOMAIN, creation_date=_date(root), fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
        str(root / "templates"), method_map=_METHODS, options_map=_OPTIONS
    ):
        catalog.add(message, None, [(f"templates/{filename}", lineno)], auto_comments=comments, context=context)
    return catalog


def _pot_text(catalog: Catalog) -> str:
    """The template file's text for a catalog."""
    buffer = io.BytesIO()
    write_po(buffer, catalog, sort_output=True, width=100, omit_header=False)
    return buffer.getvalue().decode("utf-8")


def _without_date(text: str) -> str:
    """A template's text without its creation date (it changes with the build date, not the strings)."""
    return re.sub(r'^"POT-Creation-Date: .*\\n"$', "", text, flags=re.MULTILINE)


def pot_problems(root: Path) -> list[Problem]:
    """A problem when locales/messages.pot differs from what `i18n extract` would write."""
    path = template_path(root)
    shown = display_path(path, root)
    if not path.is_file():
        return [Problem(shown, 1, "missing: run `python -m generator i18n extract`")]
    if _without_date(read_text(path, root)) != _without_date(_pot_text(extract_catalog(root))):
        return [
            Problem(
                shown, 1, "out of date with the templates: run `python -m generator i18n extract`, then `i18n update`"
            )
        ]
    return []


def extract(root: Path, args: argparse.Namespace) -> int:
    """Write locales/messages.pot; with --check, only say whether it is up to date (exit 1 if not)."""
    if args.check:
        problems = pot_problems(root)
        for problem in problems:
            print(problem)
        return EXIT_FINDINGS if problems else 0
    catalog = extract_catalog(root)
    path = template_path(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_pot_text(catalog), encoding="utf-8")
    print(f"{display_path(path, root)}: {len([m for m in catalog if m.id])} messages")
    return 0


def update(root: Path, args: argparse.Namespace) -> int:
    """Merge the template into every non-default language's catalog (new strings, removed ones)."""
    config = load_config(root)
    template = _template(root)
    if template is None:
        raise InputError(
            [
                Problem(
                    display_path(template_path(root), root), 1, "missing: run `python -m generator i18n extract` first"
                )
            ]
        )
    for lang in config.languages:
        if lang.code == config.default_language:
            continue
        path = catalog_path(root, lang)
        if path.is_file():
            with path.open("rb") as handle:
                catalog = read_po(handle, locale=lang.babel)
        else:
            catalog = Catalog(locale=lang.babel, project=PROJECT, domain=DOMAIN, creation_date=_date(root))
        catalog.update(template, update_header_comment=False)
        _write_catalog(path, catalog)
        cover = coverage(catalog, template)
        print(f"{display_path(path, root)}: {cover.translated} of {cover.total} translated")
    return 0


def _write_catalog(path: Path, catalog: Catalog, *, new: bool = False) -> None:
    """Write a catalog; `new` refuses to replace an existing file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("xb" if new else "wb") as handle:
        write_po(handle, catalog, sort_output=True, width=100, ignore_obsolete=True)


def compile_(root: Path, args: argparse.Namespace) -> int:
    """Check every catalog strictly and print its statistics (catalogs compile in memory at build)."""
    config = load_config(root)
    catalogs = load_catalogs(config)
    template = _template(root)
    for code, catalog in catalogs.items():
        cover = coverage(catalog, template)
        fuzzy = sum(1 for m in catalog if m.id and m.fuzzy)
        print(f"{code}: {cover.translated} of {cover.total} messages translated ({cover.percent:.0f}%), {fuzzy} fuzzy")
    return 0


def _template(root: Path) -> Catalog | None:
    path = template_path(root)
    if not path.is_file():
        return None
    return read_po(io.StringIO(read_text(path, root)))


def status(root: Path, args: argparse.Namespace) -> int:
    """Per language: pages translated (of which new, outdated), missing, and catalog coverage."""
    config = load_config(root)
    content = load_content(config)
    catalogs = load_catalogs(config)
    template = _template(root)
    states = translation_states(config, content)
    total = len(content.page_keys)
    print(f"{'language':<10} {'translated':>10} {'new':>5} {'outdated':>9} {'missing':>8} {'UI strings':>11}")
    for lang in config.languages:
        mine = [states[(lang.code, k)] for k in content.page_keys]
        done = sum(1 for s in mine if s in (SOURCE, *TRANSLATED))
        cover = (
            100.0
            if lang.code == config.default_language
            else (coverage(catalogs[lang.code], template).percent if lang.code in catalogs else 0.0)
        )
        print(
            f"{lang.code:<10} {f'{done}/{total}':>10} {mine.count(NEW):>5} {mine.count(OUTDATED):>9} {mine.count(MISSING):>8} {f'{cover:.0f}%':>11}"
        )
    for lang in config.languages:
        for key in content.page_keys:
            state = states[(lang.code, key)]
            if state in (NEW, OUTDATED, MISSING):
                print(f"  {lang.code}/{key}: {state}")
    return 0


def init(root: Path, args: argparse.Namespace) -> int:
    """Scaffold a language: its catalog from the template, its content folder, its site.toml
    table. Everything is checked first; nothing existing is replaced; nothing is written outside
    locales/, content/ and site.toml."""
    config = load_config(root)
    code = args.lang
    here = "site.toml"
    if not _LANGUAGE_CODE.match(code):
        raise InputError(
            [
                Problem(
                    here,
                    1,
                    f"'{_shown(code)}' is not a language code: write it like 'de' or 'pt-br' (lower case; it is also the URL prefix)",
                )
            ]
        )
    if any(lang.code == code or lang.prefix == code for lang in config.languages):
        raise InputError([Problem(here, 1, f"language '{code}' already exists")])
    wanted = args.locale or code
    try:
        locale = Locale.parse(wanted.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        raise InputError(
            [
                Problem(
                    here,
                    1,
                    f"'{_shown(wanted)}' is not a locale Babel knows: give one with --locale, e.g. --locale pt_BR",
                )
            ]
        ) from None
    babel = str(locale)
    tag = args.tag or code
    if not _TAG.match(tag):
        raise InputError([Problem(here, 1, f"'{_shown(tag)}' is not a BCP 47 language tag like 'pt-BR'")])
    sharing = next((lang.code for lang in config.languages if str(Locale.parse(lang.babel)) == babel), None)
    if sharing:
        raise InputError(
            [
                Problem(
                    here,
                    1,
                    f"locale '{babel}' is already the locale of language '{sharing}' (its catalog is {display_path(catalog_path(root, config.language(sharing)), root)})",
                )
            ]
        )
    path = root / "locales" / babel / "LC_MESSAGES" / f"{DOMAIN}.po"
    if path.exists():
        raise InputError(
            [
                Problem(
                    display_path(path, root),
                    1,
                    "already exists and is left alone: remove it, or add the language to site.toml by hand",
                )
            ]
        )
    folder = root / "content" / code
    if folder.exists() and not folder.is_dir():
        raise InputError(
            [Problem(display_path(folder, root), 1, "exists and is not a folder: it is left alone; move it away first")]
        )
    likely = get_global("likely_subtags").get(locale.language, "")
    territory = locale.territory or (likely.split("_")[-1] if likely else locale.language.upper())
    toml = root / "site.toml"
    text = read_text(toml, root)
    table = f'\n[languages.{code}]\nprefix = "{code}"\ntag = "{tag}"\nbabel = "{babel}"\nog = "{locale.language}_{territory}"\n'
    parse_config(text + table, root=root)  # the new site.toml must be valid before anything is written
    catalog = Catalog(locale=babel, project=PROJECT, domain=DOMAIN, creation_date=_date(root))
    template = _template(root)
    if template is not None:
        catalog.update(template, update_header_comment=False)
    _write_catalog(path, catalog, new=True)
    folder.mkdir(parents=True, exist_ok=True)
    temporary = toml.with_name(f".site.toml.{os.getpid()}")
    temporary.write_text(text + table, encoding="utf-8")
    os.replace(temporary, toml)
    print(f"Added {code}: {display_path(path, root)}, content/{code}/, [languages.{code}] in site.toml")
    return 0


def _shown(text: str) -> str:
    """Text from the command line as one printable line (control characters escaped)."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


def _translated_language(config: SiteConfig, code: str) -> Language:
    """The language `code`, which must be one of the site's translations."""
    codes = [lang.code for lang in config.languages if lang.code != config.default_language]
    if code not in codes:
        known = ", ".join(codes) or "none yet"
        raise InputError(
            [
                Problem(
                    "site.toml",
                    1,
                    f"'{_shown(code)}' is not a translated language of this site (translations: {known})",
                )
            ]
        )
    return config.language(code)


def stamp(root: Path, args: argparse.Namespace) -> int:
    """Write source_hash = <hash of the English page> into translations that pass every check
    against the English page; refuse them all if one does not."""
    config = load_config(root)
    content = load_content(config)
    lang = _translated_language(config, args.lang)
    default = config.default_language
    keys = args.keys or [
        k for k in content.page_keys if (p := content.page(lang.code, k)) is not None and not p.source_hash
    ]
    problems = []
    for key in keys:
        if content.page(lang.code, key) is None:
            known = key in content.page_keys
            problems.append(
                Problem(
                    f"content/{lang.code}/{key}.md",
                    1,
                    "not translated yet: there is nothing to stamp"
                    if known
                    else f"no page '{key}' in English (pages are codes like 404, classes like 4xx, and home)",
                )
            )
    if problems:
        raise InputError(problems)
    problems = check_pages(config, content, lang.code, keys)
    if problems:
        for problem in sorted(set(problems)):
            print(problem, file=sys.stderr)
        refused = sorted({p.path for p in problems})
        print(
            f"nothing stamped: {', '.join(refused)} must match the English page first (fix the problems above)",
            file=sys.stderr,
        )
        return EXIT_INPUT
    for key in keys:
        page = content.pages[(lang.code, key)]
        source = content.pages[(default, key)]
        path = root / page.path
        text = path.read_text(encoding="utf-8")
        line = f'source_hash = "{source_hash(source)}"'
        if re.search(r"^source_hash\s*=.*$", text, re.MULTILINE):
            text = re.sub(r"^source_hash\s*=.*$", line, text, count=1, flags=re.MULTILINE)
        else:
            lines = text.split("\n")
            close = next(i for i in range(1, len(lines)) if lines[i].strip() == "+++")
            # Before the first [table] of the front matter, so the key stays a top-level key.
            at = next((i for i in range(1, close) if lines[i].lstrip().startswith("[")), close)
            lines.insert(at, line)
            text = "\n".join(lines)
        path.write_text(text, encoding="utf-8")
        print(f"stamped {page.path}: it translates the English page as it is now")
    if not keys:
        print(f"nothing to stamp: every {lang.code} page is stamped (name pages to stamp them again)")
    for finding in lint(config, [lang]):
        if any(finding.path == content.pages[(lang.code, k)].path for k in keys):
            print(f"{finding.path}:{finding.line}: warning: {finding.message}", file=sys.stderr)
    return 0


def check_pages(config: SiteConfig, content: Content, lang: str, keys: list[str]) -> list[Problem]:
    """Every problem `check` would report for these translated pages, with their structure
    compared with the English page whatever their state."""
    default = config.default_language
    rendered: dict[tuple[str, str], Rendered] = {}
    for key in keys:
        rendered[(lang, key)] = render_markdown(content.pages[(lang, key)].body)
        targets = {key, *(str(link.code) for link in rendered[(lang, key)].links)}
        for target in targets:
            if (default, target) in content.pages and (default, target) not in rendered:
                rendered[(default, target)] = render_markdown(content.pages[(default, target)].body)
    problems = []
    for key in keys:
        problems += body_problems(config, content, rendered, lang, key, structure=True)
    return problems


class NoHistory(Exception):
    """The English version a stamp names cannot be found: why, for the translator."""


def english_version(root: Path, path: Path, wanted: str) -> tuple[str, str, str]:
    """(commit, date, text) of the newest version of an English page in the git history whose
    `source_hash` is `wanted`; NoHistory saying why when there is none."""
    top = Path(_git(root, "rev-parse", "--show-toplevel").decode().strip())
    relative = path.resolve().relative_to(top.resolve()).as_posix()
    log = [
        line.split(" ", 1)
        for line in _git(root, "log", "--format=%H %cs", "--", relative).decode().splitlines()
        if line
    ]
    if log:
        batch = _git(root, "cat-file", "--batch", data="".join(f"{commit}:{relative}\n" for commit, _ in log).encode())
        for (commit, date), blob in zip(log, _batch_blobs(batch), strict=False):
            text = (
                blob.decode("utf-8", errors="replace").removeprefix("\ufeff").replace("\r\n", "\n")
                if blob is not None
                else None
            )
            if text is not None and _hash_of(text, relative) == wanted:
                return commit, date, text
    shallow = _git(root, "rev-parse", "--is-shallow-repository").decode().strip() == "true"
    why = (
        "this clone is shallow and holds only the latest commits: run `git fetch --unshallow`"
        if shallow
        else "it was stamped from a version never committed, or the stamp was edited by hand"
    )
    raise NoHistory(f"no version of {relative} in the git history has source_hash '{wanted}': {why}")


def _git(root: Path, *command: str, data: bytes | None = None) -> bytes:
    """A git command's output in the project; NoHistory when git or the repository is missing."""
    try:
        done = subprocess.run(["git", *command], cwd=root, input=data, capture_output=True, check=False)
    except FileNotFoundError:
        raise NoHistory("git is not installed, and the English page's history is kept by git") from None
    if done.returncode:
        said = done.stderr.decode("utf-8", errors="replace").strip().splitlines()
        raise NoHistory(
            f"this copy of the project is not a git clone, and the English page's history is kept by git ({said[-1] if said else 'git failed'})"
        )
    return done.stdout


def _batch_blobs(output: bytes) -> list[bytes | None]:
    """The contents `git cat-file --batch` printed, None for each missing object."""
    blobs: list[bytes | None] = []
    rest = output
    while rest:
        header, _, rest = rest.partition(b"\n")
        if header.endswith(b" missing"):
            blobs.append(None)
            continue
        size = int(header.rsplit(b" ", 1)[1])
        blobs.append(rest[:size])
        rest = rest[size + 1 :]
    return blobs


def _hash_of(text: str, path: str) -> str:
    """`source_hash` of an English page's text ('' when it does not parse)."""
    try:
        document = parse_document(text.replace("\r\n", "\n"), path=path)
    except InputError:
        return ""
    title, summary = document.meta.get("title", ""), document.meta.get("summary", "")
    return text_hash(
        title if isinstance(title, str) else "", summary if isinstance(summary, str) else "", document.body
    )


def diff(root: Path, args: argparse.Namespace) -> int:
    """What changed in the English page since the translation was stamped, as a unified diff of
    the English text. Exit 0: nothing changed; 1: the diff is shown."""
    config = load_config(root)
    content = load_content(config)
    lang = _translated_language(config, args.lang)
    key = args.key
    english = content.page(config.default_language, key)
    if english is None:
        raise InputError(
            [
                Problem(
                    f"content/{config.default_language}/{key}.md",
                    1,
                    f"no page '{key}' in English (pages are codes like 404, classes like 4xx, and home)",
                )
            ]
        )
    page = content.page(lang.code, key)
    if page is None:
        raise InputError(
            [Problem(f"content/{lang.code}/{key}.md", 1, f"not translated yet: translate the whole of {english.path}")]
        )
    if not page.source_hash:
        raise InputError(
            [
                Problem(
                    page.path,
                    1,
                    f"never stamped, so there is no English version to compare with: check it against the whole of {english.path}, then `i18n stamp {lang.code} {key}`",
                )
            ]
        )
    now = source_hash(english)
    if page.source_hash == now:
        print(f"{page.path}: up to date: {english.path} has not changed since it was stamped")
        return 0
    english_path = root / english.path
    try:
        commit, date, before = english_version(root, english_path, page.source_hash)
    except NoHistory as why:
        raise InputError(
            [Problem(page.path, _stamp_line(page.meta_text), f"cannot show what changed in English: {why}")]
        ) from None
    after = read_text(english_path, root)
    sys.stdout.writelines(
        difflib.unified_diff(
            before.splitlines(keepends=True),
            after.splitlines(keepends=True),
            fromfile=f"{english.path}\tstamped {page.source_hash} (commit {commit[:10]}, {date})",
            tofile=f"{english.path}\tnow {now}",
        )
    )
    return EXIT_FINDINGS


def _stamp_line(meta_text: str) -> int:
    """The file line of source_hash in a page's front matter."""
    for number, line in enumerate(meta_text.split("\n"), start=1):
        if line.startswith("source_hash"):
            return number
    return 1


def lint_command(root: Path, args: argparse.Namespace) -> int:
    """Print every finding of the languages' rules as `path:line: message`; exit 1 if any."""
    config = load_config(root)
    if args.lang:
        languages = [_translated_language(config, args.lang)]
    else:
        languages = [lang for lang in config.languages if lang.code != config.default_language]
    for lang in languages:
        if not rules_path(root, lang).is_file():
            print(
                f"{lang.code}: no rules ({display_path(rules_path(root, lang), root)} does not exist)", file=sys.stderr
            )
    findings = lint(config, languages)
    for finding in findings:
        print(finding)
    pages = len({f.path for f in findings})
    summary = (
        f"{len(findings)} finding{'s' if len(findings) != 1 else ''} in {pages} page{'s' if pages != 1 else ''}"
        if findings
        else "no findings"
    )
    print(summary, file=sys.stderr)
    return EXIT_FINDINGS if findings else 0


def glossary(root: Path, args: argparse.Namespace) -> int:
    """Print a language's glossary: term, the word to write, the words to avoid, why."""
    config = load_config(root)
    lang = _translated_language(config, args.lang)
    rules = load_rules(root, lang)
    if rules is None:
        raise InputError(
            [
                Problem(
                    display_path(rules_path(root, lang), root),
                    1,
                    f"{lang.code} has no glossary yet: copy another language's and adapt it",
                )
            ]
        )
    print(f"{rules.language} glossary ({rules.path})")
    for row in glossary_rows(rules):
        avoid = f"; not {row['avoid']}" if row["avoid"] else ""
        note = f" — {row['note']}" if row["note"] else ""
        print(f"  {row['term']}: {row['preferred']}{avoid}{note}")
    return 0


def check_warnings(root: Path, config: SiteConfig) -> list[str]:
    """What `check` reports besides errors for translators: lint findings, a stale messages.pot."""
    findings = lint(config, [lang for lang in config.languages if lang.code != config.default_language])
    return [f"{p.path}:{p.line}: warning: {p.message}" for p in (*pot_problems(root), *findings)]


__all__ = ["run", "extract_catalog", "complete", "check_warnings", "pot_problems"]
