"""Handing reports over to a region's own systems (its Open311 endpoint, its e-mail address) and
hearing back from them.

- `plan` runs inside the handover job's transaction: one `HandoverDelivery` per report and target;
  an e-mail per report is queued in the outbox right there (the outbox sends it at least once).
- `handover_deliver` POSTs each pending delivery to its Open311 endpoint exactly once: the attempt
  is committed before the POST, so after a crash (or a timeout) the job first looks the report up
  on the endpoint (by the token it got, or by the `[TZ-000123]` code that opens the description)
  and POSTs again only if it is not there. 5xx answers and timeouts are retried with backoff; after
  `HANDOVER_GIVE_UP_HOURS`, or at once on a refusal (4xx), the delivery fails and the region's
  moderators are told. It also writes the daily letters of e-mail targets that asked for one.
- `handover_pull` asks each endpoint for the requests we gave it (and FixMyStreet's
  `servicerequestupdates` where the endpoint has them), maps their status onto ours through the
  same status history as moderation, and tells the reporter in their language.

The HTTP side is the `open311_client` service (bot.open311_client), so jobs never import aiohttp.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import exists, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.i18n import KZ_TZ, N_, Translator
from handlers.moderation.routing import Routes
from handlers.moderation.triage import CLEANABLE, CONFIRMABLE, REJECTABLE, STARTABLE, map_link, record_status
from handlers.places import area_name
from handlers.reports.labels import report_page, size_name, status_update, waste_names
from handlers.services import GEO
from handlers.types import Reply
from jobs.base import Job, JobContext
from storage.handover import DeliveryStatus, EmailMode, HandoverDelivery, HandoverTarget, TargetKind, targets_for
from storage.models import JobRun
from storage.outbox import queue_message
from storage.reports import Report, ReportStatus

log = logging.getLogger(__name__)

OPEN311_CLIENT = "open311_client"
EMAIL_CHANNEL = "email"
EMAIL_KIND = "handover_email"
MAX_BACKOFF_SECONDS = 3600
PER_RUN = 200
# An urgent report is planned while it is still open: a moderator may confirm it within the minute.
HANDED_OVER = (ReportStatus.QUEUED, ReportStatus.CONFIRMED, ReportStatus.IN_PROGRESS)
DAILY_LETTER_HOUR = 9  # Kazakhstan time: the daily letter goes with the first run after it


class HandoverRetry(Exception):
    """The endpoint failed in a way that may pass (5xx). `uncertain` when the request may have
    been taken all the same (a timeout, a dropped connection): look it up before sending again."""

    def __init__(self, reason: str, *, uncertain: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.uncertain = uncertain


class HandoverRefused(Exception):
    """The endpoint refused the request (4xx): sending it again cannot help."""


@dataclass(frozen=True, slots=True)
class RemoteStatus:
    service_request_id: str
    status: str  # the spec's open/closed, or a FixMyStreet state (fixed, in_progress, ...)
    notes: str


class Open311Client(Protocol):
    async def post(self, target: HandoverTarget, fields: list[tuple[str, str]], photo: bytes | None) -> tuple[str | None, str | None]:
        """(service_request_id, token); raises HandoverRetry or HandoverRefused."""
        ...

    async def find(self, target: HandoverTarget, code: str, token: str | None, since: datetime) -> str | None:
        """The endpoint's id of the request we sent for report `code`, if it has one."""
        ...

    async def statuses(self, target: HandoverTarget, ids: Sequence[str], since: datetime) -> list[RemoteStatus]:
        """The current status of these requests, and the updates since `since` where the endpoint has them."""
        ...


# --- planning, in the handover job's transaction ------------------------------------------------
async def plan(job: JobContext, session: AsyncSession, reports: Sequence[tuple[int, str, str | None]], now: datetime) -> int:
    """A delivery per (report, target) for the reports just handed over; returns how many."""
    by_area: dict[tuple[str, str | None], list[int]] = defaultdict(list)
    for report_id, region, district in reports:
        by_area[region, district].append(report_id)
    rows = []
    for (region, district), ids in by_area.items():
        for target in await targets_for(session, region, district):
            rows += [{"report_id": i, "target_id": target.id, "status": DeliveryStatus.PENDING,
                      "attempts": 0, "created_at": now, "next_attempt_at": now} for i in ids]  # fmt: skip
    if not rows:
        return 0
    await session.execute(insert(HandoverDelivery), rows)
    each = (
        await session.execute(
            select(HandoverDelivery, HandoverTarget)
            .join(HandoverTarget, HandoverTarget.id == HandoverDelivery.target_id)
            .where(
                HandoverDelivery.report_id.in_([r[0] for r in reports]),
                HandoverTarget.kind == TargetKind.EMAIL,
                HandoverTarget.email_mode == EmailMode.EACH,
            )
        )
    ).all()
    for delivery, target in each:
        report = await session.get(Report, delivery.report_id)
        if report is not None:
            await _queue_letter(job, session, target, [report], [delivery], now)
    return len(rows)


# --- e-mail ------------------------------------------------------------------------------------
def email_text(tr: Translator, geo, report: Report) -> str:
    """One report as the e-mail tells it: everything an akimat's clerk needs, no reporter."""
    lines = [
        tr._("Report {code}", code=report.code),
        tr._("📍 {place}", place=area_name(geo, tr.language, report.region_code, report.district_pcode)),
    ]
    if report.latitude is not None and report.longitude is not None:
        lines.append(tr._("Coordinates: {lat}, {lon}", lat=f"{report.latitude:.6f}", lon=f"{report.longitude:.6f}"))
        lines.append(tr._("🗺 {link}", link=map_link(report)))
    if report.address:
        lines.append(tr._("Address or landmark: {address}", address=report.address))
    lines.append(tr._("Waste: {types}", types=waste_names(tr, report.waste_types or []) or "—"))
    lines.append(tr._("Size: {size}", size=size_name(tr, report.size)))
    lines.append(tr._("Reported: {date}", date=tr.datetime(report.created_at)))
    return "\n".join(lines)


async def _queue_letter(
    job: JobContext, session: AsyncSession, target: HandoverTarget, reports: list[Report],
    deliveries: list[HandoverDelivery], now: datetime,
) -> None:  # fmt: skip
    tr = job.translators.get(target.language) or job.translators[job.settings.FALLBACK_LANGUAGE]
    geo = job.services[GEO]
    region = area_name(geo, tr.language, target.region_code, None)
    if len(reports) == 1:
        subject = tr._("[{code}] Illegal dump report, {region}", code=reports[0].code, region=region)
    else:
        subject = tr.ngettext(
            "{n} illegal dump report, {region}: {codes}",
            "{n} illegal dump reports, {region}: {codes}",
            len(reports), region=region, codes=" ".join(f"[{r.code}]" for r in reports),
        )  # fmt: skip
    intro = tr._(
        "Taza Bot hands this over to you: citizens reported these dumps in your area. Please keep "
        "the report's code in the subject when you answer."
    )
    body = "\n\n".join([intro] + [email_text(tr, geo, r) for r in reports])
    photos = [r.photos[0].path for r in reports if r.photos]
    reply = Reply(text=body, photo_path=photos[0] if photos else None, kind=EMAIL_KIND,
                  template_vars={"subject": subject, "attachments": "\n".join(photos)})  # fmt: skip
    row = queue_message(session, EMAIL_CHANNEL, target.address, reply.to_json(), now)
    await session.flush()
    for delivery in deliveries:
        delivery.status, delivery.outbox_id, delivery.last_attempt_at = DeliveryStatus.QUEUED, row.id, now


async def daily_letters(job: JobContext, now: datetime) -> int:
    """Each daily e-mail target gets one letter a day with the reports waiting for it."""
    local = now.astimezone(KZ_TZ)
    if local.hour < DAILY_LETTER_HOUR:
        return 0
    sent = 0
    async with job.sessions() as session, session.begin():
        targets = (await session.scalars(
            select(HandoverTarget).where(HandoverTarget.kind == TargetKind.EMAIL, HandoverTarget.email_mode == EmailMode.DAILY)
        )).all()  # fmt: skip
        for target in targets:
            key = f"{target.id}:{local.date().isoformat()}"
            if await session.get(JobRun, ("handover_letter", key)) is not None:
                continue
            pending = (await session.scalars(
                select(HandoverDelivery).where(HandoverDelivery.target_id == target.id, HandoverDelivery.status == DeliveryStatus.PENDING)
                .order_by(HandoverDelivery.report_id)
            )).all()  # fmt: skip
            if not pending:
                continue
            session.add(JobRun(job="handover_letter", key=key, done_at=now))
            reports = [await session.get(Report, d.report_id) for d in pending]
            await _queue_letter(job, session, target, [r for r in reports if r is not None], list(pending), now)
            sent += 1
    return sent


# --- Open311 delivery --------------------------------------------------------------------------
def post_fields(target: HandoverTarget, report: Report, geo) -> list[tuple[str, str]]:
    """The GeoReport v2 POST of a report: its code first in the description and as
    `attribute[taza_code]`, so that the endpoint's copy can be found again."""
    place = area_name(geo, "ru", report.region_code, report.district_pcode)
    details = f"[{report.code}] Taza Bot: {', '.join(report.waste_types or []) or 'waste'}; size {report.size or '—'}; {place}"
    fields = [
        ("api_key", target.api_key or ""),
        ("service_code", target.service_code or ""),
        ("description", details),
        ("attribute[taza_code]", report.code),
        ("address_string", report.address or place),
    ]
    if target.jurisdiction_id:
        fields.append(("jurisdiction_id", target.jurisdiction_id))
    if report.latitude is not None and report.longitude is not None:
        fields += [("lat", f"{report.latitude:.6f}"), ("long", f"{report.longitude:.6f}")]
    fields += [("attribute[waste][]", waste) for waste in report.waste_types or []]
    if report.size:
        fields.append(("attribute[size]", report.size))
    return fields


async def plan_urgent(job: JobContext, now: datetime) -> int:
    """Urgent reports skip the handover job (handlers.sites.urgent queues them in the citizen's
    step, which cannot reach the jobs): their deliveries to the region's own systems are planned
    here, within a minute. Only reports of the last day are looked at, so a region with no
    connected system costs one small query."""
    async with job.sessions() as session, session.begin():
        rows = (await session.execute(
            select(Report.id, Report.region_code, Report.district_pcode)
            .where(
                Report.urgent.is_(True),
                Report.status.in_(HANDED_OVER),
                Report.created_at >= now - timedelta(days=1),
                ~exists().where(HandoverDelivery.report_id == Report.id),
            )
            .order_by(Report.id).limit(PER_RUN)
        )).all()  # fmt: skip
        return await plan(job, session, [tuple(row) for row in rows], now) if rows else 0


async def deliver(job: JobContext) -> str:
    now = job.clock()
    client: Open311Client = job.services[OPEN311_CLIENT]
    await plan_urgent(job, now)
    async with job.sessions() as session:
        due = (await session.execute(
            select(HandoverDelivery.id)
            .join(HandoverTarget, HandoverTarget.id == HandoverDelivery.target_id)
            .where(
                HandoverTarget.kind == TargetKind.OPEN311,
                HandoverDelivery.status.in_([DeliveryStatus.PENDING, DeliveryStatus.ATTEMPTING]),
                HandoverDelivery.next_attempt_at <= now,
            )
            .order_by(HandoverDelivery.id).limit(PER_RUN)
        )).scalars().all()  # fmt: skip
    outcome: dict[str, int] = defaultdict(int)
    for delivery_id in due:
        outcome[await deliver_one(job, client, delivery_id)] += 1
    letters = await daily_letters(job, now)
    job.wake_sender()
    return (
        f"{outcome['delivered']} delivered, {outcome['found']} found already there, {outcome['retry']} to retry, "
        f"{outcome['failed']} given up; {letters} daily letter(s)"
    )


async def deliver_one(job: JobContext, client: Open311Client, delivery_id: int) -> str:
    now = job.clock()
    async with job.sessions() as session, session.begin():  # 1. the attempt, committed first
        delivery = await session.get(HandoverDelivery, delivery_id, with_for_update=True)
        if delivery is None or delivery.status not in (DeliveryStatus.PENDING, DeliveryStatus.ATTEMPTING):
            return "skipped"
        uncertain = delivery.status == DeliveryStatus.ATTEMPTING
        delivery.status, delivery.last_attempt_at = DeliveryStatus.ATTEMPTING, now
        delivery.attempts += 1
        target = await session.get(HandoverTarget, delivery.target_id)
        report = await session.get(Report, delivery.report_id)
        assert target is not None and report is not None  # cascades remove deliveries with them
        session.expunge(target)
        fields = post_fields(target, report, job.services[GEO])
        photo_path = report.photos[0].path if report.photos else None
        created, token, code = delivery.created_at, delivery.token, report.code
    try:
        external = None
        if uncertain:  # 2. a POST may have reached them: look before sending again
            external = await client.find(target, code, token, created - timedelta(minutes=5))
        result = "found" if external else "delivered"
        if external is None:
            photo = _read(job, photo_path)
            external, token = await client.post(target, fields, photo)  # 3. the POST
    except HandoverRetry as exc:
        return await _after_failure(job, delivery_id, exc.reason, permanent=False, uncertain=exc.uncertain)
    except HandoverRefused as exc:
        return await _after_failure(job, delivery_id, str(exc), permanent=True, uncertain=False)
    async with job.sessions() as session, session.begin():
        delivery = await session.get(HandoverDelivery, delivery_id, with_for_update=True)
        assert delivery is not None
        delivery.token = token or delivery.token
        if external:
            delivery.status, delivery.external_id, delivery.delivered_at = DeliveryStatus.DELIVERED, external, job.clock()
        else:  # a token only: the id is asked for at the next run (tokens/{token})
            delivery.next_attempt_at = job.clock() + timedelta(minutes=1)
        delivery.last_error = None
    return result


def _read(job: JobContext, relative: str | None) -> bytes | None:
    if not relative:
        return None
    path = (job.settings.MEDIA_DIR / relative).resolve()
    return path.read_bytes() if path.is_file() else None


async def _after_failure(job: JobContext, delivery_id: int, reason: str, *, permanent: bool, uncertain: bool) -> str:
    now = job.clock()
    async with job.sessions() as session, session.begin():
        delivery = await session.get(HandoverDelivery, delivery_id, with_for_update=True)
        assert delivery is not None
        delivery.last_error = reason[:2000]
        give_up = permanent or now - delivery.created_at >= timedelta(hours=job.settings.HANDOVER_GIVE_UP_HOURS)
        if not give_up:
            delivery.status = DeliveryStatus.ATTEMPTING if uncertain else DeliveryStatus.PENDING
            wait = min(60 * 2 ** (delivery.attempts - 1), MAX_BACKOFF_SECONDS)
            delivery.next_attempt_at = now + timedelta(seconds=wait)
            log.warning("handover %s: %s; next try in %ss", delivery_id, reason, wait)
            return "retry"
        delivery.status = DeliveryStatus.FAILED
        target = await session.get(HandoverTarget, delivery.target_id)
        report = await session.get(Report, delivery.report_id)
        assert target is not None and report is not None
        await tell_moderators(job, session, report, target, reason, now)
    log.error("handover %s given up: %s", delivery_id, reason)
    return "failed"


GAVE_UP = N_(
    "⚠️ Report {code} could not be handed over to {target} ({reason}). It stays in your queue: "
    "please pass it on yourselves."
)


async def tell_moderators(job: JobContext, session: AsyncSession, report: Report, target: HandoverTarget, reason: str, now: datetime) -> None:
    destinations, _national = await Routes(session, job.settings.ADMINS).region(report.region_code)
    notify = job.notifier(session, now)
    for channel, chat_id, language in destinations:
        tr = notify.translator(language)
        notify.to_chat(channel, chat_id, Reply(text=tr._(GAVE_UP, code=report.code, target=target.address, reason=reason[:200]), kind="moderation"))


# --- pulling status changes back -----------------------------------------------------------------
# The endpoint's status (the spec's open/closed, FixMyStreet's states) -> ours, and from which of
# our statuses the change may be made (the same rules as a moderator's buttons). A plain `open`
# only says their system has it: it changes nothing, and the moderators still triage the report.
REMOTE_STATUSES: dict[str, tuple[ReportStatus, frozenset[str]]] = {
    "confirmed": (ReportStatus.CONFIRMED, frozenset(CONFIRMABLE)),
    "investigating": (ReportStatus.CONFIRMED, frozenset({ReportStatus.NEW, ReportStatus.QUEUED})),
    "in_progress": (ReportStatus.IN_PROGRESS, frozenset(STARTABLE)),
    "action_scheduled": (ReportStatus.IN_PROGRESS, frozenset(STARTABLE)),
    "closed": (ReportStatus.CLEANED, frozenset(CLEANABLE)),
    "fixed": (ReportStatus.CLEANED, frozenset(CLEANABLE)),
    "not_councils_responsibility": (ReportStatus.REJECTED, frozenset(REJECTABLE)),
    "unable_to_fix": (ReportStatus.REJECTED, frozenset(REJECTABLE)),
    "wont_fix": (ReportStatus.REJECTED, frozenset(REJECTABLE)),
}
TOLD = {
    ReportStatus.CONFIRMED: N_("The akimat's service has accepted this report."),
    ReportStatus.IN_PROGRESS: N_("The akimat's service has started work on this dump."),
    ReportStatus.CLEANED: N_("The akimat's service reports that this dump has been cleaned."),
    ReportStatus.REJECTED: N_("The akimat's service has closed this report without cleaning the place."),
}
THEIR_NOTE = N_("Their note: {note}")


async def pull(job: JobContext) -> str:
    now = job.clock()
    client: Open311Client = job.services[OPEN311_CLIENT]
    changed = 0
    async with job.sessions() as session:
        targets = (await session.scalars(select(HandoverTarget).where(HandoverTarget.kind == TargetKind.OPEN311))).all()
        for target in targets:
            session.expunge(target)
    for target in targets:
        async with job.sessions() as session:
            known = dict((await session.execute(
                select(HandoverDelivery.external_id, HandoverDelivery.id)
                .join(Report, Report.id == HandoverDelivery.report_id)
                .where(HandoverDelivery.target_id == target.id, HandoverDelivery.status == DeliveryStatus.DELIVERED,
                       Report.status.not_in([ReportStatus.CLEANED, ReportStatus.REJECTED, ReportStatus.DUPLICATE]))
            )).all())  # fmt: skip
        if not known:
            continue
        since = (target.pulled_until or target.created_at) - timedelta(minutes=5)
        try:
            remote = await client.statuses(target, sorted(k for k in known if k), since)
        except (HandoverRetry, HandoverRefused) as exc:
            log.warning("status pull from %s failed: %s", target.address, exc)
            continue
        async with job.sessions() as session, session.begin():
            for item in remote:
                if item.service_request_id in known:
                    changed += await apply_remote(job, session, known[item.service_request_id], item, now)
            stored = await session.get(HandoverTarget, target.id)
            if stored is not None:
                stored.pulled_until = now
    job.wake_sender()
    return f"{changed} status change(s) pulled back"


async def apply_remote(job: JobContext, session: AsyncSession, delivery_id: int, item: RemoteStatus, now: datetime) -> int:
    """One remote status onto the report: recorded in its history and told to the reporter."""
    delivery = await session.get(HandoverDelivery, delivery_id)
    state = item.status.strip().lower().replace(" ", "_")
    if delivery is None or delivery.remote_status == state:
        return 0
    delivery.remote_status = state
    mapped = REMOTE_STATUSES.get(state)
    report = await session.get(Report, delivery.report_id, with_for_update=True)
    if mapped is None or report is None or report.status not in mapped[1] or report.status == mapped[0]:
        return 0
    new_status = mapped[0]
    record_status(session, report, new_status, by_user_id=None, now=now, note=f"open311: {state}: {item.notes}"[:1000])
    geo, page = job.services[GEO], report_page(job.services, report)
    note = item.notes.strip()[:500]

    def build(tr: Translator) -> Reply:
        body = tr._(TOLD[new_status])
        if note:
            body += "\n" + tr._(THEIR_NOTE, note=note)
        return status_update(tr, geo, report, body, page=page)

    await job.notifier(session, now).to_user(report.reporter_id, build)
    return 1


JOBS = [
    Job(
        "handover_deliver",
        "send handed-over reports to the regions' Open311 endpoints (once each) and write the daily letters",
        lambda settings: IntervalTrigger(minutes=1),
        deliver,
    ),
    Job(
        "handover_pull",
        "pull status changes back from the regions' Open311 endpoints and tell the reporters",
        lambda settings: IntervalTrigger(minutes=settings.HANDOVER_PULL_EVERY_MINUTES),
        pull,
    ),
]
