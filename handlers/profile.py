"""My profile, /mydata (a copy of one's data) and /forget (erasure after a confirmation)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import delete

from handlers.buttons import button
from handlers.context import Ctx
from handlers.i18n import LANGUAGE_NAMES, N_
from handlers.router import Router
from handlers.start import show_menu
from handlers.types import FAREWELL, Choice, Document, Reply
from storage.erasure import erase_chat
from storage.models import Identity

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
    lines = [ctx._("👤 My profile"), *await _about(ctx)]
    ctx.ask(
        "profile.main",
        "\n".join(lines),
        [
            Choice(DOWNLOAD.id, ctx._("📄 Download my data")),
            Choice(FORGET.id, ctx._("🗑 Delete my personal data")),
        ],
    )


async def _about(ctx: Ctx) -> list[str]:
    """The person's data in words: name, language, accounts, consent, role and what each feature
    keeps (reports sent, trees, events...). The profile and /mydata both show it."""
    user = ctx.user
    lines = []
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
    return lines


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
    # First in words, in the person's language; then the complete copy, for a machine or a lawyer.
    ctx.reply("\n".join([ctx._("Here is everything I keep about you:"), *await _about(ctx), *await _details(ctx)]))
    ctx.reply(
        ctx._("The complete copy of your data is in this file."),
        document=Document("taza-bot-my-data.json", content, "application/json"),
    )


async def _details(ctx: Ctx) -> list[str]:
    lines: list[str] = []
    for describe in ctx.router.data_lines:
        lines.extend(await describe(ctx))
    return lines


async def ask_forget(ctx: Ctx) -> None:
    ctx.ask(
        "profile.forget",
        ctx._(
            "Delete your personal data? Your name, language, accounts, consent and our messages will "
            "be erased. Your reports stay, without your comments and without any link to you. This "
            "cannot be undone."
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
    ctx.outbox.append((ctx.incoming.channel, ctx.incoming.chat_id, Reply(text=farewell, kind=FAREWELL)))


async def forget_user(ctx: Ctx) -> None:
    """Erase the person, keep what they reported: features erase or anonymise their rows in their
    erasers (router.personal_data), then every row keyed by the person's chats goes, and the chat
    of this step forgets its state once the step ends. Only the farewell is left, and the outbox
    sender deletes it once it is sent."""
    for erase in ctx.router.erasers:
        await erase(ctx)
    user = ctx.user
    here = (ctx.incoming.channel, ctx.incoming.chat_id)
    chats = {(identity.channel, identity.chat_id) for identity in user.identities}
    for chat in chats:
        await erase_chat(ctx.session, *chat, keep_state=chat == here)
    ctx.drop_state = here in chats  # not a group's state, when /forget was sent in a group
    await ctx.session.execute(delete(Identity).where(Identity.user_id == user.id))
    user.display_name = None
    user.language = None
    user.consent_at = None
    user.created_at = user.forgotten_at = ctx.now  # no first-contact time to match with anything
    ctx.session.expire(user, ["identities"])
