"""«Ask the reporter»: a moderator's question goes to the reporter through the bot (never their
account or number), the reporter answers with a text or a photo, and the answer is attached to
the report and sent to the region's moderators. The reporter's answer is their personal data
(/mydata exports it, /forget deletes its text and unlinks its photo)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import select, update

from handlers.buttons import button
from handlers.context import Ctx
from handlers.moderation.access import actor
from handlers.moderation.routing import region_destinations
from handlers.moderation.triage import report_card, store_follow_up_photo
from handlers.services import GEO
from handlers.start import show_menu
from handlers.types import Choice, Kind, Reply
from storage.moderation import FollowUpPhoto, ReportQuestion
from storage.reports import Report
from storage.users import latest_address

log = logging.getLogger(__name__)
QUESTION_LIMIT = 500
ANSWER_LIMIT = 1000


@button("answer")
@dataclass(frozen=True)
class AnswerPress:
    """The reporter's «Answer» under a moderator's question."""

    question_id: int


async def ask(ctx: Ctx, report: Report, question: str) -> bool:
    """Send the question to the reporter; False when nobody can be reached (after /forget)."""
    row = ReportQuestion(
        report_id=report.id,
        asked_by_id=ctx.user.id,
        reporter_id=report.reporter_id,
        question=question,
        asked_at=ctx.now,
    )
    ctx.session.add(row)
    await ctx.session.flush()
    return await ctx.notifier.to_user(
        report.reporter_id,
        lambda tr: Reply(
            text=tr._(
                "A moderator has a question about your report {code}:\n\n{question}\n\n"
                "Press «Answer» and send a message or a photo.",
                code=report.code,
                question=question,
            ),
            choices=(Choice(AnswerPress(row.id).id, tr._("✍️ Answer")),),
            kind="status_update",
        ),
    )


async def on_answer_press(ctx: Ctx) -> None:
    question = await ctx.session.get(ReportQuestion, ctx.button.question_id)
    if question is None or question.reporter_id != ctx.user.id:
        log.warning("refused %r by %s: not the reporter asked", ctx.choice, actor(ctx))
        ctx.reply(ctx._("Only the reporter can answer this question."))
        return
    report = await ctx.session.get(Report, question.report_id)
    ctx.end_flow()
    ctx.data["question_id"] = question.id
    ctx.ask(
        "moderation.answer",
        ctx._(
            "Your answer about {code}: send a message (up to {limit} characters) or a photo.",
            code=report.code if report else "—",
            limit=ANSWER_LIMIT,
        ),
    )


async def on_answer(ctx: Ctx) -> None:
    question = await ctx.session.get(ReportQuestion, ctx.data.get("question_id"), with_for_update=True)
    report = await ctx.session.get(Report, question.report_id) if question else None
    if question is None or report is None or question.reporter_id != ctx.user.id:
        await show_menu(ctx, ctx._("This question is no longer open."))
        return
    photo_path = None
    if ctx.incoming.kind is Kind.PHOTO:
        photo_path = await store_follow_up_photo(
            ctx, report, FollowUpPhoto.ANSWER, ctx._("Please answer with a message or a photo.")
        )
        if photo_path is None:
            return
    elif not ctx.text:
        ctx.reprompt(ctx._("Please answer with a message or a photo."))
        return
    elif len(ctx.text) > ANSWER_LIMIT:
        ctx.reprompt(ctx._("That is too long: at most {limit} characters.", limit=ANSWER_LIMIT))
        return
    text = ctx.text or (question.answer_text if photo_path else None)
    question.answer_text = text
    question.answer_photo_path = photo_path or question.answer_photo_path
    question.answered_at = ctx.now
    await _tell_moderators(ctx, report, question)
    await show_menu(ctx, ctx._("Thank you! Your answer has been added to report {code}.", code=report.code))


async def _tell_moderators(ctx: Ctx, report: Report, question: ReportQuestion) -> None:
    """The answer goes where the report's cards go (the region's chats, or the national queue),
    and to the moderator who asked, wherever they wrote from."""
    destinations, _national = await region_destinations(
        ctx.session, report.region_code, ctx.service("settings").ADMINS
    )
    asker = await latest_address(ctx.session, question.asked_by_id)
    if asker is not None and all((c, i) != asker[:2] for c, i, _ in destinations):
        destinations.append(asker)
    for channel, chat_id, language in destinations:
        tr = ctx.notifier.translator(language)
        header = tr._(
            "💬 The reporter of {code} answered your question «{question}»: {answer}",
            code=report.code,
            question=question.question,
            answer=question.answer_text or tr._("(a photo)"),
        )
        card = report_card(tr, report, ctx.service(GEO), header=header)
        photo = question.answer_photo_path or card.photo_path
        ctx.send_to_chat(channel, chat_id, Reply(text=card.text, choices=card.choices, photo_path=photo, kind="moderation"))


async def question_lines(ctx: Ctx, report: Report) -> list[str]:
    """The questions asked about the report and their answers, for the moderators' view."""
    rows = (
        await ctx.session.scalars(
            select(ReportQuestion).where(ReportQuestion.report_id == report.id).order_by(ReportQuestion.id)
        )
    ).all()
    if not rows:
        return []
    lines = [ctx._("Questions to the reporter:")]
    for row in rows:
        lines.append(f"❓ {ctx.tr.datetime(row.asked_at)}: {row.question}")
        if row.answered_at is None:
            lines.append("   " + ctx._("no answer yet"))
        else:
            answer = row.answer_text or ""
            if row.answer_photo_path:
                answer = (answer + " " if answer else "") + ctx._("(a photo)")
            lines.append(f"   💬 {answer or '—'}")
    return lines


async def export_answers(ctx: Ctx) -> dict[str, object]:
    """/mydata: the moderators' questions to this person and their answers."""
    rows = (
        await ctx.session.scalars(select(ReportQuestion).where(ReportQuestion.reporter_id == ctx.user.id))
    ).all()
    return {
        "questions": [
            {
                "report_id": r.report_id,
                "question": r.question,
                "asked_at": r.asked_at.isoformat(),
                "answer": r.answer_text,
                "answered_with_photo": r.answer_photo_path is not None,
                "answered_at": r.answered_at.isoformat() if r.answered_at else None,
            }
            for r in rows
        ]
    }


async def forget_answers(ctx: Ctx) -> None:
    """/forget: the answers' words go; the question stays with the report, asked of no one."""
    await ctx.session.execute(
        update(ReportQuestion)
        .where(ReportQuestion.reporter_id == ctx.user.id)
        .values(answer_text=None, reporter_id=None)
    )
