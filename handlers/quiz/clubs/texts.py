"""How clubs, members and club rounds are written, in the reader's language."""

from __future__ import annotations

from handlers.i18n import Translator
from handlers.places import area_name
from handlers.quiz import bank
from handlers.quiz.play import LEVEL_LABELS
from handlers.services import GeoService
from storage.models import User
from storage.quiz import QuizClub, QuizClubMember, QuizClubRound

# glossary: club round = клуб раунды / раунд клуба / club round
# glossary: club leader = клуб жетекшісі / руководитель клуба / club leader
# glossary: member (of a club) = мүше / участник / member; shown anonymised: Қатысушы 3 / Участник 3 / Member 3
# glossary: deadline (of a club round) = мерзімі / срок / deadline
# glossary: point (of a quiz score) = ұпай / балл / point
KIND = "club_round"  # Reply.kind of the notice of a new club round (a WhatsApp template)


def topic_title(tr: Translator, topic: str | None) -> str:
    if topic is None:
        return tr._("🎲 Mixed topics")  # the quiz home's own label
    found = next((t for t in bank.topics() if t.id == topic), None)
    return found.title[tr.language] if found else topic


def round_title(tr: Translator, club_round: QuizClubRound) -> str:
    """«Water, school level, until 3 Jun 2026, 23:59»."""
    return tr._(
        "{topic} · {level} · until {deadline}",
        topic=topic_title(tr, club_round.topic),
        level=tr._(LEVEL_LABELS.get(club_round.level, club_round.level)),
        deadline=tr.datetime(club_round.deadline),
    )


def club_lines(tr: Translator, geo: GeoService, club: QuizClub) -> list[str]:
    return [
        tr._("👥 Club «{name}»", name=club.name),
        tr._("🏫 {institution}, {region}", institution=club.institution, region=area_name(geo, tr.language, club.region_code, None)),
    ]


def member_name(tr: Translator, member: QuizClubMember, user: User | None) -> str:
    """The member's name when they agreed to show it, else «Member 3» by their place in the club."""
    if member.show_name and user is not None and user.display_name:
        return user.display_name
    return tr._("Member {number}", number=member.number)
