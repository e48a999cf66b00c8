"""/start, language, consent and the menu, as a user goes through them, in kk, ru and en."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storage.models import ConversationState, Identity, User
from tests.support.chat import Chat, labels, texts

LANGS = [
    ("Қазақша", "kk", "Негізгі мәзір", "Қоқыс үйіндісі туралы хабарлау"),
    ("Русский", "ru", "Главное меню", "Сообщить о свалке"),
    ("English", "en", "main menu", "Report a dump"),
]


@pytest.mark.parametrize("button,code,menu_word,report_label", LANGS)
async def test_start_language_consent_menu(app, button, code, menu_word, report_label) -> None:
    chat = Chat(app, "aigerim")
    first = await chat.send("/start")
    assert labels(first[-1]) == ["Қазақша", "Русский", "English"]

    await chat.click(button)
    assert "/forget" in chat.last.text  # the consent question explains how to delete data
    assert "⬅️" not in " ".join(labels(chat.last))  # no menu before consent

    replies = await chat.click("✅")
    assert menu_word.casefold() in texts(replies).casefold()
    assert report_label in " ".join(labels(chat.last))
    assert len(chat.last.choices) == 9  # report, my reports, events, trees, quiz, eco-points, profile, language, help

    async with app.sessions() as s:
        user = await s.scalar(select(User).join(Identity).where(Identity.external_id == "aigerim"))
        assert user.language == code
        assert user.consent_at is not None


async def test_language_guessed_from_telegram(app) -> None:
    chat = Chat(app, "42", channel="telegram", language_hint="kk-KZ")
    replies = await chat.send("/start")
    assert "Тілді таңдаңыз" in replies[0].text.split("\n")[-1].split("/")[0]
    assert "Сәлеметсіз бе" in replies[0].text


async def test_without_consent_only_help_and_language(app) -> None:
    chat = Chat(app, "bolat")
    await chat.send("/start")
    await chat.click("Русский")
    declined = await chat.click("Не даю согласия")
    assert "/start" in declined[-1].text

    help_reply = await chat.send("/help")
    assert "Команды" in help_reply[0].text
    assert (await chat.send("/language"))[0].choices

    report = await chat.send("/report")  # a citizen's report needs consent
    assert "согласие" in report[-1].text.casefold()
    blocked = await chat.send("/mydata")
    assert "согласие" in blocked[-1].text.casefold() and not any(r.document for r in blocked)
    await chat.send("просто текст")
    assert "согласие" in chat.last.text.casefold()


async def test_menu_from_every_step_and_unknown_input(app, chat: Chat) -> None:
    await chat.onboard("English")
    await chat.click("My profile")
    back = await chat.click("Menu")
    assert "Main menu" in back[-1].text

    await chat.click("My profile")
    menu = await chat.send("/menu")
    assert "Main menu" in menu[-1].text

    confused = await chat.send("what is this?")
    assert "choose one of the options" in confused[0].text
    assert confused[-1].choices  # and the menu again

    sticker = await chat.other()
    assert sticker and sticker[-1].choices


async def test_numbers_and_labels_pick_choices(app) -> None:
    chat = Chat(app, "+77010000000", channel="whatsapp")
    await chat.send("hi")
    await chat.send("3")  # English
    await chat.send("I agree")  # an option's text picks it too
    assert "main menu" in chat.last.text


async def test_stale_and_forged_buttons(app, chat: Chat) -> None:
    await chat.onboard("English")
    old_seq = chat.last.choice_seq
    await chat.click("My profile")
    stale = await chat.press("open:profile", old_seq)
    assert "no longer valid" in stale[0].text
    forged = await chat.press("profile:forget_yes", chat.last.choice_seq)
    assert "no longer valid" in forged[0].text
    async with app.sessions() as s:
        assert (await s.scalar(select(User).where(User.forgotten_at.is_not(None)))) is None


async def test_switch_language_any_time(app, chat: Chat) -> None:
    await chat.onboard("English")
    await chat.click("Language")
    done = await chat.click("Қазақша")
    assert "қазақша" in done[-1].text
    assert "Мәзір" not in " ".join(labels(chat.last))  # the menu itself has no "back to menu"
    assert "Менің профилім" in " ".join(labels(chat.last))


async def test_unknown_command(app, chat: Chat) -> None:
    await chat.onboard("Русский")
    replies = await chat.send("/dance")
    assert "/help" in replies[0].text


async def test_state_survives_restart(app, chat: Chat, settings, clock) -> None:
    """The conversation is in the database: a new process resumes at the same step."""
    from bot.app import create_app
    from tests.support.chat import CollectingChannel

    await chat.onboard("English")
    await chat.click("My profile")
    await app.close()
    app2 = await create_app(settings, run_migrations=False, clock=clock)
    app2.add_channel(CollectingChannel("console"))
    try:
        again = Chat(app2, "alice")
        replies = await again.send("2")  # "Delete my personal data" of the profile prompt
        assert "cannot be undone" in replies[-1].text
        async with app2.sessions() as s:
            state = await s.get(ConversationState, ("console", "alice"))
            assert state.state["step"] == "profile.forget"
    finally:
        await app2.close()
