"""First contact and the ways back: /start, language, consent, the main menu, /help."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from handlers.buttons import MaxLen, button
from handlers.context import Ctx
from handlers.i18n import LANGUAGE_NAMES, LANGUAGES, N_
from handlers.router import Router
from handlers.types import Choice, Kind


@button("lang")
@dataclass(frozen=True)
class LanguagePick:
    language: Literal["kk", "ru", "en"]


@button("consent")
@dataclass(frozen=True)
class ConsentAnswer:
    answer: Literal["agree", "decline"]


@button("open")
@dataclass(frozen=True)
class MenuPick:
    """An entry of the main menu, by the id its feature registered."""

    entry: Annotated[str, MaxLen(24)]


AGREE, DECLINE = ConsentAnswer("agree"), ConsentAnswer("decline")
LINK = "deep_link"  # state key: the payload of a deep link waiting for language and consent


def register(router: Router) -> None:
    router.command("start", without_consent=True)(start)
    router.command("menu")(show_menu)
    router.command("cancel")(show_menu)
    router.command("help", without_consent=True)(show_help)
    router.command("language", without_consent=True)(ask_language)
    router.step("start.language", without_consent=True)(on_language)
    router.step("start.consent", without_consent=True)(on_consent)
    router.step("menu.main")(on_menu_choice)
    router.menu_entry("language", N_("🌐 Language"), 60)(ask_language)
    router.menu_entry("help", N_("❓ Help"), 70)(show_help)


def _language_choices() -> list[Choice]:
    return [Choice(LanguagePick(code).id, LANGUAGE_NAMES[code]) for code in LANGUAGES]  # type: ignore[arg-type]


async def start(ctx: Ctx) -> None:
    """Greets, then asks what is still missing: the language, then consent; then opens the deep
    link the user came with (`/start PAYLOAD`), or shows the menu."""
    link = _link_of(ctx)
    ctx.end_flow()
    if ctx.user.language is None:
        _keep_link(ctx, link)
        ctx.ask("start.language", greeting(ctx), _language_choices(), menu=False)
        return
    await _after_language(ctx, link, ctx._("Welcome back! What would you like to do?"))


def _link_of(ctx: Ctx) -> str | None:
    """The payload of `/start PAYLOAD` when a feature opens it. When start runs because a user
    without consent wrote something else, the link waiting in the state is kept."""
    incoming = ctx.incoming
    if incoming.kind is Kind.COMMAND and incoming.command == "start":
        return incoming.args if ctx.router.deep_link_for(incoming.args) else None
    return ctx.state.get(LINK)


def _keep_link(ctx: Ctx, link: str | None) -> None:
    """Keep the link in the conversation state (a restart does not lose it) until consent."""
    if link:
        ctx.state[LINK] = link


async def _after_language(ctx: Ctx, link: str | None, welcome: str) -> None:
    if ctx.user.consent_at is None:
        _keep_link(ctx, link)
        ask_consent(ctx)
        return
    target = ctx.router.deep_link_for(link) if link else None
    if target is None:
        await show_menu(ctx, welcome)
        return
    handler, argument = target
    await handler(ctx, argument)


GREETING = N_(
    "Hello! I am Taza Bot of the «Taza Qazaqstan» programme. I help you report illegal "
    "dumps, join cleanup events and log the trees you plant."
)
CHOOSE_LANGUAGE = "Тілді таңдаңыз / Выберите язык / Choose your language:"


def greeting(ctx: Ctx) -> str:
    """The first screen, before anyone knows the person's language: the greeting in Kazakh, then
    Russian, then English (the state language first), whatever the client's language says."""
    parts = [ctx.translators[code]._(GREETING) for code in LANGUAGES]
    return "\n\n".join([*parts, CHOOSE_LANGUAGE])


async def ask_language(ctx: Ctx) -> None:
    ctx.ask(
        "start.language",
        CHOOSE_LANGUAGE,
        _language_choices(),
        menu=ctx.user.consent_at is not None,
    )


async def on_language(ctx: Ctx) -> None:
    pick = LanguagePick.parse(ctx.choice)
    if pick is None:
        ctx.reprompt(ctx._("Please choose one of the languages below."))
        return
    ctx.set_language(pick.language)
    link = ctx.state.get(LINK)
    ctx.end_flow()
    await _after_language(ctx, link, ctx._("Done: I will speak English with you."))


def ask_consent(ctx: Ctx) -> None:
    ctx.ask(
        "start.consent",
        ctx._(
            "Before we start: the Law of the Republic of Kazakhstan «On personal data and their "
            "protection» requires your consent.\n\n"
            "I will store your account id and name on this messenger, your language, and the photos, "
            "locations and comments you send in reports and tree plantings. They are used only to "
            "handle your reports, your tree plantings and your participation in cleanup events. The last "
            "location you share is kept for 30 days, to ask you to check a site detected from space near it. "
            "Moderators of the region see your reports, "
            "never your phone number or account.\n\n"
            "You can download your data with /mydata and delete it with /forget at any time.\n\n"
            "Do you give your consent to the processing of your personal data?"
        ),
        [Choice(AGREE.id, ctx._("✅ I agree")), Choice(DECLINE.id, ctx._("✖️ I do not agree"))],
        menu=False,
    )


async def on_consent(ctx: Ctx) -> None:
    answer = ConsentAnswer.parse(ctx.choice)
    if answer == AGREE:
        ctx.user.consent_at = ctx.now
        link = ctx.state.get(LINK)
        ctx.end_flow()
        await _after_language(ctx, link, ctx._("Thank you! Here is the main menu."))
    elif answer == DECLINE:
        ctx.end_flow()
        ctx.reply(
            ctx._(
                "Understood: I will not store anything about you. Without consent I can only show "
                "/help and change the /language. Send /start when you are ready."
            )
        )
    else:
        ctx.reprompt(ctx._("Please answer with one of the buttons below."))


async def show_menu(ctx: Ctx, text: str | None = None) -> None:
    ctx.end_flow()
    if ctx.user.consent_at is None:
        await start(ctx)
        return
    choices = [Choice(MenuPick(e.id).id, ctx._(e.label)) for e in ctx.router.menu if await e.shown_to(ctx)]
    question = ctx._("Main menu. What would you like to do?")
    ctx.ask("menu.main", text or question, choices, menu=False, repeat=question)


async def on_menu_choice(ctx: Ctx) -> None:
    if ctx.incoming.kind is Kind.PHOTO and ctx.router.menu_photo is not None:
        await ctx.router.menu_photo(ctx)
        return
    pick = MenuPick.parse(ctx.choice)
    entry = ctx.router.menu_entry_by_id(pick.entry) if pick else None
    if entry is not None and not await entry.shown_to(ctx):  # e.g. «Moderation» after the role went
        await show_menu(ctx, ctx._("Please choose one of the options below."))
        return
    if entry is None:
        ctx.reprompt(ctx._("Please choose one of the options below."))
        return
    ctx.end_flow()
    await entry.handler(ctx)


async def show_help(ctx: Ctx) -> None:
    ctx.reply(
        ctx._(
            "Taza Bot helps keep Kazakhstan clean («Taza Qazaqstan»).\n\n"
            "• Report a dump: send a photo and the location of an illegal dump; the report goes to "
            "the moderators of its region and you can follow its status.\n"
            "• My trees: log the trees you plant; in 6 and 12 months tell how many took root, and "
            "get a certificate.\n"
            "• Cleanup events: find one near you or in a region, sign up, get reminders, check in "
            "on the spot; /events, /myevents.\n"
            "• Eco quiz: five questions at a time on a topic or mixed, with explanations; /quiz. A daily "
            "question at the hour you choose (/daily; /stopdaily stops it), and clubs for schools and "
            "universities (/clubs).\n\n"
            "Commands:\n"
            "/start: start over\n"
            "/menu: the main menu (from any step)\n"
            "/language: change the language\n"
            "/mydata: download your data\n"
            "/forget: delete your personal data\n"
            "/help: this help"
        )
    )
    if ctx.user.consent_at is not None and ctx.step in (None, "menu.main"):
        await show_menu(ctx)
