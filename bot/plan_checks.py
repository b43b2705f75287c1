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

TITLE_MAX = 60  # longer titles are hard to recognise in lists
MIN_COLLAB = 3  # the plan sheet's three lines of cross-school collaboration


class Gap(StrEnum):
    MEASURABLE = "measurable"
    TIME = "time"


_NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|twenty|hundred|half|all|every|each|percent",
    r"viens|viena|divi|divas|divus|trīs|četri|četras|četrus|pieci|piecas|piecus|seši|sešus|septiņi|astoņi|deviņi|desmit|simts|puse|visi|visas|katrs|katra|procent\w*",
    r"vienas|viena|du|dvi|trys|tris|keturi|keturis|keturios|penki|penkis|penkios|šeši|šešis|septyni|aštuoni|devyni|dešimt|šimtas|pusė|visi|visos|kiekvienas|kiekviena|procent\w*",
)
_TIME_WORDS = (
    r"by|until|before|within|during|week\w*|month\w*|semester|term|year|january|february|march|april|june|july|august|september|october|november|december",
    r"līdz|pirms|laikā|nedēļ\w*|mēne\w*|semestr\w*|gad\w*|janvār\w*|februār\w*|mart\w*|aprīl\w*|maij\w*|jūnij\w*|jūlij\w*|august\w*|septembr\w*|oktobr\w*|novembr\w*|decembr\w*",
    r"iki|per|prieš|savait\w*|mėnes\w*|semestr\w*|met\w*|sausio|vasario|kovo|balandžio|gegužės|birželio|liepos|rugpjūčio|rugsėjo|spalio|lapkričio|gruodžio",
)
_MEASURABLE = re.compile(r"\d|%|(?<!\w)(?:" + "|".join(_NUMBER_WORDS) + r")(?!\w)", re.IGNORECASE)
_TIME_BOUND = re.compile(
    r"\d{1,2}[./]\d{1,2}|(?<!\w)(?:" + "|".join(_TIME_WORDS) + r")(?!\w)", re.IGNORECASE
)

# Phrases that describe sending things to each other or doing the same thing apart.
_PLAIN_EXCHANGE = re.compile(
    r"(?<!\w)(?:"
    r"exchange\w*|send\w*|share (?:files|photos|presentations)|each school|every school|separately|"
    r"apmain\w*|nosūt\w*|sūt\w*|katra skola|katrā skolā|atsevišķi|"
    r"keič\w*|keis\w*|siunč\w*|siųs\w*|nusiųs\w*|kiekviena mokykla|kiekvienoje mokykloje|atskirai"
    r")(?!\w)",
    re.IGNORECASE,
)


def smart_gaps(goal: str) -> list[Gap]:
    """What a goal still lacks: a measure (a number) and a time frame."""
    gaps = []
    if not _MEASURABLE.search(goal):
        gaps.append(Gap.MEASURABLE)
    if not _TIME_BOUND.search(goal):
        gaps.append(Gap.TIME)
    return gaps


def looks_like_plain_exchange(action: str) -> bool:
    """True for "we exchange files", "each school makes its own video" and the like."""
    return bool(_PLAIN_EXCHANGE.search(action))


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
