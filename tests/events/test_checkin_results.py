"""Check-in by location within the event's window (a controllable clock), results with attendance,
bags (with an attendee's claim) and photos, linked reports cleaned and their reporters told; the
calendar file parsed back."""

from __future__ import annotations

from datetime import timedelta

from icalendar import Calendar
from sqlalchemy import select

from storage.events import BagClaim, EventPhoto, EventReport, EventSignup
from storage.reports import Report, ReportStatusChange
from tests.events.support import ASTANA, MEETING, event_row, make_event, user_id
from tests.reports.test_report import report_dump
from tests.support import images
from tests.support.chat import Chat, labels, texts

FAR = (51.1400, 71.4300)  # about 1.1 km north of the meeting point


async def test_check_in_window_and_radius(app, clock) -> None:
    event = await make_event(app, starts_in=timedelta(hours=3))
    chat = Chat(app, "ainur")
    await chat.onboard("Русский")
    await chat.press(f"ev:join:{event}", None)
    early = await chat.press(f"ev:checkin:{event}", None)
    assert "Отметиться пока нельзя" in texts(early)
    clock.advance(hours=2, minutes=40)  # 20 minutes before the start
    card = await chat.press(f"ev:open:{event}", None)
    assert "Отметиться" in " ".join(labels(card[-1]))
    await chat.click("Отметиться")
    far = await chat.location(*FAR)
    assert "1,1 км" in texts(far) and "300 м" in texts(far)
    async with app.sessions() as s:
        assert (await s.scalar(select(EventSignup))).checked_in_at is None
    near = await chat.location(*MEETING)
    assert "Вы отметились" in texts(near)
    again = await chat.press(f"ev:checkin:{event}", None)
    assert "уже отметились" in texts(again)
    clock.advance(hours=4)
    other = Chat(app, "bolat")
    await other.onboard()
    assert "signing up is closed" in texts(await other.press(f"ev:join:{event}", None))


async def test_wrong_day_check_in_is_refused(app, clock) -> None:
    event = await make_event(app, starts_in=timedelta(days=1))
    chat = Chat(app, "ruslan")
    await chat.onboard()
    await chat.press(f"ev:join:{event}", None)
    clock.advance(days=2)
    late = await chat.press(f"ev:checkin:{event}", None)
    assert "check-in closed at" in texts(late)


async def test_results_clean_linked_reports_and_count_claims(app, clock) -> None:
    reporter = Chat(app, "reporter")
    await reporter.onboard()
    await report_dump(reporter, point=ASTANA)
    admin = Chat(app, "admin")
    await admin.onboard()
    event = await make_event(app, starts_in=timedelta(hours=1), organiser=await user_id(app, admin))
    async with app.sessions() as s, s.begin():
        s.add(EventReport(event_id=event, report_id=await s.scalar(select(Report.id))))
    volunteers = [Chat(app, name) for name in ("asel", "daniyar")]
    for chat in volunteers:
        await chat.onboard()
        await chat.press(f"ev:join:{event}", None)
    early = await admin.press(f"evo:results:{event}", None)
    assert "has not been held yet" in texts(early)
    assert "has not been held yet" in texts(await volunteers[0].press(f"ev:bags:{event}", None))
    clock.advance(minutes=40)
    await volunteers[0].press(f"ev:checkin:{event}", None)
    await volunteers[0].location(*MEETING)
    clock.advance(hours=4)
    await volunteers[1].press(f"ev:bags:{event}", None)
    assert "whole number" in texts(await volunteers[1].send("0"))
    await volunteers[1].send("3")
    claim = admin.last
    assert "Daniyar says they filled 3 bags" in claim.text
    await admin.click("Accept")
    assert "counted your 3 bags" in volunteers[1].last.text
    marks = await admin.press(f"evo:results:{event}", None)
    assert "✅ Asel" in marks[-1].text and "▫️ Daniyar" in marks[-1].text
    await admin.click("Daniyar")
    await admin.click("Next")
    await admin.send("12")
    await admin.send("40,5")
    await admin.photo(images.jpeg(7))
    summary = await admin.click("Done")
    assert "People who came: 2" in summary[-1].text and "Bags: 15" in summary[-1].text and "TZ-000001" in summary[-1].text
    saved = await admin.click("Save the results")
    assert "results are saved" in texts(saved) and "TZ-000001" in texts(saved)
    row = await event_row(app, event)
    assert (row.attended, row.bags, row.kilograms) == (2, 12, 40.5)
    async with app.sessions() as s:
        report = await s.scalar(select(Report))
        assert report.status == "cleaned"
        change = (await s.scalars(select(ReportStatusChange).order_by(ReportStatusChange.id.desc()))).first()
        assert change.new_status == "cleaned" and change.note == f"event:{event}"
        assert len((await s.scalars(select(EventPhoto))).all()) == 1
        assert (await s.scalar(select(BagClaim))).status == "accepted"
    assert "dump has been cleaned" in texts(reporter.history[-2:])
    mine = await volunteers[0].send("/myevents")
    assert "Cleanup events attended: 1; hours volunteered: 3" in mine[-1].text


async def test_calendar_file_parses_back(app) -> None:
    event = await make_event(app, title="Esil embankment")
    chat = Chat(app, "kamila")
    await chat.onboard()
    signed = await chat.press(f"ev:join:{event}", None)
    document = next(r.document for r in signed if r.document)
    assert document.mime_type == "text/calendar"
    calendar = Calendar.from_ical(document.data)
    vevent = calendar.walk("VEVENT")[0]
    row = await event_row(app, event)
    assert str(vevent["UID"]) == f"event-{event}@taza-bot.kz"
    assert vevent.decoded("DTSTART") == row.starts_at and vevent.decoded("DTEND") == row.ends_at
    assert str(vevent.decoded("DTSTART").tzinfo) == "Asia/Almaty"
    assert vevent["DTSTART"].params["TZID"] == "Asia/Almaty" and calendar.walk("VTIMEZONE")
    assert "51.130000, 71.430000" in str(vevent["LOCATION"]) and "Astana" in str(vevent["LOCATION"])
    assert (vevent["GEO"].latitude, vevent["GEO"].longitude) == (51.13, 71.43)
    alarm = vevent.walk("VALARM")[0]
    assert alarm.decoded("TRIGGER") == timedelta(hours=-2)
