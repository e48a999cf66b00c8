"""A moderator's queue as they live it in a private chat: «Moderation» in the menu, /queue before
the handover says what is coming and when, then five reports worked through with buttons only
(and the words of a reason or a question typed where they are asked), each action followed by the
next report until the queue is empty; only valid actions are offered, and a stale or forged one
changes nothing."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from bot.scheduler import run_job
from handlers.types import Reply
from storage.moderation import ReportQuestion, ReportTriage
from storage.reports import Report, ReportStatus, ReportStatusChange
from tests.moderation.test_moderation import ALMATY, add_report, reporter, status_of
from tests.support import images
from tests.support.chat import Chat, labels, texts


def code(report_id: int) -> str:
    return f"TZ-{report_id:06d}"


def shown(reply: Reply) -> str:
    """The code of the report a card shows."""
    line = next(line for line in reply.text.splitlines() if line.startswith("🗑 "))
    return line.split()[1]


async def moderator(app, name: str = "mod", language: str = "English") -> Chat:
    admin = Chat(app, "admin")
    await admin.onboard("English")
    await admin.send(f"/addmoderator console:{name} Almaty")
    chat = Chat(app, name)
    await chat.onboard(language)
    return chat


@pytest.fixture
async def five(app, clock):
    """Five reports in Almaty from a Russian-speaking reporter, sent a minute apart."""
    boris, boris_id = await reporter(app, "boris", "Русский")
    ids = []
    for n in range(5):
        ids.append(await add_report(app, boris_id, ALMATY, clock, lat=43.2 + n / 100))
        clock.advance(minutes=1)
    return boris, ids


async def test_a_queue_of_five_worked_through_with_buttons_only(app, clock, five) -> None:
    boris, ids = five
    mod = await moderator(app)
    assert "🛡 Moderation" in labels(mod.last_with_choices)
    citizen = Chat(app, "citizen")
    await citizen.onboard("English")
    assert not any("Moderation" in label for label in labels(citizen.last_with_choices))

    # Before the handover (every 5 minutes; the clock is 11:05 in Kazakhstan): the queue is not
    # "empty", five reports are on their way.
    before = texts(await mod.send("/queue"))
    assert "No report waits for triage right now." in before and "5 new reports arrive at 11:10." in before
    home = texts(await mod.click("Moderation"))
    assert "5 new reports arrive at 11:10" in home and "new: 5" in home

    await run_job(app, "handover")
    await app.sender.flush()
    first = (await mod.send("/queue"))[-1]  # the only command
    assert "📥 5 reports wait for triage." in first.text and shown(first) == code(ids[0])

    # 1: confirm -> the second report
    after = await mod.click("Confirm")
    assert f"{code(ids[0])} is now «confirmed»." in after[-1].text and shown(after[-1]) == code(ids[1])
    assert "4 reports wait" in after[-1].text

    # 2: reject, "can't locate it" -> the third
    reasons = await mod.click("Reject")
    assert "why is it rejected" in reasons[-1].text
    assert labels(reasons[-1])[:4] == [
        "the dump cannot be found at this place",
        "the photo does not show the dump clearly",
        "not an illegal dump",
        "the place is private land",
    ]
    after = await mod.click("cannot be found")
    assert f"{code(ids[1])} is now «rejected»." in after[-1].text and shown(after[-1]) == code(ids[2])

    # 3: reject with a reason of one's own: typed, it stays in moderation -> the fourth
    await mod.click("Reject")
    prompt = await mod.click("another reason")
    assert "type the reason" in prompt[-1].text and "Main menu" not in texts(prompt)
    after = await mod.send("Фото сделано в другом городе")
    assert f"{code(ids[2])} is now «rejected»." in after[-1].text and shown(after[-1]) == code(ids[3])
    assert "Main menu" not in texts(after)

    # 4: in progress -> the fifth
    after = await mod.click("In progress")
    assert shown(after[-1]) == code(ids[4])

    # 5: ask the reporter; the question typed; the card comes back (the only one left)
    await mod.click("Ask the reporter")
    after = await mod.send("Это рядом со школой №12?")
    assert "Your question has been sent" in after[-1].text and shown(after[-1]) == code(ids[4])
    after = await mod.click("Confirm")
    assert after[-1].text.startswith(f"{code(ids[4])} is now «confirmed».")
    assert "The queue is empty" in after[-1].text and not after[-1].choices

    async with app.sessions() as s:
        statuses = dict((await s.execute(select(Report.id, Report.status))).all())
        triage = {t.report_id: t for t in (await s.scalars(select(ReportTriage))).all()}
        question = await s.scalar(select(ReportQuestion))
    assert [statuses[i] for i in ids] == ["confirmed", "rejected", "rejected", "in_progress", "confirmed"]
    assert (triage[ids[1]].reject_reason, triage[ids[1]].reject_text) == ("cannot_locate", None)
    assert (triage[ids[2]].reject_reason, triage[ids[2]].reject_text) == ("other", "Фото сделано в другом городе")
    assert question.report_id == ids[4] and question.question == "Это рядом со школой №12?"
    # The reporter was told each step in Russian, the reasons included.
    told = texts(boris.history)
    assert "не смогли найти" in told and "Фото сделано в другом городе" in told and "школой №12" in told


async def test_only_valid_actions_and_stale_or_forged_ones_change_nothing(app, five) -> None:
    _boris, ids = five
    mod = await moderator(app)
    await run_job(app, "handover")
    card = (await mod.send("/queue"))[-1]
    assert [label for label in labels(card) if "Blur" not in label] == [  # blur buttons once its copy is made
        "✅ Confirm", "🚧 In progress", "🧹 Cleaned", "✖️ Reject", "❓ Ask the reporter",
        "🔀 Another region", "📝 Note", "⏭ Next report",
    ]
    await mod.click("Confirm")
    confirmed = texts(await mod.send(f"/report {code(ids[0])}"))
    assert "confirmed" in confirmed
    assert "✅ Confirm" not in labels(mod.last) and "🚧 In progress" in labels(mod.last)

    await mod.press(f"mod:rej:{ids[1]}", None)
    await mod.click("not an illegal dump")
    assert await status_of(app, ids[1]) == ReportStatus.REJECTED
    # The old card's buttons, pressed again (or forged): a clear answer, the card with what is valid.
    for verb in ("ok", "wip", "done", "rej", "mv", "ask", "rr"):
        choice = f"mod:{verb}:{ids[1]}" + (":spam" if verb == "rr" else "")
        answer = await mod.press(choice, None)
        assert f"{code(ids[1])} is already «rejected»: nothing was changed." in answer[0].text, verb
        assert labels(answer[-1]) == ["📝 Note", "⏭ Next report"], verb
    async with app.sessions() as s:
        changes = (await s.scalars(select(ReportStatusChange).where(ReportStatusChange.report_id == ids[1]).order_by(ReportStatusChange.id))).all()
        triage = await s.get(ReportTriage, ids[1])
    assert [c.new_status for c in changes] == ["queued", "rejected"] and triage.reject_reason == "not_dump"

    # «Next report» walks the queue and comes round again.
    seen = []
    for _ in range(4):
        seen.append(shown((await mod.click("Next report"))[-1]))
    assert seen == [code(ids[2]), code(ids[3]), code(ids[4]), code(ids[2])]


@pytest.mark.parametrize(
    "reason, label, russian",
    [
        ("cannot_locate", "cannot be found", "не смогли найти"),
        ("photo_unclear", "photo does not show", "плохо видно"),
        ("not_dump", "not an illegal dump", "не является несанкционированной свалкой"),
        ("private_land", "private land", "частной земле"),
        ("spam", "spam", "спамом"),
        ("outside", "outside the area", "вне территории"),
    ],
)
async def test_each_reason_is_stored_and_told_in_the_reporters_language(app, five, reason, label, russian) -> None:
    boris, ids = five
    mod = await moderator(app)
    await run_job(app, "handover")
    await mod.send("/queue")
    await mod.click("Reject")
    await mod.click(label)
    async with app.sessions() as s:
        triage = await s.get(ReportTriage, ids[0])
    assert (triage.reject_reason, triage.reject_text) == (reason, None)
    assert russian in boris.history[-1].text.lower() and code(ids[0]) in boris.history[-1].text
    # Where a new report could succeed, the reporter gets «Send again» (a prefilled draft).
    again = [label for label in labels(boris.history[-1]) if "Отправить снова" in label]
    assert len(again) == (1 if reason in ("cannot_locate", "photo_unclear") else 0)


async def test_a_reason_typed_instead_of_pressed_and_the_way_back(app, five) -> None:
    boris, ids = five
    mod = await moderator(app)
    await run_job(app, "handover")
    await mod.send("/queue")
    await mod.click("Reject")
    assert "at most 500" in texts(await mod.send("x" * 501))
    back = await mod.click("Back to the report")
    assert shown(back[-1]) == code(ids[0]) and await status_of(app, ids[0]) == ReportStatus.QUEUED
    assert "Main menu" not in texts(back)
    # After «back», typed words are no reason: nothing is rejected.
    await mod.click("Reject")
    await mod.send("2")  # the second reason, by its number (text channels)
    async with app.sessions() as s:
        assert (await s.get(ReportTriage, ids[0])).reject_reason == "photo_unclear"
    await mod.click("Reject")
    after = await mod.send("Свалка уже убрана акиматом")
    assert f"{code(ids[1])} is now «rejected»." in after[-1].text
    async with app.sessions() as s:
        triage = await s.get(ReportTriage, ids[1])
    assert (triage.reject_reason, triage.reject_text) == ("other", "Свалка уже убрана акиматом")
    assert "Свалка уже убрана акиматом" in boris.history[-1].text

    # A note, too, keeps the moderator in moderation and moves on.
    await mod.click("Note")
    after = await mod.send("Звонил в акимат")
    assert f"Note added to {code(ids[2])}." in after[-1].text and shown(after[-1]) == code(ids[3])


async def test_ask_the_reporter_and_the_answers_are_attached(app, five) -> None:
    boris, ids = five
    mod = await moderator(app)
    await run_job(app, "handover")
    await mod.send("/queue")
    await mod.click("Ask the reporter")
    assert "at most 500" in texts(await mod.send("?" * 501))
    await mod.send("Где именно свалка?")
    question = boris.last
    assert "Где именно свалка?" in question.text and code(ids[0]) in question.text
    assert question.kind == "status_update" and labels(question) == ["✍️ Ответить"]

    # Someone else pressing the reporter's button is refused.
    eve = Chat(app, "eve")
    await eve.onboard("English")
    assert "Only the reporter" in texts(await eve.press(question.choices[0].id, None))

    await boris.click("Ответить")
    assert "<b>" not in boris.last.text
    await boris.send("За гаражами, у <b>синего</b> забора")
    assert "ответ добавлен" in boris.last.text.lower()
    answer = mod.last
    assert "The reporter of" in answer.text and "За гаражами, у <b>синего</b> забора" in answer.text
    assert answer.choices  # the card, to act on it at once

    # A second question, answered with a photo.
    await mod.press(f"mod:ask:{ids[0]}", None)
    await mod.send("Пришлите, пожалуйста, фото поближе")
    await boris.click("Ответить")
    await boris.photo(images.jpeg(seed=5))
    assert mod.last.photo_path and "(a photo)" in mod.last.text

    shown_report = texts(await mod.send(f"/report {code(ids[0])}"))
    assert "Questions to the reporter:" in shown_report
    assert "Где именно свалка?" in shown_report and "За гаражами" in shown_report and "(a photo)" in shown_report
    async with app.sessions() as s:
        rows = (await s.scalars(select(ReportQuestion).order_by(ReportQuestion.id))).all()
    assert [(r.answer_text, r.answer_photo_path is not None) for r in rows] == [
        ("За гаражами, у <b>синего</b> забора", False),
        (None, True),
    ]

    # /mydata has the answers; /forget deletes their words.
    export = next(r.document for r in await boris.send("/mydata") if r.document)
    questions = json.loads(export.data)["moderation_questions"]["questions"]
    assert [(q["question"], q["answer"], q["answered_with_photo"]) for q in questions] == [
        ("Где именно свалка?", "За гаражами, у <b>синего</b> забора", False),
        ("Пришлите, пожалуйста, фото поближе", None, True),
    ]
    await boris.send("/forget")
    await boris.click("Да, удалить")
    async with app.sessions() as s:
        rows = (await s.scalars(select(ReportQuestion).order_by(ReportQuestion.id))).all()
    assert [(r.answer_text, r.reporter_id) for r in rows] == [(None, None), (None, None)]
    # Nobody to ask any more: the action is no longer offered.
    card = (await mod.send(f"/report {code(ids[0])}"))[-1]
    assert "❓ Ask the reporter" not in labels(card)
