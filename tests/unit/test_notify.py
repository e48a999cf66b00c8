"""The one way to write to a person: their latest chat, their language, one fallback language
from the settings, queued with the caller's transaction; a person who used /forget is counted."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.app import create_app
from bot.config import ConfigError, load_settings
from handlers.i18n import Translator
from handlers.notify import Notifier
from handlers.types import Reply
from storage.models import Identity
from tests.support.chat import Chat, CollectingChannel, texts

CONFIRMED = "Your report {code} has been confirmed by the region's moderators. Thank you!"


def confirmed(tr: Translator) -> Reply:
    return Reply(text=tr._(CONFIRMED, code="TZ-000001"), kind="status_update")


async def user_id_of(app, name: str) -> int:
    async with app.sessions() as s:
        return await s.scalar(select(Identity.user_id).where(Identity.external_id == name))


async def notify(app, user_id: int, fallback: str) -> tuple[bool, int, list[tuple[str, str, Reply]]]:
    queued: list[tuple[str, str, Reply]] = []
    async with app.sessions() as session:
        notifier = Notifier(
            session, app.engine.translators, fallback, lambda *message: queued.append(message)
        )
        reached = await notifier.to_user(user_id, confirmed)
    return reached, notifier.unreachable, queued


async def test_a_person_is_written_to_in_their_language_at_their_chat(app) -> None:
    aigerim = Chat(app, "aigerim")
    await aigerim.onboard("Қазақша")
    reached, unreachable, queued = await notify(app, await user_id_of(app, "aigerim"), "en")
    assert (reached, unreachable) == (True, 0)
    [(channel, chat_id, reply)] = queued
    assert (channel, chat_id) == ("console", "aigerim")
    assert reply.text == confirmed(app.engine.translators["kk"]).text
    assert reply.text.startswith("TZ-000001 өтінішіңізді")


async def test_without_a_language_the_fallback_is_used(app) -> None:
    await Chat(app, "nobody").send("/start")  # known, but no language chosen yet
    _, _, queued = await notify(app, await user_id_of(app, "nobody"), "en")
    assert queued[0][2].text.startswith("Your report TZ-000001 has been confirmed")


async def test_a_person_who_used_forget_is_skipped_and_counted(app) -> None:
    boris = Chat(app, "boris")
    await boris.onboard("Русский")
    user_id = await user_id_of(app, "boris")
    await boris.send("/forget")
    await boris.click("Да, удалить")
    reached, unreachable, queued = await notify(app, user_id, "ru")
    assert (reached, unreachable, queued) == (False, 1, [])


@pytest.mark.parametrize(
    "fallback,words", [("kk", "Taza Bot Қазақстанды"), ("ru", "Taza Bot помогает"), ("en", "Taza Bot helps")]
)
async def test_a_chat_with_no_language_is_answered_in_the_fallback(settings, clock, fallback, words) -> None:
    changed = settings.model_copy(update={"FALLBACK_LANGUAGE": fallback})
    app = await create_app(changed, run_migrations=False, clock=clock)
    try:
        app.add_channel(CollectingChannel("console"))
        help_text = texts(await Chat(app, "newcomer").send("/help"))
        assert words in help_text
    finally:
        await app.close()


def test_the_fallback_must_be_a_language_of_the_bot() -> None:
    with pytest.raises(ConfigError, match="FALLBACK_LANGUAGE"):
        load_settings(_env_file=None, FALLBACK_LANGUAGE="de")


async def test_many_people_at_once_each_in_their_language(app) -> None:
    """`to_users` (a job writing to thousands): one message built per key and language, each
    person at their own chat, the ones who used /forget counted."""
    for name, language in (("asel", "Қазақша"), ("boris", "Русский"), ("carl", "English"), ("dana", "Қазақша")):
        await Chat(app, name).onboard(language)
    gone = Chat(app, "gone")
    await gone.onboard()
    gone_id = await user_id_of(app, "gone")
    await gone.send("/forget")
    await gone.click("Yes, delete")
    ids = [await user_id_of(app, name) for name in ("asel", "boris", "carl", "dana")]
    built: list[tuple[str, str]] = []

    def build(tr: Translator, code: str) -> Reply:
        built.append((tr.language, code))
        return Reply(text=tr._(CONFIRMED, code=code))

    queued: list[tuple[str, str, Reply]] = []
    async with app.sessions() as session:
        notifier = Notifier(session, app.engine.translators, "ru", lambda *message: queued.append(message))
        reached = await notifier.to_users(
            [(ids[0], "TZ-1"), (ids[1], "TZ-1"), (ids[2], "TZ-2"), (ids[3], "TZ-1"), (gone_id, "TZ-1")], build
        )
    assert (reached, notifier.unreachable) == (4, 1)
    assert sorted(built) == [("en", "TZ-2"), ("kk", "TZ-1"), ("ru", "TZ-1")]  # dana's is asel's message
    assert [chat for _channel, chat, _reply in queued] == ["asel", "boris", "carl", "dana"]
    assert queued[0][2] is queued[3][2] and queued[0][2].text.startswith("TZ-1 өтінішіңізді")
