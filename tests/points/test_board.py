"""Ranks and leaderboards: people are ranked by the ledger's sums in the country, their region and
their club, this month or all time; only those who agreed are named, the others appear as a
volunteer of their region in the reader's language; the profile shows points, ranks and the next
badge; /forget takes a person's points away."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from storage import points as store
from storage.models import Identity
from storage.points import Deed, PointsEntry, PointsSettings
from storage.quiz import QuizClub, QuizClubMember
from tests.support.chat import Chat, texts

ABAI, ALMATY = "KZ-10", "KZ-75"


async def person(app, name: str, language: str) -> tuple[Chat, int]:
    chat = Chat(app, name)
    await chat.onboard(language)
    async with app.sessions() as s:
        uid = await s.scalar(select(Identity.user_id).where(Identity.external_id == name))
    return chat, uid


async def give(app, uid: int, points: int, region: str, at, ref: str = "1") -> None:
    async with app.sessions() as s, s.begin():
        await store.settle(s, uid, Deed.EVENT_ATTENDED, ref, points, region, at)


async def test_leaderboards_rank_and_anonymise(app, clock) -> None:
    alice, alice_id = await person(app, "alice", "English")
    boris, boris_id = await person(app, "boris", "Русский")
    cara, cara_id = await person(app, "cara", "English")
    now = clock()
    await give(app, boris_id, 30, ABAI, now - timedelta(days=40))  # last month
    await give(app, cara_id, 20, ALMATY, now)
    await give(app, alice_id, 10, ALMATY, now)
    async with app.sessions() as s, s.begin():
        s.add(PointsSettings(user_id=cara_id, show_name=True, badge=0))  # cara agreed to be named

    board = texts(await alice.send("/top"))  # this month, the country
    assert "🌿 Eco-points: 10" in board
    assert "Rank in Almaty: 2 of 2" in board and "Rank in Kazakhstan: 3 of 3" in board
    assert "Next badge: 50 eco-points (40 more points to go)" in board
    assert "1. Cara: 20 eco-points" in board
    assert "👉 2. Volunteer from Almaty: 10 eco-points (you)" in board
    assert "Volunteer from Abai Region" not in board  # boris earned his last month
    assert "Your name is hidden on leaderboards" in board

    all_time = texts(await alice.click("📅 All time"))
    assert "1. Volunteer from Abai Region: 30 eco-points" in all_time and "Boris" not in all_time

    shown = texts(await alice.click("🙋 Show my name"))
    assert "👉 3. Alice: 10 eco-points (you)" in shown and "Your name is shown" in shown
    async with app.sessions() as s:
        assert (await s.get(PointsSettings, alice_id)).show_name is True

    russian = texts(await boris.send("/top"))
    assert "Волонтёр из региона «Абайская область»" not in russian  # this month: he has nothing
    russian = texts(await boris.click("📅 За всё время"))
    assert "👉 1. Волонтёр из региона «Абайская область»: 30 экобаллов (вы)" in russian
    assert "2. Cara: 20 экобаллов" in russian and "3. Alice: 10 экобаллов" in russian

    region = texts(await alice.click("📍 My region"))
    assert "🏆 Almaty, all time:" in region and "Abai" not in region.split("🏆")[1]

    # A club's board uses the club's own consent and numbers.
    async with app.sessions() as s, s.begin():
        club = QuizClub(name="Eco 7B", institution="School 12", region_code=ALMATY, leader_id=cara_id, join_code="ABC234",
                        code_expires_at=now + timedelta(days=30), created_at=now)
        s.add(club)
        await s.flush()
        s.add(QuizClubMember(club_id=club.id, user_id=alice_id, number=1, show_name=False, joined_at=now))
    await alice.send("/top")
    clubbed = texts(await alice.click("👥 Eco 7B"))
    assert "🏆 Club «Eco 7B», this month:" in clubbed
    assert "1. Cara: 20 eco-points" in clubbed and "👉 2. Member 1: 10 eco-points (you)" in clubbed
    assert "Abai" not in clubbed.split("🏆")[1]

    profile = texts(await alice.send("/start")) and texts(await alice.click("👤 My profile"))
    assert "🌿 Eco-points: 10" in profile and "Rank in Kazakhstan: 3 of 3" in profile

    await alice.send("/top")
    forged = texts(await alice.press("pts:board:club:all:999", None))  # a club that was never offered to her
    assert "no longer valid" in forged and "Club" not in forged

    await alice.send("/top")
    figures = await alice.click("📊 The programme's figures")
    assert "Reports: 0" in figures[-1].text and figures[-1].photo_path

    await alice.send("/forget")
    await alice.click("🗑 Yes, delete my data")
    async with app.sessions() as s:
        assert await s.scalar(select(func.count()).select_from(PointsEntry).where(PointsEntry.user_id == alice_id)) == 0
        assert await s.get(PointsSettings, alice_id) is None
