"""A photo a person sends in a step, taken through the photo pipeline: every feature that asks for
a picture (a dump, a planting, a survival check-in) answers a bad one with the same reasons."""

from __future__ import annotations

from typing import Any

from handlers.context import Ctx
from handlers.services import PHOTOS, PhotoRejected, PhotoService


async def take_photo(ctx: Ctx) -> dict[str, Any] | str:
    """The incoming photo, checked and stored (`StoredPhoto.to_json()`: path, thumb_path, sha256,
    gps...), or a translated reason why it cannot be used."""
    if ctx.media.error == "too_large":
        return rejection_text(ctx, "too_large")
    if ctx.media.error or ctx.media.data is None:
        return ctx._("I could not download this photo. Please send it again.")
    photos: PhotoService = ctx.service(PHOTOS)
    try:
        stored = await photos.ingest(ctx.media.data)
    except PhotoRejected as exc:
        return rejection_text(ctx, exc.reason)
    return stored.to_json()


def rejection_text(ctx: Ctx, reason: str) -> str:
    if reason == "too_large":
        return ctx._("This file is larger than 20 MB, the most I can receive. Please send a smaller photo.")
    if reason == "too_many_pixels":
        return ctx._("This image is too large (more than 50 megapixels). Please send an ordinary photo.")
    if reason == "broken":
        return ctx._("This photo seems damaged or incomplete. Please take it again or send another one.")
    return ctx._("This file is not a photo I can read. Please send a JPEG, PNG or WebP picture.")
