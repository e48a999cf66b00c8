"""Moderation as moderators and reporters live it: admins appoint moderators and bind a group,
the handover job announces new reports, moderators triage them from the cards, forged presses are
refused, and each reporter is told every step in their own language."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from handlers.types import Incoming, Kind, MediaRef, Reply
from bot.scheduler import run_job
from storage.models import Identity, OutboxMessage
from storage.moderation import ModeratorChat, ModeratorRole, ReportFollowUpPhoto, ReportNote, ReportTriage
from storage.reports import Report, ReportPhoto, ReportStatus, ReportStatusChange
from tests.support import images
from tests.support.chat import Chat, _update_ids, texts

GROUP = "-500"  # the Almaty moderators' group (on the console channel in these tests)
ALMATY, ULYTAU, ASTANA = "KZ-75", "KZ-62", "KZ-71"


@dataclass
class Member:
    """Someone writing in a group chat: the chat is the group, the sender is the person."""

    app: object
    group: str
    user: str
    seen: int = 0

    def __post_init__(self) -> None:
        self.seen = len(self.history)

    @property
    def history(self) -> list[Reply]:
        return self.app.channels["console"].sent.get(self.group, [])

    async def _deliver(self, kind: Kind, **fields) -> list[Reply]:
        incoming = Incoming(
            channel="console",
            chat_id=self.group,
            sender_id=self.user,
            update_key=f"g{next(_update_ids)}",
            kind=kind,
            display_name=self.user,
            is_group=True,
            **fields,
        )
        await self.app.engine.receive(incoming)
        await self.app.sender.flush()
        new = self.history[self.seen :]
        self.seen = len(self.history)
        return new

    async def send(self, text: str) -> list[Reply]:
        if text.startswith("/"):
            command, _, args = text[1:].partition(" ")
            return await self._deliver(Kind.COMMAND, command=command, args=args, text=text)
        return await self._deliver(Kind.TEXT, text=text)

    async def press(self, choice_id: str) -> list[Reply]:
        return await self._deliver(Kind.CHOICE, choice=choice_id)

    async def photo(self, data: bytes) -> list[Reply]:
        file_id = f"file{next(_update_ids)}"
        self.app.channels["console"].media[file_id] = data
        return await self._deliver(Kind.PHOTO, photo=MediaRef(file_id, "image/jpeg", len(data)))

async def moderators(app) -> Member:
    """The Almaty moderator «mod» appointed by «admin» (onboarded in English), the group bound to
    Almaty: the moderator as a member of that group."""
    admin = Chat(app, "admin")
    await admin.onboard("English")
    await admin.send(f"/addmoderator console:mod {ALMATY}")
    await Member(app, GROUP, "admin").send(f"/bindchat {ALMATY.lower()}")
    return Member(app, GROUP, "mod")


async def reporter(app, name: str, language: str) -> tuple[Chat, int]:
    chat = Chat(app, name)
    await chat.onboard(language)
    async with app.sessions() as s:
        user_id = await s.scalar(select(Identity.user_id).where(Identity.external_id == name))
    chat.seen = len(chat.history)
    return chat, user_id


async def add_report(app, reporter_id: int, region: str, clock, *, lat=43.238, lon=76.945) -> int:
    photo = (await app.engine.router.services["photos"].ingest(images.jpeg(seed=reporter_id + region.__hash__() % 50))).to_json()
    async with app.sessions() as s, s.begin():
        report = Report(
            reporter_id=reporter_id,
            region_code=region,
            latitude=lat,
            longitude=lon,
            waste_types=["household", "plastic"],
            size="truck",
            comment="<b>behind the garages</b>",
            created_at=clock(),
            updated_at=clock(),
        )
        s.add(report)
        await s.flush()
        s.add(
            ReportPhoto(
                report_id=report.id,
                position=0,
                path=photo["path"],
                thumb_path=photo["thumb_path"],
                sha256=photo["sha256"],
                phash=photo["phash"],
                width=photo["width"],
                height=photo["height"],
                added_by_id=reporter_id,
                created_at=clock(),
            )
        )
        return report.id


async def status_of(app, report_id: int) -> str:
    async with app.sessions() as s:
        return await s.scalar(select(Report.status).where(Report.id == report_id))


@pytest.fixture
async def setup(app, clock):
    """Admin appoints 'mod' for Almaty and binds the group; a Kazakh- and a Russian-speaking
    reporter each have a report in Almaty; an English one in Ulytau (no moderator)."""
    admin = Chat(app, "admin")
    await admin.onboard("English")
    assert "now a moderator" in texts(await admin.send(f"/addmoderator console:mod {ALMATY}"))
    in_group = Member(app, GROUP, "admin")
    assert "now receives the reports" in texts(await in_group.send(f"/bindchat {ALMATY.lower()}"))
    aigerim, aigerim_id = await reporter(app, "aigerim", "Қазақша")
    boris, boris_id = await reporter(app, "boris", "Русский")
    emma, emma_id = await reporter(app, "emma", "English")
    ids = {
        "aigerim": await add_report(app, aigerim_id, ALMATY, clock),
        "boris": await add_report(app, boris_id, ALMATY, clock),
        "emma": await add_report(app, emma_id, ULYTAU, clock, lat=47.8, lon=67.7),
    }
    return {"admin": admin, "aigerim": aigerim, "boris": boris, "emma": emma, "ids": ids}


async def test_admin_commands_need_the_admin_role(app, setup) -> None:
    eve = Chat(app, "eve")
    await eve.onboard("English")
    refused = await eve.send(f"/addmoderator console:eve {ALMATY}")
    assert "Only an administrator" in refused[0].text
    bad = await setup["admin"].send("/addmoderator console:x KZ-99")
    assert "Usage" in bad[0].text
    listing = texts(await setup["admin"].send("/moderators"))
    assert "console:mod" in listing and f"console:{GROUP}" in listing
    uncovered = next(line for line in listing.splitlines() if "Regions with no moderators" in line)
    assert "KZ-62" in uncovered and ALMATY not in uncovered
    async with app.sessions() as s:
        assert await s.scalar(select(func.count()).select_from(ModeratorRole)) == 1
        chat = await s.scalar(select(ModeratorChat))
        assert (chat.region_code, chat.chat_id, chat.language) == (ALMATY, GROUP, "en")
    assert "1 moderator role removed" in texts(await setup["admin"].send("/removemoderator console:mod"))


async def test_handover_announces_batches_and_is_idempotent(app, setup, clock) -> None:
    ids = setup["ids"]
    summary = await run_job(app, "handover")
    assert "handed over 3 reports" in summary and "1 to the national queue" in summary
    await app.sender.flush()
    group = app.channels["console"].sent[GROUP]
    cards = [r for r in group if r.choices]
    assert "2 new reports for Almaty" in group[-3].text
    assert {c.text.split("\n")[0] for c in cards} == {f"🗑 TZ-{ids['aigerim']:06d} · queued", f"🗑 TZ-{ids['boris']:06d} · queued"}
    card = cards[0]
    assert card.photo_path and "openstreetmap.org/?mlat=43.238000" in card.text
    assert "Needs a truck" in card.text and "Household waste, Plastic" in card.text
    assert "<b>behind the garages</b>" in card.text  # plain text, shown as typed
    assert "Aigerim" not in card.text and "aigerim" not in card.text  # no personal data
    admin_inbox = texts(setup["admin"].history[-2:])
    assert "1 new report for Ulytau" in admin_inbox

    async with app.sessions() as s:
        statuses = dict((await s.execute(select(Report.id, Report.status))).all())
        assert set(statuses.values()) == {ReportStatus.QUEUED}
        national = dict((await s.execute(select(ReportTriage.report_id, ReportTriage.national))).all())
        assert national == {ids["aigerim"]: False, ids["boris"]: False, ids["emma"]: True}
        history = (await s.scalars(select(ReportStatusChange))).all()
        assert {(h.old_status, h.new_status) for h in history} == {("new", "queued")}
        sent_before = await s.scalar(select(func.count()).select_from(OutboxMessage))

    assert await run_job(app, "handover") == "nothing to hand over"
    async with app.sessions() as s:
        assert await s.scalar(select(func.count()).select_from(OutboxMessage)) == sent_before


async def test_forged_and_stale_presses_are_refused_and_logged(app, setup, caplog) -> None:
    ids = setup["ids"]
    await run_job(app, "handover")
    await app.sender.flush()
    eve = Member(app, GROUP, "eve")  # in the group, but no moderator
    with caplog.at_level(logging.WARNING, logger="taza.moderation.access"):
        refused = await eve.press(f"mod:ok:{ids['aigerim']}")
    assert "Only a moderator of this report's region" in refused[0].text
    assert "refused mod:ok by console:eve" in caplog.text
    assert await status_of(app, ids["aigerim"]) == ReportStatus.QUEUED

    mod = Member(app, GROUP, "mod")
    other_region = await mod.press(f"mod:ok:{ids['emma']}")  # Ulytau is not his region
    assert "Only a moderator of this report's region" in other_region[0].text
    assert await status_of(app, ids["emma"]) == ReportStatus.QUEUED
    nonsense = await mod.press("mod:ok:999999")
    assert "does not exist" in nonsense[0].text
    for malformed in ("mod:ok:abc", "mod:zap:1", f"mod:ok:{ids['aigerim']}:x:y", "mod:" + "9" * 80, "mod:ok:-1"):
        answer = await mod.press(malformed)
        assert "больше не действует" in answer[0].text and not answer[0].choices, malformed  # mod's Russian
    assert await status_of(app, ids["aigerim"]) == ReportStatus.QUEUED

    await mod.press(f"mod:ok:{ids['aigerim']}")
    again = await mod.press(f"mod:ok:{ids['aigerim']}")
    assert "already «confirmed»" in again[0].text

    # The role removed after the card was posted: the old button no longer works.
    await setup["admin"].send(f"/removemoderator console:mod {ALMATY}")
    late = await mod.press(f"mod:wip:{ids['boris']}")
    assert "Only a moderator" in late[0].text
    assert await status_of(app, ids["boris"]) == ReportStatus.QUEUED


async def test_each_step_is_told_to_the_reporter_in_their_language(app, setup, clock) -> None:
    ids = setup["ids"]
    await run_job(app, "handover")
    mod = Member(app, GROUP, "mod")
    aigerim, boris = setup["aigerim"], setup["boris"]

    done = await mod.press(f"mod:ok:{ids['aigerim']}")
    assert "confirmed" in done[-1].text
    assert "расталды" in aigerim.history[-1].text.lower() or "растады" in aigerim.history[-1].text.lower()
    assert aigerim.history[-1].kind == "status_update"

    await mod.press(f"mod:wip:{ids['aigerim']}")
    assert "TZ-" in aigerim.history[-1].text and aigerim.history[-1].kind == "status_update"

    reasons = await mod.press(f"mod:rej:{ids['boris']}")
    assert [c.id for c in reasons[0].choices][0] == f"mod:rr:{ids['boris']}:cannot_locate"
    await mod.press(f"mod:rr:{ids['boris']}:spam")
    assert "отклонено" in boris.history[-1].text.lower() and "спам" in boris.history[-1].text.lower()

    # Cleaned: the moderator sends the "after" photo; the reporter gets before and after.
    ask = await mod.press(f"mod:done:{ids['aigerim']}")
    assert "after" in ask[-1].text
    other = Member(app, GROUP, "eve")
    assert "waiting for the answer" in (await other.send("hello"))[0].text
    assert "Please send a photo of the cleaned place" in texts(await mod.send("no photo"))
    await mod.photo(images.jpeg(seed=77))
    assert await status_of(app, ids["aigerim"]) == ReportStatus.CLEANED
    before, after = aigerim.history[-2:]
    assert before.photo_path and after.photo_path and before.photo_path != after.photo_path
    assert after.choices[0].id == f"dispute:{ids['aigerim']}"
    async with app.sessions() as s:
        assert (await s.scalar(select(ReportFollowUpPhoto))).kind == "after"
        history = (
            await s.scalars(
                select(ReportStatusChange).where(ReportStatusChange.report_id == ids["aigerim"]).order_by(ReportStatusChange.id)
            )
        ).all()
        mod_user = await s.scalar(select(Identity.user_id).where(Identity.external_id == "mod"))
    assert [h.new_status for h in history] == ["queued", "confirmed", "in_progress", "cleaned"]
    assert all(h.changed_by_id == mod_user for h in history[1:]) and history[0].changed_by_id is None


async def test_note_reassign_duplicate_queue_and_report(app, setup) -> None:
    ids = setup["ids"]
    await run_job(app, "handover")
    mod = Member(app, GROUP, "mod")
    boris = setup["boris"]
    seen = len(boris.history)

    await mod.press(f"mod:note:{ids['boris']}")
    assert "Note added" in (await mod.send("Called the akimat, they know it"))[0].text
    assert len(boris.history) == seen  # an internal note is not sent to the reporter

    queue = await mod.send("/queue")
    assert queue[0].choices and f"TZ-{ids['aigerim']:06d}" in queue[0].text
    shown = texts(await mod.send(f"/report TZ-{ids['boris']:06d}"))
    assert "Called the akimat" in shown and "History" in shown
    assert "Only a moderator" in texts(await mod.send(f"/report {ids['emma']}"))

    await mod.press(f"mod:rej:{ids['aigerim']}")
    prompt = await mod.press(f"mod:rr:{ids['aigerim']}:duplicate")
    assert "code" in prompt[-1].text
    assert "no other report" in (await mod.send("TZ-999999"))[0].text
    await mod.send(f"TZ-{ids['boris']:06d}")
    assert await status_of(app, ids["aigerim"]) == ReportStatus.DUPLICATE

    regions = await mod.press(f"mod:mv:{ids['boris']}")
    assert any(c.id == f"mod:to:{ids['boris']}:{ASTANA}" for c in regions[0].choices)
    await mod.press(f"mod:to:{ids['boris']}:{ASTANA}")
    async with app.sessions() as s:
        moved = await s.get(Report, ids["boris"])
        triage = await s.get(ReportTriage, ids["boris"])
        notes = (await s.scalars(select(ReportNote))).all()
    assert moved.region_code == ASTANA and triage.national  # Astana has no moderator: admins
    assert "Astana" in texts(setup["admin"].history[-1:]) or "Passed on" in setup["admin"].history[-1].text
    assert "Астана" in boris.history[-1].text and "администраторы бота" in boris.history[-1].text
    assert len(notes) == 1
    assert "empty" in (await mod.send("/queue"))[0].text


async def test_escalation_after_the_configured_time(app, setup, clock) -> None:
    await run_job(app, "handover")
    await app.sender.flush()
    clock.advance(hours=47)
    assert await run_job(app, "escalation") == "nothing overdue"
    clock.advance(hours=2)
    assert "escalated 3 reports in 2 regions" == await run_job(app, "escalation")
    await app.sender.flush()
    group = texts(app.channels["console"].sent[GROUP][-3:])
    assert "2 reports of this region have waited for triage longer than 48 h" in group
    admin = setup["admin"].history[-1].text
    assert "Escalated" in admin and "Almaty: 2" in admin and "Ulytau Region: 1" in admin
    assert await run_job(app, "escalation") == "nothing overdue"


async def cleaned(app, setup, mod: Member, report_id: int) -> None:
    await run_job(app, "handover")
    await app.sender.flush()
    await mod.press(f"mod:done:{report_id}")
    await mod.photo(images.jpeg(seed=91))


async def test_dispute_within_7_days_reopens_the_report(app, setup, clock) -> None:
    ids = setup["ids"]
    mod = Member(app, GROUP, "mod")
    await cleaned(app, setup, mod, ids["boris"])
    boris = setup["boris"]

    # Someone else pressing the reporter's button is refused.
    eve = Chat(app, "eve")
    await eve.onboard("English")
    assert "Only the reporter" in texts(await eve.press(f"dispute:{ids['boris']}", None))

    clock.advance(days=6)
    await boris.press(f"dispute:{ids['boris']}", None)
    assert "Опишите" in boris.last.text
    await boris.send("Мусор просто сдвинули за гаражи")
    await boris.send("без фото")
    assert "фото" in boris.history[-2].text.lower()
    await boris.photo(images.jpeg(seed=92))
    assert "оспорено" in boris.history[-1].text
    assert await status_of(app, ids["boris"]) == ReportStatus.DISPUTED
    group = app.channels["console"].sent[GROUP][-1]
    assert "Мусор просто сдвинули" in group.text and group.choices
    async with app.sessions() as s:
        triage = await s.get(ReportTriage, ids["boris"])
        last = await s.scalar(select(ReportStatusChange).order_by(ReportStatusChange.id.desc()).limit(1))
    assert triage.disputes == 1 and triage.queued_at == clock()
    assert (last.new_status, last.note) == ("disputed", "Мусор просто сдвинули за гаражи")
    # Back in the queue: /queue offers it again.
    assert f"TZ-{ids['boris']:06d}" in (await mod.send("/queue"))[0].text

    # /forget: the dispute stays in the report's history, without the person's words or photo link.
    await boris.send("/forget")
    await boris.click("Да, удалить")
    async with app.sessions() as s:
        last = await s.scalar(select(ReportStatusChange).order_by(ReportStatusChange.id.desc()).limit(1))
        photo = await s.scalar(select(ReportFollowUpPhoto).where(ReportFollowUpPhoto.kind == "dispute"))
    assert (last.new_status, last.note, last.changed_by_id) == ("disputed", None, None)
    assert photo.added_by_id is None and await status_of(app, ids["boris"]) == ReportStatus.DISPUTED


async def test_dispute_after_7_days_is_refused(app, setup, clock) -> None:
    ids = setup["ids"]
    await cleaned(app, setup, Member(app, GROUP, "mod"), ids["aigerim"])
    clock.advance(days=8)
    aigerim = setup["aigerim"]
    replies = await aigerim.press(f"dispute:{ids['aigerim']}", None)
    assert "7" in replies[-1].text and "өтіп кетті" in replies[-1].text
    assert await status_of(app, ids["aigerim"]) == ReportStatus.CLEANED


async def confirm_almaty_reports(app, ids) -> Member:
    """Hand over and let the Almaty moderator confirm Aigerim's and Boris's reports."""
    await run_job(app, "handover")
    mod = Member(app, GROUP, "mod")
    await mod.press(f"mod:ok:{ids['aigerim']}")
    await mod.press(f"mod:ok:{ids['boris']}")
    return mod


async def test_still_there_after_30_days(app, setup, clock) -> None:
    ids = setup["ids"]
    mod = await confirm_almaty_reports(app, ids)
    clock.advance(days=29)
    assert await run_job(app, "still_there") == "asked 0 reporters"
    clock.advance(days=2)
    assert await run_job(app, "still_there") == "asked 2 reporters"
    assert await run_job(app, "still_there") == "asked 0 reporters"
    await app.sender.flush()
    aigerim, boris = setup["aigerim"], setup["boris"]
    assert aigerim.last.kind == "status_update" and len(aigerim.last.choices) == 2
    await aigerim.press(f"still:{ids['aigerim']}:photo", None)
    await aigerim.photo(images.jpeg(seed=93))
    await boris.press(f"still:{ids['boris']}:cleaned", None)
    group = texts(app.channels["console"].sent[GROUP][-2:])
    assert "still there" in group and "has been cleaned" in group
    async with app.sessions() as s:
        kinds = (await s.scalars(select(ReportFollowUpPhoto.kind))).all()
    assert kinds == ["still_there"]
    shown = texts(await mod.send(f"/report TZ-{ids['boris']:06d}"))
    assert "Internal notes:" in shown and "Reporter: the dump has been cleaned." in shown


async def test_still_there_skips_a_reporter_who_used_forget_and_says_so(app, setup, clock) -> None:
    await confirm_almaty_reports(app, setup["ids"])
    boris = setup["boris"]
    await boris.send("/forget")
    await boris.click("Да, удалить")
    boris.seen = len(boris.history)
    clock.advance(days=31)
    summary = await run_job(app, "still_there")
    assert summary == "asked 1 reporters; 1 unreachable (no chat left after /forget)"
    await app.sender.flush()
    assert boris.history[boris.seen :] == []
    assert setup["aigerim"].last.kind == "status_update"
    assert await run_job(app, "still_there") == "asked 0 reporters"  # boris's report is not asked again


async def test_numbers_answer_the_latest_card_on_text_channels(app, setup) -> None:
    """Without buttons (WhatsApp, console) a moderator answers the latest report card with its
    number, and a reporter answers a status update's "dispute" the same way."""
    ids = setup["ids"]
    await run_job(app, "handover")
    await app.sender.flush()
    mod = Member(app, GROUP, "mod")
    card = next(r for r in reversed(mod.history) if r.choices)
    report_id = int(card.choices[0].id.rsplit(":", 1)[1])
    assert card.choices[0].id == f"mod:ok:{report_id}"

    done = await mod.send("1")
    assert "confirmed" in done[-1].text
    assert await status_of(app, report_id) == ReportStatus.CONFIRMED
    other = ids["boris"] if report_id == ids["aigerim"] else ids["aigerim"]
    assert await status_of(app, other) == ReportStatus.QUEUED

    await mod.press(f"mod:done:{ids['aigerim']}")
    await mod.photo(images.jpeg(seed=78))
    aigerim = setup["aigerim"]
    assert aigerim.history[-1].choices[0].id == f"dispute:{ids['aigerim']}"
    aigerim.seen = len(aigerim.history)
    answer = await aigerim.send("1")
    assert "тазартудың несі дұрыс емес" in texts(answer)  # the dispute started
