"""The guide's checks on the plan sheet, as pure functions in Latvian, Lithuanian and
English: is a goal measurable and time-bound (SMART), is a "collaboration" item really
just file exchange or parallel work (risk 9), is a title short enough."""

from __future__ import annotations

import re
from enum import StrEnum

TITLE_MAX = 60  # longer titles are hard to recognise in lists


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
