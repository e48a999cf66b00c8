"""`TelegramChannel` against the Bot API emulator: how replies become Telegram messages, how
errors are reported to the outbox, and how photos are fetched."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.channels.base import SendError
from bot.channels.telegram import TelegramChannel, build_bot, units
from bot.config import Settings
from handlers.context import MediaUnavailable
from handlers.types import Choice, Document, MediaRef, Reply
from tests.support.telegram_emulator import TOKEN, TelegramEmulator

CHAT = 5150
MENU = (Choice("a", "First"), Choice("menu", "⬅️ Menu"))


def make_channel(url: str, media_dir: Path, retries: int = 3) -> TelegramChannel:
    settings = Settings(_env_file=None, BOT_TOKEN=TOKEN, TELEGRAM_API_URL=url, MEDIA_DIR=media_dir)
    return TelegramChannel(build_bot(settings, retries), media_dir)


@pytest.fixture
async def channel(emulator: TelegramEmulator, tmp_path: Path) -> AsyncIterator[TelegramChannel]:
    channel = make_channel(emulator.url, tmp_path)
    yield channel
    await channel.bot.session.close()


async def test_user_markup_is_sent_as_plain_text(emulator, channel) -> None:
    text = "<b>Bold?</b> <script>alert(1)</script> *not markdown* _x_ & [link](y)"
    message_id = await channel.send(str(CHAT), Reply(text=text, choices=MENU, choice_seq=7))
    [sent] = emulator.messages_to(CHAT)
    assert sent.text == text and message_id == str(sent.message_id)
    assert sent.buttons == [("First", "7|a"), ("⬅️ Menu", "7|menu")]
    assert "parse_mode" not in emulator.calls_of("sendmessage")[0]


async def test_a_message_goes_as_json_and_a_photo_as_a_form(emulator, channel, tmp_path, jpeg) -> None:
    """sendMessage takes a JSON body (cheaper to encode than aiogram's form); the text, its
    Kazakh letters and markup, and the buttons arrive as they were."""
    text = "Қоқыс үйіндісі <b>#12</b> & «жаңа» 🌳"
    await channel.send(str(CHAT), Reply(text=text, choices=MENU, choice_seq=3))
    (tmp_path / "p.jpg").write_bytes(jpeg)
    await channel.send(str(CHAT), Reply(text="Dump", photo_path="p.jpg"))
    message, photo = emulator.messages_to(CHAT)
    assert (message.text, message.buttons) == (text, [("First", "3|a"), ("⬅️ Menu", "3|menu")])
    assert (photo.method, photo.file) == ("sendPhoto", jpeg)
    assert emulator.content_types == [("sendmessage", "application/json"), ("sendphoto", "multipart/form-data")]


async def test_long_text_is_split_on_line_breaks_buttons_on_the_last_part(emulator, channel) -> None:
    lines = [f"Line {n}: " + " ".join(["слово"] * 12) for n in range(180)]  # about 14,700 characters
    message_id = await channel.send(str(CHAT), Reply(text="\n".join(lines), choices=MENU, choice_seq=1))
    sent = emulator.messages_to(CHAT)
    assert len(sent) == 4 and all(units(m.text) <= 4096 for m in sent)
    assert "\n".join(m.text for m in sent).splitlines() == lines  # nothing lost, no line cut
    assert [bool(m.buttons) for m in sent] == [False, False, False, True]  # buttons on the last
    assert message_id == str(sent[-1].message_id)


async def test_photo_with_caption_or_followed_by_long_text(emulator, channel, tmp_path, jpeg) -> None:
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "p.jpg").write_bytes(jpeg)
    await channel.send(str(CHAT), Reply(text="Dump #12", choices=MENU, photo_path="reports/p.jpg"))
    [photo] = emulator.messages_to(CHAT)
    assert (photo.method, photo.caption, photo.file) == ("sendPhoto", "Dump #12", jpeg)
    assert photo.labels() == ["First", "⬅️ Menu"]

    long_text = "x" * 1500  # over the 1024 characters of a caption
    await channel.send(str(CHAT), Reply(text=long_text, choices=MENU, photo_path="reports/p.jpg"))
    photo, text = emulator.messages_to(CHAT)[1:]
    assert (photo.method, photo.caption, photo.buttons) == ("sendPhoto", None, [])
    assert (text.text, text.labels()) == (long_text, ["First", "⬅️ Menu"])


async def test_photo_outside_media_dir_is_not_sent(emulator, channel, tmp_path, jpeg) -> None:
    (tmp_path.parent / "secret.jpg").write_bytes(jpeg)
    await channel.send(str(CHAT), Reply(text="Here", photo_path="../secret.jpg"))
    [sent] = emulator.messages_to(CHAT)
    assert (sent.method, sent.text) == ("sendMessage", "Here")


async def test_document(emulator, channel) -> None:
    data = b'{"name": "Aigerim"}'
    await channel.send(str(CHAT), Reply(text="Your data", document=Document("mydata.json", data, "application/json")))
    [sent] = emulator.messages_to(CHAT)
    assert (sent.method, sent.file, sent.file_name, sent.caption) == ("sendDocument", data, "mydata.json", "Your data")


async def test_errors_tell_the_outbox_what_to_do(emulator, tmp_path) -> None:
    channel = make_channel(emulator.url, tmp_path, retries=0)
    try:
        emulator.blocked.add(CHAT)
        with pytest.raises(SendError) as blocked:
            await channel.send(str(CHAT), Reply(text="hi"))
        assert blocked.value.permanent

        emulator.unknown_chats.add(6160)
        with pytest.raises(SendError) as missing:
            await channel.send("6160", Reply(text="hi"))
        assert missing.value.permanent and "chat not found" in missing.value.reason

        emulator.fail_next("sendMessage", retry_after=5)
        with pytest.raises(SendError) as flood:
            await channel.send("7170", Reply(text="hi"))
        assert flood.value.retry_after == 5 and not flood.value.permanent

        emulator.fail_next("sendMessage", status=502)
        with pytest.raises(SendError) as server:
            await channel.send("7170", Reply(text="hi"))
        assert server.value.retry_after is None and not server.value.permanent
    finally:
        await channel.bot.session.close()

    gone = make_channel("http://127.0.0.1:9", tmp_path, retries=0)  # nothing listens there
    try:
        with pytest.raises(SendError) as network:
            await gone.send("7170", Reply(text="hi"))
        assert not network.value.permanent
    finally:
        await gone.bot.session.close()


async def test_server_errors_are_retried_by_the_session_middleware(emulator, channel) -> None:
    emulator.fail_next("sendMessage", times=2, status=500)
    await channel.send(str(CHAT), Reply(text="made it"))
    assert [m.text for m in emulator.messages_to(CHAT)] == ["made it"]
    assert [s for m, s in emulator.statuses if m == "sendmessage"] == [500, 500, 200]


async def test_fetch_media_downloads_through_getfile(emulator, channel, jpeg) -> None:
    file_id = emulator.add_file(jpeg, "photo.jpg")
    assert await channel.fetch_media(MediaRef(file_id, "image/jpeg"), 20 * 1024 * 1024) == jpeg

    with pytest.raises(MediaUnavailable) as too_large:  # getFile says the file is bigger
        await channel.fetch_media(MediaRef(file_id, "image/jpeg"), len(jpeg) - 1)
    assert too_large.value.reason == "too_large"
    downloads = len(emulator.downloads)

    calls = len(emulator.calls_of("getfile"))
    with pytest.raises(MediaUnavailable) as announced:  # the update already said it is too big
        await channel.fetch_media(MediaRef(file_id, "image/jpeg", size=10_000_000), 1_000_000)
    assert announced.value.reason == "too_large"
    assert len(emulator.calls_of("getfile")) == calls and len(emulator.downloads) == downloads

    with pytest.raises(MediaUnavailable) as unknown:
        await channel.fetch_media(MediaRef("no-such-file"), 1_000_000)
    assert unknown.value.reason == "download_failed"


async def test_emulator_serves_polls_and_edits_to_aiogram(emulator, channel) -> None:
    """Methods the channel does not use yet but flows may (a quiz poll, edited prompts)."""
    bot = channel.bot
    poll = await bot.send_poll(CHAT, "Which bin for glass?", ["Green", "Blue"], is_anonymous=False)
    assert [o.text for o in poll.poll.options] == ["Green", "Blue"]
    sent = await bot.send_message(CHAT, "Question")
    await bot.edit_message_text("Question (answered)", chat_id=CHAT, message_id=sent.message_id)
    await bot.edit_message_reply_markup(chat_id=CHAT, message_id=sent.message_id, reply_markup=None)
    poll_message, edited = emulator.messages_to(CHAT)
    assert poll_message.poll["question"] == "Which bin for glass?"
    assert (edited.text, edited.buttons) == ("Question (answered)", [])


async def test_a_failed_download_logs_no_token(emulator, channel, jpeg, caplog) -> None:
    """An expired file path answers 404; the error's URL holds /file/bot<TOKEN>/...: the log
    line names the failure, never the token (nor the URL)."""
    file_id = emulator.add_file(jpeg, "photo.jpg")
    emulator.expired.add(emulator.files[file_id][0])
    with caplog.at_level(logging.DEBUG), pytest.raises(MediaUnavailable) as failed:
        await channel.fetch_media(MediaRef(file_id, "image/jpeg"), 20 * 1024 * 1024)
    assert failed.value.reason == "download_failed"
    assert "download of" in caplog.text and "404" in caplog.text
    assert TOKEN not in caplog.text and TOKEN.split(":")[1] not in caplog.text
    ours = [r.getMessage() for r in caplog.records if r.name == "bot.channels.telegram"]
    assert ours and not any("/file/" in line for line in ours)
