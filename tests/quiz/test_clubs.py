"""Quiz clubs as conversations: a leader creates a club, three members join in three languages (by
code, by link), the leader starts a club round, each member is told in their language and plays it,
and the leader sees who played and the scores, and the leaderboard with names only for members who
agreed. Then the bad input: codes that do not exist or expired, joining twice, names too long or
with markup, forged and late «Play» presses, leaving, /forget."""

from __future__ import annotations

import json

from sqlalchemy import select

from handlers.quiz.clubs.buttons import ClubPress, LeaderPress, PlayPress
from storage.forms import FormDraft
from storage.quiz import QuizClub, QuizClubRound, QuizRound
from tests.quiz.clubs_support import create_club, memberships, only_club, play, rounds_played
from tests.support.chat import Chat, labels, texts


async def start_round(leader: Chat, club_id: int, *, topic: str = "Water", deadline: str = "3 days") -> list:
    await leader.press(LeaderPress("round", club_id).id, None)
    await leader.click(topic)
    await leader.click("School level")
    if deadline in labels(leader.last_with_choices):
        await leader.click(deadline)
    else:
        await leader.send(deadline)  # a date
    return await leader.click("Start the club round")


async def club_of_three(app) -> tuple[Chat, Chat, Chat, Chat, QuizClub]:
    """A leader (en) and members in kk (code, name shown), ru (link, name hidden), en (code, shown)."""
    leader = Chat(app, "teacher", display_name="Ms Teacher")
    await leader.onboard()
    club = await create_club(leader)
    aigerim, dmitry, ben = Chat(app, "aigerim"), Chat(app, "dmitry"), Chat(app, "ben")
    await aigerim.onboard("Қазақша")
    await aigerim.send("/clubs")
    await aigerim.click("Код арқылы қосылу")
    asked = await aigerim.send(club.join_code.lower())
    assert "Green Club" in texts(asked)
    welcome = await aigerim.click("Атымды көрсету")
    assert "Green Club" in texts(welcome) and "Ойнау" not in texts(welcome)
    await dmitry.send(f"/start club-{club.join_code}")
    await dmitry.click("Русский")
    asked = await dmitry.click("✅")
    assert "Green Club" in texts(asked)
    await dmitry.click("Не показывать")
    await ben.onboard()
    await ben.send("/clubs")
    await ben.click("Join with a code")
    await ben.send(f" {club.join_code[:3].lower()}-{club.join_code[3:]} ")
    await ben.click("Show my name")
    return leader, aigerim, dmitry, ben, club


async def test_a_club_round_in_three_languages(app, clock) -> None:
    leader, aigerim, dmitry, ben, club = await club_of_three(app)
    members = await memberships(app)
    assert [(m.number, m.show_name) for m in members] == [(1, True), (2, False), (3, True)]

    started = await start_round(leader, club.id)
    assert "3 members were told" in texts(started)
    notices = {chat.user: chat.last for chat in (aigerim, dmitry, ben)}
    assert "«Green Club» клубында жаңа раунд" in notices["aigerim"].text and labels(notices["aigerim"]) == ["▶️ Клуб раундын ойнау"]
    assert "Новый раунд в клубе «Green Club»" in notices["dmitry"].text and labels(notices["dmitry"]) == ["▶️ Играть раунд клуба"]
    assert "A new round in the club «Green Club»" in notices["ben"].text and labels(notices["ben"]) == ["▶️ Play the club round"]

    for chat, right in ((aigerim, 5), (dmitry, 3), (ben, 0)):
        await chat.click("▶️")
        await play(chat, right)
    played = await rounds_played(app)
    async with app.sessions() as session:
        club_round = await session.scalar(select(QuizClubRound))
    assert [(r.kind, r.language, r.score, r.club_round_id, r.topic) for r in played] == [
        ("club", "kk", 5, club_round.id, "water"),
        ("club", "ru", 3, club_round.id, "water"),
        ("club", "en", 0, club_round.id, "water"),
    ]
    assert all(r.completed for r in played)

    card = await aigerim.press(ClubPress("open", club.id).id, None)
    assert "Ойнау" not in " ".join(labels(card[-1])) and "Суды үнемдеу" in card[-1].text
    again = await ben.press(PlayPress(club_round.id).id, None)
    assert "You have already played this club round: 0 of 5." in texts(again)
    assert len(await rounds_played(app)) == 3

    await leader.press(LeaderPress("rounds", club.id).id, None)
    assert "3 of 3 played" in " ".join(labels(leader.last))
    results = await leader.press(LeaderPress("results", club.id, club_round.id).id, None)
    lines = texts(results).splitlines()
    assert "• Aigerim: 5 of 5" in lines and "• Member 2: 3 of 5" in lines and "• Ben: 0 of 5" in lines
    assert "Dmitry" not in texts(results)

    board = await dmitry.press(ClubPress("board", club.id).id, None)
    lines = texts(board).splitlines()
    assert lines[1:] == ["1. Aigerim: 5 баллов", "👉 2. Участник 2: 3 балла (вы)", "3. Ben: 0 баллов"]
    board = await leader.press(ClubPress("board", club.id).id, None)
    assert "2. Member 2: 3 points" in texts(board) and "(you)" not in texts(board)


async def test_late_rounds_do_not_count_and_play_after_the_deadline_is_refused(app, clock) -> None:
    leader, aigerim, dmitry, ben, club = await club_of_three(app)
    await start_round(leader, club.id, deadline="1 day")
    await aigerim.click("▶️")
    await play(aigerim, 4)
    await dmitry.click("▶️")
    await play(dmitry, 2)
    await ben.click("▶️")  # starts, then the deadline passes while he plays
    clock.advance(days=1, minutes=1)
    await play(ben, 5)
    async with app.sessions() as session:
        club_round = await session.scalar(select(QuizClubRound))
    late = await aigerim.press(PlayPress(club_round.id).id, None)
    assert "Бұл клуб раунды жабық" in texts(late)
    results = await leader.press(LeaderPress("results", club.id, club_round.id).id, None)
    assert "• Ben: 5 of 5, after the deadline (not counted)" in texts(results)
    board = await ben.press(ClubPress("board", club.id).id, None)
    assert texts(board).splitlines()[1:] == ["1. Aigerim: 4 points", "2. Member 2: 2 points", "👉 3. Ben: 0 points (you)"]
    fresh = Chat(app, "fresh")
    await fresh.onboard()
    await fresh.send(f"/start club-{club.join_code}")
    await fresh.click("Show my name")
    refused = await fresh.press(PlayPress(club_round.id).id, None)
    assert "This club round is closed" in texts(refused)
    assert len(await rounds_played(app)) == 3


async def test_codes_that_do_not_work(app, clock) -> None:
    app.deep_links.telegram_bot = "taza_test_bot"
    app.deep_links.whatsapp_number = "+14155238886"
    leader = Chat(app, "teacher")
    await leader.onboard()
    club = await create_club(leader)
    shared = texts(leader.history[-1:])
    assert f"https://t.me/taza_test_bot?start=club-{club.join_code}" in shared
    assert f"https://wa.me/14155238886?text=%2Fstart%20club-{club.join_code}" in shared
    assert len(club.join_code) == 6 and not set(club.join_code) & set("01OIL")
    own = await leader.send(f"/start club-{club.join_code}")
    assert "You lead this club" in texts(own)

    pupil = Chat(app, "pupil")
    await pupil.onboard()
    await pupil.send("/clubs")
    await pupil.click("Join with a code")
    wrong = await pupil.send("ZZZZZZ")
    assert "There is no club with this join code" in texts(wrong) and "Send the join code" in wrong[-1].text
    markup = await pupil.send("<b>" * 2000)
    assert "There is no club with this join code" in texts(markup)
    photo = await pupil.other()
    assert "Please send the join code as text" in texts(photo)
    assert await memberships(app) == []

    await pupil.send(club.join_code)
    await pupil.click("Do not show my name")
    twice = await pupil.send(f"/start club-{club.join_code}")
    assert "You are already a member of the club «Green Club»" in texts(twice)
    assert len(await memberships(app)) == 1

    clock.advance(days=31)
    late = Chat(app, "late")
    await late.onboard()
    expired = await late.send(f"/start club-{club.join_code}")
    assert "This join code has expired" in texts(expired)
    renewed = await leader.press(LeaderPress("renew", club.id).id, None)
    club = await only_club(app)
    assert club.join_code in texts(renewed) and club.code_expires_at > clock.now
    joined = await late.send(f"/start club-{club.join_code}")
    assert "Green Club" in texts(joined)
    await late.click("Show my name")
    assert len(await memberships(app)) == 2


async def test_club_names_too_long_or_with_markup(app) -> None:
    leader = Chat(app, "teacher")
    await leader.onboard()
    await leader.send("/clubs")
    await leader.click("Create a club")
    long = await leader.send("x" * 5000)
    assert "This is too long: at most 80 characters." in texts(long) and "What is the club called?" in long[-1].text
    async with app.sessions() as session:
        draft = await session.get(FormDraft, (1, "quizclub"))
        assert draft is None or "name" not in draft.data
        assert list(await session.scalars(select(QuizClub))) == []
    await leader.send("<b>Green</b> & [club](http://x)")
    await leader.send("School <i>7</i>")
    summary = await leader.click("Astana")
    assert "«<b>Green</b> & [club](http://x)»" in summary[-1].text and "School <i>7</i>" in summary[-1].text
    created = await leader.click("Create the club")
    assert "The club «<b>Green</b> & [club](http://x)» is created." in texts(created)
    assert (await only_club(app)).name == "<b>Green</b> & [club](http://x)"


async def test_forged_presses_change_nothing(app) -> None:
    leader, aigerim, dmitry, ben, club = await club_of_three(app)
    await start_round(leader, club.id)
    async with app.sessions() as session:
        club_round = await session.scalar(select(QuizClubRound))
    stranger = Chat(app, "stranger")
    await stranger.onboard()
    forged = await stranger.press(PlayPress(club_round.id).id, None)
    assert "You are not a member of the club «Green Club»." in texts(forged)
    assert "This club round does not exist." in texts(await stranger.press(PlayPress(999).id, None))
    assert "You are not a member" in texts(await stranger.press(ClubPress("board", club.id).id, None))
    assert "Only the leader" in texts(await ben.press(LeaderPress("results", club.id, club_round.id).id, None))
    assert "Only the leader" in texts(await ben.press(LeaderPress("close_yes", club.id).id, None))
    assert "This button is no longer valid" in texts(await ben.press("qcp:12x", None))
    assert await rounds_played(app) == [] and (await only_club(app)).closed_at is None


async def test_leave_and_close(app) -> None:
    leader, aigerim, dmitry, ben, club = await club_of_three(app)
    await ben.press(ClubPress("open", club.id).id, None)
    await ben.click("Leave the club")
    left = await ben.click("Yes, leave")
    assert "You have left the club «Green Club»." in texts(left)
    assert [m.number for m in await memberships(app)] == [1, 2]
    started = await start_round(leader, club.id)
    assert "2 members were told" in texts(started) and "Play" not in " ".join(labels(ben.last))
    await leader.press(ClubPress("open", club.id).id, None)
    await leader.click("Close the club")
    closed = await leader.click("Yes, close it")
    assert "The club «Green Club» is closed." in texts(closed)
    assert "«Green Club» клубы жабылды" in aigerim.last.text and "закрыт" in dmitry.last.text
    async with app.sessions() as session:
        club_round = await session.scalar(select(QuizClubRound))
    for press in (PlayPress(club_round.id), ClubPress("board", club.id)):
        assert "«Green Club» клубы жабық." in texts(await aigerim.press(press.id, None))
    assert await rounds_played(app) == []


async def test_forget_and_my_data(app) -> None:
    leader, aigerim, dmitry, ben, club = await club_of_three(app)
    await ben.send("/mydata")
    exported = json.loads(ben.last.document.data)
    assert exported["quiz_clubs"]["memberships"][0]["club"] == "Green Club"
    await ben.send("/forget")
    await ben.click("Yes, delete my data")
    assert [m.number for m in await memberships(app)] == [1, 2]

    await leader.send("/mydata")
    exported = json.loads(leader.last.document.data)
    assert exported["quiz_clubs"]["clubs_led"][0]["join_code"] == club.join_code
    await leader.send("/forget")
    await leader.click("Yes, delete my data")
    club = await only_club(app)
    assert club.closed_at is not None and club.leader_id is None
    assert "«Green Club» клубы жабылды" in aigerim.last.text
    newcomer = Chat(app, "newcomer")
    await newcomer.onboard()
    assert "There is no club with this join code" in texts(await newcomer.send(f"/start club-{club.join_code}"))


async def test_whatsapp_member_plays_by_typing_numbers_and_a_typed_deadline(app, clock) -> None:
    leader = Chat(app, "teacher")
    await leader.onboard()
    club = await create_club(leader)
    member = Chat(app, "+77010000003", channel="whatsapp", display_name="Asel")
    await member.onboard("Русский")
    await member.send(f"/start club-{club.join_code}")
    await member.send("1")  # «Show my name», typed as its number
    assert [(m.number, m.show_name) for m in await memberships(app)] == [(1, True)]

    await leader.press(LeaderPress("round", club.id).id, None)
    await leader.click("Mixed topics")
    await leader.click("Adult level")
    wrong = await leader.send("31.02.2026")
    assert "I could not read this date" in texts(wrong)
    past = await leader.send("01.05.2026")
    assert "This date is in the past" in texts(past)
    summary = await leader.send("05.06.2026")
    assert "until Jun 5, 2026, 11:59\u202fPM" in summary[-1].text
    await leader.click("Start the club round")
    async with app.sessions() as session:
        club_round = await session.scalar(select(QuizClubRound))
    assert club_round.topic is None and club_round.level == "adult"
    assert "Новый раунд в клубе" in member.last.text and member.last.kind == "club_round"
    first = await member.send("1")  # the notice's only button
    assert first[-1].quiz is not None and "Вопрос 1 из 5" in first[-1].text
    await play_typed(member)
    played = await rounds_played(app)
    assert len(played) == 1 and played[0].completed and played[0].language == "ru" and played[0].topic is None


async def play_typed(chat: Chat) -> None:
    """Answer the round's questions by typing the number of the right option."""
    for _ in range(5):
        question = chat.last_with_choices
        await chat.send(str(question.quiz.correct + 1))
