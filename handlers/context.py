"""`Ctx`: everything one step of a conversation may see and do, inside the step's transaction."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.i18n import Translator
from handlers.router import Router
from handlers.types import Choice, Document, Incoming, Reply
from storage.models import Identity, User
from storage.users import latest_address

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


@dataclass
class Ctx:
    session: AsyncSession
    incoming: Incoming
    user: User
    identity: Identity
    state: dict[str, Any]
    tr: Translator
    translators: dict[str, Translator]
    router: Router
    now: datetime
    is_admin: bool
    choice: str | None = None
    button: Any = None  # the typed value of a pressed action button (handlers.buttons)
    media: Media = field(default_factory=Media)
    outbox: list[tuple[str, str, Reply]] = field(default_factory=list)

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
    ) -> None:
        """Send a prompt and wait for the answer in `step`. A way back to the menu is added.
        `repeat` is the question asked again after a wrong answer, when `text` is a one-off
        (for example a thank-you followed by the menu). With `number_answer` the answer is a
        number: typed digits are that number, not the n-th choice (the choices are still pressed,
        or typed by their label)."""
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
                Reply(text=text, choices=tuple(options), choice_seq=seq, photo_path=photo_path),
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

    async def notify_user(self, user_id: int, build: Callable[[Translator], Reply]) -> bool:
        """Write to a user in their own language on the channel they used last; False if the user
        can no longer be reached (no identity left, e.g. after /forget)."""
        address = await latest_address(self.session, user_id)
        if address is None:
            return False
        channel, chat_id, language = address
        self.outbox.append((channel, chat_id, build(self.translators.get(language or "", self.tr))))
        return True
