"""Handing reports over to a region's own systems: the Open311 endpoint gets each report once
(retries on 5xx, a crash or a timeout after the POST does not send it twice, gives up after a day
and tells the moderators), the e-mail address gets a letter with the photo, and status changes on
the endpoint come back to the reporter in their language."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.scheduler import run_job
from storage.handover import DeliveryStatus, EmailMode, HandoverDelivery, HandoverTarget, TargetKind
from storage.reports import Report, ReportStatus, ReportStatusChange
from tests.moderation.test_moderation import ALMATY, GROUP, add_report, moderators, reporter
from tests.support.open311_endpoint import KEY


async def connect(app, clock, endpoint=None, email: str | None = None, mode: str = EmailMode.EACH) -> None:
    async with app.sessions() as s, s.begin():
        if endpoint is not None:
            s.add(HandoverTarget(region_code=ALMATY, kind=TargetKind.OPEN311, address=endpoint.url, api_key=KEY,
                                 service_code="dump", created_by="test", created_at=clock(), has_updates=True))  # fmt: skip
        if email is not None:
            s.add(HandoverTarget(region_code=ALMATY, kind=TargetKind.EMAIL, address=email, email_mode=mode,
                                 language="kk", created_by="test", created_at=clock()))  # fmt: skip


async def deliveries(app) -> list[HandoverDelivery]:
    async with app.sessions() as s:
        return list((await s.scalars(select(HandoverDelivery).order_by(HandoverDelivery.id))).all())


async def test_a_report_reaches_the_endpoint_once_and_the_mailbox_and_its_status_comes_back(app, clock, endpoint, smtp) -> None:
    aigerim, aigerim_id = await reporter(app, "aigerim", "Қазақша")
    report_id = await add_report(app, aigerim_id, ALMATY, clock)
    await connect(app, clock, endpoint, "akimat@almaty.test")

    assert "2 deliveries" in await run_job(app, "handover")
    await app.sender.flush()
    letter = smtp.messages[-1]
    assert f"[TZ-{report_id:06d}]" in letter["Subject"] and letter["To"] == "akimat@almaty.test"
    body = letter.get_body(("plain",)).get_content()
    assert "Координаттары: 43.238000, 76.945000" in body and "openstreetmap.org" in body
    assert "Алматы" in body and "Тұрмыстық" in body  # the region and the waste, in Kazakh
    assert "garages" not in body and "aigerim" not in body  # no comment, no reporter
    photos = [part for part in letter.iter_attachments() if part.get_content_type() == "image/jpeg"]
    assert len(photos) == 1 and photos[0].get_content()[:2] == b"\xff\xd8"

    assert "1 delivered" in await run_job(app, "handover_deliver")
    assert "0 delivered" in await run_job(app, "handover_deliver")
    assert len(endpoint.posts) == 1
    post = endpoint.posts[0]
    assert post.fields["attribute[taza_code]"] == [f"TZ-{report_id:06d}"]
    assert post.fields["attribute[waste][]"] == ["household", "plastic"]
    assert post.fields["lat"] == ["43.238000"] and post.photo[:2] == b"\xff\xd8"
    assert [(d.status, d.external_id) for d in await deliveries(app) if d.external_id] == [("delivered", "AK-1")]

    # The akimat's system closes it: the reporter hears it in Kazakh, once.
    endpoint.set_status("AK-1", "closed", "Тазартылды, 30.11")
    assert "1 status change" in await run_job(app, "handover_pull")
    await app.sender.flush()
    told = aigerim.history[-1]
    assert "Әкімдік қызметі бұл үйінді тазартылғанын хабарлайды." in told.text
    assert "Тазартылды, 30.11" in told.text and told.kind == "status_update"
    async with app.sessions() as s:
        report = await s.get(Report, report_id)
        history = (await s.scalars(select(ReportStatusChange).where(ReportStatusChange.report_id == report_id).order_by(ReportStatusChange.id))).all()
    assert report.status == ReportStatus.CLEANED
    assert history[-1].note.startswith("open311: closed") and history[-1].changed_by_id is None
    count = len(aigerim.history)
    assert "0 status change" in await run_job(app, "handover_pull")
    await app.sender.flush()
    assert len(aigerim.history) == count
    assert any("service_request_id=AK-1" in get for get in endpoint.gets)


async def test_fixmystreet_updates_and_retries_with_backoff(app, clock, endpoint) -> None:
    boris, boris_id = await reporter(app, "boris", "Русский")
    report_id = await add_report(app, boris_id, ALMATY, clock)
    await connect(app, clock, endpoint)
    await run_job(app, "handover")
    endpoint.fail_next = 2
    assert "1 to retry" in await run_job(app, "handover_deliver")
    assert "0 delivered, 0 found already there, 0 to retry" in await run_job(app, "handover_deliver")  # waits
    clock.advance(seconds=61)
    assert "1 to retry" in await run_job(app, "handover_deliver")
    (delivery,) = await deliveries(app)
    assert delivery.next_attempt_at - clock() == timedelta(seconds=120) and "503" in delivery.last_error
    clock.advance(seconds=121)
    assert "1 delivered" in await run_job(app, "handover_deliver")
    assert len(endpoint.posts) == 1

    endpoint.updates.append({"update_id": "1", "service_request_id": "AK-1", "status": "IN_PROGRESS",
                             "description": "Бригада выехала", "updated_datetime": "2026-11-30T10:00:00Z"})  # fmt: skip
    await run_job(app, "handover_pull")
    await app.sender.flush()
    assert "Служба акимата начала работу по этой свалке." in boris.history[-1].text
    assert "Бригада выехала" in boris.history[-1].text
    async with app.sessions() as s:
        assert (await s.get(Report, report_id)).status == ReportStatus.IN_PROGRESS


async def test_a_post_that_may_have_arrived_is_looked_up_not_sent_again(app, clock, endpoint) -> None:
    """The attempt is recorded before the POST: a run that died after the POST (here: the POST
    reached the endpoint, then the bot's side timed out) looks the report up first."""
    _, user_id = await reporter(app, "dana", "English")
    await add_report(app, user_id, ALMATY, clock)
    await connect(app, clock, endpoint)
    await run_job(app, "handover")
    client = app.engine.router.services["open311_client"]
    endpoint.post_delay = 1.0
    client.timeout = __import__("aiohttp").ClientTimeout(total=0.3)
    assert "1 to retry" in await run_job(app, "handover_deliver")
    (delivery,) = await deliveries(app)
    assert delivery.status == DeliveryStatus.ATTEMPTING and len(endpoint.posts) == 1
    endpoint.post_delay, client.timeout = 0, __import__("aiohttp").ClientTimeout(total=5)
    clock.advance(minutes=2)
    assert "1 found already there" in await run_job(app, "handover_deliver")
    assert len(endpoint.posts) == 1
    (delivery,) = await deliveries(app)
    assert (delivery.status, delivery.external_id) == (DeliveryStatus.DELIVERED, "AK-1")


async def test_gives_up_after_a_day_and_tells_the_moderators(app, clock, endpoint) -> None:
    mod = await moderators(app)
    _, user_id = await reporter(app, "emma", "English")
    report_id = await add_report(app, user_id, ALMATY, clock)
    await connect(app, clock, endpoint)
    await run_job(app, "handover")
    endpoint.fail_next = 1000
    for _ in range(30):
        await run_job(app, "handover_deliver")
        clock.advance(hours=1)
    await app.sender.flush()
    (delivery,) = await deliveries(app)
    assert delivery.status == DeliveryStatus.FAILED and endpoint.posts == []
    warning = [r.text for r in app.channels["console"].sent[GROUP] if "could not be handed over" in r.text]
    assert len(warning) == 1 and f"TZ-{report_id:06d}" in warning[0] and "503" in warning[0]

    # The daily digest of the region says so too.
    await run_job(app, "digest")
    await app.sender.flush()
    digest = "\n".join(reply.text for reply in app.channels["console"].sent[GROUP][-3:])  # the map, the figures
    assert "Handed over to the region's own systems: 0 delivered, 0 waiting, 0 being retried, 1 given up" in digest


async def test_a_daily_letter_carries_the_days_reports_once_a_day(app, clock, smtp) -> None:
    _, user_id = await reporter(app, "dana", "English")
    first = await add_report(app, user_id, ALMATY, clock)
    second = await add_report(app, user_id, ALMATY, clock, lat=43.3, lon=76.9)
    await connect(app, clock, email="akimat@almaty.test", mode=EmailMode.DAILY)
    await run_job(app, "handover")
    await app.sender.flush()
    assert smtp.messages == []  # nothing per report
    assert "1 daily letter" in await run_job(app, "handover_deliver")
    assert "0 daily letter" in await run_job(app, "handover_deliver")
    await app.sender.flush()
    (letter,) = smtp.messages
    assert f"[TZ-{first:06d}] [TZ-{second:06d}]" in letter["Subject"] and "2 өтініш" in letter["Subject"]
    assert len([p for p in letter.iter_attachments() if p.get_content_type() == "image/jpeg"]) == 2

    third = await add_report(app, user_id, ALMATY, clock, lat=43.35, lon=76.9)
    await run_job(app, "handover")
    assert "0 daily letter" in await run_job(app, "handover_deliver")  # today's is gone
    clock.advance(days=1)
    assert "1 daily letter" in await run_job(app, "handover_deliver")
    await app.sender.flush()
    assert f"[TZ-{third:06d}]" in smtp.messages[-1]["Subject"] and len(smtp.messages) == 2
