"""The guide's checks on the plan sheet, as pure functions in Latvian, Lithuanian and
English: is a goal measurable and time-bound (SMART), is a "collaboration" item really
just file exchange or parallel work (risk 9), is a title short enough, are there three
real collaboration actions.

`review` is the one verdict on a plan: /plan shows its flags, /status ticks a plan step
only for a section it finds sound, risk 9 and the quality answer count only the
collaboration lines it accepts. So no screen calls done what another one flags."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from bot.i18n import fold

TITLE_MAX = 60  # longer titles are hard to recognise in lists
MIN_COLLAB = 3  # the plan sheet's three lines of cross-school collaboration
MAX_NEW_TOOLS = 2  # risk 5: at most two ICT tools new to the team per project


class Gap(StrEnum):
    MEASURABLE = "measurable"
    TIME = "time"


_NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|twenty|hundred|half|all|every|each|percent",
    r"viens|viena|divi|divas|divus|trīs|četri|četras|četrus|pieci|piecas|piecus|seši|sešus|septiņi|astoņi|deviņi|desmit|simts|puse|visi|visas|katrs|katra|procent\w*",
    r"vienas|viena|du|dvi|trys|tris|keturi|keturis|keturios|penki|penkis|penkios|šeši|šešis|septyni|aštuoni|devyni|dešimt|šimtas|pusė|visi|visos|kiekvienas|kiekviena|procent\w*",
)
# Month names by their stems (Latvian and Lithuanian inflect them: "maijā", "gegužę"),
# and years by their exact forms: "gadījumā" (a case) and "metodais" (methods) are not.
_TIME_WORDS = (
    r"by|until|before|within|during|week\w*|month\w*|semester|term|year\w*|january|february|march|april|june|july|august|september|october|november|december",
    r"līdz|pirms|laikā|nedēļ\w*|mēneš\w*|mēnes\w*|semestr\w*|gad(?:s|a|ā|u|am|i|iem|os|us)|janvār\w*|februār\w*|mart\w*|aprīl\w*|maij\w*|jūnij\w*|jūlij\w*|august\w*|septembr\w*|oktobr\w*|novembr\w*|decembr\w*",
    r"iki|per|prieš|savait\w*|mėnes\w*|semestr\w*|met(?:ai|ų|us|uose|ams|ais)|saus\w*|vasar\w*|kov(?:as|o|ą|e)|baland\w*|geguž\w*|biržel\w*|liep(?:a|os|ą|oje)|rugpjū\w*|rugsėj\w*|spal\w*|lapkri\w*|gruod\w*",
)
_YEARS_AND_DATES = re.compile(
    r"(?<!\d)(?:\d{1,2}[./]\d{1,2}(?:[./]\d{2,4})?\.?|(?:19|20)\d\d)(?!\d)"
)
_MEASURABLE = re.compile(r"\d|%|(?<!\w)(?:" + "|".join(_NUMBER_WORDS) + r")(?!\w)", re.IGNORECASE)
_TIME_BOUND = re.compile(
    r"\d{1,2}[./]\d{1,2}|(?:19|20)\d\d|(?<!\w)(?:" + "|".join(_TIME_WORDS) + r")(?!\w)",
    re.IGNORECASE,
)
_MAY = re.compile(
    r"(?<!^)\bMay\b|(?i:\b(?:in|by|until|before|from|end of) may\b)"
)  # not "pupils may"

# Phrases that describe sending things to each other or doing the same thing apart, and
# phrases that make it real collaboration after all ("exchange ideas and agree on one").
_PLAIN_EXCHANGE = re.compile(
    r"(?<!\w)(?:"
    r"exchange\w*|send\w*|share (?:files|photos|presentations)|upload\w*|post\w*|folder\w*|"
    r"(?:each|every) (?:school|class|group)|its own|their own|separately|"
    r"apmain\w*|nosūt\w*|sūt\w*|augšupielād\w*|mape\w*|mapē|katra (?:skola|klase|grupa)|"
    r"katrā skolā|savu|atsevišķi|"
    r"keič\w*|keis\w*|siunč\w*|siųs\w*|nusiųs\w*|įkel\w*|aplank\w*|"
    r"kiekviena (?:mokykla|klasė|grupė)|kiekvienoje mokykloje|atskirai"
    r")(?!\w)",
    re.IGNORECASE,
)
_REAL_COLLABORATION = re.compile(
    r"(?<!\w)(?:"
    r"agree\w*|together|mixed|joint\w*|vote\w*|one (?:common|shared|joint) \w+|"
    r"vienoj\w*|vienosies|kopā|jaukt\w*|balso\w*|kopīgi|"
    r"susitar\w*|kartu|mišri\w*|balsuo\w*|bendrai"
    r")(?!\w)",
    re.IGNORECASE,
)


def smart_gaps(goal: str) -> list[Gap]:
    """What a goal still lacks: a measure (a number) and a time frame."""
    gaps = []
    if not _MEASURABLE.search(_YEARS_AND_DATES.sub(" ", goal)):  # "by 2027" measures nothing
        gaps.append(Gap.MEASURABLE)
    if not (_TIME_BOUND.search(goal) or _MAY.search(goal)):
        gaps.append(Gap.TIME)
    return gaps


def looks_like_plain_exchange(action: str) -> bool:
    """True for "we exchange files", "each school makes its own video" and the like,
    unless the pupils also agree, vote or work in mixed teams."""
    return bool(_PLAIN_EXCHANGE.search(action)) and not _REAL_COLLABORATION.search(action)


def title_too_long(title: str) -> bool:
    return len(title.strip()) > TITLE_MAX


class Flag(StrEnum):
    """What the guide would point out about one plan item."""

    NOT_MEASURABLE = "measurable"
    NO_TIME_FRAME = "time"
    EXCHANGE = "exchange"
    LONG_TITLE = "long_title"


def flags(section: str, text: str) -> list[Flag]:
    found = []
    if section == "goal":
        gaps = smart_gaps(text)
        if Gap.MEASURABLE in gaps:
            found.append(Flag.NOT_MEASURABLE)
        if Gap.TIME in gaps:
            found.append(Flag.NO_TIME_FRAME)
    if section == "collab" and looks_like_plain_exchange(text):
        found.append(Flag.EXCHANGE)
    if section == "title" and title_too_long(text):
        found.append(Flag.LONG_TITLE)
    return found


@dataclass(frozen=True)
class SectionReview:
    written: int  # items
    accepted: int  # items no check flags

    def sound(self, section: str) -> bool:
        """Written, nothing flagged, and (collaboration) at least three lines."""
        enough = self.written >= MIN_COLLAB if section == "collab" else True
        return self.written > 0 and self.accepted == self.written and enough


@dataclass(frozen=True)
class Review:
    sections: dict[str, SectionReview]

    def sound(self) -> frozenset[str]:
        """The sections the guide would accept as they are."""
        return frozenset(key for key, seen in self.sections.items() if seen.sound(key))

    def real_collaboration(self) -> int:
        """Collaboration lines that are not plain exchange or parallel work."""
        seen = self.sections.get("collab")
        return seen.accepted if seen else 0


def review(items: Iterable[tuple[str, str]]) -> Review:
    """The verdict on a whole plan, from its (section, text) items."""
    written: dict[str, int] = {}
    accepted: dict[str, int] = {}
    for section, text in items:
        written[section] = written.get(section, 0) + 1
        accepted[section] = accepted.get(section, 0) + (not flags(section, text))
    return Review({key: SectionReview(n, accepted[key]) for key, n in written.items()})


def too_many_new_tools(names: Iterable[str]) -> list[str]:
    """The new ICT tools of the whole plan, each once ("Canva" and "canva" are one), when
    there are more than the guide advises; else an empty list."""
    distinct: dict[str, str] = {}
    for name in names:
        if name.strip():
            distinct.setdefault(fold(name), name.strip())
    return list(distinct.values()) if len(distinct) > MAX_NEW_TOOLS else []
