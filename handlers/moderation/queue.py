"""The moderator's queue: the untriaged reports of their regions, oldest first, one card at a time.

`/queue` (or «Moderation» → «Open the queue») shows the first; after every action the next one is
shown, until none is left, so a moderator works through the queue with buttons only. Reports not
handed over yet are counted, with the time of the next handover, instead of an "empty" queue.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone

from babel.dates import format_time
from sqlalchemy import and_, func, or_, select

from handlers.context import Ctx
from handlers.i18n import KZ_TZ, Translator
from handlers.moderation.access import my_regions
from handlers.moderation.questions import question_lines
from handlers.moderation.triage import UNTRIAGED, report_card
from handlers.reports.labels import status_name
from handlers.services import GEO
from handlers.types import Reply
from storage.moderation import ReportTriage
from storage.reports import Report, ReportStatus

# glossary: queue (of reports waiting for triage) = кезек / очередь; triage = қарау / рассмотрение
# The handover runs every HANDOVER_EVERY_MINUTES counted from this moment (jobs/handover.py
# schedules it so), which lets a moderator be told when the next one comes.
HANDOVER_ANCHOR = datetime(2024, 1, 1, tzinfo=timezone.utc)


def next_handover(now: datetime, every_minutes: int) -> datetime:
    step = timedelta(minutes=every_minutes)
    return HANDOVER_ANCHOR + step * (math.floor((now - HANDOVER_ANCHOR) / step) + 1)


async def scope(ctx: Ctx) -> set[str] | None:
    """The regions whose reports this person triages; None: every region (an admin)."""
    return None if ctx.is_admin else await my_regions(ctx)


def _in(query, regions: set[str] | None):
    return query if regions is None else query.where(Report.region_code.in_(regions))


async def next_in_queue(ctx: Ctx, regions: set[str] | None, after: Report | None = None) -> Report | None:
    """The oldest untriaged report after `after` in the queue's order, or from the start again."""
    query = _in(
        select(Report)
        .join(ReportTriage, ReportTriage.report_id == Report.id)
        .where(Report.status.in_(UNTRIAGED))
        .order_by(ReportTriage.queued_at, Report.id)
        .limit(1),
        regions,
    )
    triage = await ctx.session.get(ReportTriage, after.id) if after is not None else None
    if triage is not None:
        later = await ctx.session.scalar(
            query.where(
                or_(
                    ReportTriage.queued_at > triage.queued_at,
                    and_(ReportTriage.queued_at == triage.queued_at, Report.id > after.id),
                )
            )
        )
        if later is not None:
            return later
    return await ctx.session.scalar(query)


async def waiting(ctx: Ctx, regions: set[str] | None) -> int:
    return await ctx.session.scalar(
        _in(select(func.count()).select_from(Report).where(Report.status.in_(UNTRIAGED)), regions)
    ) or 0


async def arriving(ctx: Ctx, regions: set[str] | None) -> int:
    """Reports sent but not handed over yet: the next handover brings them."""
    return await ctx.session.scalar(
        _in(select(func.count()).select_from(Report).where(Report.status == ReportStatus.NEW), regions)
    ) or 0


def clock_time(tr: Translator, moment: datetime) -> str:
    """Kazakhstan's time of day on the 24-hour clock, as the country writes it ("14:05")."""
    return format_time(moment, "HH:mm", tzinfo=KZ_TZ, locale=tr.language)


async def forecast(ctx: Ctx, regions: set[str] | None) -> str | None:
    """"3 new reports arrive at 14:05", or None when nothing waits for the handover."""
    count = await arriving(ctx, regions)
    if not count:
        return None
    at = next_handover(ctx.now, ctx.service("settings").HANDOVER_EVERY_MINUTES)
    return ctx.ngettext(
        "{n} new report arrives at {time}.", "{n} new reports arrive at {time}.", count, time=clock_time(ctx.tr, at)
    )


async def show_next(ctx: Ctx, after: Report | None = None, said: str | None = None) -> None:
    """The next card of this person's queue in this chat, or what the queue holds when empty;
    `said` (what the last action did) opens the same message."""
    regions = await scope(ctx)
    report = await next_in_queue(ctx, regions, after)
    coming = await forecast(ctx, regions)
    opening = [said] if said else []
    if report is None:
        if coming:
            text = ctx._("No report waits for triage right now.") + "\n" + coming
        else:
            text = ctx._("The queue is empty: every report of your regions has been triaged.")
        reply = Reply(text="\n\n".join([*opening, text]), kind="moderation")
        ctx.send_to_chat(ctx.incoming.channel, ctx.incoming.chat_id, reply)
        return
    count = await waiting(ctx, regions)
    header = ctx.ngettext("📥 {n} report waits for triage.", "📥 {n} reports wait for triage.", count)
    if coming:
        header += " " + coming
    await send_card(ctx, report, "\n\n".join([*opening, header]))


async def send_card(ctx: Ctx, report: Report, header: str | None = None) -> None:
    """The report's card in this chat, with the questions asked to its reporter and the answers."""
    card = report_card(ctx.tr, report, ctx.service(GEO), header=header)
    extra = await question_lines(ctx, report)
    text = "\n".join([card.text, *extra])
    ctx.send_to_chat(
        ctx.incoming.channel,
        ctx.incoming.chat_id,
        Reply(text=text, choices=card.choices, photo_path=card.photo_path, kind="moderation"),
    )


async def figures(ctx: Ctx, regions: set[str] | None) -> list[str]:
    """The reports of these regions by status ("• confirmed: 4"), most urgent first."""
    rows = dict(
        (
            await ctx.session.execute(
                _in(select(Report.status, func.count()).group_by(Report.status), regions)
            )
        ).all()
    )
    return [f"• {status_name(ctx.tr, status)}: {rows[status]}" for status in ReportStatus if rows.get(status)]
