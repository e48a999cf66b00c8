"""What clubs add to /mydata and /forget.

/forget: the person's memberships go. The clubs they lead are closed (not handed over: nobody
agreed to take a club on, and a leader sees members' results, which must not pass to someone the
members did not choose); their members are told, and the club rounds stay without who started
them, so that members' own rounds keep their meaning."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select, update

from handlers.context import Ctx
from handlers.quiz.clubs.club import close_and_tell
from storage.quiz import QuizClub, QuizClubMember, QuizClubRound


async def export_clubs(ctx: Ctx) -> dict[str, Any]:
    uid = ctx.user.id
    joined = await ctx.session.execute(
        select(QuizClubMember, QuizClub).join(QuizClub, QuizClub.id == QuizClubMember.club_id).where(QuizClubMember.user_id == uid)
    )
    led = await ctx.session.scalars(select(QuizClub).where(QuizClub.leader_id == uid).order_by(QuizClub.id))
    started = await ctx.session.scalars(select(QuizClubRound).where(QuizClubRound.started_by == uid).order_by(QuizClubRound.id))
    return {
        "memberships": [
            {"club": c.name, "member_number": m.number, "name_shown": m.show_name, "joined_at": m.joined_at.isoformat()}
            for m, c in joined.all()
        ],
        "clubs_led": [
            {
                "name": c.name,
                "institution": c.institution,
                "region": c.region_code,
                "join_code": c.join_code,
                "created_at": c.created_at.isoformat(),
                "closed_at": c.closed_at.isoformat() if c.closed_at else None,
            }
            for c in led
        ],
        "club_rounds_started": [
            {"club_id": r.club_id, "topic": r.topic, "level": r.level, "deadline": r.deadline.isoformat()} for r in started
        ],
    }


async def erase_clubs(ctx: Ctx) -> None:
    uid = ctx.user.id
    await ctx.session.execute(delete(QuizClubMember).where(QuizClubMember.user_id == uid))
    for club in await ctx.session.scalars(select(QuizClub).where(QuizClub.leader_id == uid, QuizClub.closed_at.is_(None))):
        await close_and_tell(ctx, club)
    await ctx.session.execute(update(QuizClub).where(QuizClub.leader_id == uid).values(leader_id=None))
    await ctx.session.execute(update(QuizClubRound).where(QuizClubRound.started_by == uid).values(started_by=None))
