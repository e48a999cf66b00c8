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
from handlers.sites.card import card_lines
from handlers.types import Choice, Reply
from storage.moderation import ReportFollowUpPhoto, ReportTriage
from storage.reports import OPEN_STATUSES, Report, ReportStatus, ReportStatusChange

# Which statuses each triage action may start from; anything else is a stale press.
CONFIRMABLE = {ReportStatus.NEW, ReportStatus.QUEUED, ReportStatus.DISPUTED}
STARTABLE = CONFIRMABLE | {ReportStatus.CONFIRMED}
CLEANABLE = STARTABLE | {ReportStatus.IN_PROGRESS}
REJECTABLE = CONFIRMABLE | {ReportStatus.CONFIRMED}
OPEN = set(OPEN_STATUSES)
ANY = set(ReportStatus)
UNTRIAGED = (ReportStatus.QUEUED, ReportStatus.DISPUTED)
DISPUTE_DAYS = 7

# A card's buttons, in this order, each offered only from the statuses it may start from.
# glossary: «Ask the reporter» = өтініш берушіден сұрау / спросить автора обращения
ACTIONS: tuple[tuple[str, str, set[str]], ...] = (
    ("ok", N_("✅ Confirm"), CONFIRMABLE),
    ("wip", N_("🚧 In progress"), STARTABLE),
    ("done", N_("🧹 Cleaned"), CLEANABLE),
    ("rej", N_("✖️ Reject"), REJECTABLE),
    ("ask", N_("❓ Ask the reporter"), OPEN),
    ("mv", N_("🔀 Another region"), OPEN),
    ("note", N_("📝 Note"), ANY),
    ("next", N_("⏭ Next report"), ANY),
)
# The follow-up presses (a reason, a region, back to the card) start from the same statuses.
VALID_FROM: dict[str, set[str]] = {verb: statuses for verb, _label, statuses in ACTIONS} | {
    "rr": REJECTABLE,
    "to": OPEN,
    "show": ANY,
}

# Codes are stored (report_triage.reject_reason) and shared with the citizens' side, which names
# the reason to the reporter in their language; "other" comes with the moderator's own words.
REJECT_REASONS = {
    "cannot_locate": N_("the dump cannot be found at this place"),
    "photo_unclear": N_("the photo does not show the dump clearly"),
    "not_dump": N_("not an illegal dump"),
    "private_land": N_("the place is private land"),
    "outside": N_("outside the area"),
    "duplicate": N_("duplicate of another report"),
    "spam": N_("spam"),
    "other": N_("another reason (type it)"),
}
OTHER = "other"


def may(verb: str, report: Report) -> bool:
    """Whether `verb` is a valid action on the report as it is now."""
    if verb == "ask" and report.reporter_id is None:
        return False  # the reporter used /forget: nobody to ask
    return report.status in VALID_FROM.get(verb, set())


@button("mod")
@dataclass(frozen=True)
class CardPress:
    """A button on a report card in a moderators' chat: "mod:VERB:REPORT_ID[:ARG]". `arg` is a
    reject reason (`rr`) or a region code (`to`); the verb's handler checks it."""

    verb: Literal["ok", "wip", "done", "rej", "rr", "mv", "to", "note", "ask", "next", "show"]
    report_id: int
    arg: Annotated[str, MaxLen(16)] = ""


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


def triage_choices(tr: Translator, report: Report) -> tuple[Choice, ...]:
    """Only the actions valid for the report's status."""
    return tuple(
        Choice(CardPress(verb, report.id).id, tr._(label)) for verb, label, _ in ACTIONS if may(verb, report)
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
    if report.address:
        lines.append(tr._("🧭 Landmark: {landmark}", landmark=report.address))
    lines.append(tr._("Waste: {types}", types=waste_names(tr, report.waste_types or []) or "—"))
    lines.append(tr._("Size: {size}", size=size_name(tr, report.size)))
    lines.append(tr._("Confirmations: {count}", count=report.confirmations_count))
    if report.comment:
        lines.append(tr._("Comment: {comment}", comment=report.comment))
    lines.append(tr._("Reported: {date}", date=tr.datetime(report.created_at)))
    lines += card_lines(tr, report)  # urgent; the source and detection date of a site from space
    first = report.photos[0] if report.photos else None
    public = first.public if first else None  # the blurred copy; the original until it is made
    choices = triage_choices(tr, report)
    if first:
        lines.append(blur_line(tr, public))
        # A rejected report is never published: nothing to review the blur for.
        choices += blur_choices(tr, report.id) if public and report.status != ReportStatus.REJECTED else ()
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
