"""The flow engine: one incoming update, one transaction.

`store()` makes updates durable in the inbox (that is what the channel waits for before it tells
the platform the update arrived). `process()` then runs the step in one transaction holding the
domain writes, the new conversation state, the outgoing messages and the inbox row's
`processed_at` marker; an update already marked is skipped, so redelivery is harmless.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum
from typing import Any, Protocol

from sqlalchemy import Select, bindparam, inspect, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import contains_eager, joinedload

from handlers.context import MAX_MEDIA_BYTES, MENU, Ctx, Media, MediaUnavailable, normalise_label
from handlers.i18n import DEFAULT_LANGUAGE, Translator, guess_language
from handlers.log_context import about
from handlers.router import Router
from handlers.types import Choice, Incoming, Kind, MediaRef, Reply
from storage.base import utcnow
from storage.db import in_pairs, insert_ignoring_conflicts, lock_chats, on_postgresql, pairs_params
from storage.models import (
    ConversationState,
    Identity,
    InboxUpdate,
    OutboxMessage,
    OutboxPriority,
    OutboxStatus,
    User,
)
from storage.outbox import (
    chats_with_backlog,
    defer_writes,
    queue_after_step,
    queued_chats,
    sent_payload,
    write_deferred,
)
from storage.sites import remember_location

log = logging.getLogger(__name__)

MediaFetcher = Callable[[MediaRef, int], Awaitable[bytes]]
MAX_TEXT = 4000  # longer input is cut here before any step sees it
# `Identity.last_inbound_at` is stamped again only when older than this: one write a minute at
# most instead of one per message (WhatsApp's 24-hour window keeps a 5-minute safety margin).
LAST_SEEN_RESOLUTION = timedelta(seconds=60)
# Bulk UPDATEs of the engine's own bookkeeping: no ORM object of theirs is ever loaded in a step.
NO_SYNC = {"synchronize_session": False}


class Admission(Enum):
    """What the input limit (`Engine.admit`) says of one input: run the step, warn once, or
    drop it with no answer at all (each answer of a flood would be a paid message)."""

    RUN = "run"
    WARN = "warn"
    DROP = "drop"


class StepResult(Enum):
    """What became of one update, as /metrics counts it."""

    OK = "ok"
    FAILED = "failed"  # the step raised; the user was told, the update marked with the error
    DUPLICATE = "duplicate"  # already applied (a redelivery, another process got it first)
    LIMITED = "limited"  # over the input limit: warned or dropped


@dataclass
class Prefetched:
    """A batch's senders and chat states, loaded together (`Engine._prefetch`). Held here because
    the session's identity map keeps only weak references."""

    identities: dict[tuple[str, str], Identity] = field(default_factory=dict)
    states: dict[tuple[str, str], ConversationState] = field(default_factory=dict)
    # Chats with a message queued before the batch that this process's sender does not hold.
    backlog: set[tuple[str, str]] = field(default_factory=set)

    def forget(self) -> None:
        """After a step's rollback, which expired what it touched: later steps look up afresh."""
        self.identities.clear()
        self.states.clear()  # (the backlog stays: a rollback removes no one else's messages)


class _StepFailed(Exception):
    """A step of an optimistic batch failed (its error is the cause): roll the batch back."""


class DirectSender(Protocol):
    """The outbox sender of this process (bot.outbox.OutboxSender), as the engine sees it: a
    step's answer to the chat that wrote is written already claimed by it and handed over after
    the commit, instead of waiting for the sender's next claim round. Not when the chat has a
    message queued before that the sender does not have in hand: a chat's order is kept."""

    name: str

    def claim_for(self, channel: str, chat_id: str) -> tuple[str, datetime] | None:
        """(sender name, claimed until) when this sender can take the chat's answer now."""
        ...

    def take(self, rows: list[OutboxMessage]) -> None:
        """Send these committed rows, claimed for this sender."""
        ...

    def wake(self) -> None:
        """Look for due rows now (its claim round)."""
        ...


STEP_HANDOFF = "taza.handoff.step"  # session.info: the running step's claimed answers
HANDOFF = "taza.handoff"  # session.info: the claimed answers of the transaction's finished steps


class Engine:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        router: Router,
        translators: dict[str, Translator],
        *,
        is_admin: Callable[[str, str], bool] = lambda channel, ident: False,
        clock: Callable[[], datetime] = utcnow,
        fallback_language: str = DEFAULT_LANGUAGE,
    ) -> None:
        self.sessions = sessions
        self.router = router
        self.translators = translators
        self.is_admin = is_admin
        self.clock = clock
        self.fallback_language = fallback_language  # when neither the user nor the channel says
        self.media_fetchers: dict[str, MediaFetcher] = {}
        # Work on an incoming file that needs no database (decoding a photo), done before the
        # step's transaction: a batch's photos side by side, never under the write lock.
        self.media_preparers: list[Callable[[bytes], Awaitable[None]]] = []
        self.after_commit: list[Callable[[], None]] = []  # e.g. wake the outbox sender
        # The per-person input limit (bot.ratelimit.InputLimiter); None: no limit.
        self.admit: Callable[[Incoming, datetime], Admission] | None = None
        # Called after each update with its outcome and seconds taken (bot.metrics counts them).
        self.observers: list[Callable[[Incoming, StepResult, float], None]] = []
        # Several processes share the database (PostgreSQL): steps of a chat take its lock and
        # run in the order their updates were stored (see `process`).
        self.in_order = False
        # Channels that never hold a message back in the outbox (`bot.channels.base.HoldMessage`):
        # a step on them need not release held ones. Unknown channels are assumed to hold.
        self.never_holding: set[str] = set()
        # The outbox sender of this process, for answers sent straight after the commit, on a
        # channel that never holds. With several processes too: the step holds its chat's lock,
        # and a message of the chat that another process's sender has in hand, or that nobody
        # claimed yet, is backlog (`chats_with_backlog`) and sends the answer the claim round's way.
        self.direct: DirectSender | None = None

    # --- inbox ---------------------------------------------------------------------------------
    async def store(self, incomings: Sequence[Incoming]) -> None:
        """Make updates durable, in one insert; ones already stored are left as they are."""
        if not incomings:
            return
        rows = [
            {
                "channel": i.channel,
                "chat_id": i.chat_id,
                "update_key": i.update_key,
                "payload": i.to_json(),
                "received_at": self.clock(),
            }
            for i in incomings
        ]
        async with self.sessions() as session, session.begin():
            await session.execute(insert_ignoring_conflicts(session, InboxUpdate.__table__), rows)

    async def pending(self, channel: str | None = None) -> list[Incoming]:
        """Updates stored but not processed (after a crash), oldest first."""
        async with self.sessions() as session:
            query = select(InboxUpdate.payload).where(InboxUpdate.processed_at.is_(None))
            if channel:
                query = query.where(InboxUpdate.channel == channel)
            payloads = (await session.scalars(query.order_by(InboxUpdate.id))).all()
        return [Incoming.from_json(p) for p in payloads]

    async def receive(self, incoming: Incoming) -> None:
        """Store and process one update (the console and the tests use this)."""
        await self.store([incoming])
        await self.process(incoming)

    # --- processing ------------------------------------------------------------------------------
    async def process(self, incoming: Incoming) -> None:
        """Run the update's step. With `in_order` (several processes on PostgreSQL), the step runs
        under the chat's lock and the chat's older unprocessed updates, stored by another process
        perhaps, run first: one process at a time per chat, every update once, in order."""
        started = time.perf_counter()
        with about(incoming):
            media = await self._fetch_media(incoming)
            await self._prepare_media([media])
            while not await self._process_next(incoming, media, started):
                pass

    async def process_batch(self, incomings: Sequence[Incoming]) -> None:
        """Group commit: the steps of one received batch share a transaction, so that a crowd
        costs one commit per batch instead of one per step. A failing step rolls back alone (and
        is answered like any failed step): the batch first runs optimistically, without
        savepoints, and when a step fails the whole transaction is rolled back and the batch runs
        again with each step in its own savepoint. A savepoint costs two statements and a flush
        per step, which measured a third of the replies a second; a failing step is rare. A step
        whose chat has an older update waiting elsewhere (several processes) runs alone after."""
        if len(incomings) <= 1:
            for incoming in incomings:
                await self.process(incoming)
            return
        started = time.perf_counter()
        medias = await asyncio.gather(*(self._fetch_media(incoming) for incoming in incomings))
        await self._prepare_media(medias)
        admissions: dict[int, Admission] = {}  # the input limit counts each update once, whatever runs twice
        try:
            try:
                outcomes, handed, wake = await self._batch_transaction(incomings, medias, admissions, savepoints=False)
            except _StepFailed as failed:
                log.info("a step of a batch failed (%r); the batch runs again, each step in a savepoint", failed.__cause__)
                outcomes, handed, wake = await self._batch_transaction(incomings, medias, admissions, savepoints=True)
        except Exception:  # the commit itself failed: nothing of the batch is applied
            log.exception("a batch of %d updates failed; processing them one by one", len(incomings))
            for incoming in incomings:
                await self.process(incoming)
            return
        self._committed(handed, wake)
        for incoming, result in outcomes:
            if result is None:
                await self.process(incoming)
            else:
                self._observe(incoming, result, started)

    async def _batch_transaction(
        self,
        incomings: Sequence[Incoming],
        medias: Sequence[Media],
        admissions: dict[int, Admission],
        *,
        savepoints: bool,
    ) -> tuple[list[tuple[Incoming, StepResult | None]], list[OutboxMessage], bool]:
        """The batch's steps in one transaction: their outcomes (None for a step left to run alone
        after the batch), the answers to hand to the sender, and whether the sender has anything
        else to claim. Without `savepoints`, a failing step raises `_StepFailed` (all rolled back)."""
        outcomes: list[tuple[Incoming, StepResult | None]] = []
        async with self.sessions() as session, session.begin():
            ready = incomings
            if self.in_order:  # the batch's chats locked first; a chat behind another process waits
                ready = await self._ready_in_order(session, incomings)
            claimed = await self._claim_all(session, ready)
            known = await self._prefetch(session, ready)
            runnable = {id(incoming) for incoming in ready}
            if not savepoints:  # the steps' answers in one INSERT (none would survive a failed step)
                defer_writes(session)
            for incoming, media in zip(incomings, medias):
                with about(incoming):
                    result = None  # not now: runs alone after the batch
                    if id(incoming) in runnable:
                        result = await self._batch_step(
                            session, incoming, media, claimed, known, admissions, savepoint=savepoints
                        )
                    outcomes.append((incoming, result))
            await write_deferred(session)
        return outcomes, session.info.pop(HANDOFF, []), self._leaves_work(session, incomings)

    async def _batch_step(
        self,
        session: AsyncSession,
        incoming: Incoming,
        media: Media,
        claimed: set[tuple[str, str]],
        known: Prefetched,
        admissions: dict[int, Admission],
        *,
        savepoint: bool,
    ) -> StepResult:
        """One step of a batch. `claimed`: the batch's updates claimed together (`_claim_all`),
        `known`: its senders and chat states (`_prefetch`). With `savepoint`, the step runs in its
        own: a failure rolls back this step alone and is answered; without, it aborts the batch."""
        key = (incoming.channel, incoming.update_key)
        if key not in claimed:
            return StepResult.DUPLICATE
        claimed.discard(key)  # the same update twice in a batch runs once
        try:
            async with session.begin_nested() if savepoint else contextlib.nullcontext():
                result = await self._run_step(session, incoming, media, known, admissions)
        except Exception as exc:
            if not savepoint:
                raise _StepFailed from exc
            log.exception("step failed for %s/%s", incoming.channel, incoming.update_key)
            session.info.pop(STEP_HANDOFF, None)  # rolled back: nothing to send
            known.forget()
            async with session.begin_nested():
                await self._write_failure(session, incoming, exc)
            return StepResult.FAILED
        session.info.setdefault(HANDOFF, []).extend(session.info.pop(STEP_HANDOFF, []))
        return result

    async def _process_next(self, incoming: Incoming, media: Media, started: float) -> bool:
        """Apply `incoming`, or the chat's older update that must go first. True once `incoming`
        itself is settled (applied now, or found applied)."""
        target = incoming
        try:
            async with self.sessions() as session, session.begin():
                if self.in_order:
                    await lock_chats(session, [(incoming.channel, incoming.chat_id)])
                    target = await self._next_in_chat(session, incoming)
                    if target is None:
                        self._observe(incoming, StepResult.DUPLICATE, started)
                        return True
                    if target.update_key != incoming.update_key:
                        media = await self._fetch_media(target)  # rare: another process stored it
                if not await self._claim(session, target):
                    self._observe(incoming, StepResult.DUPLICATE, started)
                    return True
                result = await self._run_step(session, target, media)
            handed = session.info.pop(STEP_HANDOFF, [])
            wake = self._leaves_work(session, [target])
        except Exception as exc:  # one broken step must not lose the update nor stop the chat
            log.exception("step failed for %s/%s", target.channel, target.update_key)
            await self._record_failure(target, exc)
            result = StepResult.FAILED
            handed, wake = [], True
        self._committed(handed, wake)
        self._observe(target, result, started)
        return target.update_key == incoming.update_key

    async def _next_in_chat(self, session: AsyncSession, incoming: Incoming) -> Incoming | None:
        """The chat's oldest unprocessed update up to `incoming`; None when `incoming` is done."""
        mine = (
            select(InboxUpdate.id)
            .where(InboxUpdate.channel == incoming.channel, InboxUpdate.update_key == incoming.update_key)
            .scalar_subquery()
        )
        payload = await session.scalar(
            select(InboxUpdate.payload)
            .where(
                InboxUpdate.channel == incoming.channel,
                InboxUpdate.chat_id == incoming.chat_id,
                InboxUpdate.processed_at.is_(None),
                InboxUpdate.id <= mine,
            )
            .order_by(InboxUpdate.id)
            .limit(1)
        )
        return Incoming.from_json(payload) if payload is not None else None

    def _observe(self, incoming: Incoming, result: StepResult, started: float) -> None:
        seconds = time.perf_counter() - started
        for observer in self.observers:
            observer(incoming, result, seconds)

    async def _claim(self, session: AsyncSession, incoming: Incoming) -> bool:
        result = await session.execute(
            update(InboxUpdate)
            .where(
                InboxUpdate.channel == incoming.channel,
                InboxUpdate.update_key == incoming.update_key,
                InboxUpdate.processed_at.is_(None),
            )
            .values(processed_at=self.clock()),
            execution_options=NO_SYNC,
        )
        return result.rowcount == 1

    async def _prefetch(self, session: AsyncSession, incomings: Sequence[Incoming]) -> Prefetched:
        """Load a batch's senders (identity, user and the user's identities) and its chats'
        conversation states in two queries, instead of two per step, and (for `direct`) which
        of its chats have older messages waiting."""
        postgresql = on_postgresql(session)
        senders = {(i.channel, i.sender_id) for i in incomings}
        identities = (
            await session.scalars(_senders_query(postgresql), pairs_params(session, "senders", senders))
        ).unique().all()
        chats = list({(i.channel, i.chat_id) for i in incomings})
        states = await session.scalars(_states_query(postgresql), pairs_params(session, "chats", chats))
        return Prefetched(
            {(identity.channel, identity.external_id): identity for identity in identities},
            {(state.channel, state.chat_id): state for state in states},
            await chats_with_backlog(session, chats, self.direct.name) if self.direct else set(),
        )

    async def _ready_in_order(self, session: AsyncSession, incomings: Sequence[Incoming]) -> list[Incoming]:
        """Several processes (`in_order`): take the locks of all the batch's chats (in one sorted
        order, so two processes never wait for each other), then keep the updates that are next in
        their chat. An update behind an older one of its chat that is not in this batch (another
        process stored it) is left out with the chat's later ones: it runs alone after the batch,
        older update first (`process`). The locks are held until the batch commits."""
        chats = sorted({(i.channel, i.chat_id) for i in incomings})
        await lock_chats(session, chats)
        waiting = await session.execute(_waiting_query(on_postgresql(session)), pairs_params(session, "chats", chats))
        queue: dict[tuple[str, str], deque[str]] = {}  # each chat's unprocessed updates, oldest first
        for channel, chat_id, update_key in waiting:
            queue.setdefault((channel, chat_id), deque()).append(update_key)
        ready: list[Incoming] = []
        blocked: set[tuple[str, str]] = set()
        for incoming in incomings:
            chat = (incoming.channel, incoming.chat_id)
            if chat in blocked:
                continue
            keys = queue.get(chat)
            if keys and incoming.update_key in keys:
                if keys[0] != incoming.update_key:  # an older update of the chat is not in this batch
                    blocked.add(chat)
                    continue
                keys.popleft()
            ready.append(incoming)  # (one done already, or twice in the batch, is a duplicate at its claim)
        return ready

    async def _claim_all(self, session: AsyncSession, incomings: Sequence[Incoming]) -> set[tuple[str, str]]:
        """Mark a batch's updates processed in one statement; returns the (channel, key) of those
        this transaction claimed (not processed before). A step that fails keeps its claim: its
        failure is written over it (`_write_failure`), as when it runs alone."""
        keys = {(i.channel, i.update_key) for i in incomings}
        rows = await session.execute(
            _claim_query(on_postgresql(session)),
            {**pairs_params(session, "keys", keys), "now": self.clock()},
            execution_options=NO_SYNC,
        )
        return {(channel, key) for channel, key in rows}

    async def _prepare_media(self, medias: Sequence[Media]) -> None:
        """Run the media preparers on every fetched file at once; a failure only means the step
        does the work itself."""
        work = [prepare(media.data) for media in medias if media.data for prepare in self.media_preparers]
        if not work:  # most updates carry no file
            return
        for outcome in await asyncio.gather(*work, return_exceptions=True):
            if isinstance(outcome, Exception):
                log.warning("preparing an incoming file failed: %r", outcome)

    async def _fetch_media(self, incoming: Incoming) -> Media:
        ref = incoming.photo
        if ref is None:
            return Media()
        if ref.size is not None and ref.size > MAX_MEDIA_BYTES:
            return Media(error="too_large")
        fetcher = self.media_fetchers.get(incoming.channel)
        if fetcher is None:
            return Media(error="download_failed")
        try:
            return Media(data=await fetcher(ref, MAX_MEDIA_BYTES))
        except MediaUnavailable as exc:
            return Media(error=exc.reason)
        except Exception:
            log.exception("could not fetch %s from %s", ref.file_id, incoming.channel)
            return Media(error="download_failed")

    async def _run_step(
        self,
        session: AsyncSession,
        incoming: Incoming,
        media: Media,
        known: Prefetched | None = None,
        admissions: dict[int, Admission] | None = None,
    ) -> StepResult:
        now = self.clock()
        user, identity = await self._user_for(session, incoming, now, known)
        admissions = {} if admissions is None else admissions  # a batch's: each update counted once
        if id(incoming) not in admissions:
            admissions[id(incoming)] = self.admit(incoming, now) if self.admit else Admission.RUN
        admission = admissions[id(incoming)]
        if admission is not Admission.RUN:
            if admission is Admission.WARN:
                tr = self.translator_for(user, incoming)
                warning = Reply(
                    text=tr._(
                        "You are sending messages too fast. I will not answer for a minute; "
                        "then please go on more slowly."
                    )
                )
                await self._write_outbox(session, [(incoming.channel, incoming.chat_id, warning)], now, incoming)
            return StepResult.LIMITED
        if not incoming.is_group and incoming.channel not in self.never_holding:
            await _release_held(session, incoming, now)
        state_row = known.states.get((incoming.channel, incoming.chat_id)) if known else None
        if state_row is None or not inspect(state_row).persistent:
            state_row = await session.get(
                ConversationState, (incoming.channel, incoming.chat_id), with_for_update=True
            )
        if state_row is None:
            state_row = ConversationState(channel=incoming.channel, chat_id=incoming.chat_id, state={})
            session.add(state_row)
        ctx = Ctx(
            session=session,
            incoming=_bounded(incoming),
            user=user,
            identity=identity,
            state=dict(state_row.state or {}),
            tr=self.translator_for(user, incoming),
            translators=self.translators,
            router=self.router,
            now=now,
            is_admin=self.is_admin(incoming.channel, incoming.sender_id),
            fallback_language=self.fallback_language,
            media=media,
        )
        await self._dispatch(ctx)
        if incoming.location is not None and not incoming.is_group and user.consent_at is not None:
            # People near a site detected from space are asked to verify it (jobs/sites.py).
            loc = incoming.location
            await remember_location(session, user.id, loc.latitude, loc.longitude, now)
        if ctx.drop_state:
            await _drop_state(session, state_row)
        elif ctx.state != state_row.state or state_row in session.new:  # no UPDATE when nothing moved
            state_row.state = ctx.state
            state_row.updated_at = now
        handed = await self._write_outbox(session, ctx.outbox, now, incoming, direct=True, known=known)
        session.info[STEP_HANDOFF] = handed
        return StepResult.OK

    def translator_for(self, user: User, incoming: Incoming) -> Translator:
        language = user.language or guess_language(incoming.language_hint) or self.fallback_language
        return self.translators[language]

    async def _user_for(
        self,
        session: AsyncSession,
        incoming: Incoming,
        now: datetime,
        known: Prefetched | None = None,
    ) -> tuple[User, Identity]:
        """The sender's identity and user, with the user's identities: prefetched for the batch,
        else in one query (also when an earlier step of the batch deleted or created it)."""
        identity = known.identities.get((incoming.channel, incoming.sender_id)) if known else None
        if identity is not None and inspect(identity).persistent:
            return self._seen(incoming, identity.user, identity, now)
        identity = (
            await session.scalars(
                _identities_with_users(Identity.channel == incoming.channel, Identity.external_id == incoming.sender_id)
            )
        ).unique().first()
        if identity is None:
            user = User(display_name=_clip(incoming.display_name, 128), created_at=now)
            identity = Identity(
                user=user,
                channel=incoming.channel,
                external_id=incoming.sender_id,
                chat_id=incoming.chat_id,
                last_inbound_at=None if incoming.is_group else now,
                created_at=now,
            )
            session.add_all([user, identity])
            await session.flush()
        else:
            user = identity.user
        return self._seen(incoming, user, identity, now)

    @staticmethod
    def _seen(incoming: Incoming, user: User, identity: Identity, now: datetime) -> tuple[User, Identity]:
        """Where and when the person last wrote (a private chat only; a group's id is not theirs)."""
        if not incoming.is_group:
            if identity.chat_id != incoming.chat_id:
                identity.chat_id = incoming.chat_id
            last = identity.last_inbound_at
            if last is None or not timedelta(0) <= now - last < LAST_SEEN_RESOLUTION:
                identity.last_inbound_at = now
        return user, identity

    async def _dispatch(self, ctx: Ctx) -> None:
        incoming = ctx.incoming
        consented = ctx.user.consent_at is not None
        if incoming.kind is Kind.COMMAND:
            command = self.router.commands.get(incoming.command or "")
            if command is None:
                ctx.reply(ctx._("I do not know this command. Send /help to see what I can do."))
                return
            use = command.use_for(incoming.args)
            if not consented and not use.without_consent:
                await self._ask_consent(ctx)
                return
            await use.handler(ctx)
            return

        pressed = incoming.choice if incoming.kind is Kind.CHOICE else None
        if incoming.kind is Kind.TEXT:
            pressed = await self._typed_card_choice(ctx)
        if incoming.kind is Kind.POLL_ANSWER:
            pressed = await self._poll_choice(ctx)
            if pressed is None:
                ctx.reply(ctx._("This quiz question is not open for you. Please answer the latest question I sent you."))
                return
        action = self.router.action_for(pressed or "")
        if action is not None:
            if not consented and not action.without_consent:
                await self._ask_consent(ctx)
                return
            ctx.choice = pressed
            ctx.button = action.kind.parse(pressed)  # type: ignore[attr-defined]
            if ctx.button is None:  # forged or malformed: the handler never sees it
                log.warning("malformed button %r from %s/%s", pressed, incoming.channel, incoming.sender_id)
                ctx.reply(ctx._("This button is no longer valid. Please use the buttons of the latest message."))
                if not incoming.is_group:  # a moderators' group gets no private menu
                    await self.router.commands["menu"].use_for("").handler(ctx)
                return
            await action.handler(ctx)
            return

        choice_problem = self._resolve_choice(ctx)
        step = ctx.step
        if not consented and step not in self.router.steps_without_consent:
            await self._ask_consent(ctx)
            return
        if ctx.choice == MENU:
            await self.router.commands["menu"].use_for("").handler(ctx)
            return
        if choice_problem:
            ctx.reprompt(ctx._("This button is no longer valid. Please use the buttons of the latest message."))
            if not ctx.step:
                await self.router.commands["menu"].use_for("").handler(ctx)
            return
        handler = self.router.steps.get(step or "")
        if handler is None:
            await self.router.commands["menu"].use_for("").handler(ctx)
            return
        await handler(ctx)

    def _resolve_choice(self, ctx: Ctx) -> bool:
        """Sets `ctx.choice` from a pressed button, a number or an option's text. Returns True
        when a pressed button is not one of the choices now offered (stale or forged)."""
        incoming = ctx.incoming
        offered = ctx.offered()
        if incoming.kind is Kind.CHOICE:
            choice = incoming.choice or ""
            if choice == MENU:
                ctx.choice = MENU
                return False
            stale = incoming.choice_seq is not None and incoming.choice_seq != ctx.state.get("seq")
            if stale or choice not in offered:
                return True
            ctx.choice = choice
            return False
        if incoming.kind is Kind.TEXT and offered:
            by_number = not ctx.state.get("number_answer")
            ctx.choice = typed_choice(ctx.text, ctx.state.get("choices", []), by_number=by_number)
        return False

    async def _typed_card_choice(self, ctx: Ctx) -> str | None:
        """On channels without buttons (WhatsApp, console) a number answers the latest message
        with choices. When that message is a card the bot posted outside the conversation (a
        report card for moderators, a status update with "dispute"), map the number to it."""
        recent = await ctx.session.scalars(
            select(OutboxMessage.payload)
            .where(
                OutboxMessage.channel == ctx.incoming.channel,
                OutboxMessage.chat_id == ctx.incoming.chat_id,
            )
            .order_by(OutboxMessage.id.desc())
            .limit(10)
        )
        for payload in recent:
            if payload.get("choices"):
                if payload.get("choice_seq") is not None:
                    return None  # the latest question is the conversation's own prompt
                return typed_choice(ctx.text, payload["choices"])
        return None

    async def _poll_choice(self, ctx: Ctx) -> str | None:
        """A native poll answer is a press of the button that stands for the chosen option (see
        `QuizPoll.option_ids`), found through the poll the outbox sent to this chat. None for a poll
        never sent to this chat (someone else's, forwarded or forged) or an option it does not have."""
        incoming = ctx.incoming
        if not incoming.poll_id or incoming.poll_option is None:
            return None
        payload = await sent_payload(ctx.session, incoming.channel, incoming.chat_id, incoming.poll_id)
        option_ids = ((payload or {}).get("quiz") or {}).get("option_ids") or []
        return option_ids[incoming.poll_option] if 0 <= incoming.poll_option < len(option_ids) else None

    async def _ask_consent(self, ctx: Ctx) -> None:
        await self.router.commands["start"].use_for("").handler(ctx)

    async def _write_outbox(
        self,
        session: AsyncSession,
        outbox: list[tuple[str, str, Reply]],
        now: datetime,
        incoming: Incoming,
        *,
        direct: bool = False,
        known: Prefetched | None = None,
    ) -> list[OutboxMessage]:
        """Replies to the chat that wrote go ahead of the notices a step sends to others. With
        `direct`, the replies are claimed for this process's sender (see `DirectSender`); the
        claimed rows are returned, to hand over once committed."""
        messages = []
        for channel, chat_id, reply in outbox:
            own = channel == incoming.channel and chat_id == incoming.chat_id
            priority = OutboxPriority.REPLY if own else OutboxPriority.BOT_INITIATED
            messages.append((channel, chat_id, reply.to_json(), priority))
        own_chat = (incoming.channel, incoming.chat_id)
        sender = self.direct
        if (
            not direct
            or sender is None
            or incoming.channel not in self.never_holding
            or own_chat in queued_chats(session)  # something queued earlier for this chat goes first
            or not any((channel, chat_id) == own_chat for channel, chat_id, _, _ in messages)
        ):
            return await queue_after_step(session, messages, now)
        backlog = known.backlog if known is not None else await chats_with_backlog(session, [own_chat], sender.name)
        if own_chat in backlog:
            return await queue_after_step(session, messages, now)

        def claim(channel: str, chat_id: str) -> tuple[str, datetime] | None:
            return sender.claim_for(channel, chat_id) if (channel, chat_id) == own_chat else None

        return await queue_after_step(session, messages, now, claim)

    async def _record_failure(self, incoming: Incoming, exc: Exception) -> None:
        """Mark the update as handled with its error and tell the user, in a fresh transaction."""
        async with self.sessions() as session, session.begin():
            await self._write_failure(session, incoming, exc)

    async def _write_failure(self, session: AsyncSession, incoming: Incoming, exc: Exception) -> None:
        await session.execute(
            update(InboxUpdate)
            .where(
                InboxUpdate.channel == incoming.channel,
                InboxUpdate.update_key == incoming.update_key,
            )
            .values(processed_at=self.clock(), error=f"{type(exc).__name__}: {exc}"[:2000]),
            execution_options=NO_SYNC,
        )
        identity = await session.scalar(
            select(Identity).where(
                Identity.channel == incoming.channel, Identity.external_id == incoming.sender_id
            )
        )
        user = await session.get(User, identity.user_id) if identity else None
        tr = self.translators[
            (user.language if user else None)
            or guess_language(incoming.language_hint)
            or self.fallback_language
        ]
        reply = Reply(
            text=tr._("Sorry, something went wrong on our side. Please try again."),
            choices=(Choice(MENU, tr._("⬅️ Menu")),),
        )
        await self._write_outbox(session, [(incoming.channel, incoming.chat_id, reply)], self.clock(), incoming)

    def _leaves_work(self, session: AsyncSession, incomings: Sequence[Incoming]) -> bool:
        """Whether a committed transaction left the sender rows to claim: a message queued without
        the straight hand-over, or held messages released (a channel that holds them)."""
        return bool(queued_chats(session)) or any(i.channel not in self.never_holding for i in incomings)

    def _committed(self, handed: list[OutboxMessage], wake: bool) -> None:
        """After a commit: the claimed answers to the sender; its claim round only when there is
        something to claim (a round that finds nothing still costs a query)."""
        if self.direct is not None:
            if handed:
                self.direct.take(handed)
            if wake:
                self.direct.wake()
        for callback in self.after_commit:
            callback()


# A batch's statements, built once per database kind (see `storage.db.in_pairs`).
@functools.cache
def _senders_query(postgresql: bool) -> Select[tuple[Identity]]:
    return _identities_with_users(in_pairs(Identity.channel, Identity.external_id, "senders", postgresql=postgresql))


@functools.cache
def _states_query(postgresql: bool) -> Select[tuple[ConversationState]]:
    return select(ConversationState).where(
        in_pairs(ConversationState.channel, ConversationState.chat_id, "chats", postgresql=postgresql)
    )


@functools.cache
def _waiting_query(postgresql: bool) -> Select[tuple[str, str, str]]:
    """The unprocessed updates of these chats, oldest first."""
    return (
        select(InboxUpdate.channel, InboxUpdate.chat_id, InboxUpdate.update_key)
        .where(in_pairs(InboxUpdate.channel, InboxUpdate.chat_id, "chats", postgresql=postgresql), InboxUpdate.processed_at.is_(None))
        .order_by(InboxUpdate.id)
    )


@functools.cache
def _claim_query(postgresql: bool) -> Any:
    """Mark these updates processed (now) unless they were; returns those it marked."""
    return (
        update(InboxUpdate)
        .where(in_pairs(InboxUpdate.channel, InboxUpdate.update_key, "keys", postgresql=postgresql), InboxUpdate.processed_at.is_(None))
        .values(processed_at=bindparam("now", type_=InboxUpdate.processed_at.type))
        .returning(InboxUpdate.channel, InboxUpdate.update_key)
    )


def _identities_with_users(*conditions: Any) -> Select[tuple[Identity]]:
    """Identities with their user and the user's identities, in one query (a step needs all three)."""
    return (
        select(Identity)
        .join(Identity.user)
        .where(*conditions)
        .options(contains_eager(Identity.user).joinedload(User.identities))
    )


async def _release_held(session: AsyncSession, incoming: Incoming, now: datetime) -> None:
    """The person wrote: messages a channel held until then (WhatsApp's 24-hour window) are due
    again, in this step's transaction, so they go out before the step's own replies."""
    await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.channel == incoming.channel,
            OutboxMessage.chat_id == incoming.chat_id,
            OutboxMessage.status == OutboxStatus.WAITING,
        )
        .values(status=OutboxStatus.PENDING, next_attempt_at=now),
        execution_options=NO_SYNC,
    )


async def _drop_state(session: AsyncSession, state_row: ConversationState) -> None:
    if state_row in session.new:
        session.expunge(state_row)
    else:
        await session.delete(state_row)


def typed_choice(text: str, choices: list[list[str]], *, by_number: bool = True) -> str | None:
    """The choice a typed answer means: its number in the list, or its label's words."""
    if by_number and text.isdigit() and 1 <= int(text) <= len(choices):
        return choices[int(text) - 1][0]
    wanted = normalise_label(text)
    for choice_id, label in choices:
        if wanted and wanted == normalise_label(label):
            return choice_id
    return None


def _clip(text: str | None, limit: int) -> str | None:
    return text[:limit] if text else text


def _bounded(incoming: Incoming) -> Incoming:
    """Very long text is cut before a step sees it; a step that cares states its own limit."""
    if incoming.text and len(incoming.text) > MAX_TEXT:
        data: dict[str, Any] = incoming.to_json()
        data["text"] = incoming.text[:MAX_TEXT]
        return Incoming.from_json(data)
    return incoming
