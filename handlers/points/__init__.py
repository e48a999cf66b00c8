"""Eco-points: the ledger written with each deed (ledger), the «Eco-points» screen with the
leaderboards (board), and what the points add to «My profile», /mydata and /forget."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete

from handlers.context import Ctx
from handlers.i18n import N_
from handlers.router import Router
from storage import points as store
from storage.points import PointsEntry, PointsSettings


def register(router: Router) -> None:
    # Imported here: the deeds' flows (moderation, events, trees, quiz) import handlers.points.ledger,
    # and the board reads the quiz clubs, so importing it with the package would go in a circle.
    from handlers.points.board import STEP, on_press, show_board, summary_lines

    router.menu_entry("points", N_("🌿 Eco-points"), 42)(show_board)
    router.command("top")(show_board)
    router.step(STEP)(on_press)
    router.profile_lines.append(summary_lines)
    router.personal_data("points", export_points, forget_points)


async def export_points(ctx: Ctx) -> dict[str, Any]:
    settings = await ctx.session.get(PointsSettings, ctx.user.id)
    return {
        "show_name_on_leaderboards": bool(settings and settings.show_name),
        "badge": settings.badge if settings else 0,
        "ledger": [
            {"deed": e.deed, "ref": e.ref, "points": e.points, "region": e.region_code, "at": e.created_at.isoformat()}
            for e in await store.entries_of(ctx.session, ctx.user.id)
        ],
    }


async def forget_points(ctx: Ctx) -> None:
    """/forget: the points go with the person (a leaderboard of nobody would mean nothing)."""
    await ctx.session.execute(delete(PointsEntry).where(PointsEntry.user_id == ctx.user.id))
    await ctx.session.execute(delete(PointsSettings).where(PointsSettings.user_id == ctx.user.id))
