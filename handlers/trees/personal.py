"""What the tree log adds to «My profile», /mydata and /forget."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select, update

from handlers.context import Ctx
from storage.trees import CertificateName, TreeCapture, TreePlanting, person_figures


async def profile_lines(ctx: Ctx) -> list[str]:
    figures = await person_figures(ctx.session, ctx.user.id)
    if not figures.plantings:
        return []
    lines = [ctx._("Trees planted: {n}", n=figures.planted)]
    if figures.checked:
        lines.append(
            ctx._("Trees alive at the latest check-in: {alive} of {checked}", alive=figures.surviving, checked=figures.checked)
        )
    return lines


async def export_trees(ctx: Ctx) -> dict[str, Any]:
    plantings = (
        await ctx.session.scalars(
            select(TreePlanting).where(TreePlanting.owner_id == ctx.user.id).order_by(TreePlanting.id)
        )
    ).all()
    chosen = await ctx.session.get(CertificateName, ctx.user.id)
    return {
        "certificate_name": chosen.name if chosen else None,
        "plantings": [
            {
                "id": p.id,
                "species": p.species,
                "species_name": p.species_name,
                "count": p.count,
                "planted_on": p.planted_on.isoformat(),
                "region": p.region_code,
                "district": p.district_pcode,
                "latitude": p.latitude,
                "longitude": p.longitude,
                "note": p.note,
                "logged_at": p.created_at.isoformat(),
                "captures": [
                    {
                        "at": c.captured_at.isoformat(),
                        "source": c.source,
                        "alive": c.alive,
                        "photo": c.photo_path,
                    }
                    for c in p.captures
                ],
            }
            for p in plantings
        ],
    }


async def forget_trees(ctx: Ctx) -> None:
    """/forget: the trees stay in the figures (they grow whoever planted them), unlinked from the
    person; their own words (the notes) and the certificate name go."""
    uid = ctx.user.id
    await ctx.session.execute(
        update(TreePlanting).where(TreePlanting.owner_id == uid).values(owner_id=None, note=None)
    )
    await ctx.session.execute(update(TreeCapture).where(TreeCapture.added_by_id == uid).values(added_by_id=None))
    await ctx.session.execute(delete(CertificateName).where(CertificateName.user_id == uid))
