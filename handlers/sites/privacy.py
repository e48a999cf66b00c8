"""What this feature keeps about a person, for /mydata and /forget."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select

from handlers.context import Ctx
from storage.sites import SharedLocation, SiteVerification, SiteVerifier


async def export_data(ctx: Ctx) -> dict[str, Any]:
    """/mydata: the latest shared location, the invitations' standing and the sites verified."""
    location = await ctx.session.get(SharedLocation, ctx.user.id)
    standing = await ctx.session.get(SiteVerifier, ctx.user.id)
    looks = (
        await ctx.session.scalars(select(SiteVerification).where(SiteVerification.user_id == ctx.user.id))
    ).all()
    return {
        "latest_location": None
        if location is None
        else {"latitude": location.latitude, "longitude": location.longitude, "shared_at": location.shared_at.isoformat()},
        "last_invited_at": standing.last_invited_at.isoformat() if standing and standing.last_invited_at else None,
        "do_not_ask": bool(standing and standing.opted_out_at),
        "sites_verified": [
            {"report_id": v.report_id, "verdict": v.verdict, "at": v.created_at.isoformat()} for v in looks
        ],
    }


async def forget_data(ctx: Ctx) -> None:
    """/forget: the location and the invitations' standing go; the looks stay, detached (they
    decided a site's status, like a report stays after its reporter leaves)."""
    await ctx.session.execute(delete(SharedLocation).where(SharedLocation.user_id == ctx.user.id))
    await ctx.session.execute(delete(SiteVerifier).where(SiteVerifier.user_id == ctx.user.id))
    await ctx.session.execute(
        SiteVerification.__table__.update().where(SiteVerification.user_id == ctx.user.id).values(user_id=None)
    )


async def data_lines(ctx: Ctx) -> list[str]:
    """/mydata in words: the latest shared location (why it is kept, and how long) and the sites
    this person verified."""
    lines = []
    location = await ctx.session.get(SharedLocation, ctx.user.id)
    if location is not None:
        lines.append(
            ctx._(
                "📍 Your latest shared location ({date}): kept for 30 days to invite you to verify sites "
                "detected from space near you.",
                date=ctx.tr.date(location.shared_at),
            )
        )
    looks = await ctx.session.scalar(
        select(func.count()).select_from(SiteVerification).where(SiteVerification.user_id == ctx.user.id)
    )
    if looks:
        lines.append(ctx.ngettext("🛰 Sites you verified: {n}", "🛰 Sites you verified: {n}", looks))
    return lines
