"""Channel-neutral messages: what a flow receives (`Incoming`) and what it answers (`Reply`).

Both are plain frozen dataclasses that round-trip through JSON, because an `Incoming` is stored in
the inbox before it is processed and a `Reply` is stored in the outbox before it is sent.
"""

from __future__ import annotations

import base64
from dataclasses import asdict, dataclass, field, fields
from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    TEXT = "text"
    CHOICE = "choice"
    PHOTO = "photo"
    LOCATION = "location"
    COMMAND = "command"
    POLL_ANSWER = "poll_answer"  # an option chosen in a native quiz poll (Telegram); see `poll_id`
    OTHER = "other"  # a sticker, a voice note, a contact...: something no step can use


@dataclass(frozen=True, slots=True)
class MediaRef:
    """A photo or file as the channel knows it; the bytes are fetched through the channel on demand."""

    file_id: str
    mime_type: str | None = None
    size: int | None = None
    file_name: str | None = None
    as_document: bool = False  # sent "as file": the original bytes, EXIF included


@dataclass(frozen=True, slots=True)
class Location:
    latitude: float
    longitude: float
    address: str | None = None


@dataclass(frozen=True, slots=True)
class Incoming:
    """One user turn. `update_key` is the channel's own id of the update (Telegram update_id,
    Twilio MessageSid, a console line number) and makes redelivery harmless."""

    channel: str
    chat_id: str
    sender_id: str
    update_key: str
    kind: Kind
    text: str | None = None
    choice: str | None = None
    choice_seq: int | None = None  # the prompt a pressed button belongs to, where the channel knows it
    command: str | None = None
    args: str = ""
    photo: MediaRef | None = None
    location: Location | None = None
    display_name: str | None = None
    language_hint: str | None = None
    is_group: bool = False
    # A poll answer names the poll, not the message nor the chat: `poll_id` is the platform id the
    # outbox stored for the sent poll, `poll_option` the 0-based option chosen.
    poll_id: str | None = None
    poll_option: int | None = None

    def to_json(self) -> dict[str, Any]:
        """Field by field: `dataclasses.asdict` deep-copies every value, a measurable cost per
        message under a crowd (every update is stored)."""
        data = {name: getattr(self, name) for name in _INCOMING_FIELDS}
        if self.photo is not None:
            data["photo"] = asdict(self.photo)
        if self.location is not None:
            data["location"] = asdict(self.location)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Incoming:
        data = dict(data)
        data["kind"] = Kind(data["kind"])
        if data.get("photo"):
            data["photo"] = MediaRef(**data["photo"])
        if data.get("location"):
            data["location"] = Location(**data["location"])
        return cls(**data)


_INCOMING_FIELDS = tuple(spec.name for spec in fields(Incoming))


@dataclass(frozen=True, slots=True)
class Choice:
    id: str
    label: str


@dataclass(frozen=True, slots=True)
class Document:
    filename: str
    data: bytes
    mime_type: str = "application/octet-stream"


@dataclass(frozen=True, slots=True)
class QuizPoll:
    """A quiz question as a channel may show it natively (a Telegram quiz poll). `option_ids` are
    the ids of the reply's choices that stand for the options, in order: choosing option i of the
    poll is pressing the button `option_ids[i]`. Channels without polls show the reply's text and
    choices (a numbered list) instead."""

    question: str
    options: tuple[str, ...]
    correct: int
    explanation: str
    option_ids: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "options": list(self.options),
            "correct": self.correct,
            "explanation": self.explanation,
            "option_ids": list(self.option_ids),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> QuizPoll:
        return cls(
            data["question"], tuple(data["options"]), int(data["correct"]), data["explanation"], tuple(data["option_ids"])
        )


# The answer to /forget: it answers the message just received (within WhatsApp's window even
# though the person's identity is gone), and the outbox sender deletes it once it is sent.
FAREWELL = "farewell"


@dataclass(frozen=True, slots=True)
class Reply:
    """One outgoing message. Text is plain (never parsed as markup by any channel)."""

    text: str = ""
    choices: tuple[Choice, ...] = ()
    choice_seq: int | None = None
    photo_path: str | None = None  # relative to MEDIA_DIR; each channel resolves it
    document: Document | None = None
    # For messages the bot starts itself (not answers): used by WhatsApp's 24-hour rule.
    kind: str = "reply"
    template_vars: dict[str, str] = field(default_factory=dict)
    quiz: QuizPoll | None = None  # a quiz question: a native poll where the channel has them
    # "Right/wrong + explanation" after a quiz answer: a channel that showed the question as a
    # native quiz poll skips it (the poll itself shows the result and the explanation).
    quiz_feedback: bool = False

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "text": self.text,
            "choices": [[c.id, c.label] for c in self.choices],
            "choice_seq": self.choice_seq,
            "photo_path": self.photo_path,
            "kind": self.kind,
            "template_vars": self.template_vars,
        }
        if self.quiz:
            data["quiz"] = self.quiz.to_json()
        if self.quiz_feedback:
            data["quiz_feedback"] = True
        if self.document:
            data["document"] = {
                "filename": self.document.filename,
                "mime_type": self.document.mime_type,
                "data": base64.b64encode(self.document.data).decode("ascii"),
            }
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Reply:
        doc = data.get("document")
        return cls(
            text=data.get("text", ""),
            choices=tuple(Choice(i, label) for i, label in data.get("choices", [])),
            choice_seq=data.get("choice_seq"),
            photo_path=data.get("photo_path"),
            document=Document(doc["filename"], base64.b64decode(doc["data"]), doc["mime_type"])
            if doc
            else None,
            kind=data.get("kind", "reply"),
            template_vars=dict(data.get("template_vars") or {}),
            quiz=QuizPoll.from_json(data["quiz"]) if data.get("quiz") else None,
            quiz_feedback=bool(data.get("quiz_feedback")),
        )
