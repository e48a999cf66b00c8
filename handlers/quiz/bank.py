"""The eco-quiz question bank: one YAML file per topic in `questions/`, read once and checked.

The questions live in data files because the people who write and correct them write Kazakh,
Russian and English, not Python. Each file holds one topic:

    topic: water                    # one of TOPICS
    title: {kk: "...", ru: "...", en: "..."}
    questions:
      - id: water-01                # <topic>-NN, unique in the whole bank
        level: school               # one of LEVELS
        correct: 2                  # 0-based index of the correct option
        source: {title: "...", url: "https://..."}
        kk: {question: "...", options: ["...", "...", "..."], explanation: "..."}
        ru: {...}
        en: {...}

Loading checks every rule and collects every problem before it raises, so one `BankError` names
them all (file, question id, what is wrong) instead of one per fix-and-retry. The texts must fit a
Telegram quiz poll (`sendPoll` refuses longer ones), so the limits are checked here, at load, not
when a poll is refused in front of a user.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

import yaml

from handlers.i18n import LANGUAGES

QUESTIONS_DIR = Path(__file__).with_name("questions")

TOPICS: tuple[str, ...] = (
    "waste_sorting",
    "hazardous_waste",
    "water",
    "air",
    "forests_fire",
    "biodiversity",
    "climate_energy",
    "aral_caspian",
    "taza_qazaqstan",
)
LEVELS: tuple[str, ...] = ("school", "adult")

# Telegram's limits for a quiz poll, counted as Telegram counts them: in UTF-16 code units.
QUESTION_LIMIT = 300
OPTION_LIMIT = 100
EXPLANATION_LIMIT = 200
EXPLANATION_LINE_FEEDS = 2
MIN_OPTIONS, MAX_OPTIONS = 3, 4

KAZAKH_LETTERS = frozenset("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
_WORD = re.compile(r"\w+")
_LATIN = re.compile(r"[A-Za-z]")
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")

_FILE_KEYS = {"topic", "title", "questions"}
_QUESTION_KEYS = {"id", "level", "correct", "source", *LANGUAGES}
_TEXT_KEYS = {"question", "options", "explanation"}


@dataclass(frozen=True)
class Source:
    """The public page or document that states the fact a question is about."""

    title: str
    url: str


@dataclass(frozen=True)
class Text:
    """One question as one language shows it."""

    question: str
    options: tuple[str, ...]
    explanation: str


@dataclass(frozen=True)
class Question:
    id: str
    topic: str
    level: str
    correct: int
    source: Source
    texts: Mapping[str, Text] = field(hash=False)

    def text(self, language: str) -> Text:
        return self.texts[language]


@dataclass(frozen=True)
class Topic:
    id: str
    title: Mapping[str, str] = field(hash=False)
    questions: tuple[Question, ...] = field(hash=False)


@dataclass(frozen=True)
class Bank:
    """Topics in the order of TOPICS (only those that have a file)."""

    topics: tuple[Topic, ...]

    def questions(self, topic: str | None = None, level: str | None = None) -> tuple[Question, ...]:
        """The questions of one topic (or all) at one level (or both), in file order."""
        return tuple(
            question
            for each in self.topics
            if topic is None or each.id == topic
            for question in each.questions
            if level is None or question.level == level
        )

    def question(self, question_id: str) -> Question | None:
        return self._by_id.get(question_id)

    @functools.cached_property
    def _by_id(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions()}


class BankError(ValueError):
    """The bank's files break one or more rules; `problems` lists every one."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(
            f"{len(problems)} problem(s) in the quiz bank:\n" + "\n".join(f"  - {p}" for p in problems)
        )


@functools.cache
def bank() -> Bank:
    """The project's bank, read from disk the first time it is asked for."""
    return load_bank(QUESTIONS_DIR)


def topics() -> tuple[Topic, ...]:
    return bank().topics


def questions(topic: str | None = None, level: str | None = None) -> tuple[Question, ...]:
    return bank().questions(topic, level)


def question(question_id: str) -> Question | None:
    return bank().question(question_id)


def load_bank(folder: Path) -> Bank:
    """Read and check every `*.yaml` in `folder`; raise one BankError listing all problems."""
    problems: list[str] = []
    found: dict[str, Topic] = {}
    files_of_id: dict[str, str] = {}
    for path in sorted(folder.glob("*.yaml")):
        topic = _read_file(path, problems)
        if topic is None:
            continue
        if topic.id in found:
            problems.append(f"{path.name}: topic {topic.id!r} is already in another file")
            continue
        for each in topic.questions:
            if each.id in files_of_id:
                problems.append(f"{path.name}: {each.id}: duplicate id (also in {files_of_id[each.id]})")
            files_of_id[each.id] = path.name
        found[topic.id] = topic
    if problems:
        raise BankError(problems)
    return Bank(tuple(found[t] for t in TOPICS if t in found))


def _read_file(path: Path, problems: list[str]) -> Topic | None:
    where = path.name
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        problems.append(f"{where}: not valid YAML: {error}")
        return None
    before = len(problems)
    data = _mapping(data, _FILE_KEYS, where, problems)
    if data is None:
        return None
    topic_id = data.get("topic")
    if topic_id not in TOPICS:
        problems.append(f"{where}: unknown topic {topic_id!r} (known: {', '.join(TOPICS)})")
        topic_id = path.stem
    elif path.stem != topic_id:
        problems.append(f"{where}: holds topic {topic_id!r}, so it must be named {topic_id}.yaml")
    title = _texts_per_language(data.get("title"), f"{where}: title", problems)
    raw_questions = data.get("questions")
    if not isinstance(raw_questions, list) or not raw_questions:
        problems.append(f"{where}: questions must be a non-empty list")
        raw_questions = []
    read = [_read_question(raw, topic_id, where, problems) for raw in raw_questions]
    if len(problems) > before:
        return None
    return Topic(topic_id, MappingProxyType(title), tuple(q for q in read if q is not None))


def _read_question(raw: Any, topic_id: str, file: str, problems: list[str]) -> Question | None:
    question_id = raw.get("id") if isinstance(raw, dict) else None
    where = f"{file}: {question_id}"
    before = len(problems)
    raw = _mapping(raw, _QUESTION_KEYS, where, problems)
    if raw is None:
        return None
    if not isinstance(question_id, str) or not re.fullmatch(rf"{re.escape(topic_id)}-\d{{2,}}", question_id):
        problems.append(f"{where}: id must be {topic_id}-NN (the topic, a dash, two digits or more)")
    level = raw.get("level")
    if level not in LEVELS:
        problems.append(f"{where}: unknown level {level!r} (known: {', '.join(LEVELS)})")
    source = _read_source(raw.get("source"), where, problems)
    texts = {lang: _read_text(raw.get(lang), lang, f"{where}: {lang}", problems) for lang in LANGUAGES}
    counts = {lang: len(text.options) for lang, text in texts.items() if text is not None}
    if len(set(counts.values())) > 1:
        listed = ", ".join(f"{lang} {n}" for lang, n in counts.items())
        problems.append(f"{where}: every language must have the same number of options ({listed})")
    correct = raw.get("correct")
    if not isinstance(correct, int) or isinstance(correct, bool):
        problems.append(f"{where}: correct must be the 0-based index of an option, not {correct!r}")
    elif counts and not all(0 <= correct < n for n in counts.values()):
        problems.append(f"{where}: correct is {correct}, not an index of the {max(counts.values())} options")
    if len(problems) > before or source is None:
        return None
    return Question(
        question_id, topic_id, level, correct, source, MappingProxyType(texts)  # type: ignore[arg-type]
    )


def _read_source(raw: Any, where: str, problems: list[str]) -> Source | None:
    raw = _mapping(raw, {"title", "url"}, f"{where}: source", problems)
    if raw is None:
        return None
    title, url = raw.get("title"), raw.get("url")
    ok = True
    if not isinstance(title, str) or not title.strip():
        problems.append(f"{where}: source needs a title (the name of the page or document)")
        ok = False
    parts = urlsplit(url) if isinstance(url, str) else None
    if parts is None or parts.scheme != "https" or not parts.netloc or " " in url:
        problems.append(f"{where}: source url must be an https:// address, not {url!r}")
        ok = False
    return Source(title, url) if ok else None


def _texts_per_language(raw: Any, where: str, problems: list[str]) -> dict[str, str]:
    raw = _mapping(raw, set(LANGUAGES), where, problems)
    if raw is None:
        return {}
    found = {}
    for lang in LANGUAGES:
        value = raw.get(lang)
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{where}: {lang} missing or empty")
        else:
            found[lang] = value
    return found


def _read_text(raw: Any, lang: str, where: str, problems: list[str]) -> Text | None:
    if raw is None:
        problems.append(f"{where}: missing")
        return None
    before = len(problems)
    raw = _mapping(raw, _TEXT_KEYS, where, problems)
    if raw is None:
        return None
    question, options, explanation = raw.get("question"), raw.get("options"), raw.get("explanation")
    for name, value in (("question", question), ("explanation", explanation)):
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{where}: {name} missing or empty")
    if not isinstance(options, list) or not all(isinstance(o, str) and o.strip() for o in options):
        problems.append(f"{where}: options must be a list of non-empty texts")
    elif not MIN_OPTIONS <= len(options) <= MAX_OPTIONS:
        problems.append(f"{where}: {len(options)} options, a question has {MIN_OPTIONS} or {MAX_OPTIONS}")
    elif len({o.strip().casefold() for o in options}) < len(options):
        problems.append(f"{where}: two options are the same")
    if len(problems) > before:
        return None
    text = Text(question, tuple(options), explanation)
    _check_limits(text, where, problems)
    _check_script(text, lang, where, problems)
    return text if len(problems) == before else None


def _check_limits(text: Text, where: str, problems: list[str]) -> None:
    def over(value: str, limit: int, what: str) -> None:
        size = telegram_length(value)
        if size > limit:
            problems.append(f"{where}: {what} is {size} characters, a Telegram quiz allows {limit}")

    over(text.question, QUESTION_LIMIT, "question")
    for number, option in enumerate(text.options, 1):
        over(option, OPTION_LIMIT, f"option {number}")
    over(text.explanation, EXPLANATION_LIMIT, "explanation")
    if text.explanation.count("\n") > EXPLANATION_LINE_FEEDS:
        problems.append(f"{where}: explanation has more than {EXPLANATION_LINE_FEEDS} line feeds")


def telegram_length(value: str) -> int:
    return len(value.encode("utf-16-le")) // 2


def _check_script(text: Text, lang: str, where: str, problems: list[str]) -> None:
    """No word mixes Latin and Cyrillic letters (a Latin i for і, a Latin o in a Russian word).
    Kazakh is Cyrillic: its question has one of Kazakh's own letters, and Latin letters appear
    only in names and abbreviations (CO2, PET, WWF, pH): words with a capital letter."""
    for part in (text.question, *text.options, text.explanation):
        for word in _WORD.findall(part):
            if not _LATIN.search(word):
                continue
            if _CYRILLIC.search(word):
                problems.append(f"{where}: «{word}» mixes Latin and Cyrillic letters")
            elif lang == "kk" and word.islower():
                problems.append(f"{where}: «{word}» is in Latin letters; Kazakh is written in Cyrillic")
    if lang == "kk" and not KAZAKH_LETTERS & set(text.question):
        problems.append(f"{where}: the question has none of Kazakh's letters (ә ғ қ ң ө ұ ү һ і)")


def _mapping(raw: Any, known: set[str], where: str, problems: list[str]) -> dict | None:
    """`raw` when it is a mapping (a problem for each key it should not have), else None."""
    if not isinstance(raw, dict):
        problems.append(f"{where}: must be a mapping with {', '.join(sorted(known))}")
        return None
    unknown = sorted(str(key) for key in raw if key not in known)
    if unknown:
        problems.append(f"{where}: unknown key(s) {', '.join(unknown)}")
    return raw
