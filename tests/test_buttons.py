"""The one way a button is routed (handlers/buttons.py): a prefix is declared once, data
are parsed once into typed parts, malformed or unknown data get the stale answer, and a
route wins by its prefix and action, never by the order handlers were added."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from telegram.ext import CommandHandler

from bot.commands import GROUP, PRIVATE
from bot.reply import Reply
from handlers.buttons import ID, Registry, maybe, one_of, route, word
from handlers.flows import FLOWS, buttons
from handlers.guards import STALE
from tests.driver import Driver
from tests.test_reminders import add_deadline, make_dispatcher
from tests.test_roles import team_of_three


def step(name: str):
    return lambda _s, _a, *parts: Reply(alert=f"{name}{parts}")


DONE = route("dl", (ID, one_of("done", "snooze")), step("done"), actions=("done", "snooze"))
MORE = route("dl", (ID, one_of("more")), step("more"), actions=("more",), opens_dialog=True)


def test_a_prefix_routed_twice_is_refused_at_start_up():
    anything = route("dl", (ID, word(8)), step("any"))
    with pytest.raises(ValueError, match="'dl' is routed twice"):
        Registry([anything, route("dl", (ID,), step("other"))])
    Registry([DONE, MORE, anything])  # distinct actions, and one route for the rest
    with pytest.raises(ValueError, match="'dl' is routed twice"):
        Registry([DONE, route("dl", (ID, word(8)), step("other"), actions=("snooze",))])
    buttons()  # the bot's own flows: every prefix once


def test_data_are_parsed_once_into_typed_parts():
    registry = Registry([DONE, route("rk", (ID, maybe(word(16))), step("rk"))])
    assert registry.parse("dl:12:done") == (DONE, (12, "done"))
    found = registry.parse("rk:7")
    assert found is not None and found[1] == (7, None)
    assert registry.parse("rk:7:list") is not None
    for malformed in ("dl:x", "dl:12:gone", "dl:12:done:1", "dl:1234567890123:done", "rk:a", ""):
        assert registry.parse(malformed) is None, malformed
    assert registry.parse("zz:1:done") is None and not registry.knows("zz:1:done")
    assert registry.knows("dl:x")  # the registry's own stale answer, not the catch-all's


@pytest.mark.parametrize("order", [[DONE, MORE], [MORE, DONE]])
def test_the_action_decides_not_the_order(order):
    registry = Registry(order)
    assert registry.find("dl:5:more") is MORE
    assert registry.find("dl:5:done") is DONE and registry.find("dl:5:snooze") is DONE
    opening, rest = registry.handlers()
    assert opening.check_update  # PTB handlers with the registry's own tests as patterns
    assert opening.pattern("dl:5:more") and not rest.pattern("dl:5:more")  # type: ignore[operator]
    assert rest.pattern("dl:5:done") and not opening.pattern("dl:5:done")  # type: ignore[operator]
    # malformed data of a dialog's button get the stale answer outside the dialog
    assert rest.pattern("dl:x:more") and not opening.pattern("dl:x:more")  # type: ignore[operator]


def test_every_flow_declares_its_buttons_once():
    declared = [r.prefix for flow in FLOWS for r in flow.buttons]
    assert {"dl", "dlx", "menu", "rk", "ts", "qn", "plan"} <= set(declared)
    assert buttons().prefixes == sorted(set(declared))


def test_only_the_buttons_declared_for_groups_act_in_a_group():
    registry = buttons()
    assert [p for p in registry.prefixes if registry.acts_in_groups(f"{p}:1")] == ["lang", "link"]
    assert not registry.acts_in_groups("lang") and not registry.acts_in_groups("language:en")


async def test_a_reminders_buttons_reach_their_own_steps(driver: Driver, app, db):
    """Done, Snooze and Need more time under one reminder, each to its own step, pressed the
    way Telegram sends them; malformed data of each get the one stale answer."""
    _anna, jonas, _maria = await team_of_three(driver)
    await add_deadline(db, owner=102, due_at=datetime(2026, 12, 15, 20, 0, tzinfo=UTC))
    await make_dispatcher(app, db).run_once(datetime(2026, 12, 8, 12, 0, tzinfo=UTC))
    reminder = driver.fake.messages(102)[-1]
    for data in ("dl:1:x", "dl:x:more", "dl:1:more:2", "dlx:1:2:maybe", "dl:"):
        sent = await jonas.press(reminder, data)
        assert sent.alerts == [STALE], (data, sent.alerts, sent.texts)
    sent = await jonas.press(reminder, "dl:1:more")
    assert sent.alerts == [] and sent.texts, sent.texts  # the dialog asks for the new date
    await jonas.send("/cancel")
    sent = await jonas.press(reminder, "dl:1:snooze")
    assert sent.texts == ["I will remind you again on your next working day."]


def test_every_command_in_the_menus_is_declared_by_one_flow():
    """Registration loops over the flows, so a command no flow declares would never answer."""
    declared = [
        name
        for flow in FLOWS
        for handler in (*flow.commands, *flow.opens)
        if isinstance(handler, CommandHandler)
        for name in handler.commands
    ]
    menus = {name for name, _ in (*PRIVATE, *GROUP)} - {"cancel"}  # the dialog's own (forms)
    assert menus <= set(declared)
    twice = {name for name in declared if declared.count(name) > 1}
    assert twice == {"start"}  # /start p<id> in a group, j_ and quiz_ links, the menu
