"""A club's card, for its leader and its members, and what is done from it: the join code and
links, a new code, showing or hiding one's name, leaving, closing the club."""

from __future__ import annotations

from handlers.context import Ctx
from handlers.deep_links import payload
from handlers.quiz.clubs.access import led_club, member_of, open_club
from handlers.quiz.clubs.buttons import ClubPress, LeaderPress, PlayPress
from handlers.quiz.clubs.results import show_leaderboard
from handlers.quiz.clubs.texts import KIND, club_lines, round_title, topic_title
from handlers.services import DEEP_LINKS, GEO
from handlers.start import show_menu
from handlers.types import Choice, Reply
from storage import quiz as store
from storage.quiz import CODE_LIFETIME, QuizClub, QuizClubRound

CLUB_LINK = "club"  # deep-link prefix: /start club-ABC234 joins with the code ABC234


async def show_club(ctx: Ctx, club: QuizClub, text: str | None = None) -> None:
    """The club's card: the leader's buttons for its leader, the member's for a member."""
    geo = ctx.service(GEO)
    lines = club_lines(ctx.tr, geo, club)
    everyone = await store.members(ctx.session, club.id)
    lines.append(ctx.ngettext("{n} member", "{n} members", len(everyone)))
    open_rounds = [r for r in await store.club_rounds(ctx.session, club.id) if r.is_open(ctx.now)]
    if club.leader_id == ctx.user.id:
        lines.append(ctx._("You lead this club. Join code: {code}", code=club.join_code))
        choices = leader_choices(ctx, club)
    else:
        me = next((m for m in everyone if m.user_id == ctx.user.id), None)
        if me is None:
            await member_of(ctx, club)  # says so
            return
        lines.append(ctx._("Your name is shown on the results.") if me.show_name else ctx._("You appear as «Member {number}» on the results.", number=me.number))
        playable = [r for r in open_rounds if await still_to_play(ctx, r)]
        choices = [Choice(PlayPress(r.id).id, ctx._("▶️ Play: {round}", round=topic_title(ctx.tr, r.topic))) for r in playable]
        choices += [
            Choice(ClubPress("board", club.id).id, ctx._("🏆 Leaderboard")),
            Choice(ClubPress("name_off" if me.show_name else "name_on", club.id).id, ctx._("🙈 Hide my name") if me.show_name else ctx._("👤 Show my name")),
            Choice(ClubPress("leave", club.id).id, ctx._("🚪 Leave the club")),
        ]
    if open_rounds:
        lines.append(ctx._("Open club rounds:"))
        lines += [f"• {round_title(ctx.tr, r)}" for r in open_rounds]
    card = "\n".join(lines)
    ctx.ask("clubs.card", f"{text}\n\n{card}" if text else card, choices, repeat=card)


async def still_to_play(ctx: Ctx, club_round: QuizClubRound) -> bool:
    """Not started, or started and not finished (Play asks its question again)."""
    played = await store.played_round(ctx.session, club_round.id, ctx.user.id)
    return played is None or played.finished_at is None


def leader_choices(ctx: Ctx, club: QuizClub) -> list[Choice]:
    return [
        Choice(LeaderPress("round", club.id).id, ctx._("▶️ Start a club round")),
        Choice(LeaderPress("rounds", club.id).id, ctx._("📊 Rounds and results")),
        Choice(ClubPress("board", club.id).id, ctx._("🏆 Leaderboard")),
        Choice(LeaderPress("code", club.id).id, ctx._("🔗 Join code and links")),
        Choice(LeaderPress("close", club.id).id, ctx._("🔒 Close the club")),
    ]


def join_links(ctx: Ctx, club: QuizClub) -> dict[str, str]:
    """The club's join links on the channels whose address this process knows."""
    links = ctx.service(DEEP_LINKS)
    code = payload(CLUB_LINK, club.join_code)
    return {channel: link for channel in ("telegram", "whatsapp") if (link := links.link(channel, code))}


async def show_code(ctx: Ctx, club: QuizClub, text: str | None = None) -> None:
    lines = [text] if text else []
    lines.append(
        ctx._(
            "🔑 Join code of «{name}»: {code} (valid until {date}). Members send it in «🎓 Eco quiz» → «👥 Clubs» → «🔑 Join with a code», or open a link:",
            name=club.name,
            code=club.join_code,
            date=ctx.tr.datetime(club.code_expires_at),
        )
    )
    links = join_links(ctx, club)
    if "telegram" in links:
        lines.append(ctx._("Telegram: {link}", link=links["telegram"]))
    if "whatsapp" in links:
        lines.append(ctx._("WhatsApp: {link}", link=links["whatsapp"]))
    lines.append(ctx._("Or send the bot: /start {payload}", payload=payload(CLUB_LINK, club.join_code)))
    card = "\n".join(lines)
    choices = [
        Choice(LeaderPress("renew", club.id).id, ctx._("🔄 New join code")),
        Choice(ClubPress("open", club.id).id, ctx._("👥 Back to the club")),
    ]
    ctx.ask("clubs.card", card, choices)


async def renew_code(ctx: Ctx, club: QuizClub) -> None:
    """A new code (the old one stops working at once), valid for CODE_LIFETIME again."""
    club.join_code = await store.free_join_code(ctx.session)
    club.code_expires_at = ctx.now + CODE_LIFETIME
    await show_code(ctx, club, ctx._("🔄 The old join code no longer works. The new one:"))


async def set_name_shown(ctx: Ctx, club: QuizClub, show: bool) -> None:
    member = await member_of(ctx, club)
    if member is None:
        return
    member.show_name = show
    said = ctx._("Your name will be shown on the club's results.") if show else ctx._("Your name is hidden: you appear as «Member {number}».", number=member.number)
    await show_club(ctx, club, said)


async def ask_leave(ctx: Ctx, club: QuizClub) -> None:
    if await member_of(ctx, club) is None:
        return
    ctx.ask(
        "clubs.card",
        ctx._("Leave the club «{name}»? You will no longer be told of its rounds nor shown on its leaderboard.", name=club.name),
        [Choice(ClubPress("leave_yes", club.id).id, ctx._("🚪 Yes, leave")), Choice(ClubPress("open", club.id).id, ctx._("↩️ Stay"))],
    )


async def leave(ctx: Ctx, club: QuizClub) -> None:
    member = await member_of(ctx, club)
    if member is None:
        return
    await ctx.session.delete(member)
    await ctx.session.flush()
    await show_menu(ctx, ctx._("You have left the club «{name}».", name=club.name))


async def ask_close(ctx: Ctx, club: QuizClub) -> None:
    ctx.ask(
        "clubs.card",
        ctx._("Close the club «{name}»? Its members are told; no one can join or play its rounds any more. This cannot be undone.", name=club.name),
        [Choice(LeaderPress("close_yes", club.id).id, ctx._("🔒 Yes, close it")), Choice(ClubPress("open", club.id).id, ctx._("👥 Back to the club"))],
    )


async def close_club(ctx: Ctx, club: QuizClub) -> None:
    await close_and_tell(ctx, club)
    await show_menu(ctx, ctx._("The club «{name}» is closed.", name=club.name))


async def close_and_tell(ctx: Ctx, club: QuizClub) -> int:
    """Close the club and tell its members, each in their language; how many were reached."""
    club.closed_at = ctx.now
    recipients = [(m.user_id, club.id) for m in await store.members(ctx.session, club.id)]
    name = club.name
    return await ctx.notifier.to_users(
        recipients, lambda tr, _club: Reply(text=tr._("The club «{name}» has been closed.", name=name), kind=KIND)
    )


async def on_club_press(ctx: Ctx) -> None:
    press: ClubPress = ctx.button
    club = await open_club(ctx, press.club_id)
    if club is None:
        return
    if press.verb == "open":
        if club.leader_id == ctx.user.id or await store.membership(ctx.session, club.id, ctx.user.id):
            await show_club(ctx, club)
        else:
            await member_of(ctx, club)
    elif press.verb == "board":
        await show_leaderboard(ctx, club)
    elif press.verb in ("name_on", "name_off"):
        await set_name_shown(ctx, club, press.verb == "name_on")
    elif press.verb == "leave":
        await ask_leave(ctx, club)
    else:
        await leave(ctx, club)
