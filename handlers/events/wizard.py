"""Asking an event's fields one at a time, for creating an event and for editing one. The answers
are kept in the conversation's draft; the next question is the first field of the list the draft
still lacks, so a field cleared for an edit is simply asked again.

This is deliberately small: when the shared form engine (handlers/forms.py) is available, the
creation wizard moves onto it with the same fields (handlers/events/fields.py)."""

from __future__ import annotations

from handlers.context import Ctx
from handlers.events.fields import FIELDS, Answers, EventField

BY_NAME: dict[str, EventField] = {f.name: f for f in FIELDS}
# Clearing a field clears the ones checked against it: the end against the start, the linked
# reports against the meeting point's region.
DEPENDENTS = {"start": ("end",), "place": ("reports",)}


def begin(ctx: Ctx, mode: str, fields: list[str], draft: Answers) -> None:
    ctx.data.update(mode=mode, todo=fields, draft=draft)


def draft(ctx: Ctx) -> Answers:
    return ctx.data.setdefault("draft", {})


def clear(data: Answers, name: str) -> None:
    for key in BY_NAME[name].keys:
        data.pop(key, None)
    for dependent in DEPENDENTS.get(name, ()):
        clear(data, dependent)


def advance(ctx: Ctx) -> bool:
    """Ask the first missing field; True when none is missing."""
    data = draft(ctx)
    for name in ctx.data.get("todo", []):
        field = BY_NAME[name]
        if field.keys[0] not in data:
            question = field.ask(ctx, data)
            ctx.data["field"] = name
            ctx.ask("events.field", question.text, question.choices, menu=not question.numeric)
            return False
    return True


async def on_answer(ctx: Ctx) -> bool:
    """Read the answer to the current field; True when the draft is complete."""
    field = BY_NAME.get(ctx.data.get("field", ""))
    if field is None:
        return True
    data = draft(ctx)
    parsed = await field.parse(ctx, dict(data))
    if isinstance(parsed, str):
        ctx.reprompt(parsed)
        return False
    data.update(parsed)
    return advance(ctx)
