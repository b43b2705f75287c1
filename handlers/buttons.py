"""How a button press reaches its step: one registry of callback prefixes, each declared
once by the flow that owns it, and one parse of the data into typed parts; data that do
not parse get the stale-button answer, and in a group only the group's own buttons act."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from itertools import zip_longest

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop, BaseHandler, CallbackQueryHandler

from bot.context import Ctx
from bot.reply import Reply
from handlers.guards import stale
from handlers.step import respond

# Callback data are `prefix:part:…:action`, at most 64 bytes (Telegram's limit). Each prefix is
# declared once, in the flow that owns it, as one or more `Route`s: the parts after the prefix
# (each a pattern and a type) and the step that gets them. A press is dispatched by its exact
# prefix, then by its last part (the action) where the prefix's routes tell actions apart, so a
# route's precedence never depends on the order handlers were added.


@dataclass(frozen=True)
class Part:
    """One part of callback data after the prefix: what it may look like, and its type."""

    pattern: str
    kind: Callable[[str], object] = str
    optional: bool = False
    rest: bool = False  # the last part, taking the remainder, colons and all (a time)


ID = Part(r"\d{1,12}", int)
GROUP_ID = Part(r"-\d{1,16}", int)  # a group chat's id


def word(longest: int, also: str = "") -> Part:
    """Letters, digits and _ (and the characters in `also`), 1 to `longest` of them."""
    return Part(rf"[\w{re.escape(also)}]{{1,{longest}}}")


def one_of(*words: str) -> Part:
    return Part("|".join(re.escape(w) for w in words))


def maybe(part: Part) -> Part:
    """A trailing part that may be left out (its value is then None)."""
    return Part(part.pattern, part.kind, optional=True)


def remainder(pattern: str) -> Part:
    """The last part, colons and all: `08:00` is one value."""
    return Part(pattern, rest=True)


def anything(part: Part, otherwise: object) -> Part:
    """The rest of the data, whatever it is: `part`'s value where it reads as `part`, else
    `otherwise`. For buttons whose malformed press has its own answer, not the stale one
    (leave:<junk> says "Nothing changed.", proj:<junk> is someone else's project)."""

    def read(raw: str) -> object:
        return part.kind(raw) if re.fullmatch(part.pattern, raw) else otherwise

    return Part(r".*", read, rest=True)


@dataclass(frozen=True)
class Route:
    """A button of a flow: `prefix:parts` runs `step(session, actor, *typed parts)`, or
    `press(update, context, typed parts)` where the flow must ask Telegram something
    around its step (is the sender a group admin?).
    `actions` names the last part's words this route alone answers, when routes share a
    prefix (dl:<id>:more opens a dialog, dl:<id>:done and :snooze do not); `opens_dialog`
    puts it among the dialog's entry points, so its step may return a dialog state."""

    prefix: str
    parts: tuple[Part, ...]
    step: Callable[..., Reply] | None
    actions: frozenset[str] | None = None
    opens_dialog: bool = False
    press: Callable[..., Awaitable[object]] | None = None
    in_groups: bool = False

    def read(self, given: list[str]) -> tuple[object, ...] | None:
        """The typed parts of `given` (the data after the prefix, split at colons), or None when malformed."""
        if self.parts and self.parts[-1].rest and len(given) >= len(self.parts):
            given = [*given[: len(self.parts) - 1], ":".join(given[len(self.parts) - 1 :])]
        required = [p for p in self.parts if not p.optional]
        if not len(required) <= len(given) <= len(self.parts):
            return None
        values: list[object] = []
        for part, raw in zip_longest(self.parts, given):
            if raw is None:
                values.append(None)
            elif re.fullmatch(part.pattern, raw) is None:
                return None
            else:
                values.append(part.kind(raw))
        return tuple(values)


def route(
    prefix: str,
    parts: tuple[Part, ...],
    step: Callable[..., Reply] | None = None,
    *,
    actions: tuple[str, ...] | None = None,
    opens_dialog: bool = False,
    press: Callable[..., Awaitable[object]] | None = None,
    in_groups: bool = False,
) -> Route:
    """A route; `in_groups` for the few buttons the bot puts in a group (its language, the
    project to link): in a group every other press is stale."""
    assert (step is None) != (press is None), "a route runs a step or a press"
    chosen = frozenset(actions) if actions else None
    return Route(prefix, parts, step, chosen, opens_dialog, press, in_groups)


class Registry:
    """Every routed prefix, declared once: per prefix at most one route for any action and
    routes for distinct actions; a second route that could answer the same data is an
    error when the application is assembled, not a question of registration order."""

    def __init__(self, routes: Iterable[Route] = ()) -> None:
        self._routes: dict[str, list[Route]] = {}
        for r in routes:
            self.add(r)

    def add(self, new: Route) -> None:
        for old in self._routes.get(new.prefix, []):
            if old.actions == new.actions or (
                old.actions and new.actions and old.actions & new.actions
            ):
                raise ValueError(f"callback prefix {new.prefix!r} is routed twice")
        self._routes.setdefault(new.prefix, []).append(new)

    @property
    def prefixes(self) -> list[str]:
        return sorted(self._routes)

    def candidates(self, data: str) -> list[Route]:
        """The routes that may answer `data`: by exact prefix, then the route of its action
        (the last part) before the prefix's route for any action. Empty for an unknown
        prefix or an action no route of the prefix answers."""
        prefix, _, rest = data.partition(":")
        action = rest.rsplit(":", 1)[-1]
        routes = self._routes.get(prefix, [])
        return [r for r in routes if r.actions and action in r.actions] + [
            r for r in routes if r.actions is None
        ]

    def find(self, data: str) -> Route | None:
        found = self.candidates(data)
        return found[0] if found else None

    def parse(self, data: str) -> tuple[Route, tuple[object, ...]] | None:
        """The one parse of callback data: its route and typed parts, or None (stale).
        ts:<p>:<step>:t is a tick and ts:<p>:t a part called t: where a prefix has both an
        action's route and a route for any action, data the first cannot read go to the
        second."""
        for found in self.candidates(data):
            values = found.read(data.split(":")[1:])
            if values is not None:
                return found, values
        return None

    def knows(self, data: object) -> bool:
        return isinstance(data, str) and data.partition(":")[0] in self._routes

    def acts_in_groups(self, data: str) -> bool:
        """Whether `data` has the prefix of a button the bot puts in a group."""
        prefix, colon, _ = data.partition(":")
        return bool(colon) and any(r.in_groups for r in self._routes.get(prefix, []))

    def group_guard(self) -> CallbackQueryHandler:
        """Runs before every button handler (group -1): in a group only a group's own
        buttons act, so forged data cannot show a project's members or deadlines in another
        project's group (private buttons re-check membership and role themselves)."""

        async def buttons_of_this_chat(update: Update, context: Ctx) -> None:
            query = update.callback_query
            chat = update.effective_chat
            if query is None or chat is None or chat.type == ChatType.PRIVATE:
                return
            if not self.acts_in_groups(query.data or ""):
                await respond(update, context, stale)
                raise ApplicationHandlerStop

        return CallbackQueryHandler(buttons_of_this_chat)

    def handlers(self) -> tuple[CallbackQueryHandler, CallbackQueryHandler]:
        """Two handlers for every routed button: the presses that open a dialog (the
        dialog's entry points) and all the others, a malformed press among them."""

        def opens_dialog(data: object) -> bool:
            parsed = self.parse(data) if isinstance(data, str) else None
            return parsed is not None and parsed[0].opens_dialog

        def the_rest(data: object) -> bool:
            return self.knows(data) and not opens_dialog(data)

        return Routed(self, opens_dialog), Routed(self, the_rest)


class Routed(CallbackQueryHandler[Ctx, object]):
    """A CallbackQueryHandler for the presses of a registry (the tests read its prefixes)."""

    def __init__(self, registry: Registry, accepts: Callable[[object], bool]) -> None:
        super().__init__(self._press, pattern=accepts)
        self.registry = registry

    async def _press(self, update: Update, context: Ctx) -> object:
        data = update.callback_query.data if update.callback_query else None
        parsed = self.registry.parse(data or "")
        if parsed is None:
            return await respond(update, context, stale)
        found, values = parsed
        if found.press is not None:
            return await found.press(update, context, values)
        step = found.step
        assert step is not None
        return await respond(update, context, lambda s, a: step(s, a, *values))


@dataclass(frozen=True)
class Flow:
    """What a flow puts in front of the teacher, declared once where the flow lives: its
    commands (and the messages it reads), the commands that open one of its dialogs, and
    its buttons, each saying whether it opens one."""

    commands: tuple[BaseHandler[Update, Ctx, object], ...] = ()
    opens: tuple[BaseHandler[Update, Ctx, object], ...] = ()
    buttons: tuple[Route, ...] = ()


def registry_of(flows: Iterable[Flow]) -> Registry:
    """Every flow's buttons in one registry (a prefix routed twice stops the start-up)."""
    return Registry(r for flow in flows for r in flow.buttons)
