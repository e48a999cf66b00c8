"""«Eco-points»: the person's points, rank and next badge, and the leaderboards of the country,
their region and their clubs, this month or all time. A person is named only if they agreed (the
button on this screen); others appear as «Volunteer from Abai Region». In a club the club's own
consent and numbering apply (handlers.quiz.clubs.results.names: «Member 3»)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from handlers.buttons import button
from handlers.context import Ctx
from handlers.i18n import KZ_TZ
from handlers.places import area_name
from handlers.quiz.clubs.results import names as club_names
from handlers.services import GEO
from handlers.stats import show_country
from handlers.types import Choice
from storage import points as store
from storage import quiz as quiz_store

# glossary: badge (a milestone of eco-points) = белгі / значок / badge
# glossary: rank (place on a leaderboard) = орын / место / rank
STEP = "points.board"
SHOWN = 10


@button("pts")
@dataclass(frozen=True)
class PointsPress:
    verb: Literal["board", "name", "stats"]
    scope: Literal["kz", "region", "club"] = "kz"
    period: Literal["month", "all"] = "month"
    club_id: int = 0


def month_start(now: datetime) -> datetime:
    local = now.astimezone(KZ_TZ)
    return datetime(local.year, local.month, 1, tzinfo=KZ_TZ)


def region_name(ctx: Ctx, code: str | None) -> str:
    return area_name(ctx.service(GEO), ctx.tr.language, code, None) if code else ""


def public_name(ctx: Ctx, standing: store.Standing) -> str:
    if standing.show_name and standing.name:
        return standing.name
    if standing.region_code:
        return ctx._("Volunteer from {region}", region=region_name(ctx, standing.region_code))
    return ctx._("Volunteer")


async def summary_lines(ctx: Ctx) -> list[str]:
    """Points, ranks in the region and the country, and the next badge (also on «My profile»)."""
    uid = ctx.user.id
    total = await store.total_of(ctx.session, uid)
    lines = [ctx._("🌿 Eco-points: {n}", n=total)]
    home = await store.home_region(ctx.session, uid)
    if home:
        ranked = await store.rank_of(ctx.session, uid, home)
        if ranked:
            lines.append(ctx._("Rank in {region}: {rank} of {count}", region=region_name(ctx, home), rank=ranked[0], count=ranked[1]))
    ranked = await store.rank_of(ctx.session, uid)
    if ranked:
        lines.append(ctx._("Rank in Kazakhstan: {rank} of {count}", rank=ranked[0], count=ranked[1]))
    goal = store.next_milestone(total)
    if goal is None:
        lines.append(ctx._("Every badge is yours. Thank you!"))
    else:
        lines.append(
            ctx.ngettext(
                "Next badge: {goal} eco-points ({n} more point to go)",
                "Next badge: {goal} eco-points ({n} more points to go)",
                goal - total,
                goal=goal,
            )
        )
    return lines


async def show_board(ctx: Ctx, press: PointsPress | None = None) -> None:
    press = press or PointsPress("board")
    since = month_start(ctx.now) if press.period == "month" else None
    period = ctx._("this month") if since else ctx._("all time")
    home = await store.home_region(ctx.session, ctx.user.id)
    clubs = [club for club, _leads in await quiz_store.clubs_of(ctx.session, ctx.user.id)]
    lines = await summary_lines(ctx)
    lines.append("")
    if press.scope == "club" and any(c.id == press.club_id for c in clubs):
        club = next(c for c in clubs if c.id == press.club_id)
        people = await quiz_store.members(ctx.session, club.id)
        member_ids = [m.user_id for m in people] + ([club.leader_id] if club.leader_id else [])
        named = await club_names(ctx, people)
        standings = await store.leaderboard(ctx.session, since=since, user_ids=member_ids, limit=SHOWN)
        lines.append(ctx._("🏆 Club «{name}», {period}:", name=club.name, period=period))
        rows = [(s, named.get(s.user_id) or public_name(ctx, s)) for s in standings]
    elif press.scope == "region" and home:
        standings = await store.leaderboard(ctx.session, region_code=home, since=since, limit=SHOWN)
        lines.append(ctx._("🏆 {region}, {period}:", region=region_name(ctx, home), period=period))
        rows = [(s, public_name(ctx, s)) for s in standings]
    else:
        standings = await store.leaderboard(ctx.session, since=since, limit=SHOWN)
        lines.append(ctx._("🏆 Kazakhstan, {period}:", period=period))
        rows = [(s, public_name(ctx, s)) for s in standings]
    if not rows:
        lines.append(ctx._("No eco-points here yet."))
    for standing, name in rows:
        line = ctx.ngettext(
            "{rank}. {name}: {n} eco-point", "{rank}. {name}: {n} eco-points", standing.total, rank=standing.rank, name=name
        )
        lines.append(ctx._("👉 {line} (you)", line=line) if standing.user_id == ctx.user.id else line)
    settings = await store.settings_of(ctx.session, ctx.user.id)
    lines += ["", ctx._("Your name is shown on leaderboards.") if settings.show_name else ctx._("Your name is hidden on leaderboards.")]
    other = "all" if press.period == "month" else "month"
    choices = [Choice(PointsPress("board", "kz", press.period).id, ctx._("🇰🇿 Kazakhstan"))]
    if home:
        choices.append(Choice(PointsPress("board", "region", press.period).id, ctx._("📍 My region")))
    choices += [Choice(PointsPress("board", "club", press.period, c.id).id, ctx._("👥 {name}", name=c.name)) for c in clubs]
    choices.append(
        Choice(
            PointsPress("board", press.scope, other, press.club_id).id,
            ctx._("📅 All time") if other == "all" else ctx._("📅 This month"),
        )
    )
    choices.append(
        Choice(
            PointsPress("name", press.scope, press.period, press.club_id).id,
            ctx._("🙈 Hide my name") if settings.show_name else ctx._("🙋 Show my name"),
        )
    )
    choices.append(Choice(PointsPress("stats").id, ctx._("📊 The programme's figures")))
    ctx.ask(STEP, "\n".join(lines), choices)


async def on_press(ctx: Ctx) -> None:
    press = PointsPress.parse(ctx.choice)
    if press is None:
        ctx.reprompt(ctx._("Please choose one of the options below."))
        return
    if press.verb == "stats":
        await show_country(ctx)
        return
    if press.verb == "name":
        settings = await store.settings_of(ctx.session, ctx.user.id, lock=True)
        settings.show_name = not settings.show_name
    await show_board(ctx, PointsPress("board", press.scope, press.period, press.club_id))
