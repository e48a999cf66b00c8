"""What a club achieved: the leader's list of club rounds with who played each and their scores,
and the club's leaderboard (total score over its club rounds) for the leader and the members.
Only rounds finished before the deadline count. A member is named only if they agreed to it, else
shown as «Member 3»; the viewer's own line is marked."""

from __future__ import annotations

from sqlalchemy import select

from handlers.context import Ctx
from handlers.quiz.clubs.access import may_see
from handlers.quiz.clubs.buttons import ClubPress, LeaderPress
from handlers.quiz.clubs.texts import member_name, round_title
from handlers.types import Choice
from storage import quiz as store
from storage.models import User
from storage.quiz import QuizClub, QuizClubMember, QuizClubRound, counts

SHOWN_ROUNDS = 10


async def names(ctx: Ctx, people: list[QuizClubMember]) -> dict[int, str]:
    """Each member's name as the club sees it, by user id."""
    users = {u.id: u for u in await ctx.session.scalars(select(User).where(User.id.in_([m.user_id for m in people])))}
    return {m.user_id: member_name(ctx.tr, m, users.get(m.user_id)) for m in people}


def marked(ctx: Ctx, user_id: int, line: str) -> str:
    return ctx._("👉 {line} (you)", line=line) if user_id == ctx.user.id else line


def back(ctx: Ctx, club: QuizClub) -> Choice:
    return Choice(ClubPress("open", club.id).id, ctx._("👥 Back to the club"))


async def show_leaderboard(ctx: Ctx, club: QuizClub) -> None:
    if not await may_see(ctx, club):
        return
    people = await store.members(ctx.session, club.id)
    totals = await store.club_totals(ctx.session, club.id)
    named = await names(ctx, people)
    ranked = sorted(people, key=lambda m: (-totals.get(m.user_id, 0), m.number))
    lines = [ctx._("🏆 Leaderboard of «{name}» (rounds finished before their deadline):", name=club.name)]
    if not ranked:
        lines.append(ctx._("The club has no members yet."))
    place, previous = 0, None
    for i, member in enumerate(ranked, start=1):
        total = totals.get(member.user_id, 0)
        if total != previous:
            place, previous = i, total
        line = ctx.ngettext("{place}. {name}: {n} point", "{place}. {name}: {n} points", total, place=place, name=named[member.user_id])
        lines.append(marked(ctx, member.user_id, line))
    ctx.ask("clubs.card", "\n".join(lines), [back(ctx, club)])


async def show_rounds(ctx: Ctx, club: QuizClub) -> None:
    """The leader's list of club rounds, newest first, each a button to its results."""
    rounds = (await store.club_rounds(ctx.session, club.id))[:SHOWN_ROUNDS]
    people = await store.members(ctx.session, club.id)
    if not rounds:
        ctx.ask("clubs.card", ctx._("No club round has been started yet."), [Choice(LeaderPress("round", club.id).id, ctx._("▶️ Start a club round")), back(ctx, club)])
        return
    choices = []
    for club_round in rounds:
        played = await store.round_plays(ctx.session, club_round.id)
        counted = sum(1 for m in people if m.user_id in played and counts(club_round, played[m.user_id]))
        label = ctx._("{round}: {played} of {members} played", round=round_title(ctx.tr, club_round), played=counted, members=len(people))
        choices.append(Choice(LeaderPress("results", club.id, club_round.id).id, label))
    ctx.ask("clubs.card", ctx._("📊 Club rounds of «{name}». Choose one to see who played and the scores:", name=club.name), [*choices, back(ctx, club)])


async def show_round_results(ctx: Ctx, club: QuizClub, round_id: int) -> None:
    club_round = await ctx.session.get(QuizClubRound, round_id)
    if club_round is None or club_round.club_id != club.id:
        ctx.reply(ctx._("This club round does not exist."))
        return
    people = await store.members(ctx.session, club.id)
    named = await names(ctx, people)
    plays = await store.round_plays(ctx.session, club_round.id)
    title = round_title(ctx.tr, club_round)
    lines = [ctx._("📊 {round} (open)", round=title) if club_round.is_open(ctx.now) else ctx._("📊 {round} (closed)", round=title)]
    for member in people:
        played = plays.get(member.user_id)
        if played is None:
            status = ctx._("not played yet")
        elif played.finished_at is None:
            status = ctx._("playing now") if club_round.is_open(ctx.now) else ctx._("not finished")
        else:
            score = ctx._("{score} of {total}", score=played.score, total=played.size)
            status = score if counts(club_round, played) else ctx._("{score}, after the deadline (not counted)", score=score)
        lines.append(f"• {named[member.user_id]}: {status}")
    if not people:
        lines.append(ctx._("The club has no members yet."))
    ctx.ask("clubs.card", "\n".join(lines), [Choice(LeaderPress("rounds", club.id).id, ctx._("📊 Rounds and results")), back(ctx, club)])
