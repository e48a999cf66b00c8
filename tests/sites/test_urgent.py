"""Urgent hazards as a citizen and a moderator live them, in kk, ru and en: picking «Fire or smoke»
tells the citizen at once to call 112, in their language; the sent report reaches the region's
moderator at once (no handover run), marked urgent, and is escalated after 30 minutes instead of
hours. An urgent report is never offered to a later citizen as "the same dump": the moderator sees
both, named on the card."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.scheduler import run_job
from storage.handover import HandoverTarget, TargetKind
from storage.moderation import ReportTriage
from storage.reports import Report
from tests.reports.test_report import ASTANA
from tests.sites.support import moderator, person
from tests.support import images
from tests.support.chat import Chat, labels, texts
from tests.handover.conftest import endpoint  # noqa: F401  (the region's Open311 endpoint)
from tests.support.open311_endpoint import KEY

WORDS = {  # the fire button, «Send», what the 112 advice and the confirmation say
    "kk": ("Өрт немесе түтін", "Өтінішті жіберу", "дәл қазір 112-ге қоңырау шалыңыз", "бірден өңір модераторларына"),
    "ru": ("Пожар или дым", "Отправить обращение", "позвоните 112 прямо сейчас", "сразу отправлено модераторам региона"),
    "en": ("Fire or smoke", "Send the report", "call 112 now", "sent to the region's moderators at once"),
}
CARD = {  # what a moderator speaking the language reads on the card
    "kk": ("🚨 ШҰҒЫЛ қауіп: өрт, түтін немесе химиялық заттың төгілуі.", "🗑 TZ-000001 · қарауға жіберілді", "🚨 Шұғыл қауіп"),
    "ru": ("🚨 СРОЧНАЯ опасность: пожар, дым или разлив химикатов.", "🗑 TZ-000001 · передано на рассмотрение", "🚨 Срочная опасность"),
    "en": ("🚨 URGENT hazard: fire, smoke or a chemical spill. The reporter was told to call 112.", "🗑 TZ-000001 · queued", "🚨 Urgent hazard: call 112 first"),
}


@pytest.mark.parametrize("language", list(WORDS))
async def test_an_urgent_hazard_is_delivered_at_once(app, clock, language: str) -> None:
    fire, send, call, sent_at_once = WORDS[language]
    mod = await moderator(app, region="Astana", language=language)
    citizen = await person(app, "citizen", language)
    await citizen.click("📸")
    kinds = await citizen.photo(images.jpeg(21, gps=ASTANA), as_document=True)
    assert labels(kinds[-1])[12:14] == [f"🚨 {fire}", "🚨 " + {"kk": "Химиялық заттың төгілуі", "ru": "Разлив химикатов", "en": "Chemical spill"}[language]]
    picked = await citizen.click(fire)
    assert call in picked[0].text  # at once, before the summary
    sent = await citizen.click(send)
    assert sent_at_once in texts(sent) and "TZ-000001" in texts(sent)

    card = texts(mod.history[mod.seen :])  # no handover job has run; in the moderator's language
    assert all(words in card for words in CARD[language]), card
    async with app.sessions() as s:
        report = await s.scalar(select(Report))
        triage = await s.get(ReportTriage, report.id)
    assert (report.status, report.urgent, report.waste_types) == ("queued", True, ["fire"])
    assert triage.queued_at == clock()
    assert await run_job(app, "handover") == "nothing to hand over"

    clock.advance(minutes=29)
    assert await run_job(app, "escalation") == "nothing overdue"
    clock.advance(minutes=2)
    admin = Chat(app, "admin")  # the national side is told, the urgent one marked
    admin.seen = len(admin.history)
    assert await run_job(app, "escalation") == "escalated 1 reports in 1 regions"
    await app.sender.flush()
    assert "🚨TZ-000001" in texts(admin.history[admin.seen :])


async def test_an_urgent_report_is_never_merged_silently(app, clock) -> None:
    mod = await moderator(app, region="Astana")
    first = await person(app, "first", "en")
    await first.click("📸")
    await first.photo(images.jpeg(31, gps=ASTANA), as_document=True)
    await first.click("Fire or smoke")
    await first.click("Send the report")

    # A second citizen at the same point is not asked "is it the same dump?": a new report
    second = await person(app, "second", "en")
    await second.click("📸")
    asked = await second.photo(images.jpeg(32, gps=ASTANA), as_document=True)
    assert "may already be reported" not in texts(asked) and "Plastic" in " ".join(labels(asked[-1]))
    await second.click("Plastic")
    assert "TZ-000002" in texts(await second.click("Send the report"))

    # A third, at a known dump that is burning: «It is burning or leaking» makes a new urgent report
    mod.seen = len(mod.history)
    third = await person(app, "third", "en")
    await third.click("📸")
    asked = await third.photo(images.jpeg(33, gps=ASTANA), as_document=True)
    assert "TZ-000002" in texts(asked)
    await third.click("It is burning or leaking")
    await third.click("Fire or smoke")
    await third.click("Send the report")
    card = texts(mod.history[mod.seen :])
    assert "🗑 TZ-000003" in card and "Open reports near it (not merged): TZ-000001, TZ-000002" in card
    async with app.sessions() as s:
        rows = (await s.execute(select(Report.id, Report.status, Report.urgent).order_by(Report.id))).all()
    assert rows == [(1, "queued", True), (2, "new", False), (3, "queued", True)]


async def test_an_urgent_report_reaches_the_regions_own_system_within_a_minute(app, clock, endpoint) -> None:  # noqa: F811
    """The handover job never sees an urgent report (it is queued in the citizen's step), yet the
    region's Open311 endpoint gets it on the next delivery run, once."""
    async with app.sessions() as s, s.begin():
        s.add(HandoverTarget(region_code="KZ-71", kind=TargetKind.OPEN311, address=endpoint.url, api_key=KEY,
                             service_code="dump", created_by="test", created_at=clock()))  # fmt: skip
    await moderator(app, region="Astana")
    citizen = await person(app, "citizen", "en")
    await citizen.click("📸")
    await citizen.photo(images.jpeg(41, gps=ASTANA), as_document=True)
    await citizen.click("Fire or smoke")
    await citizen.click("Send the report")

    assert await run_job(app, "handover") == "nothing to hand over"
    assert "1 delivered" in await run_job(app, "handover_deliver")
    assert "0 delivered" in await run_job(app, "handover_deliver")
    assert [post.fields["attribute[taza_code]"] for post in endpoint.posts] == [["TZ-000001"]]
