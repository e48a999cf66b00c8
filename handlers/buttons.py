"""Typed button ids: one small, channel-neutral codec for every button the bot shows.

A button kind is a frozen dataclass declared with `@button("PREFIX")`; its fields are typed
(`int`, `bool`, a `Literal[...]` of words, a `StrEnum`, or `Annotated[str, MaxLen(n)]`). The id of a
button is "PREFIX:value:value...", so a press read back from Telegram, WhatsApp or the console is
decoded into the same typed value it was built from:

    @button("mod")
    @dataclass(frozen=True)
    class Triage:
        verb: Literal["ok", "rej"]
        report_id: int

    Choice(Triage("ok", 12).id, label)       # "mod:ok:12"
    Triage.parse("mod:ok:12")                 # Triage(verb="ok", report_id=12)
    Triage.parse("mod:ok:12x")                # None: forged or malformed

Telegram refuses callback data over 64 bytes; the codec finds that out when a kind is declared
(from the longest value each field can take) and again when a button is built, never when a message
is refused. Decoding checks every field's type and range and returns None for anything else, so a
stale, forged or malformed id is one `None` for the caller to answer, never a traceback.
Trailing fields that have a default may be left out of an id (ids of older cards stay valid).
"""

from __future__ import annotations

import dataclasses
import enum
import re
import typing
from collections.abc import Callable
from typing import Any, ClassVar, Protocol, TypeVar

MAX_ID_BYTES = 64  # Telegram's limit on callback_data
SEPARATOR = ":"
MAX_INT_DIGITS = 18  # ids of rows; a bigger number is not one of ours
_PREFIX = re.compile(r"^[a-z][a-z0-9_.]{0,15}$")
_WORD = re.compile(r"^[A-Za-z0-9_.\-]*$")  # what a str field may hold: no separator, ASCII only


class ButtonError(ValueError):
    """A button kind or a button value that cannot be encoded (a programming error)."""


@dataclasses.dataclass(frozen=True, slots=True)
class MaxLen:
    """`Annotated[str, MaxLen(n)]`: a str field of at most n characters of [A-Za-z0-9_.-]."""

    n: int


class ButtonValue(Protocol):
    prefix: ClassVar[str]

    @property
    def id(self) -> str: ...


B = TypeVar("B")


@dataclasses.dataclass(frozen=True, slots=True)
class _Codec:
    """How one field is written and read back."""

    name: str
    longest: int
    encode: Callable[[Any], str | None]  # None: the value is not of the field's type
    decode: Callable[[str], Any]  # raises ValueError when the text is not a valid value
    default: Any = dataclasses.MISSING


_KINDS: dict[str, type] = {}


def button(prefix: str) -> Callable[[type[B]], type[B]]:
    """Declare a button kind. Refuses a prefix declared twice, a field type it cannot encode,
    and a kind whose longest id would not fit Telegram's 64 bytes."""
    if not _PREFIX.match(prefix):
        raise ButtonError(f"button prefix {prefix!r}: lower-case letters, digits, '_' or '.'")

    def declare(cls: type[B]) -> type[B]:
        if not dataclasses.is_dataclass(cls):
            raise ButtonError(f"{cls.__name__}: a button kind is a frozen dataclass")
        if prefix in _KINDS and _KINDS[prefix].__qualname__ != cls.__qualname__:
            raise ButtonError(f"button prefix {prefix!r} is declared twice")
        hints = typing.get_type_hints(cls, include_extras=True)
        codecs = tuple(_codec_for(f, hints[f.name]) for f in dataclasses.fields(cls))
        longest = len(prefix) + sum(len(SEPARATOR) + c.longest for c in codecs)
        if longest > MAX_ID_BYTES:
            raise ButtonError(f"button {prefix!r}: its longest id has {longest} bytes, over {MAX_ID_BYTES}")
        cls.prefix = prefix  # type: ignore[attr-defined]
        cls._codecs = codecs  # type: ignore[attr-defined]
        cls.id = property(_encode)  # type: ignore[attr-defined]
        cls.parse = classmethod(_parse)  # type: ignore[attr-defined]
        _KINDS[prefix] = cls
        return cls

    return declare


def prefix_of(choice_id: str) -> str:
    return choice_id.partition(SEPARATOR)[0]


def kind_for(choice_id: str) -> type | None:
    """The declared kind an id claims to be (by its prefix), without validating the rest."""
    return _KINDS.get(prefix_of(choice_id))


def decode(choice_id: str | None) -> Any | None:
    """The typed value of any declared kind, or None (unknown prefix, malformed, forged)."""
    kind = kind_for(choice_id or "")
    return kind.parse(choice_id) if kind is not None else None  # type: ignore[attr-defined]


def _encode(self: Any) -> str:
    parts = [self.prefix]
    values = [(codec, getattr(self, codec.name)) for codec in self._codecs]
    while values and values[-1][0].default is not dataclasses.MISSING and values[-1][1] == values[-1][0].default:
        values.pop()  # trailing defaults are left out
    for codec, value in values:
        text = codec.encode(value)
        if text is None:
            raise ButtonError(f"button {self.prefix!r}: {codec.name}={value!r} is not a valid value")
        parts.append(text)
    encoded = SEPARATOR.join(parts)
    if len(encoded.encode("utf-8")) > MAX_ID_BYTES:
        raise ButtonError(f"button {encoded!r} is over {MAX_ID_BYTES} bytes")
    return encoded


def _parse(cls: type[B], choice_id: str | None) -> B | None:
    if not choice_id or len(choice_id.encode("utf-8", "replace")) > MAX_ID_BYTES:
        return None
    prefix, *texts = choice_id.split(SEPARATOR)
    codecs = cls._codecs  # type: ignore[attr-defined]
    if prefix != cls.prefix or len(texts) > len(codecs):  # type: ignore[attr-defined]
        return None
    values = {}
    for i, codec in enumerate(codecs):
        if i < len(texts):
            try:
                values[codec.name] = codec.decode(texts[i])
            except ValueError:
                return None
        elif codec.default is dataclasses.MISSING:
            return None
    return cls(**values)


def _codec_for(f: dataclasses.Field, hint: Any) -> _Codec:
    default = f.default
    origin = typing.get_origin(hint)
    if hint is bool:
        return _Codec(f.name, 1, lambda v: ("1" if v else "0") if isinstance(v, bool) else None, _bool, default)
    if hint is int:
        return _Codec(f.name, MAX_INT_DIGITS, _encode_int, _decode_int, default)
    if origin is typing.Literal:
        words = typing.get_args(hint)
        if not all(isinstance(w, str) and w and _WORD.match(w) for w in words):
            raise ButtonError(f"field {f.name}: Literal words of [A-Za-z0-9_.-]")
        return _Codec(f.name, max(map(len, words)), lambda v: v if v in words else None, _one_of(words), default)
    if isinstance(hint, type) and issubclass(hint, enum.StrEnum):
        members = {m.value: m for m in hint}
        if not all(_WORD.match(v) for v in members):
            raise ButtonError(f"field {f.name}: {hint.__name__} values must be of [A-Za-z0-9_.-]")
        return _Codec(
            f.name,
            max(map(len, members)),
            lambda v: v.value if isinstance(v, hint) else (v if v in members else None),
            lambda t: members[t] if t in members else _invalid(),
            default,
        )
    if origin is typing.Annotated:
        base, *extras = typing.get_args(hint)
        limit = next((e.n for e in extras if isinstance(e, MaxLen)), None)
        if base is str and limit is not None:
            return _Codec(f.name, limit, _encode_word(limit), _decode_word(limit), default)
    raise ButtonError(f"field {f.name}: {hint!r} is not a button field type")


def _invalid() -> Any:
    raise ValueError("not a valid value")


def _bool(text: str) -> bool:
    return {"1": True, "0": False}[text] if text in ("0", "1") else _invalid()


def _encode_int(value: Any) -> str | None:
    ok = isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 10**MAX_INT_DIGITS
    return str(value) if ok else None


def _decode_int(text: str) -> int:
    if not text.isascii() or not text.isdigit() or len(text) > MAX_INT_DIGITS:
        _invalid()
    return int(text)


def _one_of(words: tuple[str, ...]) -> Callable[[str], str]:
    return lambda text: text if text in words else _invalid()


def _encode_word(limit: int) -> Callable[[Any], str | None]:
    return lambda v: v if isinstance(v, str) and len(v) <= limit and _WORD.match(v) else None


def _decode_word(limit: int) -> Callable[[str], str]:
    return lambda t: t if len(t) <= limit and _WORD.match(t) else _invalid()
