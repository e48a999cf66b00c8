"""How a report is named to its reporter (place, waste, date, thumbnail), a rejection in the citizen's
language with «Send again» where a new report could succeed, the same photo at the same spot said
plainly, and the first screen greeting in Kazakh first."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from bot.i18n import translators
from handlers.reports.again import rejection_update
from handlers.reports.labels import report_headline, status_update
from handlers.services import GEO
from storage.forms import FormDraft
from storage.reports import Report, ReportStatus
from tests.reports.test_report import ASTANA, finish, report_dump
from tests.support import images
from tests.support.chat import Chat, labels, texts

TR = translators()


async def _report(app) -> Report:
    async with app.sessions() as s:
        return await s.scalar(select(Report).order_by(Report.id.desc()))


async def _rejected(app, chat: Chat, reason: str, note: str | None = None):
    """The reporter's (English) report, rejected, and the message they get, put in their chat as
    the moderators' side sends it (`rejection_update` through the notifier)."""
    async with app.sessions() as s, s.begin():
        await s.execute(update(Report).values(status=ReportStatus.REJECTED))
    report = await _report(app)
    reply = rejection_update(TR["en"], app.engine.router.services[GEO], report, reason, note)
    chat.transport.sent.setdefault(chat.user, []).append(reply)
    chat.seen = len(chat.history)
    return report, reply


@pytest.mark.parametrize(
    "language,place,waste",
    [("kk", "Есіл ауданы, Астана қаласы", "Тұрмыстық"), ("ru", "Есильский район, город Астана", "Бытовые"), ("en", "Esil District, Astana", "Household")],
)
async def test_the_headline_names_the_place_the_waste_and_the_date(app, chat: Chat, language, place, waste) -> None:
    await chat.onboard()
    await report_dump(chat)
    report = await _report(app)
    geo = app.engine.router.services[GEO]
    headline = report_headline(TR[language], report, geo)
    assert headline.startswith(f"TZ-000001 · {place} · {waste}") and "2026" in headline
    reply = status_update(TR[language], geo, report, "body")
    assert reply.text == f"{headline}\nbody" and reply.kind == "status_update"
    assert reply.photo_path == report.photos[0].thumb_path  # the thumbnail, where images are shown


async def test_my_reports_name_each_report(app, chat: Chat) -> None:
    await chat.onboard("Русский")
    await report_dump(chat)
    mine = await chat.click("Мои обращения")
    assert "TZ-000001 · Есильский район, город Астана · Бытовые отходы" in mine[-1].text


@pytest.mark.parametrize("reason", ["cannot_locate", "photo_unclear"])
async def test_send_again_opens_a_prefilled_draft(app, chat: Chat, reason: str) -> None:
    await chat.onboard()
    await report_dump(chat, comment="behind the garages")
    report, reply = await _rejected(app, chat, reason)
    assert "rejected" in reply.text and "Send again" in " ".join(labels(reply))
    assert reply.text.startswith("TZ-000001 · Esil District, Astana")
    summary = await chat.press(f"again:{report.id}", None)
    assert "Here is your report again" in summary[0].text
    assert "Please check your report" in summary[-1].text and "behind the garages" in summary[-1].text
    moved = await chat.location(ASTANA[0] + 0.002, ASTANA[1])  # a better point, sent on the summary
    assert "Please check your report" in moved[-1].text
    sent = await chat.click("Send the report")
    assert "TZ-000002" in sent[-1].text
    new = await _report(app)
    assert new.id != report.id and len(new.photos) == 1 and new.photos[0].sha256 == report.photos[0].sha256
    assert new.latitude == round(ASTANA[0] + 0.002, 6) and new.comment == "behind the garages"


async def test_send_again_only_by_the_reporter_and_only_while_rejected(app, chat: Chat) -> None:
    await chat.onboard()
    await report_dump(chat)
    report, _ = await _rejected(app, chat, "cannot_locate")
    stranger = Chat(app, "stranger")
    await stranger.onboard()
    refused = await stranger.press(f"again:{report.id}", None)
    assert "Only the reporter" in texts(refused)
    async with app.sessions() as s, s.begin():
        await s.execute(update(Report).values(status=ReportStatus.CONFIRMED))
    stale = await chat.press(f"again:{report.id}", None)
    assert "no longer rejected" in texts(stale)
    async with app.sessions() as s:
        assert await s.scalar(select(FormDraft)) is None


@pytest.mark.parametrize(
    "language,reason,words",
    [
        ("kk", "not_dump", "заңсыз қоқыс үйіндісі емес"),
        ("ru", "private_land", "частной земле"),
        ("en", "duplicate", "already been reported"),
    ],
)
async def test_a_final_rejection_gives_the_reason_and_no_button(app, chat: Chat, language, reason, words) -> None:
    await chat.onboard()
    await report_dump(chat)
    report = await _report(app)
    reply = rejection_update(TR[language], app.engine.router.services[GEO], report, reason)
    assert words in reply.text and not reply.choices


async def test_other_shows_the_moderators_words(app, chat: Chat) -> None:
    await chat.onboard()
    await report_dump(chat)
    report = await _report(app)
    reply = rejection_update(TR["ru"], app.engine.router.services[GEO], report, "other", "Это стройплощадка")
    assert "Причина, указанная модераторами: Это стройплощадка" in reply.text and not reply.choices


async def _after_a_report(app) -> Chat:
    """Someone reported a dump at ASTANA (photo seed 5); a second citizen starts a report."""
    first = Chat(app, "first")
    await first.onboard()
    await report_dump(first, seed=5)
    second = Chat(app, "second")
    await second.onboard()
    await second.click("📸")
    return second


async def test_the_same_photo_at_the_same_spot_is_said_plainly(app) -> None:
    second = await _after_a_report(app)
    await second.photo(images.recompressed(images.jpeg(5)))
    asked = await second.location(*ASTANA)  # the identical point
    text = asked[-1].text
    assert "already reported" in text and "same photo" in text and " m from" not in text
    assert "Add my confirmation" in " ".join(labels(asked[-1]))
    done = await second.click("Add my confirmation")
    assert "1 person has confirmed" in done[-1].text


async def test_a_near_point_shows_its_distance(app) -> None:
    second = await _after_a_report(app)
    await second.photo(images.jpeg(8))
    asked = await second.location(ASTANA[0] + 0.0003, ASTANA[1])
    assert "33 m from your point" in asked[-1].text and "Is it the same dump?" in asked[-1].text
    await second.click("another dump")
    await finish(second)


async def test_the_first_screen_greets_in_kazakh_first(app) -> None:
    chat = Chat(app, "newcomer", language_hint="ru")
    greeting = (await chat.send("/start"))[-1]
    kk, ru, en = greeting.text.index("Сәлеметсіз бе"), greeting.text.index("Здравствуйте"), greeting.text.index("Hello")
    assert kk < ru < en
    assert [c.label for c in greeting.choices][:3] == ["Қазақша", "Русский", "English"]
