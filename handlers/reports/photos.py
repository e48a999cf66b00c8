"""The report's first field, a photo of the dump, and what every step of the report takes.

The photo question ends with the first photo: more photos (up to 5) and a new location are taken at
any later step, the summary included (`take_anywhere`). The first photo with EXIF GPS gives the
location, which is then not asked. Text sent instead of the photo is kept as the comment, and the
bot says so: nothing the person sends is thrown away.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from handlers.context import Ctx
from handlers.forms import SUMMARY, Answers, Field, Question
from handlers.i18n import N_
from handlers.photo_input import take_photo
from handlers.reports.location import take_location
from handlers.types import Kind
from storage.reports import Report

MAX_PHOTOS = 5
MAX_COMMENT = 500


async def _ask_photo(ctx: Ctx, data: Answers) -> Question:
    lines = []
    if data.get("comment"):  # text sent instead of the photo: said to be kept, before asking again
        lines.append(ctx._("💬 Your comment is kept: «{comment}».", comment=data["comment"]))
    lines.append(
        ctx._(
            "📸 Send a photo of the dump. Tip: a photo sent as a file keeps its location, "
            "so I will not need to ask where the dump is."
        )
    )
    if not data.get("comment") and not await _has_reported(ctx):  # said once: at the first report's first ask
        lines.append(
            ctx._("🔒 Before any photo is published, faces and number plates on it are blurred automatically.")
        )
    return Question("\n".join(lines))


async def _has_reported(ctx: Ctx) -> bool:
    return (
        await ctx.session.scalar(select(Report.id).where(Report.reporter_id == ctx.user.id).limit(1))
    ) is not None


async def _parse_photo(ctx: Ctx, data: Answers) -> Answers | str:
    """Photos and locations are taken by `take_anywhere` before this; text becomes the comment."""
    if ctx.incoming.kind is Kind.TEXT and ctx.text:
        comment = _joined(data.get("comment"), ctx.text)
        if comment is None:
            return ctx._("The comment is too long: at most {max} characters, please shorten it.", max=MAX_COMMENT)
        return {"comment": comment}
    return ctx._("I need a photo here: send a picture of the dump.")


def _joined(old: str | None, new: str) -> str | None:
    """The comment with the new text added; None when it would be too long."""
    joined = f"{old}\n{new}" if old else new
    return joined if len(joined) <= MAX_COMMENT else None


async def take_anywhere(ctx: Ctx, data: Answers) -> Answers | str | None:
    """A photo or a location sent at any step of the report is taken; text typed on the summary is
    the comment. The new draft, a hint, or None for input the step itself answers."""
    kind = ctx.incoming.kind
    if kind is Kind.PHOTO:
        return await _add_photo(ctx, data)
    if kind is Kind.LOCATION:
        return take_location(ctx, data)
    if kind is Kind.TEXT and ctx.text and ctx.choice is None and ctx.step == f"report.{SUMMARY}":
        comment = _joined(data.get("comment"), ctx.text)
        if comment is None:
            return ctx._("The comment is too long: at most {max} characters, please shorten it.", max=MAX_COMMENT)
        ctx.reply(ctx._("💬 I added your text to the comment."))
        return {**data, "comment": comment}
    return None


async def _add_photo(ctx: Ctx, data: Answers) -> Answers | str:
    photos: list[dict[str, Any]] = data.get("photos", [])
    if len(photos) >= MAX_PHOTOS:
        return ctx._(
            "The report already has {max} photos, the most it can have. Send it, or change the photos.",
            max=MAX_PHOTOS,
        )
    stored = await take_photo(ctx)
    if isinstance(stored, str):
        return stored
    if any(p["sha256"] == stored["sha256"] for p in photos):
        return ctx._("You have already sent this photo.")
    if photos:
        ctx.reply(ctx._("📸 Photo {n} received (at most {max}).", n=len(photos) + 1, max=MAX_PHOTOS))
    return {**data, "photos": [*photos, stored], "photo_gps": data.get("photo_gps") or stored.get("gps")}


PHOTO = Field(
    "photo",
    _ask_photo,
    _parse_photo,
    keys=("photos", "photo_gps"),
    edit_label=N_("✏️ Change the photos"),
)
