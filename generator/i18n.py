"""Translator commands: extract, update, compile, status, init, stamp. None needs Python edits."""

from __future__ import annotations

import argparse
import datetime as dt
import re
from pathlib import Path

from babel import Locale
from babel.core import get_global
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from .build import site_date
from .catalogs import DOMAIN, catalog_path, complete, coverage, load_catalogs, template_path
from .config import load_config
from .content import load_content
from .errors import InputError, Problem
from .site import CURRENT, MISSING, OUTDATED, SOURCE, source_hash, translation_states

PROJECT = "http-status-reference"
_METHODS = [("**.html", "jinja2")]
_OPTIONS = {"**.html": {"extensions": "jinja2.ext.i18n", "silent": "false"}}


def run(root: Path, args: argparse.Namespace) -> int:
    """Dispatch `python -m generator i18n <action>`."""
    action = {"extract": extract, "update": update, "compile": compile_, "status": status, "init": init, "stamp": stamp}[args.action]
    return action(root, args)


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


def extract(root: Path, args: argparse.Namespace) -> int:
    """Write locales/messages.pot."""
    catalog = extract_catalog(root)
    path = template_path(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, sort_output=True, width=100, omit_header=False)
    print(f"{path.relative_to(root)}: {len([m for m in catalog if m.id])} messages")
    return 0


def update(root: Path, args: argparse.Namespace) -> int:
    """Merge the template into every non-default language's catalog (new strings, removed ones)."""
    config = load_config(root)
    with template_path(root).open("rb") as handle:
        template = read_po(handle)
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
        print(f"{path.relative_to(root)}: {cover.translated} of {cover.total} translated")
    return 0


def _write_catalog(path: Path, catalog: Catalog) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
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
    with path.open("rb") as handle:
        return read_po(handle)


def status(root: Path, args: argparse.Namespace) -> int:
    """Per language: pages translated / outdated / missing, and catalog coverage."""
    config = load_config(root)
    content = load_content(config)
    catalogs = load_catalogs(config)
    template = _template(root)
    states = translation_states(config, content)
    total = len(content.page_keys)
    print(f"{'language':<10} {'translated':>10} {'outdated':>9} {'missing':>8} {'UI strings':>11}")
    for lang in config.languages:
        mine = [states[(lang.code, k)] for k in content.page_keys]
        done = sum(1 for s in mine if s in (SOURCE, CURRENT, OUTDATED))
        cover = 100.0 if lang.code == config.default_language else (coverage(catalogs[lang.code], template).percent if lang.code in catalogs else 0.0)
        print(f"{lang.code:<10} {f'{done}/{total}':>10} {mine.count(OUTDATED):>9} {mine.count(MISSING):>8} {f'{cover:.0f}%':>11}")
    for lang in config.languages:
        for key in content.page_keys:
            state = states[(lang.code, key)]
            if state in (OUTDATED, MISSING):
                print(f"  {lang.code}/{key}: {state}")
    return 0


def init(root: Path, args: argparse.Namespace) -> int:
    """Scaffold a language: its catalog from the template, its content folder, its site.toml table."""
    config = load_config(root)
    code = args.lang
    if any(lang.code == code for lang in config.languages):
        raise InputError([Problem("site.toml", 1, f"language '{code}' already exists")])
    babel = args.locale or code.replace("-", "_")
    locale = Locale.parse(babel)
    likely = get_global("likely_subtags").get(locale.language, "")
    territory = locale.territory or (likely.split("_")[-1] if likely else locale.language.upper())
    tag = args.tag or code
    catalog = Catalog(locale=babel, project=PROJECT, domain=DOMAIN, creation_date=_date(root))
    template = _template(root)
    if template is not None:
        catalog.update(template, update_header_comment=False)
    path = root / "locales" / babel / "LC_MESSAGES" / f"{DOMAIN}.po"
    _write_catalog(path, catalog)
    (root / "content" / code).mkdir(parents=True, exist_ok=True)
    with (root / "site.toml").open("a", encoding="utf-8") as handle:
        handle.write(f'\n[languages.{code}]\nprefix = "{code}"\ntag = "{tag}"\nbabel = "{babel}"\nog = "{locale.language}_{territory}"\n')
    print(f"Added {code}: {path.relative_to(root)}, content/{code}/, [languages.{code}] in site.toml")
    return 0


def stamp(root: Path, args: argparse.Namespace) -> int:
    """Write source_hash = <hash of the English page> into translations."""
    config = load_config(root)
    content = load_content(config)
    default = config.default_language
    if args.lang == default or args.lang not in {lang.code for lang in config.languages}:
        raise InputError([Problem("site.toml", 1, f"'{args.lang}' is not a translated language")])
    keys = args.keys or [k for k in content.page_keys if (p := content.page(args.lang, k)) is not None and not p.source_hash]
    for key in keys:
        page = content.page(args.lang, key)
        source = content.page(default, key)
        if page is None or source is None:
            raise InputError([Problem(f"content/{args.lang}/{key}.md", 1, "no such translated page")])
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
        print(f"stamped {page.path}")
    return 0


__all__ = ["run", "extract_catalog", "complete"]
