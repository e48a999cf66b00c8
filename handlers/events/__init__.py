"""Cleanup events: volunteers find events near them or in a region, sign up (a full event has a
waitlist that promotes itself), get a calendar file and reminders, check in by location and see
their record; organisers create, edit and cancel events, see and message participants, share an
invitation link and a poster, and record the results.

One module per screen or step; this one wires them: the menu entry, commands, actions, steps, and
what events add to the profile, /mydata and /forget. Every screen's step first lets a pressed event
button do its action (a number typed on WhatsApp or the console arrives at the step)."""

from __future__ import annotations

from handlers.context import Ctx
from handlers.events import access, browse, create, edit, invite, manage, my_events, results, signup
from handlers.events.buttons import EventAdmin, EventPress, HomePress, pressed_action
from handlers.i18n import N_
from handlers.router import Handler, Router
from storage.events import Event

HOME_SCREENS: dict[str, Handler] = {
    "region": browse.ask_region,
    "list": lambda ctx: browse.show_list(ctx, int(ctx.data.get("offset", 0))),
    "mine": my_events.show_my_events,
    "create": create.start_create,
    "organised": manage.show_organised,
}

ADMIN_VERBS = {
    **manage.ADMIN_VERBS,
    "edit": edit.ask_edit,
    "invite": invite.send_invitation,
}


def screen(handler: Handler) -> Handler:
    """A step of the events flow: event buttons and the home screen's choices work on every screen."""

    async def step(ctx: Ctx) -> None:
        if await pressed_action(ctx):
            return
        press = HomePress.parse(ctx.choice)
        if press is not None:
            await HOME_SCREENS[press.verb](ctx)
            return
        await handler(ctx)

    return step


async def on_admin_press(ctx: Ctx) -> None:
    press: EventAdmin = ctx.button
    event = await ctx.session.get(Event, press.event_id)
    if event is None:
        ctx.reply(ctx._("This cleanup event does not exist."))
        return
    if not await access.may_manage(ctx, event):
        access.refuse(ctx, f"evo:{press.verb}", event.id)
        return
    if press.verb == "mark":
        await results.toggle_attendance(ctx, event, press.arg)
    elif press.verb in ("claim_ok", "claim_no"):
        await results.decide_claim(ctx, event, press.arg, press.verb == "claim_ok")
    else:
        await ADMIN_VERBS[press.verb](ctx, event)


async def reprompt(ctx: Ctx) -> None:
    ctx.reprompt(ctx._("Please choose one of the options below."))


STEPS: dict[str, Handler] = {
    "events.home": browse.on_home,
    "events.region": browse.on_region,
    "events.list": browse.on_list,
    "events.card": reprompt,
    "events.mine": reprompt,
    "events.checkin": signup.on_check_in_location,
    "events.bags": results.on_bags,
    "events.manage": reprompt,
    "events.organised": reprompt,
    "events.message": manage.on_message,
    "events.attendance": results.on_attendance,
    "events.result_bags": results.on_result_bags,
    "events.result_kg": results.on_result_kg,
    "events.result_photos": results.on_result_photo,
    "events.result_save": results.on_save,
}


def register(router: Router) -> None:
    router.menu_entry("events", N_("🧹 Cleanup events"), 20)(browse.show_home)
    router.command("events")(browse.show_home)
    router.command("myevents")(my_events.show_my_events)
    router.action(EventPress)(signup.on_press)
    router.action(EventAdmin)(on_admin_press)
    for name, handler in STEPS.items():
        router.step(name)(screen(handler))
    create.EVENT_FORM.register(router)
    edit.EDIT_FORM.register(router)
    access.register(router)
    invite.register(router)
    router.personal_data("events", my_events.export_events, my_events.erase_events)
    router.profile_lines.append(my_events.profile_lines)
