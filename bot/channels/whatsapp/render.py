"""A `Reply` as WhatsApp message bodies: plain text, choices as a numbered list under it, split
cleanly (paragraphs, then lines, then words) within WhatsApp's body limit."""

from __future__ import annotations

from handlers.types import Reply

MAX_BODY = 1600  # Twilio's limit for one WhatsApp message body
MAX_CAPTION = 1024  # WhatsApp's limit for the caption of a media message


def reply_text(reply: Reply) -> str:
    """The text and, under it, the choices as '1. label' lines (a number or the label picks one)."""
    lines = [f"{n}. {choice.label}" for n, choice in enumerate(reply.choices, 1)]
    blocks = [reply.text.strip()] if reply.text.strip() else []
    if lines:
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def split_text(text: str, limit: int = MAX_BODY) -> list[str]:
    """Pieces of at most `limit` characters, cut at the last paragraph break, else line break, else
    space before the limit; a word longer than the limit is cut where it must be. Nothing but the
    whitespace at the cuts is lost."""
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[: limit + 1]
        cut = limit
        # A paragraph or line break is used only if it keeps at least half a piece.
        for separator, shortest in (("\n\n", limit // 2), ("\n", limit // 2), (" ", 1)):
            found = window.rfind(separator)
            if found >= shortest:
                cut = found
                break
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces
