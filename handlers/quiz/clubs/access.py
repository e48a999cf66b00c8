"""Who may do what in a club, checked on every press: a button carries a club or round id that the
client wrote, so it may be forged or stale. Each check answers the person itself when it fails."""

from __future__ import annotations

from handlers.context import Ctx
from storage import quiz as store
from storage.quiz import QuizClub, QuizClubMember


async def open_club(ctx: Ctx, club_id: int) -> QuizClub | None:
    """The club if it exists and is not closed; else the person is told."""
    club = await ctx.session.get(QuizClub, club_id)
    if club is None:
        ctx.reply(ctx._("This club does not exist."))
        return None
    if club.is_closed:
        ctx.reply(ctx._("The club «{name}» is closed.", name=club.name))
        return None
    return club


async def led_club(ctx: Ctx, club_id: int) -> QuizClub | None:
    """The open club whose leader the person is; anyone else is told it is the leader's button."""
    club = await open_club(ctx, club_id)
    if club is None:
        return None
    if club.leader_id != ctx.user.id:
        ctx.reply(ctx._("Only the leader of the club «{name}» can do this.", name=club.name))
        return None
    return club


async def member_of(ctx: Ctx, club: QuizClub) -> QuizClubMember | None:
    """The person's membership; someone outside the club is told so."""
    member = await store.membership(ctx.session, club.id, ctx.user.id)
    if member is None:
        ctx.reply(ctx._("You are not a member of the club «{name}».", name=club.name))
    return member


async def may_see(ctx: Ctx, club: QuizClub) -> bool:
    """The leader and the members see a club's card and leaderboard."""
    if club.leader_id == ctx.user.id:
        return True
    return await member_of(ctx, club) is not None
