"""A rejection as the reporter reads it: the reason in their language and what to do next. Where a
new report could succeed (the moderators could not locate the dump, the photo is unclear), a «Send
again» button opens a new draft with the rejected report's photos, place and details, shown as its
summary: the person changes what was wrong and sends it.

The moderators' side (handlers.moderation) chooses the reason; `rejection_update` is the message.
"""

from __future__ import annotations

from dataclasses import dataclass

from handlers.buttons import button
from handlers.context import Ctx
from handlers.forms import Answers, Form
from handlers.i18n import N_, Translator
from handlers.reports.labels import status_update
from handlers.router import Router
from handlers.services import GeoService
from handlers.types import Choice, Reply
from storage.reports import Report, ReportStatus

# glossary: send again = қайта жіберу / отправить снова / send again
# Reason codes shared with moderation. "not_dump" keeps the spelling moderation used before.
RETRYABLE = ("cannot_locate", "photo_unclear")
REASON_TEXTS = {
    "cannot_locate": N_(
        "The moderators could not find the dump from the place given. Send it again with a point "
        "on the map, or with the district and a clearer landmark."
    ),
    "photo_unclear": N_("The photo does not show the dump clearly. Send it again with a clearer photo."),
    "not_dump": N_("The moderators found that this place is not an illegal dump."),
    "private_land": N_(
        "The dump is on private land: its owner, not the akimat, has to clean it up."
    ),
    "duplicate": N_("This dump had already been reported, and the moderators are handling that report."),
    "spam": N_("The report was taken for spam."),
    "outside": N_("The place is outside the area the moderators handle."),
}


@button("again")
@dataclass(frozen=True)
class SendAgain:
    """The reporter opens a new draft from their rejected report."""

    report_id: int


def register(router: Router, form: Form) -> None:
    """`form` is the report form the new draft belongs to."""

    async def on_send_again(ctx: Ctx) -> None:
        await send_again(ctx, form)

    router.action(SendAgain)(on_send_again)


def rejection_update(
    tr: Translator, geo: GeoService, report: Report, reason: str, note: str | None = None
) -> Reply:
    """The reporter's message when `report` is rejected for `reason` (a code above; "other" or an
    unknown code shows the moderator's `note`, their own words)."""
    lines = [tr._("❌ Your report has been rejected.")]
    if reason in REASON_TEXTS:
        lines.append(tr._(REASON_TEXTS[reason]))
    if note and reason not in REASON_TEXTS:
        lines.append(tr._("The moderators' reason: {reason}", reason=note))
    choices = ()
    if reason in RETRYABLE:
        choices = (Choice(SendAgain(report.id).id, tr._("🔁 Send again")),)
    else:
        lines.append(tr._("Thank you for caring all the same."))
    return status_update(tr, geo, report, "\n".join(lines), choices)


async def send_again(ctx: Ctx, form: Form) -> None:
    press: SendAgain = ctx.button
    report = await ctx.session.get(Report, press.report_id)
    if report is None or report.reporter_id != ctx.user.id:
        ctx.reply(ctx._("Only the reporter can answer this question."))
        return
    if report.status != ReportStatus.REJECTED:
        ctx.reply(ctx._("Report {code} is no longer rejected, so there is nothing to send again.", code=report.code))
        return
    ctx.end_flow()
    ctx.reply(
        ctx._(
            "Here is your report again, with its photos and place. Change what the moderators could "
            "not use (a new photo or location can simply be sent), then send it."
        )
    )
    await form.advance(ctx, draft_of(report))


def draft_of(report: Report) -> Answers:
    """The answers of a new report form with the rejected report's photos, place and details."""
    return {
        "photos": [
            {
                "path": p.path,
                "thumb_path": p.thumb_path,
                "sha256": p.sha256,
                "phash": p.phash,
                "width": p.width,
                "height": p.height,
                "gps": None,
            }
            for p in report.photos
        ],
        "photo_gps": None,
        "gps_used": True,
        "region": report.region_code,
        "district": report.district_pcode,
        "lat": report.latitude,
        "lon": report.longitude,
        "source": report.location_source,
        "address": report.address,
        "waste": list(report.waste_types or []),
        "size": report.size,
        "comment": report.comment,
    }
