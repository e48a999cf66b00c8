"""Translation and locale formatting as flows see it: one `Translator` per language.

`N_` marks a message for extraction where it is defined (menu labels, status names) and leaves it
untranslated until a `Translator` is at hand."""

from __future__ import annotations

import gettext
from datetime import date, datetime
from importlib.resources import files
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_time
from babel.numbers import format_decimal, format_percent

LANGUAGES: tuple[str, ...] = ("kk", "ru", "en")
DEFAULT_LANGUAGE = "ru"
LANGUAGE_NAMES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}


def _kazakhstan_zone() -> ZoneInfo:
    """UTC+5 from the tzdata package, not the system's files: slim images have none, and tzdata
    before 2024a still puts Almaty at UTC+6."""
    with files("tzdata.zoneinfo").joinpath("Asia/Almaty").open("rb") as fh:
        return ZoneInfo.from_file(fh, key="Asia/Almaty")


KZ_TZ = _kazakhstan_zone()


def N_(message: str) -> str:
    return message


def guess_language(hint: str | None) -> str | None:
    """Telegram's language_code ('kk', 'ru-RU', 'en') to one of ours, or None."""
    if not hint:
        return None
    code = hint.lower().replace("_", "-").split("-")[0]
    return code if code in LANGUAGES else None


class Translator:
    def __init__(self, language: str, translations: gettext.NullTranslations) -> None:
        self.language = language
        self._t = translations

    def _(self, message: str, /, **params: object) -> str:
        text = self._t.gettext(message)
        return text.format(**params) if params else text

    def ngettext(self, singular: str, plural: str, n: int, /, **params: object) -> str:
        return self._t.ngettext(singular, plural, n).format(n=n, **params)

    def datetime(self, value: datetime) -> str:
        """A moment in Kazakhstan's time, written the way the user's locale writes it."""
        local = value.astimezone(KZ_TZ)
        time = format_time(local.time(), "short", locale=self.language)  # no seconds: "07:00"
        day = format_date(local.date(), "medium", locale=self.language)
        return Locale.parse(self.language).datetime_formats["medium"].format(time, day)

    def date(self, value: datetime) -> str:
        return format_date(value.astimezone(KZ_TZ).date(), "medium", locale=self.language)

    def day(self, value: date) -> str:
        """A calendar day (already Kazakhstan's), e.g. a planting date."""
        return format_date(value, "medium", locale=self.language)

    def number(self, value: float) -> str:
        return format_decimal(value, locale=self.language)

    def percent(self, value: float) -> str:
        """0.734 -> "73 %" (or "73%"), as the user's locale writes a share."""
        return format_percent(value, locale=self.language)
