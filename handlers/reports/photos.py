"""The report's first field: 1 to 5 photos of the dump.

Each photo is checked and stored by the photo service as it arrives; the first one with EXIF GPS
gives the location question a "use the photo's location" button.
"""

from __future__ import annotations

from typing import Any

from handlers.context import Ctx
from handlers.forms import DONE, Answers, Field, FormPress, Question
from handlers.i18n import N_
from handlers.photo_input import take_photo
from handlers.types import Choice, Kind

MAX_PHOTOS = 5


def _missing(data: Answers) -> bool:
    photos = data.get("photos", [])
    return not photos or (len(photos) < MAX_PHOTOS and not data.get("photos_done"))


async def _ask_photo(ctx: Ctx, data: Answers) -> Question:
    n = len(data.get("photos", []))
    if n == 0:
        return Question(
            ctx._(
                "📸 Send a photo of the dump (up to {max}). Tip: a photo sent as a file keeps its "
                "location, which saves you a step.",
                max=MAX_PHOTOS,
            )
        )
    text = ctx._(
        "Photo {n} of {max} received. Send another one, or press «Done».", n=n, max=MAX_PHOTOS
    )
    return Question(text, [Choice(DONE.id, ctx._("✅ Done"))])


async def _parse_photo(ctx: Ctx, data: Answers) -> Answers | str:
    photos: list[dict[str, Any]] = data.get("photos", [])
    if FormPress.parse(ctx.choice) == DONE and photos:
        return {"photos_done": True}
    if ctx.incoming.kind is not Kind.PHOTO:
        return ctx._("I need a photo here: send a picture of the dump.")
    return await _add_photo(ctx, photos, data.get("photo_gps"))


async def _add_photo(ctx: Ctx, photos: list[dict[str, Any]], gps: list[float] | None) -> Answers | str:
    """The draft's photos with the incoming one; a translated reason if it cannot be used."""
    stored = await take_photo(ctx)
    if isinstance(stored, str):
        return stored
    if any(p["sha256"] == stored["sha256"] for p in photos):
        return ctx._("You have already sent this photo.")
    return {"photos": [*photos, stored], "photo_gps": gps or stored.get("gps")}


PHOTO = Field(
    "photo",
    _ask_photo,
    _parse_photo,
    keys=("photos", "photos_done", "photo_gps"),
    missing=_missing,
    edit_label=N_("✏️ Edit the photos"),
)
