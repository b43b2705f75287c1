"""The guide's precision rule as a pure function: find the words that mean different
things to different people ("soon", "often", "a few" …) in Latvian, Lithuanian and
English, inflected forms included, so the bot can suggest a precise wording.

Three things keep it from nagging about precise answers:
- "laikā" and "laiku" are vague only as "on time": "48 stundu laikā" (within 48 hours),
  "Rīgas laikā", "17:00 Vilniaus laiku" (Vilnius time) and Latvian "atvēlēsim laiku"
  (we set time aside) are precise;
- "ne vēlāk kā", "no later than", "ne vėliau kaip" bound a time, they are not "later";
- a vague word pinned down by a number in the same sentence is fine: "soon, within two
  working days", "regulāri — reizi nedēļā" (`bot.meaning` reads the number).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from enum import StrEnum

from bot.i18n import N_
from bot.meaning.reader import Reading, read
from bot.meaning.units import Family, Unit


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
        r"(?<!\bno )(?<!\bnot )later",
        r"asap",
        r"as soon as possible",
        r"at some point",
        r"shortly",
        r"quickly",
        r"in a while",
        r"eventually",
        r"in the near future",
        r"drīz\w*",
        r"(?<!\bne )vēlāk",
        r"pēc iespējas (?:ātrāk|drīzāk)",
        r"kādreiz",
        r"tuvākajā laikā",
        r"pēc brīža",
        r"ātri",
        r"greitai",
        r"greit",
        r"greitu laiku",
        r"(?<!\bne )vėliau",
        r"kuo greičiau",
        r"kada nors",
        r"netrukus",
        r"tuoj(?:au)?(?! pat)",
        r"artimiausiu metu",
        r"ilgainiui",
    ),
    Vague.HOW_OFTEN: (
        r"often",
        r"regularly",
        r"frequently",
        r"from time to time",
        r"sometimes",
        r"rarely",
        r"seldom",
        r"occasionally",
        r"(?:every )?now and then",
        r"once in a while",
        r"bieži",
        r"biežāk",
        r"regulār\w*",
        r"dažreiz",
        r"laiku pa laikam",
        r"ik pa laikam",
        r"šad tad",
        r"reti",
        r"retumis",
        r"dažnai",
        r"dažniau",
        r"reguliar\w*",
        r"kartais",
        r"retkarčiais",
        r"kartkartėmis",
        r"retai",
    ),
    Vague.ON_TIME: (
        r"on time",
        r"in (?:good )?time",
        r"timely",
        r"laikā",
        r"laikus",
        r"savlaicīg\w*",
        r"laicīg\w*",
        r"laiku",
    ),
    Vague.HOW_MUCH: (
        r"a few",
        r"a little",
        r"some",
        r"a bit",
        r"several",
        r"a couple(?: of)?",
        r"daž(?:i|as|us|iem|ām|u)",
        r"nedaudz\w*",
        r"mazliet",
        r"vairāk(?:i|as|us|iem|ām|u)",
        r"pāris",
        r"kel(?:i|ios|is|ias|ių|iems|ioms|etas|etą|eta|eto|etui)",
        r"por(?:a|ą|os|ai)",
        r"truput\w*",
        r"šiek tiek",
    ),
}
_PATTERNS = {
    kind: re.compile(r"(?<!\w)(?:" + "|".join(words) + r")(?!\w)", re.IGNORECASE)
    for kind, words in _WORDS.items()
}

# What says "within / during / at the time of" before "laikā" (lv) or "laiku" (lt):
# a period or a place's clock ("divu darba dienu laikā", "Vilniaus laiku").
_PERIOD_BEFORE = re.compile(
    r"\b(?:\d\S*|(?:minūt|minūš|stund|dien|nedēļ|mēne[sš]|gad|semestr|brīvlaik|starpbrīd|"
    r"starpbrīž|pusdien|nodarbīb|tikšanās|sanāksm|sapulc|projekt|darba|mācību|vietēj|"
    r"pēdēj|vietos|darbo|pamok|pertrauk|sutart|nustatyt|vasaros|žiemos|tuo pačiu|"
    r"utc|gmt|cet|eet)\w*)\s+$",
    re.IGNORECASE,
)
# a place in the genitive: "Rīgas laikā", "Vilniaus laiku", "Lietuvos laiku"
_PLACE_BEFORE = re.compile(r"\b[A-ZĀČĒĢĪĶĻŅŠŪŽĄĘĖĮŲ]\w*(?:aus|os|ės|io|ių|as|es)\s+$")
_LATVIAN = re.compile(r"[āēīļņķģ]", re.IGNORECASE)
_TIME_WORDS = {"laikā", "laiku"}

# Which readings pin a vague word down
_PINNED_BY = {
    Vague.WHEN: {Family.DURATION},
    Vague.ON_TIME: {Family.DURATION},
    Vague.HOW_OFTEN: {Family.FREQUENCY},
    Vague.HOW_MUCH: {Family.TASKS, Family.LESSONS, Family.COUNT},
}
# a sentence ends where the next one starts with a capital ("i.e. within" goes on)
_SENTENCE_END = re.compile(r"[.!?](?=\s+[A-ZĀČĒĢĪĶĻŅŠŪŽĄĘĖĮŲ]|\s*$)|[;\n]")

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

    @property
    def end(self) -> int:
        return self.start + len(self.word)


def _names_a_time(text: str, hit: Hit) -> bool:
    """ "laikā"/"laiku" after a period or a place: "within", "during", "… time"."""
    word = hit.word.casefold()
    if word not in _TIME_WORDS:
        return False
    if word == "laiku" and _LATVIAN.search(text):
        return True  # Latvian "laiku" is the noun (time), never "on time"
    before = text[max(0, hit.start - 80) : hit.start]
    return bool(_PERIOD_BEFORE.search(before) or _PLACE_BEFORE.search(before))


class _Sentences:
    """The answer's sentences, each read (`bot.meaning`) once, however many hits it has."""

    def __init__(self, text: str) -> None:
        ends = [m.start() for m in _SENTENCE_END.finditer(text)] + [len(text)]
        self._spans = list(itertools.pairwise([0, *ends]))
        self._text = text
        self._read: dict[int, list[Reading]] = {}

    def readings(self, at: int) -> list[Reading]:
        n = next(i for i, (_start, end) in enumerate(self._spans) if at <= end)
        if n not in self._read:
            start, end = self._spans[n]
            # a number alone counts something: "dažus uzdevumus = 3" is pinned down
            self._read[n] = read(self._text[start:end], Unit.TIME)
        return self._read[n]

    def pinned(self, hit: Hit) -> bool:
        """A number of the right kind in the same sentence says what the vague word means."""
        return any(
            r.family in _PINNED_BY[hit.kind] and not r.vague for r in self.readings(hit.start)
        )


def _one_per_place(hits: list[Hit]) -> list[Hit]:
    """Overlapping matches ("greitu laiku" and "laiku"): the one that starts first, then
    the longest."""
    kept: list[Hit] = []
    for hit in sorted(hits, key=lambda h: (h.start, -len(h.word))):
        if not kept or hit.start >= kept[-1].end:
            kept.append(hit)
    return kept


def find_vague(text: str) -> list[Hit]:
    """Vague words in `text`, in the order they appear (any of the three languages)."""
    hits = [
        Hit(m.group(0), kind, m.start())
        for kind, pattern in _PATTERNS.items()
        for m in pattern.finditer(text)
    ]
    sentences = _Sentences(text)
    return [
        hit
        for hit in _one_per_place(hits)
        if not _names_a_time(text, hit) and not sentences.pinned(hit)
    ]
