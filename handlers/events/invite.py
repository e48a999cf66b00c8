"""Invitation links and the poster of an event. `ev-<id>` is the event's deep-link payload: a
Telegram link `https://t.me/<bot>?start=ev-<id>`, or a `wa.me` link whose prefilled text
"/start ev-<id>" the bot recognises, opens the event's card (after the language and consent for a
newcomer). The poster (PNG, drawn by the `posters` service, sent as a file so that it prints sharp) carries the QR code of the
Telegram link, or of the WhatsApp link where Telegram is not set up, in the organiser's language."""

from __future__ import annotations

from handlers.context import Ctx
from handlers.deep_links import payload
from handlers.events.card import show_card
from handlers.events.manage import show_manage
from handlers.events.texts import place, when
from handlers.router import Router
from handlers.services import DEEP_LINKS, GEO, POSTERS, PosterText
from handlers.start import show_menu
from handlers.types import Document
from storage.events import Event

EVENT_LINK = "ev"
MAX_ID_DIGITS = 18


def register(router: Router) -> None:
    router.deep_link(EVENT_LINK)(open_event_link)


async def open_event_link(ctx: Ctx, argument: str) -> None:
    event_id = int(argument) if argument.isascii() and argument.isdigit() and len(argument) <= MAX_ID_DIGITS else None
    event = await ctx.session.get(Event, event_id) if event_id else None
    if event is None:
        await show_menu(ctx, ctx._("This invitation link is not valid: there is no such cleanup event."))
        return
    await show_card(ctx, event)


def invitation_links(ctx: Ctx, event: Event) -> dict[str, str]:
    """The event's links on the channels whose address this process knows."""
    links = ctx.service(DEEP_LINKS)
    code = payload(EVENT_LINK, str(event.id))
    return {channel: link for channel in ("telegram", "whatsapp") if (link := links.link(channel, code))}


async def send_invitation(ctx: Ctx, event: Event) -> None:
    links = invitation_links(ctx, event)
    lines = [ctx._("🔗 Invitation links of «{title}»: each opens the event's card in the messenger.", title=event.title)]
    if "telegram" in links:
        lines.append(ctx._("Telegram: {link}", link=links["telegram"]))
    if "whatsapp" in links:
        lines.append(ctx._("WhatsApp: {link}", link=links["whatsapp"]))
    if not links:
        lines.append(
            ctx._(
                "The bot's Telegram name and WhatsApp number are not configured, so no link can be made. "
                "Volunteers can send /start {code} to the bot.",
                code=payload(EVENT_LINK, str(event.id)),
            )
        )
        ctx.reply("\n".join(lines))
    else:
        lines.append(ctx._("🖼 The poster with a QR code of the link is attached: print it or share it."))
        ctx.reply("\n".join(lines), document=await poster(ctx, event, links.get("telegram") or links["whatsapp"]))
    await show_manage(ctx, event)


async def poster(ctx: Ctx, event: Event, link: str) -> Document:
    lines = [
        ctx._("When: {when}", when=when(ctx.tr, event)),
        ctx._("Where: {place}", place=place(ctx.tr, ctx.service(GEO), event)),
    ]
    if event.bring:
        lines.append(ctx._("Bring: {what}", what=event.bring))
    png = await ctx.service(POSTERS).render(
        PosterText(
            programme=ctx._("«Taza Qazaqstan»"),
            heading=ctx._("Cleanup event"),
            title=event.title,
            lines=tuple(lines),
            call=ctx._("Scan the code to sign up"),
            link=link,
        )
    )
    return Document(f"cleanup-event-{event.id}-poster.png", png, "image/png")
