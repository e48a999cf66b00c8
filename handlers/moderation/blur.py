"""The public copy of a report's photo on the moderators' card: what was blurred, «Blur more» (the
whole photo, or a box typed in pixels: "X Y WIDTH HEIGHT") and «Blur is fine».

Every choice is kept in the report's history (`PhotoBlurReview`). Like the other card buttons,
a press re-checks the presser's role for the report's region (a forged or stale press changes
nothing). Making the new copy runs in a thread (bot/blur.py), a fraction of a second.
"""

from __future__ import annotations

import logging
import re

from handlers.context import Ctx
from handlers.moderation import in_chat_language
from handlers.moderation.access import may_moderate, refuse
from handlers.moderation.blur_card import BlurPress
from handlers.router import Router
from handlers.services import BLUR, BlurService
from handlers.types import Choice
from storage.public_photos import BlurVerdict, PhotoBlurReview, PublicPhoto, record_public_copy
from storage.reports import Report, ReportPhoto

log = logging.getLogger(__name__)
STEP = "moderation.blur_box"
BOX = re.compile(r"^\s*(\d{1,5})[\s,;x×]+(\d{1,5})[\s,;x×]+(\d{1,5})[\s,;x×]+(\d{1,5})\s*$")
MIN_BOX = 4  # px: a smaller box hides nothing


def register(router: Router) -> None:
    router.action(BlurPress, without_consent=True)(in_chat_language(on_press))
    router.step(STEP, without_consent=True)(in_chat_language(on_box))


async def _first_photo(ctx: Ctx, report: Report) -> tuple[ReportPhoto, PublicPhoto] | None:
    photo = report.photos[0] if report.photos else None
    public = await ctx.session.get(PublicPhoto, photo.path) if photo else None
    if photo is None or public is None:
        ctx.reply(ctx._("{code} has no public copy of a photo yet: try again in a minute.", code=report.code))
        return None
    return photo, public


async def on_press(ctx: Ctx) -> None:
    press: BlurPress = ctx.button
    report = await ctx.session.get(Report, press.report_id, with_for_update=True)
    if report is None:
        ctx.reply(ctx._("This report does not exist."))
        return
    if not await may_moderate(ctx, report.region_code):
        refuse(ctx, f"blur:{press.verb}", report.region_code)
        return
    found = await _first_photo(ctx, report)
    if found is None:
        return
    photo, public = found
    if ctx.step == STEP and press.verb != "more":  # pressed instead of typing a box: none awaited now
        ctx.end_flow()
    if press.verb == "fine":
        _review(ctx, report, photo, BlurVerdict.FINE)
        ctx.reply(ctx._("Noted: the blur of {code} is fine.", code=report.code))
    elif press.verb == "whole":
        await _reblur(ctx, report, photo, public, whole=True)
    else:
        ctx.data.update(report_id=report.id, by=ctx.incoming.sender_id)
        ctx.ask(
            STEP,
            ctx._(
                "{code}: send the box to blur as four numbers in pixels: X Y WIDTH HEIGHT "
                "(from the top left corner; the photo is {width}×{height}). Or blur the whole photo.",
                code=report.code,
                width=photo.width,
                height=photo.height,
            ),
            (Choice(BlurPress("whole", report.id).id, ctx._("🌫 Blur the whole photo")),),
            photo_path=public.public_path,
        )


async def on_box(ctx: Ctx) -> None:
    if ctx.data.get("by") != ctx.incoming.sender_id:
        ctx.reply(ctx._("I am waiting for the answer of the moderator who pressed the button."))
        return
    report = await ctx.session.get(Report, ctx.data.get("report_id"), with_for_update=True)
    if report is None or not await may_moderate(ctx, report.region_code):
        ctx.end_flow()
        if report is None:
            ctx.reply(ctx._("This report does not exist."))
        else:
            refuse(ctx, STEP, report.region_code)
        return
    found = await _first_photo(ctx, report)
    if found is None:
        ctx.end_flow()
        return
    photo, public = found
    box = _parse_box(ctx.text or "", photo.width, photo.height)
    if box is None:
        ctx.reprompt(
            ctx._(
                "Please send four whole numbers: X Y WIDTH HEIGHT, inside the photo ({width}×{height}), "
                "the box at least {min} px wide and tall.",
                width=photo.width,
                height=photo.height,
                min=MIN_BOX,
            )
        )
        return
    ctx.end_flow()
    await _reblur(ctx, report, photo, public, box=box)


def _parse_box(text: str, width: int, height: int) -> list[int] | None:
    match = BOX.match(text)
    if not match:
        return None
    x, y, w, h = (int(v) for v in match.groups())
    if w < MIN_BOX or h < MIN_BOX or x >= width or y >= height:
        return None
    return [x, y, min(w, width - x), min(h, height - y)]


async def _reblur(
    ctx: Ctx, report: Report, photo: ReportPhoto, public: PublicPhoto, *, whole: bool = False, box: list[int] | None = None
) -> None:
    blur: BlurService = ctx.service(BLUR)
    extra = [*public.extra, ["manual", *box]] if box else list(public.extra)
    public_path, found = await blur.make(photo.path, extra, whole=whole or public.whole)
    await record_public_copy(ctx.session, photo.path, public_path, found, extra=extra, whole=whole, now=ctx.now)
    _review(ctx, report, photo, BlurVerdict.MORE_WHOLE if whole else BlurVerdict.MORE_BOX, box)
    ctx.reply(
        ctx._("Done: the whole photo of {code} is blurred.", code=report.code)
        if whole
        else ctx._("Done: the box is blurred in the public copy of {code}.", code=report.code),
        photo_path=public_path,
    )


def _review(ctx: Ctx, report: Report, photo: ReportPhoto, verdict: str, box: list[int] | None = None) -> None:
    log.info("blur %s of %s by %s", verdict, report.code, ctx.user.id)
    ctx.session.add(
        PhotoBlurReview(report_id=report.id, original_path=photo.path, verdict=verdict, box=box, by_id=ctx.user.id, created_at=ctx.now)
    )
