"""The daily question's screens: subscribe (an hour, then a level), see the setting, change the
hour or the level, stop. jobs/quiz.py sends the questions; the round engine takes the answers.

Stopping is one step from anywhere: `/stopdaily`, or «Stop the daily question» under every daily
question (a router action, so it works whatever the chat is doing; it carries its owner's id and
changes nothing for anyone else).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from handlers.buttons import button
from handlers.context import Ctx
from handlers.i18n import KZ_TZ, Translator
from handlers.quiz.bank import LEVELS
from handlers.quiz.play import LEVEL_LABELS
from handlers.router import Router
from handlers.start import show_menu
from handlers.types import Choice, Kind
from storage.quiz import QuizSubscription, subscribe, subscription_of

# glossary: daily question = күннің сұрағы / вопрос дня / daily question
COMMON_HOURS = (7, 8, 9, 12, 18, 20)
_HOUR = re.compile(r"^([+-]?\d{1,3})(?:[:.](\d{2}))?$")


@button("qday")
@dataclass(frozen=True)
class DailyPress:
    """The buttons of the daily question's screens."""

    verb: Literal["subscribe", "hour", "level"]


@button("qday.h")
@dataclass(frozen=True)
class DailyHour:
    hour: int


@button("qday.l")
@dataclass(frozen=True)
class DailyLevel:
    level: Literal["school", "adult"]


@button("qday.stop")
@dataclass(frozen=True)
class DailyStop:
    """«Stop the daily question», under every daily question and on the settings screen."""

    user_id: int


def hour_label(hour: int) -> str:
    return f"{hour:02d}:00"


def stop_choice(tr: Translator, user_id: int) -> Choice:
    return Choice(DailyStop(user_id).id, tr._("🔕 Stop the daily question"))


def local_now(ctx: Ctx) -> datetime:
    return ctx.now.astimezone(KZ_TZ)


def next_day(ctx: Ctx, row: QuizSubscription) -> str:
    """The day the next question comes, as the user's locale writes it."""
    today = local_now(ctx).date()
    day = max(row.starts_on, today + timedelta(days=1) if row.last_sent_on == today else today)
    return ctx.tr.day(day)


# --- the settings screen ------------------------------------------------------------------------
async def show_daily(ctx: Ctx, intro: str | None = None) -> None:
    row = await subscription_of(ctx.session, ctx.user.id)
    ctx.end_flow()
    lines = [intro] if intro else []
    if row is None or not row.active:
        lines.append(
            ctx._(
                "📅 Daily question: one quiz question a day about nature and waste in Kazakhstan, "
                "at the hour you choose (Kazakhstan time). Your answers count in your streak."
            )
        )
        ctx.ask("quiz.daily", "\n\n".join(lines), [Choice(DailyPress("subscribe").id, ctx._("🔔 Subscribe"))])
        return
    lines.append(
        ctx._(
            "📅 Daily question: every day at {hour} (Kazakhstan time).\nLevel: {level}\nThe next one: {day}",
            hour=hour_label(row.hour),
            level=ctx._(LEVEL_LABELS[row.level]),
            day=next_day(ctx, row),
        )
    )
    choices = [
        Choice(DailyPress("hour").id, ctx._("🕐 Change the hour")),
        Choice(DailyPress("level").id, ctx._("🎚 Change the level")),
        stop_choice(ctx.tr, ctx.user.id),
    ]
    ctx.ask("quiz.daily", "\n\n".join(lines), choices)


async def on_daily(ctx: Ctx) -> None:
    if DailyStop.parse(ctx.choice) is not None:  # typed as a number on WhatsApp or the console
        await stop(ctx)
        return
    press = DailyPress.parse(ctx.choice)
    if press is None:
        ctx.reprompt(ctx._("Please choose one of the options below."))
    elif press.verb == "level":
        ask_level(ctx, changing=True)
    else:
        ask_hour(ctx, changing=press.verb == "hour")


# --- the hour -----------------------------------------------------------------------------------
def ask_hour(ctx: Ctx, *, changing: bool) -> None:
    ctx.data["changing"] = changing
    ctx.ask(
        "quiz.daily_hour",
        ctx._(
            "At what hour should the daily question come (Kazakhstan time)? Choose below or type "
            "an hour from 0 to 23, for example 7 or 19:00."
        ),
        [Choice(DailyHour(h).id, hour_label(h)) for h in COMMON_HOURS],
        number_answer=True,
    )


def parse_hour(ctx: Ctx) -> int | str:
    """The hour typed or pressed, or what to tell the user about what they typed."""
    pressed = DailyHour.parse(ctx.choice)
    if pressed is not None and pressed.hour <= 23:
        return pressed.hour
    match = _HOUR.match(ctx.text) if ctx.incoming.kind is Kind.TEXT else None
    if match is None:
        return ctx._("Please type the hour as a number from 0 to 23, for example 7 or 19.")
    hour, minutes = int(match.group(1)), match.group(2)
    if not 0 <= hour <= 23:
        return ctx._("There is no hour {hour} in a day: please type a number from 0 to 23.", hour=hour)
    if minutes not in (None, "00"):
        return ctx._(
            "The daily question comes on the hour: please type a whole hour, for example {hour}.",
            hour=hour,
        )
    return hour


async def on_hour(ctx: Ctx) -> None:
    hour = parse_hour(ctx)
    if isinstance(hour, str):
        ctx.reprompt(hour)
        return
    row = await subscription_of(ctx.session, ctx.user.id)
    if ctx.data.get("changing") and row is not None and row.active:
        row = await subscribe(ctx.session, ctx.user.id, hour, row.level, ctx.now, local_now(ctx))
        await show_daily(
            ctx, ctx._("✅ The daily question now comes at {hour}.", hour=hour_label(hour))
        )
        return
    ctx.data["hour"] = hour
    ask_level(ctx, changing=False)


# --- the level ----------------------------------------------------------------------------------
def ask_level(ctx: Ctx, *, changing: bool) -> None:
    ctx.data["changing"] = changing
    ctx.ask(
        "quiz.daily_level",
        ctx._("Which questions would you like: for school students or for adults?"),
        [Choice(DailyLevel(level).id, ctx._(LEVEL_LABELS[level])) for level in LEVELS],
    )


async def on_level(ctx: Ctx) -> None:
    press = DailyLevel.parse(ctx.choice)
    if press is None:
        ctx.reprompt(ctx._("Please choose one of the options below."))
        return
    row = await subscription_of(ctx.session, ctx.user.id)
    active = row is not None and row.active
    hour = ctx.data.get("hour")
    if hour is None and not active:  # the subscription was stopped meanwhile (another chat)
        await show_daily(ctx)
        return
    if hour is None:
        hour = row.hour  # type: ignore[union-attr]
    row = await subscribe(ctx.session, ctx.user.id, hour, press.level, ctx.now, local_now(ctx))
    if active and ctx.data.get("changing"):
        intro = ctx._("✅ The level is now: {level}.", level=ctx._(LEVEL_LABELS[press.level]))
    else:
        intro = ctx._(
            "✅ Done: the daily question will come every day at {hour} (Kazakhstan time). "
            "To stop it, send /stopdaily or press «Stop the daily question» under any of them.",
            hour=hour_label(hour),
        )
    await show_daily(ctx, intro)


# --- stopping -----------------------------------------------------------------------------------
async def stop(ctx: Ctx) -> None:
    row = await subscription_of(ctx.session, ctx.user.id, lock=True)
    if row is None or not row.active:
        await show_menu(ctx, ctx._("You are not subscribed to the daily question."))
        return
    row.active, row.updated_at = False, ctx.now
    await show_menu(
        ctx,
        ctx._("🔕 The daily question is stopped. You can subscribe again at any time with /daily."),
    )


async def on_stop_button(ctx: Ctx) -> None:
    """The button under a daily question: only its owner's subscription is stopped."""
    press: DailyStop = ctx.button
    if press.user_id != ctx.user.id:
        ctx.reply(ctx._("This button belongs to another person's daily question; nothing was changed."))
        return
    await stop(ctx)


# --- /mydata and /forget ------------------------------------------------------------------------
async def export_daily(ctx: Ctx) -> dict[str, Any] | None:
    row = await subscription_of(ctx.session, ctx.user.id)
    if row is None:
        return None
    return {
        "hour_kazakhstan_time": row.hour,
        "level": row.level,
        "active": row.active,
        "last_sent_on": row.last_sent_on.isoformat() if row.last_sent_on else None,
        "subscribed_at": row.created_at.isoformat(),
    }


async def forget_daily(ctx: Ctx) -> None:
    row = await subscription_of(ctx.session, ctx.user.id)
    if row is not None:
        await ctx.session.delete(row)


def register(router: Router) -> None:
    router.command("daily")(show_daily)
    router.command("stopdaily")(stop)
    router.action(DailyStop)(on_stop_button)
    router.step("quiz.daily")(on_daily)
    router.step("quiz.daily_hour")(on_hour)
    router.step("quiz.daily_level")(on_level)
    router.personal_data("quiz_daily", export_daily, forget_daily)
