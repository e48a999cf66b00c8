"""Every user-facing message is in the kk, ru and en catalogs, translated, with the same
placeholders; and no catalog keeps messages the code no longer uses."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.i18n import LOCALES_DIR, translators
from handlers.i18n import LANGUAGES

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"\{(\w*)\}")
KAZAKH_LETTERS = set("әғқңөұүһі")


def source_messages() -> dict[str | tuple[str, str], str]:
    found: dict[str | tuple[str, str], str] = {}
    for folder in ("bot", "handlers", "jobs"):
        for filename, lineno, message, _comments, _context in extract_from_dir(
            ROOT / folder, method_map=[("**.py", "python")]
        ):
            found[message] = f"{folder}/{filename}:{lineno}"
    return found


def catalog(language: str):
    with (LOCALES_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return read_po(fh, locale=language)


SOURCE = source_messages()


def test_source_has_messages() -> None:
    assert len(SOURCE) > 30


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_complete_and_consistent(language: str) -> None:
    cat = catalog(language)
    problems = []
    for message, where in SOURCE.items():
        msgid = message[0] if isinstance(message, tuple) else message
        entry = cat.get(msgid)
        if entry is None:
            problems.append(f"missing ({where}): {msgid!r}")
            continue
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if entry.fuzzy or not all(strings):
            problems.append(f"untranslated or fuzzy ({where}): {msgid!r}")
            continue
        ids = message if isinstance(message, tuple) else (message,)
        wanted = set().union(*(PLACEHOLDER.findall(i) for i in ids)) - {"n"}
        for string in strings:
            got = set(PLACEHOLDER.findall(string)) - {"n"}
            if got != wanted:
                problems.append(f"placeholders {sorted(got)} != {sorted(wanted)} in {msgid!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_stale_messages(language: str) -> None:
    ids = {m[0] if isinstance(m, tuple) else m for m in SOURCE}
    stale = [m.id for m in catalog(language) if m.id and (m.id[0] if isinstance(m.id, tuple) else m.id) not in ids]
    assert not stale, f"{language}: messages no longer in the code: {stale[:5]}"


def test_kazakh_is_kazakh() -> None:
    """Kazakh strings are in Cyrillic with Kazakh letters, never Latin look-alikes inside words."""
    kk = catalog("kk")
    texts = [m.string for m in kk if m.id and isinstance(m.string, str)]
    joined = "".join(texts)
    assert KAZAKH_LETTERS & set(joined)
    mixed = [t for t in texts if re.search(r"[а-яәғқңөұүһі][a-z]|[a-z][а-яәғқңөұүһі]", t, re.I)]
    assert not mixed, mixed[:3]


def test_plural_forms() -> None:
    assert translators()["ru"]._t.plural(5) == 2  # type: ignore[attr-defined]
    assert catalog("kk").num_plurals == 2
