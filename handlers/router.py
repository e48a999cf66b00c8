"""Where flows register what they answer to: commands, menu entries and conversation steps.

Each flow module has `register(router)`; `handlers.build_router()` calls them all. Adding a flow is
adding a module and its line in `handlers.FLOW_MODULES`: no channel code changes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from handlers.buttons import SEPARATOR, prefix_of
from handlers.context import DataEraser, DataExporter, DeepLinkHandler, Handler, MenuEntry, ProfileLines
from handlers.deep_links import check_prefix, parse_payload


@dataclass(frozen=True, slots=True)
class CommandUse:
    """One use of a command: `/report` alone, or `/report CODE` (with an argument)."""

    handler: Handler
    # /start, /help and /language work before consent, and so do moderators' commands.
    without_consent: bool = False


@dataclass(slots=True)
class Command:
    """A command and the rule on its argument, written here once: a command may register one use
    without an argument and one with; `/report` starts a citizen's report while `/report CODE`
    opens that report for its moderators. A command with one use gets every call, its argument
    (if any) in `ctx.incoming.args`."""

    name: str
    bare: CommandUse | None = None
    with_argument: CommandUse | None = None

    def use_for(self, args: str) -> CommandUse:
        if args.strip() and self.with_argument is not None:
            return self.with_argument
        use = self.bare or self.with_argument
        assert use is not None  # a Command exists only once one use is registered
        return use


@dataclass(frozen=True, slots=True)
class Action:
    """Buttons that stay valid outside any conversation step: a report card in a moderator chat,
    a status update's "dispute" button. `kind` is the button kind (handlers.buttons) whose prefix
    the action owns; the engine decodes a press into `ctx.button` and answers a malformed one
    itself. The handler must still check everything the typed value claims (it was written by the
    client and can be forged or stale)."""

    kind: type
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
    # /mydata in words: what each feature keeps about the person, line by line (their reports...).
    data_lines: list[ProfileLines] = field(default_factory=list)
    # Steps that may run before consent is given (choosing the language, the consent question).
    steps_without_consent: set[str] = field(default_factory=set)
    # What a photo sent at the main menu does (a citizen who sends a picture of a dump straight
    # away wants to report it).
    menu_photo: Handler | None = None
    # Services the composition root hands to flows (geography, photo store, ...), by name.
    services: dict[str, Any] = field(default_factory=dict)
    # Deep-link prefix -> what it opens.
    deep_links: dict[str, DeepLinkHandler] = field(default_factory=dict)

    def command(
        self, name: str, *, argument: bool = False, without_consent: bool = False
    ) -> Callable[[Handler], Handler]:
        """Register `/name` (or, with `argument=True`, `/name ARGUMENT`); each once."""

        def decorate(handler: Handler) -> Handler:
            command = self.commands.setdefault(name, Command(name))
            slot = "with_argument" if argument else "bare"
            if getattr(command, slot) is not None:
                raise ValueError(f"command /{name}{' ARGUMENT' if argument else ''} registered twice")
            setattr(command, slot, CommandUse(handler, without_consent))
            return handler

        return decorate

    def menu_entry(
        self, entry_id: str, label: str, order: int, *, visible: Callable[[Any], Awaitable[bool]] | None = None
    ) -> Callable[[Handler], Handler]:
        """A main-menu entry; with `visible`, shown (and opened) only for whom it says yes."""

        def decorate(handler: Handler) -> Handler:
            if self.menu_entry_by_id(entry_id) is not None:
                raise ValueError(f"menu entry {entry_id} registered twice")
            self.menu.append(MenuEntry(entry_id, label, order, handler, visible))
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

    def action(self, kind: type, *, without_consent: bool = False) -> Callable[[Handler], Handler]:
        """Handle pressed buttons of `kind` (a handlers.buttons kind), whatever step the chat is at."""
        prefix = getattr(kind, "prefix", None)
        if prefix is None:
            raise TypeError(f"{kind!r} is not a button kind (declare it with @button)")

        def decorate(handler: Handler) -> Handler:
            if prefix in self.actions:
                raise ValueError(f"action {prefix} registered twice")
            self.actions[prefix] = Action(kind, handler, without_consent)
            return handler

        return decorate

    def action_for(self, choice_id: str) -> Action | None:
        return self.actions.get(prefix_of(choice_id)) if SEPARATOR in choice_id else None

    def personal_data(self, key: str, exporter: DataExporter, eraser: DataEraser | None = None) -> None:
        self.exporters[key] = exporter
        if eraser:
            self.erasers.append(eraser)

    def menu_entry_by_id(self, entry_id: str) -> MenuEntry | None:
        return next((e for e in self.menu if e.id == entry_id), None)

    def deep_link(self, prefix: str) -> Callable[[DeepLinkHandler], DeepLinkHandler]:
        """Open `/start PREFIX-ARGUMENT` links with the handler, after language and consent."""
        check_prefix(prefix)

        def decorate(handler: DeepLinkHandler) -> DeepLinkHandler:
            if prefix in self.deep_links:
                raise ValueError(f"deep-link prefix {prefix} registered twice")
            self.deep_links[prefix] = handler
            return handler

        return decorate

    def deep_link_for(self, payload: str) -> tuple[DeepLinkHandler, str] | None:
        """The handler and argument a payload opens; None when it is malformed or its prefix unknown."""
        parts = parse_payload(payload)
        if parts is None:
            return None
        prefix, argument = parts
        handler = self.deep_links.get(prefix)
        return (handler, argument) if handler else None
