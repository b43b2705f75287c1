"""The automatic risk flags as a pure function (bot/rules/risks.py): what the team's data
point to, each flag on one of the guide's risks, with its reason in the reader's words."""

from dataclasses import dataclass

from bot.guide.partners import MIN_SCHOOLS
from bot.guide.risks import BY_KEY
from bot.i18n import Translator
from bot.rules.risks import Flag, auto_flags


@dataclass(frozen=True)
class Off:
    """An activity on a partner's day off, as plain as the rule needs it."""

    name: str

    def text(self, t: Translator) -> str:
        return f"{self.name} ({t.lang})"


def test_a_sound_team_has_no_flags():
    assert auto_flags(schools=MIN_SCHOOLS, collaboration_planned=True, new_tools=["Padlet"]) == {}


def test_every_flag_names_one_of_the_guides_risks():
    flags = auto_flags(
        schools=MIN_SCHOOLS - 1,
        collaboration_planned=False,
        new_tools=["Padlet", "Canva", "Kahoot"],
        on_days_off=[Off("Carol concert")],
    )
    assert set(flags) == {"overload", "partner_gone", "parallel_work", "ict_tools"}
    assert all(key in BY_KEY and flag.risk == key for key, flag in flags.items())


def test_reasons_are_said_in_the_readers_language():
    off = Off("Carol concert")
    flags = auto_flags(
        schools=MIN_SCHOOLS,
        collaboration_planned=True,
        new_tools=["Padlet", "canva", "Canva", "Kahoot"],
        on_days_off=[off, off],  # the same activity twice is said once
    )
    overload = flags["overload"].text(Translator("en"))
    assert overload.count("Carol concert (en)") == 1
    assert "Carol concert (lv)" in flags["overload"].text(Translator("lv"))
    tools = flags["ict_tools"].text(Translator("en"))
    assert "Padlet, canva, Kahoot" in tools and "at most two" in tools


def test_a_flag_without_values_is_its_reason():
    flag = Flag("partner_gone", "The team has fewer than three schools.")
    assert flag.text(Translator("en")) == "The team has fewer than three schools."
