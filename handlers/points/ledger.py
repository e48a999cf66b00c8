"""Writing eco-points from the flows, in the transaction of the deed: `award` settles one deed
(storage.points.settle) and tells the person about a badge they reach for the first time;
`settle_report` settles everyone a report's current state gives points to."""

from __future__ import annotations

from sqlalchemy import select

from handlers.context import Ctx
from handlers.i18n import KZ_TZ
from handlers.types import Reply
from storage import points as store
from storage.events import BagClaim, Event, EventSignup
from storage.moderation import FollowUpPhoto, ReportFollowUpPhoto
from storage.points import QUIZ_CORRECT_PER_DAY, RULES, Deed
from storage.reports import Report, ReportConfirmation, ReportStatus, ReportStatusChange

# The statuses in which a report counts as a real dump found by its reporter.
CONFIRMED_STATES = {ReportStatus.CONFIRMED, ReportStatus.IN_PROGRESS, ReportStatus.CLEANED}


async def award(ctx: Ctx, user_id: int | None, deed: Deed, ref: object, target: int, region_code: str | None) -> int:
    delta = await store.settle(ctx.session, user_id, deed, ref, target, region_code, ctx.now)
    if delta > 0 and user_id is not None:
        await announce_badge(ctx, user_id)
    return delta


async def announce_badge(ctx: Ctx, user_id: int) -> None:
    """A badge is announced once: the highest one told is kept, and points taken back later do
    not make it announced again."""
    total = await store.total_of(ctx.session, user_id)
    reached = store.reached_milestone(total)
    settings = await store.settings_of(ctx.session, user_id, lock=True)
    if reached <= settings.badge:
        return
    settings.badge = reached
    await ctx.notifier.to_user(
        user_id,
        lambda tr: Reply(
            text=tr.ngettext(
                "🏅 New badge: {n} eco-point! Thank you for keeping Kazakhstan clean.",
                "🏅 New badge: {n} eco-points! Thank you for keeping Kazakhstan clean.",
                reached,
            )
        ),
    )


async def _counted_status(ctx: Ctx, report: Report) -> str:
    """A disputed report keeps the standing it had before the dispute (confirmed-and-cleaned stays
    confirmed; rejected stays rejected) until a moderator decides again."""
    if report.status != ReportStatus.DISPUTED:
        return report.status
    before = await ctx.session.scalar(
        select(ReportStatusChange.old_status)
        .where(ReportStatusChange.report_id == report.id, ReportStatusChange.new_status == ReportStatus.DISPUTED)
        .order_by(ReportStatusChange.id.desc())
        .limit(1)
    )
    return before or report.status


async def settle_report(ctx: Ctx, report: Report) -> None:
    """The reporter's and the confirmers' points for the report as it is now. Called after every
    status change a moderator or the reporter makes, and when a confirmation is added."""
    status = await _counted_status(ctx, report)
    real = status in CONFIRMED_STATES
    region = report.region_code
    await award(ctx, report.reporter_id, Deed.REPORT_CONFIRMED, report.id, RULES[Deed.REPORT_CONFIRMED] if real else 0, region)
    still_there = await ctx.session.scalar(
        select(ReportFollowUpPhoto.id)
        .where(ReportFollowUpPhoto.report_id == report.id, ReportFollowUpPhoto.kind == FollowUpPhoto.STILL_THERE)
        .limit(1)
    )
    cleaned = report.status == ReportStatus.CLEANED and still_there is not None
    await award(
        ctx, report.reporter_id, Deed.STILL_THERE_CLEANED, report.id, RULES[Deed.STILL_THERE_CLEANED] if cleaned else 0, region
    )
    confirmers = await ctx.session.scalars(
        select(ReportConfirmation.user_id).where(
            ReportConfirmation.report_id == report.id, ReportConfirmation.user_id.is_not(None)
        )
    )
    for user_id in confirmers.all():
        if user_id != report.reporter_id:
            await award(ctx, user_id, Deed.CONFIRMATION, report.id, RULES[Deed.CONFIRMATION] if real else 0, region)


async def take_back_event_points(ctx: Ctx, event: Event) -> None:
    """A cancelled event was not a cleanup: the check-ins and bags of its people count nothing."""
    attended = await ctx.session.scalars(
        select(EventSignup.user_id).where(EventSignup.event_id == event.id, EventSignup.checked_in_at.is_not(None))
    )
    for user_id in attended.all():
        await award(ctx, user_id, Deed.EVENT_ATTENDED, event.id, 0, event.region_code)
    claims = await ctx.session.execute(select(BagClaim.id, BagClaim.user_id).where(BagClaim.event_id == event.id))
    for claim_id, user_id in claims.all():
        await award(ctx, user_id, Deed.BAGS_ACCEPTED, claim_id, 0, event.region_code)


async def award_correct(ctx: Ctx, round_id: int, index: int) -> None:
    """A correct quiz answer, while the person's quiz points of this Kazakhstan day are under the
    cap. The answer is its own deed (round, question), so a redelivered poll answer counts once."""
    start, end = store.kz_day_bounds(ctx.now.astimezone(KZ_TZ).date(), KZ_TZ)
    today = await store.deed_points_between(ctx.session, ctx.user.id, Deed.QUIZ_CORRECT, start, end)
    if today < QUIZ_CORRECT_PER_DAY * RULES[Deed.QUIZ_CORRECT]:
        await award(ctx, ctx.user.id, Deed.QUIZ_CORRECT, f"{round_id}:{index}", RULES[Deed.QUIZ_CORRECT], None)
