"""The form engine (handlers/forms.py) on a small form of its own, apart from the report flow: what
a declaration may say, the order of questions, «Back» past a question that asked nothing, «Edit»,
«Cancel», a submit that keeps the draft, a parser that ends the form, old drafts, and /forget."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

import handlers
from handlers.context import Ctx
from handlers.forms import ENDED, SKIP, Answers, Ended, Field, Form, FormPress, Question, optional_text
from handlers.router import Router
from handlers.types import Choice
from storage.forms import FormDraft
from storage.models import Identity
from tests.support.chat import Chat, labels, texts

CREATED: list[Answers] = []


async def ask_name(ctx: Ctx, data: Answers) -> Question:
    return Question("Name?")


async def parse_name(ctx: Ctx, data: Answers) -> Answers | str | Ended:
    if ctx.text == "stop":
        ctx.reply("Stopped by the parser.")
        return ENDED
    return {"name": ctx.text} if ctx.text else "Type a name."


async def check_name(ctx: Ctx, data: Answers) -> Question | Answers:
    """Asks only about the name 'ask', like the report's duplicate check asks only when it finds one."""
    if data["name"] != "ask":
        return {"checked": "quietly"}
    return Question("Really 'ask'?", [Choice(SKIP.id, "Yes")])


async def parse_check(ctx: Ctx, data: Answers) -> Answers | str:
    return {"checked": "asked"} if FormPress.parse(ctx.choice) == SKIP else "Press Yes."


async def ask_colour(ctx: Ctx, data: Answers) -> Question:
    return Question("Colour?", [Choice(SKIP.id, "No colour")])


async def parse_colour(ctx: Ctx, data: Answers) -> Answers | str:
    if FormPress.parse(ctx.choice) == SKIP:
        return {"colour": None}
    return {"colour": ctx.text} if ctx.text else "Type a colour."


async def summary(ctx: Ctx, data: Answers) -> Question:
    return Question(f"Summary: {data['name']}, {data['colour']}")


async def submit(ctx: Ctx, data: Answers) -> bool:
    if data["name"] == "limit":
        ctx.reply("Over the limit: try tomorrow.")
        return False
    CREATED.append(data)
    ctx.reply("Created.")
    return True


NAME = Field("name", ask_name, parse_name, edit_label="Edit the name")
CHECK = Field("check", check_name, parse_check, keys=("checked",), depends_on=("name",))
COLOUR = Field("colour", ask_colour, parse_colour, edit_label="Edit the colour")
TOY = Form(
    "toy",
    (NAME, CHECK, COLOUR),
    summary=summary,
    submit=submit,
    confirm_label="Create",
    discarded="The toy is discarded.",
    max_age=timedelta(days=1),
)


@pytest.fixture
def toy(app) -> Chat:
    CREATED.clear()
    router = app.engine.router
    TOY.register(router)
    router.command("toy")(TOY.open)
    return Chat(app, "tester")


async def drafts(app, form: str | None = None) -> list[FormDraft]:
    async with app.sessions() as s:
        query = select(FormDraft) if form is None else select(FormDraft).where(FormDraft.form == form)
        query = query.order_by(FormDraft.user_id, FormDraft.form)
        return list((await s.scalars(query)).all())


async def test_questions_come_in_order_and_the_summary_creates(app, toy: Chat) -> None:
    await toy.onboard()
    asked = await toy.send("/toy")
    assert asked[-1].text == "Name?" and labels(asked[-1]) == ["✖️ Cancel", "⬅️ Menu"]  # no Back yet
    colour = await toy.send("Tulip")  # the check asked nothing
    assert colour[-1].text == "Colour?" and labels(colour[-1]) == ["No colour", "↩️ Back", "✖️ Cancel", "⬅️ Menu"]
    shown = await toy.send("red")
    assert shown[-1].text == "Summary: Tulip, red"
    assert labels(shown[-1]) == ["Create", "Edit the name", "Edit the colour", "↩️ Back", "✖️ Cancel", "⬅️ Menu"]
    assert [c.id for c in shown[-1].choices[:3]] == ["form:confirm", "form:edit:name", "form:edit:colour"]
    created = await toy.click("Create")
    assert "Created." in texts(created)
    assert CREATED == [{"name": "Tulip", "checked": "quietly", "colour": "red"}]
    assert await drafts(app) == []


async def test_back_passes_a_question_that_asked_nothing(app, toy: Chat) -> None:
    await toy.onboard()
    await toy.send("/toy")
    await toy.send("Tulip")
    back = await toy.click("Back")
    assert back[-1].text == "Name?"
    assert (await drafts(app))[0].data == {}  # the name and the check made on it are cleared


async def test_back_stops_at_a_question_that_was_asked(app, toy: Chat) -> None:
    await toy.onboard()
    await toy.send("/toy")
    assert (await toy.send("ask"))[-1].text == "Really 'ask'?"
    await toy.click("Yes")
    back = await toy.click("Back")
    assert back[-1].text == "Really 'ask'?"
    assert (await drafts(app))[0].data == {"name": "ask"}


async def test_back_on_the_summary_and_a_wrong_answer(app, toy: Chat) -> None:
    await toy.onboard()
    await toy.send("/toy")
    await toy.send("Tulip")
    await toy.click("No colour")
    back = await toy.click("Back")
    assert back[-1].text == "Colour?"
    hint = await toy.other()
    assert [r.text for r in hint] == ["Type a colour.", "Colour?"]


async def test_edit_clears_one_field_and_returns_to_the_summary(app, toy: Chat) -> None:
    await toy.onboard()
    await toy.send("/toy")
    await toy.send("Tulip")
    await toy.send("red")
    asked = await toy.click("Edit the name")
    assert asked[-1].text == "Name?"
    again = await toy.send("ask")  # a check made on the old name is made again on the new one
    assert again[-1].text == "Really 'ask'?"
    summary = await toy.click("Yes")
    assert summary[-1].text == "Summary: ask, red"


async def test_cancel_drops_only_this_forms_draft(app, toy: Chat) -> None:
    await toy.onboard()
    async with app.sessions() as s, s.begin():
        user_id = await s.scalar(select(Identity.user_id).where(Identity.external_id == "tester"))
        s.add(FormDraft(user_id=user_id, form="other", data={"kept": True}, updated_at=app.engine.clock()))
    await toy.send("/toy")
    await toy.send("Tulip")
    cancelled = await toy.click("Cancel")
    assert cancelled[-1].text == "The toy is discarded." and cancelled[-1].choices  # the menu
    assert [d.form for d in await drafts(app)] == ["other"]
    stale = await toy.press(FormPress("back").id, None)  # an old message's Back: no draft, the menu
    assert "no longer valid" in stale[0].text


async def test_a_submit_that_refuses_keeps_the_draft(app, toy: Chat) -> None:
    await toy.onboard()
    await toy.send("/toy")
    await toy.send("limit")
    await toy.click("No colour")
    refused = await toy.click("Create")
    assert "Over the limit" in texts(refused) and CREATED == []
    assert (await drafts(app, "toy"))[0].data["name"] == "limit"


async def test_a_parser_may_end_the_form(app, toy: Chat) -> None:
    await toy.onboard()
    await toy.send("/toy")
    ended = await toy.send("stop")
    assert ended[0].text == "Stopped by the parser."
    assert await drafts(app) == []


async def test_without_a_resume_question_a_draft_goes_on_until_it_is_too_old(app, toy: Chat, clock) -> None:
    await toy.onboard()
    await toy.send("/toy")
    await toy.send("Tulip")
    await toy.send("/menu")
    assert (await toy.send("/toy"))[-1].text == "Colour?"  # where it was
    await toy.send("/menu")
    clock.advance(days=2)
    assert (await toy.send("/toy"))[-1].text == "Name?"  # older than max_age: started afresh
    assert (await drafts(app))[0].data == {}


async def test_forget_erases_the_drafts_of_every_form(app, toy: Chat) -> None:
    await toy.onboard()
    await toy.send("/toy")
    await toy.send("Tulip")
    await toy.send("/report")  # a draft of the report form too
    assert {d.form for d in await drafts(app)} == {"toy", "report"}
    await toy.send("/forget")
    await toy.click("Yes, delete")
    assert await drafts(app) == []
    assert app.engine.router.erasers.count(handlers.forms.erase_drafts) == 1  # two forms, one eraser


def test_a_form_is_registered_once() -> None:
    router = Router()
    TOY.register(router)
    assert {"toy.name", "toy.check", "toy.colour", "toy.confirm", "toy.resume"} <= set(router.steps)
    with pytest.raises(ValueError, match="registered twice"):
        TOY.register(router)


@pytest.mark.parametrize(
    "fields,name",
    [
        ((NAME, NAME), "toy"),
        ((Field("confirm", ask_name, parse_name),), "toy"),
        ((Field("x" * 17, ask_name, parse_name),), "toy"),
        ((CHECK, NAME), "toy"),  # depends on a later field
        ((NAME,), "a.b"),
    ],
    ids=["twice", "reserved", "too long", "depends on a later field", "dotted form name"],
)
def test_a_declaration_that_cannot_work_is_refused(fields, name) -> None:
    with pytest.raises(ValueError):
        Form(name, fields, summary=summary, submit=submit, confirm_label="C", discarded="D")


async def test_the_report_form_uses_one_draft_row(app, chat: Chat) -> None:
    await chat.onboard()
    await chat.send("/report")
    async with app.sessions() as s:
        assert await s.scalar(select(func.count()).select_from(FormDraft)) == 1
        assert (await s.scalar(select(FormDraft))).form == "report"


# --- a field asked only on request, and input taken at any step --------------------------------
async def ask_note(ctx: Ctx, data: Answers) -> Question:
    return Question(f"Note? (now: {data.get('note')})")


async def take_location(ctx: Ctx, data: Answers) -> Answers | str | None:
    """Like the report's photos and locations: a location is taken at any question."""
    if ctx.incoming.location is None:
        return None
    if ctx.incoming.location.latitude > 90:
        return "That is not a place."
    return {**data, "where": [ctx.incoming.location.latitude, ctx.incoming.location.longitude]}


async def note_summary(ctx: Ctx, data: Answers) -> Question:
    return Question(f"Summary: {data['name']}, note {data.get('note')}, at {data.get('where')}")


NOTE = Field(
    "note", ask_note, optional_text("note", 100, "Type a note.", "Too long."), on_request=True, edit_label="Edit the note"
)
NOTED = Form(
    "noted",
    (Field("name", ask_name, parse_name), NOTE),
    summary=note_summary,
    submit=submit,
    confirm_label="Create",
    discarded="Discarded.",
    anywhere=take_location,
)


@pytest.fixture
def noted(app) -> Chat:
    CREATED.clear()
    NOTED.register(app.engine.router)
    app.engine.router.command("noted")(NOTED.open)
    return Chat(app, "tester")


async def test_an_on_request_field_is_asked_only_from_the_summary(app, noted: Chat) -> None:
    await noted.onboard()
    await noted.send("/noted")
    shown = await noted.send("Tulip")  # the note is not asked on the way
    assert shown[-1].text == "Summary: Tulip, note None, at None"
    asked = await noted.click("Edit the note")
    assert asked[-1].text == "Note? (now: None)"
    shown = await noted.send("by the gate")
    assert shown[-1].text == "Summary: Tulip, note by the gate, at None"
    again = await noted.click("Edit the note")
    assert again[-1].text == "Note? (now: by the gate)"  # kept while it is asked again
    back = await noted.click("Back")
    assert back[-1].text == "Summary: Tulip, note by the gate, at None"
    name = await noted.click("Back")  # Back from the summary passes the on-request field
    assert name[-1].text == "Name?"


async def test_input_taken_at_any_step(app, noted: Chat) -> None:
    await noted.onboard()
    await noted.send("/noted")
    early = await noted.location(51.1, 71.4)  # before the question it would answer
    assert early[-1].text == "Name?"
    refused = await noted.location(99.0, 0.0)
    assert refused[0].text == "That is not a place." and refused[-1].text == "Name?"
    await noted.send("Tulip")
    moved = await noted.location(43.2, 76.9)  # on the summary: replaces, and the summary again
    assert moved[-1].text == "Summary: Tulip, note None, at [43.2, 76.9]"
    await noted.click("Create")
    assert CREATED == [{"name": "Tulip", "where": [43.2, 76.9]}]
