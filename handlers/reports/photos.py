"""The report's first step: 1 to 5 photos of the dump.

Each photo is checked and stored by the photo service as it arrives; the first one with EXIF GPS
gives the location step a "use the photo's location" button.
"""

from __future__ import annotations

from typing import Any

from handlers.context import Ctx
from handlers.reports.draft import MAX_PHOTOS, asks, draft_step, save_and_advance
from handlers.services import PHOTOS, PhotoRejected, PhotoService
from handlers.types import Choice, Kind

DONE = "done"


@asks("report.photo")
async def _ask_photo(ctx: Ctx, data: dict[str, Any]) -> None:
    n = len(data.get("photos", []))
    if n == 0:
        text = ctx._(
            "📸 Send a photo of the dump (up to {max}). Tip: a photo sent as a file keeps its "
            "location, which saves you a step.",
            max=MAX_PHOTOS,
        )
        ctx.ask("report.photo", text)
        return
    text = ctx._(
        "Photo {n} of {max} received. Send another one, or press «Done».", n=n, max=MAX_PHOTOS
    )
    ctx.ask("report.photo", text, [Choice(DONE, ctx._("✅ Done"))])


@draft_step
async def on_photo(ctx: Ctx, data: dict[str, Any]) -> None:
    if ctx.choice == DONE and data.get("photos"):
        data["photos_done"] = True
        await save_and_advance(ctx, data)
        return
    if ctx.incoming.kind is not Kind.PHOTO:
        ctx.reprompt(ctx._("I need a photo here: send a picture of the dump."))
        return
    problem = await _add_photo(ctx, data)
    if problem:
        ctx.reprompt(problem)
        return
    await save_and_advance(ctx, data)


async def _add_photo(ctx: Ctx, data: dict[str, Any]) -> str | None:
    """Store the incoming photo in the draft; a translated reason if it cannot be used."""
    if ctx.media.error == "too_large":
        return ctx._("This file is larger than 20 MB, the most I can receive. Please send a smaller photo.")
    if ctx.media.error or ctx.media.data is None:
        return ctx._("I could not download this photo. Please send it again.")
    photos: PhotoService = ctx.service(PHOTOS)
    try:
        stored = await photos.ingest(ctx.media.data)
    except PhotoRejected as exc:
        return _rejection_text(ctx, exc.reason)
    if any(p["sha256"] == stored.sha256 for p in data["photos"]):
        return ctx._("You have already sent this photo.")
    data["photos"].append(stored.to_json())
    gps = stored.to_json().get("gps")
    if gps and not data.get("photo_gps"):
        data["photo_gps"] = gps
    return None


def _rejection_text(ctx: Ctx, reason: str) -> str:
    if reason == "too_large":
        return ctx._("This file is larger than 20 MB, the most I can receive. Please send a smaller photo.")
    if reason == "too_many_pixels":
        return ctx._("This image is too large (more than 50 megapixels). Please send an ordinary photo.")
    if reason == "broken":
        return ctx._("This photo seems damaged or incomplete. Please take it again or send another one.")
    return ctx._("This file is not a photo I can read. Please send a JPEG, PNG or WebP picture.")
