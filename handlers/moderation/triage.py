"""The moderation domain shared by the triage flow and the scheduled jobs: status transitions with
their history, the report card moderators see, and where to write to a reporter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Literal

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.buttons import MaxLen, button
from handlers.context import Ctx
from handlers.i18n import N_, Translator
from handlers.moderation.blur_card import blur_choices, blur_line
from handlers.places import area_name
from handlers.reports.labels import size_name, status_name, waste_names
from handlers.services import PHOTOS, PhotoRejected
from handlers.types import Choice, Reply
from storage.moderation import ReportFollowUpPhoto, ReportTriage
from storage.reports import Report, ReportStatus, ReportStatusChange

# Which statuses each triage action may start from; anything else is a stale press.
CONFIRMABLE = {ReportStatus.NEW, ReportStatus.QUEUED, ReportStatus.DISPUTED}
STARTABLE = CONFIRMABLE | {ReportStatus.CONFIRMED}
CLEANABLE = STARTABLE | {ReportStatus.IN_PROGRESS}
REJECTABLE = CONFIRMABLE | {ReportStatus.CONFIRMED}
UNTRIAGED = (ReportStatus.QUEUED, ReportStatus.DISPUTED)
DISPUTE_DAYS = 7

REJECT_REASONS = {
    "not_dump": N_("not an illegal dump"),
    "spam": N_("spam"),
    "outside": N_("outside the area"),
    "duplicate": N_("duplicate of another report"),
}




@button("mod")
@dataclass(frozen=True)
class CardPress:
    """A button on a report card in a moderators' chat: "mod:VERB:REPORT_ID[:ARG]". `arg` is a
    reject reason (`rr`) or a region code (`to`); the verb's handler checks it."""

    verb: Literal["ok", "wip", "done", "rej", "rr", "mv", "to", "note"]
    report_id: int
    arg: Annotated[str, MaxLen(12)] = ""


@button("dispute")
@dataclass(frozen=True)
class DisputePress:
    """The reporter disputes a cleaning, from the status update that showed the "after" photo."""

    report_id: int


@button("still")
@dataclass(frozen=True)
class StillTherePress:
    """The reporter's answer to "is the dump still there?" about a confirmed report."""

    report_id: int
    answer: Literal["photo", "cleaned"]


def map_link(report: Report) -> str | None:
    if report.latitude is None or report.longitude is None:
        return None
    lat, lon = f"{report.latitude:.6f}", f"{report.longitude:.6f}"
    return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}"


def triage_choices(tr: Translator, report_id: int) -> tuple[Choice, ...]:
    return (
        Choice(CardPress("ok", report_id).id, tr._("✅ Confirm")),
        Choice(CardPress("wip", report_id).id, tr._("🚧 In progress")),
        Choice(CardPress("done", report_id).id, tr._("🧹 Cleaned")),
        Choice(CardPress("rej", report_id).id, tr._("✖️ Reject")),
        Choice(CardPress("mv", report_id).id, tr._("🔀 Another region")),
        Choice(CardPress("note", report_id).id, tr._("📝 Note")),
    )


def report_card(tr: Translator, report: Report, geo, *, header: str | None = None) -> Reply:
    """What moderators see of a report: never the reporter's name or account."""
    lines = [header] if header else []
    lines.append(
        tr._("🗑 {code} · {status}", code=report.code, status=status_name(tr, report.status))
    )
    lines.append(tr._("📍 {place}", place=area_name(geo, tr.language, report.region_code, report.district_pcode)))
    link = map_link(report)
    lines.append(tr._("🗺 {link}", link=link) if link else tr._("🗺 no point: the region was chosen from the list"))
    lines.append(tr._("Waste: {types}", types=waste_names(tr, report.waste_types or []) or "—"))
    lines.append(tr._("Size: {size}", size=size_name(tr, report.size)))
    lines.append(tr._("Confirmations: {count}", count=report.confirmations_count))
    if report.comment:
        lines.append(tr._("Comment: {comment}", comment=report.comment))
    lines.append(tr._("Reported: {date}", date=tr.datetime(report.created_at)))
    first = report.photos[0] if report.photos else None
    public = first.public if first else None  # the blurred copy; the original until it is made
    choices = triage_choices(tr, report.id) if report.is_open else ()
    if first:
        lines.append(blur_line(tr, public))
        choices += blur_choices(tr, report.id) if public else ()
    return Reply(
        text="\n".join(lines),
        choices=choices,
        photo_path=public.public_path if public else (first.path if first else None),
        kind="moderation",
    )


def record_status(
    session: AsyncSession,
    report: Report,
    new_status: str,
    *,
    by_user_id: int | None,
    now: datetime,
    note: str | None = None,
) -> None:
    """Change the status and write who and when into the report's history."""
    session.add(
        ReportStatusChange(
            report_id=report.id,
            old_status=report.status,
            new_status=new_status,
            changed_by_id=by_user_id,
            note=note,
            changed_at=now,
        )
    )
    report.status = new_status
    report.updated_at = now


async def triage_of(session: AsyncSession, report: Report, now: datetime) -> ReportTriage:
    """The report's triage row, created for a report triaged before any handover."""
    triage = await session.get(ReportTriage, report.id)
    if triage is None:
        triage = ReportTriage(report_id=report.id, national=False, queued_at=now, disputes=0)
        session.add(triage)
    return triage


async def store_follow_up_photo(ctx: Ctx, report: Report, kind: str, missing_hint: str) -> str | None:
    """The incoming photo ("after", dispute, "still there") kept beside the report's "before"
    photos; None after telling the sender what is wrong (`missing_hint` when no photo came)."""
    if ctx.media.data is None:
        ctx.reprompt(
            ctx._("The photo could not be downloaded. Please send it again.")
            if ctx.media.error
            else missing_hint
        )
        return None
    try:
        stored = (await ctx.service(PHOTOS).ingest(ctx.media.data)).to_json()
    except PhotoRejected:
        ctx.reprompt(ctx._("This is not a photo I can use. Please send a JPEG or PNG photo."))
        return None
    ctx.session.add(
        ReportFollowUpPhoto(
            report_id=report.id,
            kind=kind,
            path=stored["path"],
            thumb_path=stored["thumb_path"],
            sha256=stored["sha256"],
            added_by_id=ctx.user.id,
            created_at=ctx.now,
        )
    )
    return stored["path"]
