"""«Clubs»: the clubs a person leads or belongs to, joining one with a code, creating one."""

from __future__ import annotations

from handlers.context import Ctx
from handlers.quiz.clubs.buttons import ClubPress, ClubsHome
from handlers.quiz.clubs.create import start_create
from handlers.quiz.clubs.join import ask_code
from handlers.types import Choice
from storage import quiz as store


async def show_clubs(ctx: Ctx, text: str | None = None) -> None:
    ctx.end_flow()
    clubs = await store.clubs_of(ctx.session, ctx.user.id)
    lines = [ctx._("👥 Clubs. A teacher or a club leader creates a club and starts rounds; members join with its code and play them.")]
    choices = []
    for club, leads in clubs:
        label = ctx._("⭐ {name} (you lead it)", name=club.name) if leads else f"👥 {club.name}"
        choices.append(Choice(ClubPress("open", club.id).id, label))
    if not clubs:
        lines.append(ctx._("You are not in any club yet."))
    choices += [
        Choice(ClubsHome("join").id, ctx._("🔑 Join with a code")),
        Choice(ClubsHome("create").id, ctx._("➕ Create a club")),
    ]
    body = "\n".join(lines)
    ctx.ask("clubs.home", f"{text}\n\n{body}" if text else body, choices, repeat=body)


async def on_home(ctx: Ctx) -> None:
    press = ClubsHome.parse(ctx.choice)
    if press is None:
        ctx.reprompt(ctx._("Please choose one of the options below."))
    elif press.verb == "join":
        await ask_code(ctx)
    else:
        await start_create(ctx)
