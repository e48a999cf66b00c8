"""`Ctx`: everything one step of a conversation may see and do, inside the step's transaction."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.i18n import Translator
from handlers.notify import Notifier
from handlers.types import Choice, Document, Incoming, QuizPoll, Reply
from storage.models import Identity, User

MENU = "menu"  # the choice that leads back to the main menu from every step
MAX_MEDIA_BYTES = 20 * 1024 * 1024  # Telegram's limit for bots' downloads; WhatsApp's is lower


class MediaUnavailable(Exception):
    """The photo could not be fetched: `reason` is 'too_large' or 'download_failed'."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class Media:
    """The bytes of the incoming photo, fetched before the transaction began (no network I/O
    while the database is locked), or the reason they could not be."""

    data: bytes | None = None
    error: str | None = None


def normalise_label(text: str) -> str:
    return re.sub(r"[\W_]+", " ", text.casefold()).strip()


Handler = Callable[["Ctx"], Awaitable[None]]
# Export and erasure of a feature's personal data, for /mydata and /forget.
DataExporter = Callable[["Ctx"], Awaitable[dict[str, Any]]]
DataEraser = Callable[["Ctx"], Awaitable[None]]
# Lines a feature adds to "My profile" (for example how many reports the user sent).
ProfileLines = Callable[["Ctx"], Awaitable[list[str]]]
# What a deep link opens, given the payload's argument ("12" of "r-12"); see handlers/deep_links.py.
DeepLinkHandler = Callable[["Ctx", str], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class MenuEntry:
    id: str
    label: str  # an N_() message id
    order: int
    handler: Handler
    # Shown only to whom this says yes (for example «Moderation» to moderators); None: to everyone.
    visible: Callable[["Ctx"], Awaitable[bool]] | None = None

    async def shown_to(self, ctx: "Ctx") -> bool:
        return self.visible is None or await self.visible(ctx)


class Flows(Protocol):
    """What a step may look up among the registered flows, read-only. `handlers.router.Router`
    provides it; a step never registers anything, so it does not see how registration works."""

    @property
    def steps(self) -> Mapping[str, Handler]: ...

    @property
    def services(self) -> Mapping[str, Any]: ...

    @property
    def menu(self) -> Sequence[MenuEntry]: ...

    @property
    def menu_photo(self) -> Handler | None: ...

    @property
    def profile_lines(self) -> Sequence[ProfileLines]: ...

    @property
    def data_lines(self) -> Sequence[ProfileLines]: ...

    @property
    def exporters(self) -> Mapping[str, DataExporter]: ...

    @property
    def erasers(self) -> Sequence[DataEraser]: ...

    def menu_entry_by_id(self, entry_id: str) -> MenuEntry | None: ...

    def deep_link_for(self, payload: str) -> tuple[DeepLinkHandler, str] | None: ...


@dataclass
class Ctx:
    session: AsyncSession
    incoming: Incoming
    user: User
    identity: Identity
    state: dict[str, Any]
    tr: Translator
    translators: dict[str, Translator]
    router: Flows  # the registered flows, read-only (a step answers with them, never adds to them)
    now: datetime
    is_admin: bool
    fallback_language: str  # for people and chats whose language is unknown (see `notifier`)
    choice: str | None = None
    button: Any = None  # the typed value of a pressed action button (handlers.buttons)
    media: Media = field(default_factory=Media)
    outbox: list[tuple[str, str, Reply]] = field(default_factory=list)
    drop_state: bool = False  # /forget: the engine deletes this chat's state instead of saving it

    # --- language -------------------------------------------------------------------------
    def _(self, message: str, /, **params: object) -> str:
        return self.tr._(message, **params)

    def ngettext(self, singular: str, plural: str, n: int, /, **params: object) -> str:
        return self.tr.ngettext(singular, plural, n, **params)

    def set_language(self, language: str) -> None:
        self.user.language = language
        self.tr = self.translators[language]

    # --- conversation state ---------------------------------------------------------------
    @property
    def step(self) -> str | None:
        return self.state.get("step")

    @property
    def data(self) -> dict[str, Any]:
        """The flow's scratch data (JSON only), dropped when the flow ends."""
        return self.state.setdefault("data", {})

    def service(self, name: str) -> Any:
        return self.router.services[name]

    @property
    def text(self) -> str:
        return (self.incoming.text or "").strip()

    # --- replying ---------------------------------------------------------------------------
    def reply(
        self,
        text: str,
        *,
        photo_path: str | None = None,
        document: Document | None = None,
    ) -> None:
        """A message to this chat that asks nothing."""
        self.outbox.append(
            (
                self.incoming.channel,
                self.incoming.chat_id,
                Reply(text=text, photo_path=photo_path, document=document),
            )
        )

    def ask(
        self,
        step: str,
        text: str,
        choices: Sequence[Choice] = (),
        *,
        menu: bool = True,
        photo_path: str | None = None,
        repeat: str | None = None,
        number_answer: bool = False,
        quiz: QuizPoll | None = None,
    ) -> None:
        """Send a prompt and wait for the answer in `step`. A way back to the menu is added.
        `repeat` is the question asked again after a wrong answer, when `text` is a one-off
        (for example a thank-you followed by the menu). With `number_answer` the answer is a
        number: typed digits are that number, not the n-th choice (the choices are still pressed,
        or typed by their label). `quiz` makes the prompt a quiz question (see QuizPoll)."""
        if step not in self.router.steps:
            raise KeyError(f"no step {step!r} is registered")
        options = list(choices)
        if menu:
            options.append(Choice(MENU, self._("⬅️ Menu")))
        seq = int(self.state.get("seq", 0)) + 1
        self.state.update(
            step=step,
            seq=seq,
            prompt=repeat or text,
            choices=[[c.id, c.label] for c in options],
            number_answer=number_answer,
        )
        self.outbox.append(
            (
                self.incoming.channel,
                self.incoming.chat_id,
                Reply(text=text, choices=tuple(options), choice_seq=seq, photo_path=photo_path, quiz=quiz),
            )
        )

    def reprompt(self, hint: str | None = None) -> None:
        """Say what was wrong and ask the current question again with the same choices."""
        if hint:
            self.reply(hint)
        prompt = self.state.get("prompt")
        if not prompt or not self.step:
            return
        choices = tuple(Choice(i, label) for i, label in self.state.get("choices", []))
        self.outbox.append(
            (
                self.incoming.channel,
                self.incoming.chat_id,
                Reply(text=prompt, choices=choices, choice_seq=self.state.get("seq")),
            )
        )

    def end_flow(self) -> None:
        """Forget the flow's step and data (the caller usually shows the menu next)."""
        seq = self.state.get("seq", 0)
        self.state.clear()
        self.state["seq"] = seq

    def offered(self) -> list[str]:
        return [choice_id for choice_id, _label in self.state.get("choices", [])]

    # --- messages to other people -----------------------------------------------------------
    def send_to_chat(self, channel: str, chat_id: str, reply: Reply) -> None:
        self.outbox.append((channel, chat_id, reply))

    @cached_property
    def notifier(self) -> Notifier:
        """Writes to other people (a reporter, a region's moderators) with this step's replies."""
        return Notifier(self.session, self.translators, self.fallback_language, self.send_to_chat)
