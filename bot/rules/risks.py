"""The risks TwinCoach flags by itself from the team's data, with the reason in words:
fewer than three schools, no real collaboration in the plan, too many new ICT tools,
activities on a partner's day off. Pure, so the rules are easy to test and reuse; the
risks and their advice are the guide's (bot/guide/risks.py)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from bot.guide.partners import MIN_SCHOOLS
from bot.i18n import N_, Html, Translator
from bot.rules.plan_checks import too_many_new_tools

NEW_TOOLS = N_("New ICT tools in the plan: {tools}. The guide advises at most two.")


@dataclass(frozen=True)
class Flag:
    """A risk TwinCoach sees in the team's data, with the reason (a msgid and its values;
    a value that must be said in the reader's language is a function of the translator)."""

    risk: str
    reason: str
    values: Mapping[str, object] = field(default_factory=dict)

    def text(self, t: Translator) -> Html:
        said = {k: v(t) if callable(v) else v for k, v in self.values.items()}
        return t(self.reason, **said)


class Said(Protocol):
    """Something said in the reader's language: an activity on a partner's day off."""

    def text(self, t: Translator) -> str: ...


def auto_flags(
    *,
    schools: int,
    collaboration_planned: bool,
    new_tools: Iterable[str],
    on_days_off: Iterable[Said] = (),
) -> dict[str, Flag]:
    """The risks the data already point to, by risk key.
    `on_days_off`: activities that start or end on a day off of some partner."""
    flags: list[Flag] = []
    packed = list(dict.fromkeys(on_days_off))
    if packed:
        flags.append(
            Flag(
                "overload",
                N_("Activities start or end on a partner's day off: {activities}."),
                {"activities": lambda t: "; ".join(off.text(t) for off in packed)},
            )
        )
    if schools < MIN_SCHOOLS:
        flags.append(
            Flag(
                "partner_gone",
                N_(
                    "The team has fewer than three schools: if one partner drops out, the project may stop."
                ),
            )
        )
    if not collaboration_planned:
        flags.append(
            Flag(
                "parallel_work",
                N_(
                    "The plan has no cross-school collaboration for pupils yet; without it there is no quality label."
                ),
            )
        )
    if tools := too_many_new_tools(new_tools):
        flags.append(Flag("ict_tools", NEW_TOOLS, {"tools": ", ".join(tools)}))
    return {flag.risk: flag for flag in flags}
