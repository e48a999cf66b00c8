"""The question bank: the project's own files load and are varied enough to play, and every rule
of the bank is shown to catch a broken bank (written to tmp_path, one rule at a time)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from handlers.i18n import LANGUAGES
from handlers.quiz import bank
from handlers.quiz.bank import LEVELS, BankError, load_bank

# --- the real bank ----------------------------------------------------------------------------


def test_the_real_bank_loads_with_both_levels_in_every_topic() -> None:
    loaded = bank.topics()
    assert loaded, "no topic files in handlers/quiz/questions"
    for topic in loaded:
        levels = {q.level for q in topic.questions}
        assert levels == set(LEVELS), f"{topic.id}: levels {levels}"
        assert all(topic.title[lang] for lang in LANGUAGES)


def test_the_real_bank_has_what_issue_10_asks_for() -> None:
    """At least 120 questions over at least 8 of the 9 topics."""
    counts = Counter(q.topic for q in bank.questions())
    assert len(counts) >= 8, f"only {len(counts)} topics: {dict(counts)}"
    assert sum(counts.values()) >= 120, f"only {sum(counts.values())} questions: {dict(counts)}"


def test_the_correct_answer_is_not_always_at_the_same_place() -> None:
    for topic in bank.topics():
        places = Counter(q.correct for q in topic.questions)
        assert len(places) > 1, f"{topic.id}: every correct answer is option {set(places)}"
        most, times = places.most_common(1)[0]
        assert times <= len(topic.questions) * 0.6, f"{topic.id}: option {most} is right {times} times"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_correct_answer_does_not_give_itself_away_by_its_length(language: str) -> None:
    """A player who always picks the longest option should not win: in each topic the correct
    option is far longer (1.4 times) than every other in at most a quarter of the questions."""
    for topic in bank.topics():
        giveaways = []
        for q in topic.questions:
            lengths = sorted((len(o), i) for i, o in enumerate(q.text(language).options))
            (longest, at), (second, _) = lengths[-1], lengths[-2]
            if at == q.correct and longest > 1.4 * second:
                giveaways.append(q.id)
        assert len(giveaways) <= len(topic.questions) / 4, f"{language}: {giveaways}"


def test_questions_are_listed_by_topic_and_level_and_found_by_id() -> None:
    first = bank.topics()[0]
    school = bank.questions(first.id, "school")
    assert school and all(q.topic == first.id and q.level == "school" for q in school)
    assert len(bank.questions(first.id)) == len(first.questions)
    assert len(bank.questions()) == sum(len(t.questions) for t in bank.topics())
    assert bank.question(school[0].id) is school[0]
    assert bank.question("no-such-question") is None
    assert school[0].text("kk").options[school[0].correct]


def test_the_bank_is_read_once() -> None:
    assert bank.bank() is bank.bank()


# --- every rule catches a broken bank ---------------------------------------------------------


def a_question(number: int, level: str = "school", correct: int = 0) -> dict[str, Any]:
    return {
        "id": f"water-{number:02d}",
        "level": level,
        "correct": correct,
        "source": {"title": "A public page", "url": "https://example.org/page"},
        "kk": {
            "question": "Суды қалай үнемдеуге болады?",
            "options": ["Қысқа душ қабылдау", "Шүмекті ашық қалдыру", "Ваннаны толтыру"],
            "explanation": "Қысқа душ ваннадан әлдеқайда аз су жұмсайды.",
        },
        "ru": {
            "question": "Как сберечь воду?",
            "options": ["Принимать короткий душ", "Не закрывать кран", "Наполнять ванну"],
            "explanation": "Короткий душ расходует намного меньше воды, чем ванна.",
        },
        "en": {
            "question": "How can you save water?",
            "options": ["Take a short shower", "Leave the tap running", "Fill the bath"],
            "explanation": "A short shower uses far less water than a bath.",
        },
    }


def a_bank() -> dict[str, dict[str, Any]]:
    """File name -> content: one valid topic file."""
    return {
        "water.yaml": {
            "topic": "water",
            "title": {"kk": "Су", "ru": "Вода", "en": "Water"},
            "questions": [a_question(1), a_question(2, "adult", 1)],
        }
    }


def write(folder: Path, files: dict[str, Any]) -> Path:
    for name, content in files.items():
        text = content if isinstance(content, str) else yaml.safe_dump(content, allow_unicode=True)
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def first(files: dict[str, Any]) -> dict[str, Any]:
    return files["water.yaml"]["questions"][0]


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """A breakage: set a dotted path in the first question (missing parents are errors)."""

    def apply(files: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target = first(files)
        for key in parents:
            target = target[key] if not key.isdigit() else target[int(key)]
        if last.isdigit():
            target[int(last)] = value
        else:
            target[last] = value

    return apply


def _delete(path: str) -> Callable[[dict[str, Any]], None]:
    def apply(files: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target = first(files)
        for key in parents:
            target = target[key]
        del target[last]

    return apply


def _second_question_repeating_the_first_id(files: dict[str, Any]) -> None:
    files["water.yaml"]["questions"][1]["id"] = "water-01"


def _title_without(lang: str) -> Callable[[dict[str, Any]], None]:
    def apply(files: dict[str, Any]) -> None:
        del files["water.yaml"]["title"][lang]

    return apply


def _topic(name: str) -> Callable[[dict[str, Any]], None]:
    def apply(files: dict[str, Any]) -> None:
        files["water.yaml"]["topic"] = name

    return apply


def _not_yaml(files: dict[str, Any]) -> None:
    files["water.yaml"] = "topic: water\nquestions: [unclosed\n"


RULES = [
    ("every language in a question", _delete("en"), "water-01: en: missing"),
    ("every language in a title", _title_without("kk"), "water.yaml: title: kk missing"),
    ("a question text", _set("ru.question", ""), "water-01: ru: question missing or empty"),
    ("an explanation", _delete("kk.explanation"), "water-01: kk: explanation missing or empty"),
    ("at least 3 options", _set("en.options", ["Yes", "No"]), "water-01: en: 2 options"),
    ("at most 4 options", _set("ru.options", ["1", "2", "3", "4", "5"]), "water-01: ru: 5 options"),
    (
        "the same number of options in each language",
        _set("en.options", ["Take a short shower", "Leave the tap running", "Fill the bath", "Wash a car"]),
        "the same number of options (kk 3, ru 3, en 4)",
    ),
    ("correct within the options", _set("correct", 3), "water-01: correct is 3"),
    ("correct not negative", _set("correct", -1), "water-01: correct is -1"),
    ("correct a number", _set("correct", "2"), "water-01: correct must be the 0-based index"),
    ("distinct options", _set("kk.options.2", "қысқа душ қабылдау "), "water-01: kk: two options are the same"),
    ("unique ids", _second_question_repeating_the_first_id, "water-01: duplicate id (also in water.yaml)"),
    ("ids named after the topic", _set("id", "air-01"), "air-01: id must be water-NN"),
    ("a known topic", _topic("recycling"), "unknown topic 'recycling'"),
    ("the file named after its topic", _topic("air"), "water.yaml: holds topic 'air'"),
    ("a known level", _set("level", "university"), "water-01: unknown level 'university'"),
    ("a source title", _set("source.title", " "), "water-01: source needs a title"),
    ("a source", _delete("source"), "water-01: source: must be a mapping"),
    ("an https source", _set("source.url", "http://example.org"), "source url must be an https://"),
    ("a source url at all", _set("source.url", "example.org/page"), "source url must be an https://"),
    ("no unknown keys", _set("explenation", "typo"), "water-01: unknown key(s) explenation"),
    ("question within 300", _set("en.question", "Why? " * 61), "en: question is 305 characters"),
    ("option within 100", _set("ru.options.1", "д" * 101), "ru: option 2 is 101 characters"),
    ("explanation within 200", _set("kk.explanation", "ә" * 201), "kk: explanation is 201 characters"),
    (
        "emoji counted as Telegram counts them",
        _set("en.options.0", "🌳" * 51),
        "en: option 1 is 102 characters",
    ),
    ("explanation with few line feeds", _set("en.explanation", "a\nb\nc\nd"), "more than 2 line feeds"),
    ("Kazakh without a Latin i", _set("kk.question", "Суды қалай үнемдеуге болады? Бiр жауап"), "«Бiр» mixes"),
    (
        "Kazakh in Cyrillic, not Latin",
        _set("kk.options.0", "Qysqa dush qabyldau"),
        "«dush» is in Latin letters",
    ),
    (
        "Kazakh, not Russian pasted in",
        _set("kk.question", "Как сберечь воду?"),
        "water-01: kk: the question has none of Kazakh's letters",
    ),
    ("no mixed scripts in Russian", _set("ru.question", "Как сберечь вoду?"), "«вoду» mixes"),
    ("valid YAML", _not_yaml, "water.yaml: not valid YAML"),
]


def test_the_valid_example_loads(tmp_path: Path) -> None:
    """So that each breakage below is what the rule catches, not the example itself."""
    loaded = load_bank(write(tmp_path, a_bank()))
    assert [q.id for q in loaded.questions()] == ["water-01", "water-02"]
    assert loaded.questions("water", "adult")[0].text("ru").options[1] == "Не закрывать кран"


@pytest.mark.parametrize("rule,breakage,expected", RULES, ids=[r[0] for r in RULES])
def test_each_rule_catches_a_broken_bank(
    tmp_path: Path, rule: str, breakage: Callable[[dict[str, Any]], None], expected: str
) -> None:
    files = a_bank()
    breakage(files)
    with pytest.raises(BankError) as caught:
        load_bank(write(tmp_path, files))
    assert any(expected in problem for problem in caught.value.problems), caught.value.problems


def test_one_error_lists_every_problem_with_its_file_and_id(tmp_path: Path) -> None:
    files = a_bank()
    _set("level", "expert")(files)
    files["water.yaml"]["questions"][1]["correct"] = 7
    with pytest.raises(BankError) as caught:
        load_bank(write(tmp_path, files))
    assert len(caught.value.problems) == 2
    assert "water.yaml: water-01: unknown level 'expert'" in str(caught.value)
    assert "water.yaml: water-02: correct is 7" in str(caught.value)


def test_names_and_abbreviations_may_stay_in_latin_in_kazakh(tmp_path: Path) -> None:
    files = a_bank()
    _set("kk.question", "PET бөтелкесі мен CO2 туралы WWF не дейді, pH қандай?")(files)
    _set("kk.explanation", "Greenpeace пен UNEP деректері бойынша PM2.5 қауіпті.")(files)
    assert load_bank(write(tmp_path, files)).questions()[0].text("kk").question.startswith("PET")
