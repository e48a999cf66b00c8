"""Forms: the questions of a multi-step flow, one at a time, with the answers kept in a draft.

A form has a name and ordered fields. A field asks its question and parses the answer into values
that are stored in the person's draft of the form (one row of `form_drafts` per person and form,
locked for the step's transaction). The next question is always the first field the draft still
misses, so a form resumed after a restart, a trip to the menu or an edit goes on where it was.
Every question offers «Back» and «Cancel» beside «Menu»; once nothing is missing, a summary asks to
confirm and offers «Edit <field>» for each editable field. An edit clears that field and asks it
again; the summary comes back by itself, as nothing else is missing.

«Back» undoes one answer: the current question's partial answer if it has one (the photos received
so far, the kinds ticked in a multi-select), otherwise the previous question's, which is cleared and
asked again. A field whose asker answers it without a question (nothing to ask this time) is passed
over on the way back. A field that `depends_on` earlier fields is cleared with them (a check made
against the answers they gave).

Declaring a form (a sketch of the cleanup event wizard):

    async def ask_title(ctx: Ctx, data: Answers) -> Question:
        return Question(ctx._("What is the cleanup event called?"))

    async def parse_title(ctx: Ctx, data: Answers) -> Answers | str:
        if not ctx.text:
            return ctx._("Please type the name of the event.")   # a hint, and the question again
        return {"title": ctx.text[:100]}

    TITLE = Field("title", ask_title, parse_title, edit_label=N_("✏️ Edit the title"))
    EVENT = Form("event", (TITLE, PLACE, DAY), summary=event_summary, submit=create_event,
                 confirm_label=N_("✅ Create the event"), discarded=N_("The event is discarded."))

    EVENT.register(router)   # in the feature's register(): steps event.title, ..., event.confirm
    await EVENT.open(ctx)    # from its menu entry: a new draft, or "continue the one you began?"
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Annotated, Any, Literal

from sqlalchemy import delete
from sqlalchemy.orm.attributes import flag_modified

from handlers.buttons import MaxLen, button
from handlers.context import Ctx
from handlers.router import Router
from handlers.start import show_menu
from handlers.types import Choice, Kind
from storage.forms import FORM_NAME_LENGTH, FormDraft

FIELD_NAME_LENGTH = 16
SUMMARY, RESUME = "confirm", "resume"  # the steps every form has besides its fields
EDITING = "_editing"  # draft key: the on-request field the person asked to change from the summary

Answers = dict[str, Any]  # a draft's data: JSON only


@button("form")
@dataclass(frozen=True)
class FormPress:
    """The engine's own buttons (back, cancel, edit a field, confirm, continue or discard a draft)
    and the two answers many fields share: skip an optional field, done with a multi-answer one."""

    verb: Literal["back", "cancel", "edit", "confirm", "continue", "discard", "skip", "done"]
    field: Annotated[str, MaxLen(FIELD_NAME_LENGTH)] = ""


BACK, CANCEL, CONFIRM = FormPress("back"), FormPress("cancel"), FormPress("confirm")
CONTINUE, DISCARD = FormPress("continue"), FormPress("discard")
SKIP, DONE = FormPress("skip"), FormPress("done")


@dataclass(frozen=True)
class Question:
    """What a field asks: the engine adds «Back», «Cancel» and «Menu» to the choices."""

    text: str
    choices: Sequence[Choice] = ()
    photo_path: str | None = None
    number_answer: bool = False  # typed digits are the answer, not a pick of the n-th choice


class Ended:
    """A parser's answer when it closed the form itself (it replied, and the answers went
    elsewhere, for example into a report that already exists): the draft is dropped."""


ENDED = Ended()

# The question of a field, or the values that answer it without asking (nothing to ask this time).
Asker = Callable[[Ctx, Answers], Awaitable["Question | Answers"]]
# The values an answer gives (merged into the draft), a translated hint to ask again, or ENDED.
Parser = Callable[[Ctx, Answers], Awaitable["Answers | str | Ended"]]
# Input every step of a form takes (a photo, a location sent whenever the person has it): the whole
# new draft, a translated hint to ask again, or None when the input is not of its kind.
Anywhere = Callable[[Ctx, Answers], Awaitable["Answers | str | None"]]



def optional_text(key: str, limit: int, retype: str, too_long: str) -> Parser:
    """The parser of an optional free-text field (a comment, a note): «Skip» stores None, text of
    up to `limit` characters is stored as typed. `retype` and `too_long` are N_() messages, the
    second with {max}."""

    async def parse(ctx: Ctx, _data: Answers) -> Answers | str:
        if FormPress.parse(ctx.choice) == SKIP:
            return {key: None}
        if ctx.incoming.kind is not Kind.TEXT or not ctx.text:
            return ctx._(retype)
        if len(ctx.text) > limit:
            return ctx._(too_long, max=limit)
        return {key: ctx.text}

    return parse

@dataclass(frozen=True)
class Field:
    name: str
    ask: Asker
    parse: Parser
    # The draft keys the field fills (its answer and any partial input); cleared by Back and Edit.
    keys: tuple[str, ...] = ()  # default: (name,)
    # When the field still needs an answer; default: its first key is not in the draft.
    missing: Callable[[Answers], bool] | None = None
    edit_label: str | None = None  # an N_() label: the summary offers «Edit» for this field
    depends_on: tuple[str, ...] = ()  # earlier fields whose clearing clears this one
    # Asked only when the person presses its «Edit» on the summary (an optional comment): never on
    # the way forward nor on the way back, and its answer is kept until the new one arrives.
    on_request: bool = False

    @property
    def stored(self) -> tuple[str, ...]:
        return self.keys or (self.name,)

    def is_missing(self, data: Answers) -> bool:
        if self.on_request:
            return data.get(EDITING) == self.name
        return self.missing(data) if self.missing else self.stored[0] not in data

    def has_input(self, data: Answers) -> bool:
        return any(data.get(key) for key in self.stored)


@dataclass(frozen=True)
class Form:
    name: str
    fields: tuple[Field, ...]
    summary: Callable[[Ctx, Answers], Awaitable[Question]]  # the answers, shown before confirming
    # Uses the answers (creates the report, the event...) and replies; False keeps the draft
    # (for example a limit was reached and the person was told so).
    submit: Callable[[Ctx, Answers], Awaitable[bool]]
    confirm_label: str  # N_()
    discarded: str  # N_(): said when the draft is cancelled or discarded
    # "You have an unfinished ...: continue it?" for a draft worth keeping, None for one to start
    # afresh. A form without it simply goes on with the draft it finds.
    resume_question: Callable[[Ctx, Answers], str | None] | None = None
    max_age: timedelta | None = None  # an older draft is dropped when the form is opened again
    anywhere: Anywhere | None = None  # input taken at every question and on the summary
    _by_name: dict[str, Field] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not 0 < len(self.name) <= FORM_NAME_LENGTH or "." in self.name:
            raise ValueError(f"form name {self.name!r}: 1 to {FORM_NAME_LENGTH} characters, no dot")
        by_name: dict[str, Field] = {}
        for f in self.fields:
            if f.name in by_name or f.name in (SUMMARY, RESUME) or not 0 < len(f.name) <= FIELD_NAME_LENGTH:
                raise ValueError(f"form {self.name}: field name {f.name!r} is taken, reserved or too long")
            if any(d not in by_name for d in f.depends_on):
                raise ValueError(f"form {self.name}: {f.name} may depend only on earlier fields")
            by_name[f.name] = f
        object.__setattr__(self, "_by_name", by_name)

    # --- wiring -----------------------------------------------------------------------------------
    def step(self, name: str) -> str:
        """The conversation step of a field (or of SUMMARY, RESUME): 'report.photo'."""
        return f"{self.name}.{name}"

    def register(self, router: Router) -> None:
        """Register the form's steps (once: the router refuses a step registered twice)."""
        for f in self.fields:
            router.step(self.step(f.name))(functools.partial(self._on_answer, f))
        router.step(self.step(SUMMARY))(self._on_summary)
        router.step(self.step(RESUME))(self._on_resume)
        if erase_drafts not in router.erasers:  # one eraser for the drafts of every form
            router.erasers.append(erase_drafts)

    # --- entry ------------------------------------------------------------------------------------
    async def open(self, ctx: Ctx) -> None:
        """Start the form, or first offer to continue the draft the person left unfinished."""
        row = await self._locked(ctx)
        if row is not None and self.max_age and ctx.now - row.updated_at > self.max_age:
            await self._drop(ctx, row)
            row = None
        question = self.resume_question(ctx, row.data) if row is not None and self.resume_question else None
        if question:
            choices = [
                Choice(CONTINUE.id, ctx._("▶️ Continue it")),
                Choice(DISCARD.id, ctx._("🗑 Discard it and start a new one")),
            ]
            ctx.ask(self.step(RESUME), question, choices)
            return
        # Without a resume question the draft goes on as it is; with one, it was not worth keeping.
        go_on = row is not None and self.resume_question is None
        await self.advance(ctx, copy.deepcopy(row.data) if row is not None and go_on else {})

    async def advance(self, ctx: Ctx, data: Answers) -> None:
        """Store the answers and ask the first question they lack (the summary when none)."""
        for f in self.fields:
            if f.is_missing(data) and await self._ask(ctx, f, data):
                break
        else:
            await self._ask_summary(ctx, data)
        await self._save(ctx, data)

    # --- steps --------------------------------------------------------------------------------------
    async def _on_answer(self, f: Field, ctx: Ctx) -> None:
        data = await self._answers(ctx)
        if data is None:
            return
        if await self._navigated(ctx, data, self.fields.index(f)) or await self._taken(ctx, data):
            return
        parsed = await f.parse(ctx, copy.deepcopy(data))
        if isinstance(parsed, str):
            ctx.reprompt(parsed)
        elif isinstance(parsed, Ended):
            await self._drop(ctx)
        else:
            answered = {**data, **parsed}
            if f.on_request:
                answered.pop(EDITING, None)
            await self.advance(ctx, answered)

    async def _taken(self, ctx: Ctx, data: Answers) -> bool:
        """Input the form takes at any step (`anywhere`): the draft changes and the form goes on."""
        if self.anywhere is None:
            return False
        taken = await self.anywhere(ctx, copy.deepcopy(data))
        if taken is None:
            return False
        if isinstance(taken, str):
            ctx.reprompt(taken)
        else:
            await self.advance(ctx, taken)
        return True

    async def _on_summary(self, ctx: Ctx) -> None:
        data = await self._answers(ctx)
        if data is None or await self._navigated(ctx, data, len(self.fields)) or await self._taken(ctx, data):
            return
        press = FormPress.parse(ctx.choice)
        edited = self._by_name.get(press.field) if press and press.verb == "edit" else None
        if edited is not None and edited.edit_label:
            if edited.on_request:
                data[EDITING] = edited.name
            else:
                self._clear(data, edited)
            await self.advance(ctx, data)
        elif press == CONFIRM:
            if await self.submit(ctx, data):
                await self._drop(ctx)
        else:
            ctx.reprompt(ctx._("Please choose one of the options below."))

    async def _on_resume(self, ctx: Ctx) -> None:
        data = await self._answers(ctx)
        if data is None:
            return
        press = FormPress.parse(ctx.choice)
        if press == CONTINUE:
            await self.advance(ctx, data)
        elif press == DISCARD:
            ctx.reply(ctx._(self.discarded))
            await self.advance(ctx, {})
        else:
            ctx.reprompt(ctx._("Please choose one of the options below."))

    async def _navigated(self, ctx: Ctx, data: Answers, at: int) -> bool:
        """Handle «Cancel» and «Back» on the question of field `at` (the summary: len(fields))."""
        press = FormPress.parse(ctx.choice)
        if press == CANCEL:
            await self._drop(ctx)
            await show_menu(ctx, ctx._(self.discarded))
            return True
        if press != BACK:
            return False
        if at < len(self.fields) and self.fields[at].on_request:
            data.pop(EDITING, None)  # back to the summary, the old answer kept
        elif at < len(self.fields) and self.fields[at].has_input(data):
            self._clear(data, self.fields[at])
        else:
            for previous in reversed(self.fields[:at]):
                if previous.on_request:
                    continue
                self._clear(data, previous)
                if await self._ask(ctx, previous, data):
                    await self._save(ctx, data)
                    return True
        await self.advance(ctx, data)
        return True

    # --- questions ----------------------------------------------------------------------------------
    async def _ask(self, ctx: Ctx, f: Field, data: Answers) -> bool:
        """Ask `f`'s question; False when its asker answered it without one (`data` has the values)."""
        asked = await f.ask(ctx, data)
        if not isinstance(asked, Question):
            data.update(asked)
            return False
        can_go_back = self.fields.index(f) > 0 or f.has_input(data)
        self._send(ctx, self.step(f.name), asked, [], back=can_go_back)
        return True

    async def _ask_summary(self, ctx: Ctx, data: Answers) -> None:
        edits = [
            Choice(FormPress("edit", f.name).id, ctx._(f.edit_label)) for f in self.fields if f.edit_label
        ]
        confirm = Choice(CONFIRM.id, ctx._(self.confirm_label))
        self._send(ctx, self.step(SUMMARY), await self.summary(ctx, data), [confirm, *edits], back=True)

    @staticmethod
    def _send(ctx: Ctx, step: str, question: Question, extra: list[Choice], *, back: bool) -> None:
        choices = [*question.choices, *extra]
        if back:
            choices.append(Choice(BACK.id, ctx._("↩️ Back")))
        choices.append(Choice(CANCEL.id, ctx._("✖️ Cancel")))
        ctx.ask(step, question.text, choices, photo_path=question.photo_path, number_answer=question.number_answer)

    def _clear(self, data: Answers, f: Field) -> None:
        for key in f.stored:
            data.pop(key, None)
        for later in self.fields:
            if f.name in later.depends_on:
                self._clear(data, later)

    # --- the draft row ------------------------------------------------------------------------------
    async def _locked(self, ctx: Ctx) -> FormDraft | None:
        return await ctx.session.get(FormDraft, (ctx.user.id, self.name), with_for_update=True)

    async def _answers(self, ctx: Ctx) -> Answers | None:
        """The draft's answers (a copy), or None after the menu is shown: with no draft left (sent,
        cancelled, or an old message answered) the person is back at the menu."""
        row = await self._locked(ctx)
        if row is None:
            await show_menu(ctx)
            return None
        return copy.deepcopy(row.data)

    async def _save(self, ctx: Ctx, data: Answers) -> None:
        row = await ctx.session.get(FormDraft, (ctx.user.id, self.name))  # locked by this step if it exists
        if row is None:
            ctx.session.add(FormDraft(user_id=ctx.user.id, form=self.name, data=data, updated_at=ctx.now))
            return
        row.data = data
        flag_modified(row, "data")
        row.updated_at = ctx.now

    async def _drop(self, ctx: Ctx, row: FormDraft | None = None) -> None:
        row = row or await ctx.session.get(FormDraft, (ctx.user.id, self.name))
        if row is not None:
            await ctx.session.delete(row)
            await ctx.session.flush()


async def erase_drafts(ctx: Ctx) -> None:
    """/forget: the person's drafts of every form go (they hold photos, places, comments)."""
    await ctx.session.execute(delete(FormDraft).where(FormDraft.user_id == ctx.user.id))
