"""The bot links a citizen to their report's public page when PUBLIC_BASE_URL is set: in the
"report sent" answer and in the status messages; a rejected report (not published) gets none."""

from __future__ import annotations

from bot.scheduler import run_job
from tests.moderation.test_moderation import GROUP, Member, setup  # noqa: F401  (the fixture)
from tests.reports.test_report import report_dump
from tests.support.chat import Chat, texts

BASE = "https://taza.example.kz/"


async def test_report_sent_links_to_its_page_only_with_a_base_url(app) -> None:
    chat = Chat(app, "citizen")
    await chat.onboard("English")
    sent = texts(await report_dump(chat))
    assert "Thank you" in sent and "report's page" not in sent  # no PUBLIC_BASE_URL: no link

    app.settings.PUBLIC_BASE_URL = BASE
    sent = texts(await report_dump(chat, seed=2, point=(43.2, 76.9)))
    assert "🌐 The report's page: https://taza.example.kz/r/TZ-000002" in sent

    kk = Chat(app, "aigul")
    await kk.onboard("Қазақша")
    assert "🌐 Өтініш беті: https://taza.example.kz/r/TZ-000003" in texts(await report_dump(kk, seed=3, point=(47.1, 51.9)))


async def test_status_messages_link_to_the_page(app, setup) -> None:  # noqa: F811
    app.settings.PUBLIC_BASE_URL = BASE
    ids = setup["ids"]
    await run_job(app, "handover")
    mod = Member(app, GROUP, "mod")
    aigerim, boris = setup["aigerim"], setup["boris"]
    await mod.press(f"mod:ok:{ids['aigerim']}")
    assert f"https://taza.example.kz/r/TZ-{ids['aigerim']:06d}" in aigerim.history[-1].text
    await mod.press(f"mod:rej:{ids['boris']}")
    await mod.press(f"mod:rr:{ids['boris']}:spam")
    assert "отклонено" in boris.history[-1].text.lower() and "taza.example.kz" not in boris.history[-1].text
