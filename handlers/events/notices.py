"""Writing to the people of an event outside the conversation at hand: each in their own language
on the channel they used last, through the outbox of the step's transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from handlers.context import Ctx
from handlers.events.buttons import EventPress
from handlers.i18n import Translator
from handlers.types import Choice, Reply
from storage import events as store
from storage.events import Event

KIND = "event"  # Reply.kind of the messages the bot starts about an event (WhatsApp templates)


async def tell(ctx: Ctx, user_id: int | None, build: Callable[[Translator], Reply]) -> bool:
    return await ctx.notifier.to_user(user_id, build) if user_id is not None else False


async def tell_people(
    ctx: Ctx, event: Event, statuses: Iterable[str], text: Callable[[Translator], str], *, card: bool = True
) -> int:
    """The same news to every sign-up of the event with one of `statuses`; how many were reached."""
    reached = 0
    for signup in await store.people_of(ctx.session, event.id, *statuses):
        if signup.user_id == ctx.user.id:
            continue  # the one who caused it was answered in the conversation
        reached += await tell(ctx, signup.user_id, lambda tr: notice(tr, event, text(tr), card=card))
    return reached


def notice(tr: Translator, event: Event, text: str, *, card: bool = True) -> Reply:
    """A message about an event, with a button that opens its card."""
    choices = (Choice(EventPress("open", event.id).id, tr._("🧹 Open the event")),) if card else ()
    return Reply(text=text, choices=choices, kind=KIND)
