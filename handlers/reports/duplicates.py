""""Is it this report?": before the details, the draft is compared with the open reports.

An open report within 50 m, or one of the region's with a near-identical photo, is described; if the
citizen says it is the same dump, their photos join it (and count as a confirmation) instead of
becoming a second report of one dump. With no such report the question is not asked.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy import select

from handlers.buttons import button
from handlers.context import Ctx
from handlers.forms import ENDED, Answers, Ended, Field, Question
from handlers.places import place_name
from handlers.reports.nearby import DUPLICATE_RADIUS_M, nearest_open
from handlers.points.ledger import settle_report
from handlers.reports.labels import waste_names
from handlers.services import GEO, PHOTOS, GeoService, PhotoService
from handlers.reports.send import add_photos, ask_sent
from handlers.types import Choice
from handlers.usage import DUPLICATE_CHECK, count_use, limits, used_today
from storage.reports import OPEN_STATUSES, Report, ReportConfirmation, ReportPhoto

SAME_SPOT_M = 5.0  # GPS jitter: closer than this the distance is not worth saying
PHOTO_HASH_MAX_BITS = 6  # of 64: re-compressed or resized copies differ by 0-3, other scenes by ~30
PHOTO_SCAN_LIMIT = 2000  # newest open-report photos of the region compared for near-identical hashes


@button("dup")
@dataclass(frozen=True)
class DuplicateAnswer:
    """The citizen's answer about the report shown: the same dump, or another one."""

    report_id: int
    # "urgent": it is on fire or leaking: a new report (urgent reports are never merged silently)
    answer: Literal["same", "other", "urgent"]


CHECKED = {"duplicate_checked": True}


async def _check_duplicates(ctx: Ctx, data: Answers) -> Question | Answers:
    """Ask "is it the same dump?" if a candidate is found; otherwise the field is answered.
    The question shows the other report's place, waste and date, never its photo (someone else's
    picture); past the day's number of questions a person may see, the report goes on as new
    (moderators still merge duplicates), so probing many points reveals little."""
    found = None
    if await used_today(ctx, DUPLICATE_CHECK) < limits(ctx).duplicate_checks_per_day:
        found = await find_duplicate(ctx, data)
    if found is None:
        return CHECKED
    report, distance, same_photo = found
    await count_use(ctx, DUPLICATE_CHECK)
    named = dict(
        code=report.code,
        date=ctx.tr.date(report.created_at),
        place=place_name(ctx, report.region_code, report.district_pcode),
    )
    near = distance is not None and distance <= DUPLICATE_RADIUS_M
    if same_photo and (near or distance is None):
        # The same picture of the same place: it is that dump, said plainly; one tap confirms it.
        lines = [ctx._("This dump is already reported: {code} of {date}, {place}, with the same photo.", **named)]
        same_label = ctx._("✅ Add my confirmation")
    else:
        lines = [ctx._("This dump may already be reported: {code} of {date}, {place}.", **named)]
        same_label = ctx._("✅ Yes, the same dump")
    if distance is not None and distance > SAME_SPOT_M:
        lines.append(ctx._("It is {meters} m from your point.", meters=round(distance)))
    if report.waste_types:
        lines.append(waste_names(ctx.tr, report.waste_types))
    if not same_photo:
        lines.append(ctx._("Is it the same dump?"))
    return Question(
        "\n".join(lines),
        [
            Choice(DuplicateAnswer(report.id, "same").id, same_label),
            Choice(DuplicateAnswer(report.id, "other").id, ctx._("➕ No, another dump")),
            Choice(DuplicateAnswer(report.id, "urgent").id, ctx._("🚨 It is burning or leaking: a new urgent report")),
        ],
    )


async def find_duplicate(ctx: Ctx, data: Answers) -> tuple[Report, float | None, bool] | None:
    """The nearest open report within 50 m, else one with a near-identical photo, or None; with
    the distance (when both have a point) and whether a photo is near-identical."""
    geo: GeoService = ctx.service(GEO)
    lat, lon = data.get("lat"), data.get("lon")
    if lat is not None and lon is not None:
        near = await nearest_open(ctx.session, geo, lat, lon)
        if near is not None:
            distance, report = near
            return report, distance, _same_photo(ctx, report, data)
    hashes = [p["phash"] for p in data.get("photos", [])]
    photos: PhotoService = ctx.service(PHOTOS)
    rows = (
        await ctx.session.execute(
            select(ReportPhoto.report_id, ReportPhoto.phash)
            .join(Report, Report.id == ReportPhoto.report_id)
            .where(Report.region_code == data["region"], Report.status.in_(OPEN_STATUSES), Report.urgent.is_(False))
            .order_by(ReportPhoto.id.desc())
            .limit(PHOTO_SCAN_LIMIT)
        )
    ).all()
    for report_id, phash in rows:
        if any(photos.hash_distance(phash, mine) <= PHOTO_HASH_MAX_BITS for mine in hashes):
            report = await ctx.session.get(Report, report_id)
            if report is not None:
                distance = None
                if lat is not None and report.latitude is not None:
                    distance = geo.distance_m((lat, lon), (report.latitude, report.longitude))
                return report, distance, True
    return None


def _same_photo(ctx: Ctx, report: Report, data: Answers) -> bool:
    photos: PhotoService = ctx.service(PHOTOS)
    mine = [p["phash"] for p in data.get("photos", [])]
    return any(photos.hash_distance(p.phash, h) <= PHOTO_HASH_MAX_BITS for p in report.photos for h in mine)


async def _parse_duplicate(ctx: Ctx, data: Answers) -> Answers | str | Ended:
    press = DuplicateAnswer.parse(ctx.choice)
    if press is None:
        return ctx._("Please answer with one of the buttons below.")
    if press.answer in ("other", "urgent"):
        return CHECKED
    report = await ctx.session.get(Report, press.report_id, with_for_update=True)
    if report is None or not report.is_open:
        ctx.reply(ctx._("That report is closed meanwhile, so yours will be a new one."))
        return CHECKED
    added = add_photos(ctx, report, data["photos"])
    if report.reporter_id == ctx.user.id:
        text = ctx.ngettext(
            "This is your own report {code}: I added {n} photo to it.",
            "This is your own report {code}: I added {n} photos to it.",
            added,
            code=report.code,
        )
    else:
        confirmed = await _confirm(ctx, report)
        text = ctx.ngettext(
            "Thank you! You confirmed report {code}: {n} person has confirmed it so far.",
            "Thank you! You confirmed report {code}: {n} people have confirmed it so far.",
            report.confirmations_count,
            code=report.code,
        )
        if not confirmed:
            text = ctx._("You had already confirmed report {code}; your new photos are added.", code=report.code)
    report.updated_at = ctx.now
    ask_sent(ctx, text)
    return ENDED


async def _confirm(ctx: Ctx, report: Report) -> bool:
    """A confirmation by this citizen, once; False if they had confirmed before."""
    existing = await ctx.session.scalar(
        select(ReportConfirmation.id).where(
            ReportConfirmation.report_id == report.id, ReportConfirmation.user_id == ctx.user.id
        )
    )
    if existing is not None:
        return False
    ctx.session.add(ReportConfirmation(report_id=report.id, user_id=ctx.user.id, created_at=ctx.now))
    report.confirmations_count += 1
    await ctx.session.flush()
    await settle_report(ctx, report)  # a report confirmed already earns the confirmer points now
    return True


DUPLICATE = Field(
    "duplicate",
    _check_duplicates,
    _parse_duplicate,
    keys=("duplicate_checked",),
    depends_on=("photo", "location"),  # the check compares these answers with open reports
)
