"""`r-<id>` links: the reporter sees the report in «My reports»; anyone else is told the link is
not valid and gets the menu (a report's id must not show someone else's report)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from handlers.deep_links import payload
from handlers.reports.links import REPORT_LINK
from storage.reports import Report
from tests.reports.test_report import report_dump
from tests.support.chat import Chat, labels, texts

NOT_YOURS = {
    "en": "This link is not valid, or the report is not yours.",
    "ru": "Эта ссылка недействительна, или это не ваше обращение.",
    "kk": "Бұл сілтеме жарамсыз немесе өтініш сіздікі емес.",
}


async def sent_report(app, chat: Chat) -> Report:
    await chat.onboard()
    await report_dump(chat)
    async with app.sessions() as s:
        return await s.scalar(select(Report))


async def test_reporter_sees_the_report(app, chat: Chat) -> None:
    report = await sent_report(app, chat)
    await chat.click("Menu")
    detail = await chat.send(f"/start {payload(REPORT_LINK, str(report.id))}")
    assert detail[-1].text.startswith(f"Report {report.code}\nStatus: new")
    assert detail[-1].photo_path == report.photos[0].path
    assert labels(detail[-1]) == ["⬅️ Back to my reports", "⬅️ Menu"]

    listing = await chat.click("Back to my reports")
    assert "My reports (1)" in texts(listing)


@pytest.mark.parametrize("language,button", [("en", "English"), ("ru", "Русский"), ("kk", "Қазақша")])
async def test_someone_else_gets_not_valid_and_the_menu(app, chat: Chat, language: str, button: str) -> None:
    report = await sent_report(app, chat)
    other = Chat(app, "bolat")
    await other.onboard(button)
    replies = await other.send(f"/start r-{report.id}")
    assert replies[-1].text == NOT_YOURS[language]
    assert len(replies[-1].choices) == 9  # the main menu
    assert report.code not in texts(replies)


async def test_new_user_with_someone_elses_link(app, chat: Chat) -> None:
    report = await sent_report(app, chat)
    newcomer = Chat(app, "erlan")
    await newcomer.send(f"/start r-{report.id}")
    await newcomer.click("English")
    replies = await newcomer.click("✅")
    assert replies[-1].text == NOT_YOURS["en"]


@pytest.mark.parametrize("argument", ["999", "0", "abc", "", "9" * 19, "1-2"])
async def test_no_such_report(app, chat: Chat, argument: str) -> None:
    await sent_report(app, chat)
    replies = await chat.send(f"/start r-{argument}" if argument else "/start r")
    assert replies[-1].text == NOT_YOURS["en"]
