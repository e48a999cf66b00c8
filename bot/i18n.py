"""Loads the gettext catalogs. A compiled .mo that is newer than its .po is used (the Docker image
compiles them at build); otherwise the .po is compiled in memory, so that no manual step is needed."""

from __future__ import annotations

import gettext
import io
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from handlers.i18n import LANGUAGES, Translator

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"


def _load(language: str) -> gettext.NullTranslations:
    po = LOCALES_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    mo = po.with_suffix(".mo")
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as fh:
            return gettext.GNUTranslations(fh)
    if not po.exists():
        return gettext.NullTranslations()
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def compile_catalogs() -> list[Path]:
    """Write .mo files next to the .po files (used by the Docker build)."""
    written = []
    for language in LANGUAGES:
        po = LOCALES_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=language)
        with po.with_suffix(".mo").open("wb") as fh:
            write_mo(fh, catalog)
        written.append(po.with_suffix(".mo"))
    return written


@cache
def translators() -> dict[str, Translator]:
    return {language: Translator(language, _load(language)) for language in LANGUAGES}
