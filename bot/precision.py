"""The guide's precision rule as a pure function: find the words that mean different
things to different people ("soon", "often", "a few" …) in Latvian, Lithuanian and
English, inflected forms included, so the bot can suggest a precise wording."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from bot.i18n import N_


class Vague(StrEnum):
    WHEN = "when"  # soon, later, ASAP
    HOW_OFTEN = "how_often"  # often, regularly
    ON_TIME = "on_time"
    HOW_MUCH = "how_much"  # a few, a little


# Stems with their endings: Latvian and Lithuanian inflect, so "dažus", "dažām", "kelias",
# "keletą" must all be caught, but "kelias" as a road is rare in a teacher's plan.
_WORDS: dict[Vague, tuple[str, ...]] = {
    Vague.WHEN: (
        r"soon",
        r"later",
        r"asap",
        r"as soon as possible",
        r"at some point",
        r"drīz\w*",
        r"vēlāk",
        r"pēc iespējas (?:ātrāk|drīzāk)",
        r"kādreiz",
        r"greitai",
        r"greit",
        r"vėliau",
        r"kuo greičiau",
        r"kada nors",
    ),
    Vague.HOW_OFTEN: (
        r"often",
        r"regularly",
        r"frequently",
        r"from time to time",
        r"sometimes",
        r"bieži",
        r"biežāk",
        r"regulār\w*",
        r"dažreiz",
        r"laiku pa laikam",
        r"dažnai",
        r"dažniau",
        r"reguliar\w*",
        r"kartais",
        r"retkarčiais",
    ),
    Vague.ON_TIME: (
        r"on time",
        r"in time",
        r"laikā",
        r"savlaicīg\w*",
        r"laiku",
    ),
    Vague.HOW_MUCH: (
        r"a few",
        r"a little",
        r"some",
        r"a bit",
        r"daž(?:i|as|us|iem|ām|u)",
        r"nedaudz\w*",
        r"mazliet",
        r"kel(?:i|ios|is|ias|ių|iems|ioms|etą|eta|eto)",
        r"truput\w*",
        r"šiek tiek",
    ),
}
_PATTERNS = {
    kind: re.compile(r"(?<!\w)(?:" + "|".join(words) + r")(?!\w)", re.IGNORECASE)
    for kind, words in _WORDS.items()
}

ADVICE = {
    Vague.WHEN: N_("a date and time, such as “tomorrow by 24:00” or “by Friday 18:00”"),
    Vague.HOW_OFTEN: N_("a rhythm, such as “once a week” or “every Monday”"),
    Vague.ON_TIME: N_("the exact moment, such as “by 24:00 on the due day”"),
    Vague.HOW_MUCH: N_("a number, such as “five examples” or “two pages”"),
}


@dataclass(frozen=True)
class Hit:
    word: str  # as the teacher wrote it
    kind: Vague
    start: int


def find_vague(text: str) -> list[Hit]:
    """Vague words in `text`, in the order they appear (any of the three languages)."""
    hits = [
        Hit(m.group(0), kind, m.start())
        for kind, pattern in _PATTERNS.items()
        for m in pattern.finditer(text)
    ]
    return sorted(hits, key=lambda h: h.start)
