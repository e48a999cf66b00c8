"""Where flows register what they answer to: commands, menu entries and conversation steps.

Each flow module has `register(router)`; `handlers.build_router()` calls them all. Adding a flow is
adding a module and its line in `handlers.FLOW_MODULES`: no channel code changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from handlers.context import Ctx, DataEraser, DataExporter, Handler, MenuEntry, ProfileLines


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    handler: Handler
    # /start, /help and /language work before consent; a function decides per use (`/report CODE`
    # is moderators' work, `/report` alone a citizen's report, which needs consent).
    without_consent: bool | Callable[[Ctx], bool] = False

    def allowed_without_consent(self, ctx: Ctx) -> bool:
        rule = self.without_consent
        return rule(ctx) if callable(rule) else rule


@dataclass(frozen=True, slots=True)
class Action:
    """Buttons that stay valid outside any conversation step: a report card in a moderator chat,
    a status update's "dispute" button. Their choice id is "PREFIX:..."; the handler must check
    everything the id claims (it is written by the client and can be forged or stale)."""

    prefix: str
    handler: Handler
    without_consent: bool = False


@dataclass
class Router:
    commands: dict[str, Command] = field(default_factory=dict)
    menu: list[MenuEntry] = field(default_factory=list)
    steps: dict[str, Handler] = field(default_factory=dict)
    actions: dict[str, Action] = field(default_factory=dict)
    exporters: dict[str, DataExporter] = field(default_factory=dict)
    erasers: list[DataEraser] = field(default_factory=list)
    profile_lines: list[ProfileLines] = field(default_factory=list)
    # Steps that may run before consent is given (choosing the language, the consent question).
    steps_without_consent: set[str] = field(default_factory=set)
    # What a photo sent at the main menu does (a citizen who sends a picture of a dump straight
    # away wants to report it).
    menu_photo: Handler | None = None
    # Services the composition root hands to flows (geography, photo store, ...), by name.
    services: dict[str, Any] = field(default_factory=dict)

    def command(
        self, name: str, *, without_consent: bool | Callable[[Ctx], bool] = False
    ) -> Callable[[Handler], Handler]:
        def decorate(handler: Handler) -> Handler:
            self.commands[name] = Command(name, handler, without_consent)
            return handler

        return decorate

    def menu_entry(self, entry_id: str, label: str, order: int) -> Callable[[Handler], Handler]:
        def decorate(handler: Handler) -> Handler:
            self.menu.append(MenuEntry(entry_id, label, order, handler))
            self.menu.sort(key=lambda e: e.order)
            return handler

        return decorate

    def step(self, name: str, *, without_consent: bool = False) -> Callable[[Handler], Handler]:
        """A step named 'flow.step' receives the user's input while the conversation is there."""

        def decorate(handler: Handler) -> Handler:
            if name in self.steps:
                raise ValueError(f"step {name} registered twice")
            self.steps[name] = handler
            if without_consent:
                self.steps_without_consent.add(name)
            return handler

        return decorate

    def action(self, prefix: str, *, without_consent: bool = False) -> Callable[[Handler], Handler]:
        """Handle pressed buttons whose id starts with "PREFIX:", whatever step the chat is at."""

        def decorate(handler: Handler) -> Handler:
            if prefix in self.actions:
                raise ValueError(f"action {prefix} registered twice")
            self.actions[prefix] = Action(prefix, handler, without_consent)
            return handler

        return decorate

    def action_for(self, choice_id: str) -> Action | None:
        prefix, sep, _rest = choice_id.partition(":")
        return self.actions.get(prefix) if sep else None

    def personal_data(self, key: str, exporter: DataExporter, eraser: DataEraser | None = None) -> None:
        self.exporters[key] = exporter
        if eraser:
            self.erasers.append(eraser)

    def menu_entry_by_id(self, entry_id: str) -> MenuEntry | None:
        return next((e for e in self.menu if e.id == entry_id), None)
