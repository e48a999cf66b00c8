"""Joining a club with its code (typed in any case, spaces and dashes ignored) or its link
(`/start club-ABC234`). Before the membership is made, the person says whether their name may be
shown on the club's results and leaderboard; without that consent they appear as «Member 3».
A wrong code, an expired one, a closed club, joining twice or the leader joining their own club
each get a clear answer and change nothing."""

from __future__ import annotations

from handlers.context import Ctx
from handlers.quiz.clubs.access import open_club
from handlers.quiz.clubs.buttons import NameConsent
from handlers.quiz.clubs.club import show_club
from handlers.start import show_menu
from handlers.types import Choice, Kind
from storage import quiz as store
from storage.quiz import MAX_MEMBERS, QuizClub


async def ask_code(ctx: Ctx) -> None:
    ctx.ask("clubs.code", ctx._("🔑 Send the join code of the club (6 letters and digits, as the club leader gave it)."))


async def on_code(ctx: Ctx) -> None:
    if ctx.incoming.kind is not Kind.TEXT or not ctx.text:
        ctx.reprompt(ctx._("Please send the join code as text."))
        return
    await join_with_code(ctx, ctx.text, retry=True)


async def open_club_link(ctx: Ctx, argument: str) -> None:
    """`/start club-CODE`, after the language and consent for a newcomer."""
    await join_with_code(ctx, argument, retry=False)


async def join_with_code(ctx: Ctx, typed: str, *, retry: bool) -> None:
    club = await store.club_by_code(ctx.session, typed)
    if club is None or club.is_closed:
        await not_joined(ctx, ctx._("There is no club with this join code. Please check it and send it again."), retry)
        return
    if await refused(ctx, club):
        return
    if club.code_expires_at <= ctx.now:
        await not_joined(ctx, ctx._("This join code has expired. Please ask the club leader for a new one."), retry)
        return
    ctx.end_flow()
    ctx.data["club"] = club.id
    ctx.ask(
        "clubs.consent",
        ctx._(
            "👥 Club «{name}» ({institution}). May your name be shown to the club on its results and "
            "leaderboard? If not, you appear as «Member» with a number.",
            name=club.name,
            institution=club.institution,
        ),
        [
            Choice(NameConsent(True).id, ctx._("✅ Show my name")),
            Choice(NameConsent(False).id, ctx._("🙈 Do not show my name")),
        ],
    )


async def not_joined(ctx: Ctx, problem: str, retry: bool) -> None:
    """A typed code that does not work asks for a code again; a link that does not work says why
    with the menu."""
    if retry:
        ctx.reprompt(problem)
    else:
        await show_menu(ctx, problem)


async def refused(ctx: Ctx, club: QuizClub) -> bool:
    """The leader, a member already, or a full club: told so, and shown the club where it is theirs."""
    if club.leader_id == ctx.user.id:
        await show_club(ctx, club, ctx._("You lead this club: members join it with its code, its leader does not."))
        return True
    if await store.membership(ctx.session, club.id, ctx.user.id) is not None:
        await show_club(ctx, club, ctx._("You are already a member of the club «{name}».", name=club.name))
        return True
    if len(await store.members(ctx.session, club.id)) >= MAX_MEMBERS:
        await show_menu(ctx, ctx._("The club «{name}» is full ({max} members).", name=club.name, max=MAX_MEMBERS))
        return True
    return False


async def on_consent(ctx: Ctx) -> None:
    answer = NameConsent.parse(ctx.choice)
    if answer is None:
        ctx.reprompt(ctx._("Please answer with one of the buttons below."))
        return
    club = await open_club(ctx, int(ctx.data.get("club", 0)))
    if club is None:
        await show_menu(ctx)  # closed meanwhile: said so, and the way on
        return
    if await refused(ctx, club):
        return
    await store.add_member(ctx.session, club, ctx.user.id, answer.show, ctx.now)
    await show_club(ctx, club, ctx._("✅ Welcome to the club «{name}»! You will be told when its leader starts a club round.", name=club.name))
