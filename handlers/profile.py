"""My profile, /mydata (a copy of one's data) and /forget (erasure after a confirmation)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import delete, update

from handlers.buttons import button
from handlers.context import Ctx
from handlers.i18n import LANGUAGE_NAMES, N_
from handlers.router import Router
from handlers.start import show_menu
from handlers.types import Choice, Document
from storage.models import ConversationState, Identity, InboxUpdate, OutboxMessage, OutboxStatus

CHANNEL_NAMES = {"telegram": "Telegram", "whatsapp": "WhatsApp", "console": "Console"}


@button("profile")
@dataclass(frozen=True)
class ProfileAction:
    action: Literal["mydata", "forget", "forget_yes"]


DOWNLOAD, FORGET, CONFIRM_FORGET = (ProfileAction("mydata"), ProfileAction("forget"), ProfileAction("forget_yes"))


def register(router: Router) -> None:
    router.menu_entry("profile", N_("👤 My profile"), 50)(show_profile)
    router.step("profile.main")(on_profile_choice)
    router.step("profile.forget")(on_forget_answer)
    router.command("mydata")(send_my_data)
    router.command("forget")(ask_forget)


async def show_profile(ctx: Ctx) -> None:
    user = ctx.user
    lines = [ctx._("👤 My profile")]
    if user.display_name:
        lines.append(ctx._("Name: {name}", name=user.display_name))
    lines.append(ctx._("Language: {language}", language=LANGUAGE_NAMES[ctx.tr.language]))
    for identity in user.identities:
        lines.append(
            ctx._(
                "Account: {channel} {id}",
                channel=CHANNEL_NAMES.get(identity.channel, identity.channel),
                id=identity.external_id,
            )
        )
    if user.consent_at:
        lines.append(ctx._("Consent given: {date}", date=ctx.tr.datetime(user.consent_at)))
    lines.append(ctx._("Role: administrator") if ctx.is_admin else ctx._("Role: citizen"))
    for summarise in ctx.router.profile_lines:
        lines.extend(await summarise(ctx))
    ctx.ask(
        "profile.main",
        "\n".join(lines),
        [
            Choice(DOWNLOAD.id, ctx._("📄 Download my data")),
            Choice(FORGET.id, ctx._("🗑 Delete my personal data")),
        ],
    )


async def on_profile_choice(ctx: Ctx) -> None:
    action = ProfileAction.parse(ctx.choice)
    if action == DOWNLOAD:
        await send_my_data(ctx)
        await show_menu(ctx)
    elif action == FORGET:
        await ask_forget(ctx)
    else:
        ctx.reprompt(ctx._("Please choose one of the options below."))


async def send_my_data(ctx: Ctx) -> None:
    user = ctx.user
    data: dict[str, object] = {
        "user": {
            "name": user.display_name,
            "language": user.language,
            "created_at": user.created_at.isoformat(),
            "consent_at": user.consent_at.isoformat() if user.consent_at else None,
        },
        "accounts": [
            {
                "channel": i.channel,
                "id": i.external_id,
                "last_message_at": i.last_inbound_at.isoformat() if i.last_inbound_at else None,
            }
            for i in user.identities
        ],
    }
    for key, exporter in ctx.router.exporters.items():
        data[key] = await exporter(ctx)
    content = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    ctx.reply(
        ctx._("Here is everything I keep about you."),
        document=Document("taza-bot-my-data.json", content, "application/json"),
    )


async def ask_forget(ctx: Ctx) -> None:
    ctx.ask(
        "profile.forget",
        ctx._(
            "Delete your personal data? Your name, language, accounts and consent will be erased. "
            "Your reports stay, without any link to you. This cannot be undone."
        ),
        [Choice(CONFIRM_FORGET.id, ctx._("🗑 Yes, delete my data"))],
    )


async def on_forget_answer(ctx: Ctx) -> None:
    if ProfileAction.parse(ctx.choice) != CONFIRM_FORGET:
        ctx.reprompt(ctx._("Please choose one of the options below."))
        return
    farewell = ctx._("Your personal data has been deleted. Send /start if you want to begin again.")
    await forget_user(ctx)
    ctx.end_flow()
    ctx.reply(farewell)


async def forget_user(ctx: Ctx) -> None:
    """Erase the person, keep what they reported (features anonymise their rows in their erasers)."""
    for erase in ctx.router.erasers:
        await erase(ctx)
    user = ctx.user
    chats = [(i.channel, i.chat_id) for i in user.identities]
    for channel, chat_id in chats:
        # Keep the processed markers (redelivery stays harmless) but not what the person wrote.
        await ctx.session.execute(
            update(InboxUpdate)
            .where(
                InboxUpdate.channel == channel,
                InboxUpdate.chat_id == chat_id,
                InboxUpdate.processed_at.is_not(None),
            )
            .values(payload={})
        )
        await ctx.session.execute(  # what was sent to the person echoed what they wrote
            update(OutboxMessage)
            .where(
                OutboxMessage.channel == channel,
                OutboxMessage.chat_id == chat_id,
                OutboxMessage.status == OutboxStatus.SENT,
            )
            .values(payload={})
        )
        if (channel, chat_id) != (ctx.incoming.channel, ctx.incoming.chat_id):
            await ctx.session.execute(
                delete(ConversationState).where(
                    ConversationState.channel == channel, ConversationState.chat_id == chat_id
                )
            )
    await ctx.session.execute(delete(Identity).where(Identity.user_id == user.id))
    user.display_name = None
    user.language = None
    user.consent_at = None
    user.forgotten_at = ctx.now
    ctx.session.expire(user, ["identities"])
