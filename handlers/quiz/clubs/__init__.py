"""Quiz clubs: a teacher or club leader creates a club (a school's «Green Club», a university's
eco-squad) and shares its join code or link; members join (saying whether their name may be
shown), are told of each club round the leader starts, and play it in their own language with
the quiz's round engine; the leader sees who played and the scores, and everyone the club's
leaderboard. One module per screen or step; this one wires them."""

from __future__ import annotations

from handlers.context import Ctx
from handlers.events.buttons import pressed_action
from handlers.quiz.clubs import club, create, data, home, join, results, rounds
from handlers.quiz.clubs.access import led_club
from handlers.quiz.clubs.buttons import ClubPress, LeaderPress, PlayPress
from handlers.router import Handler, Router

show_clubs = home.show_clubs  # the quiz home's «Clubs» button


def screen(handler: Handler) -> Handler:
    """A step of the clubs flow: a club button typed as a number (WhatsApp, console) does its action."""

    async def step(ctx: Ctx) -> None:
        if not await pressed_action(ctx):
            await handler(ctx)

    return step


async def reprompt(ctx: Ctx) -> None:
    ctx.reprompt(ctx._("Please choose one of the options below."))


async def on_leader_press(ctx: Ctx) -> None:
    press: LeaderPress = ctx.button
    found = await led_club(ctx, press.club_id)
    if found is None:
        return
    if press.verb == "code":
        await club.show_code(ctx, found)
    elif press.verb == "renew":
        await club.renew_code(ctx, found)
    elif press.verb == "round":
        await rounds.start_round(ctx, found.id)
    elif press.verb == "rounds":
        await results.show_rounds(ctx, found)
    elif press.verb == "results":
        await results.show_round_results(ctx, found, press.arg)
    elif press.verb == "close":
        await club.ask_close(ctx, found)
    else:
        await club.close_club(ctx, found)


STEPS: dict[str, Handler] = {
    "clubs.home": home.on_home,
    "clubs.card": reprompt,
    "clubs.code": join.on_code,
    "clubs.consent": join.on_consent,
}


def register(router: Router) -> None:
    router.command("clubs")(show_clubs)
    router.action(ClubPress)(club.on_club_press)
    router.action(LeaderPress)(on_leader_press)
    router.action(PlayPress)(rounds.on_play)
    for name, handler in STEPS.items():
        router.step(name)(screen(handler))
    create.CLUB_FORM.register(router)
    rounds.ROUND_FORM.register(router)
    router.deep_link(club.CLUB_LINK)(join.open_club_link)
    router.personal_data("quiz_clubs", data.export_clubs, data.erase_clubs)
