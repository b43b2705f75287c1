"""The word tables of the date reader, folded (lower case, no accents: "Rīt" = "rit").

Each row is one meaning; each entry is a regex for one folded word: English words, then
Latvian and Lithuanian stems followed by any ending. Teachers mix languages, so every
table knows all three whatever the teacher's language is.
"""

from __future__ import annotations

import re
from datetime import time

from bot.i18n import fold

WEEKDAYS = (
    r"mon|monday|pirmdien\w*|pirmadien\w*",
    r"tue|tues|tuesday|otrdien\w*|antradien\w*",
    r"wed|wednesday|tresdien\w*|treciadien\w*",
    r"thu|thur|thurs|thursday|ceturtdien\w*|ketvirtadien\w*",
    r"fri|friday|piektdien\w*|penktadien\w*",
    r"sat|saturday|sestdien\w*|sestadien\w*",
    r"sun|sunday|svetdien\w*|sekmadien\w*",
)
MONTHS = (
    r"jan|january|janvar\w*|sausi\w*",
    r"feb|februar\w*|vasari\w*",
    r"mar|march|mart\w*|kov(?:as|o|a|ui)",
    r"apr|april\w*|baland\w*",
    r"may|maij\w*|geguz\w*",
    r"jun|june|junij\w*|birzel\w*",
    r"jul|july|julij\w*|liep\w*",
    r"aug|august\w*|rugpj\w*",
    r"sep|sept|september|septembr\w*|rugsej\w*",
    r"oct|october|oktobr\w*|spali\w*",
    r"nov|november|novembr\w*|lapkri\w*",
    r"dec|december|decembr\w*|gruod\w*",
)
# Units of "in two weeks", as (regex, days, months).
UNITS = (
    (r"days?|dien\w*", 1, 0),
    (r"weeks?|nedel\w*|savai\w*", 7, 0),
    (r"fortnights?", 14, 0),
    (r"months?|menes\w*|menuo", 0, 1),
    (r"years?|gad(?:s|a|u|i|iem)|metu|metus", 0, 12),
)
# Words for a day counted from today (genitives too: "līdz rītdienas vakaram").
DAY_WORDS = (
    (r"(?:the )?day after tomorrow|parit|paritdien\w*|poryt", 2),
    (r"aizparit|uzporyt", 3),
    (r"tomorrow|tmrw|tmr|rit|ritdien\w*|rytoj|rytojaus|rytdien\w*", 1),
    (r"today|tonight|sodien\w*|sovakar|siandien\w*|sivakar|siavakar", 0),
)
# Parts of the day, one clock each (the module docstring's table). Afternoon comes
# first: "po pietų" is the afternoon, "iki pietų" noon.
PARTS_OF_DAY = (
    (r"(?:in the )?afternoon|pecpusdien\w*|po pietu|popiet\w*", time(15, 0)),
    (r"(?:in the )?morning|(?:no )?rit(?:a|u|os)|ryt(?:e|o|a|ais)", time(9, 0)),
    (
        r"noon|midday|lunch(?:time)?|pusdien(?:laik\w*|a|as|am|u|ai)"
        r"|vidurdien\w*|pusiaudien\w*|piet(?:u|us|ums)",
        time(12, 0),
    ),
    (r"(?:in the )?evening|vakar(?:a|am|u|s|e|o)", time(20, 0)),
)
UNIT_ROWS = tuple(row for row, _, _ in UNITS)
DAY_WORD_ROWS = tuple(row for row, _ in DAY_WORDS)
PART_ROWS = tuple(row for row, _ in PARTS_OF_DAY)
NEXT = r"next|nakam\w*|nakos\w*|kit(?:a|as|o|os|am|ai)|ateinanc\w*"
THIS = r"this|coming|so|saja|sai|sis|si|sio|sios|sia|siam|siuo"
WEEK = r"week|nedel\w*|savai\w*"
MONTH = r"month|menes\w*|menuo"


def _lv(stem: str) -> str:
    """A Latvian number's forms after its stem: divi, divas, divus, diviem, divām, divu."""
    return " ".join(stem + ending for ending in ("i", "as", "us", "iem", "ām", "u"))


def _lt(stem: str) -> str:
    """A Lithuanian number's forms after its stem: keturi, keturios, keturių, keturis..."""
    endings = ("i", "ios", "ių", "is", "ias", "iems", "ioms", "iais")
    return " ".join(stem + ending for ending in endings)


# Number words in the forms used after "in", "pēc" (dative) and "po" (genitive).
_NUMBER_WORDS = {
    1: "a an one viens vienu vienas vienai viena vienam vieno vienos vieną",
    2: f"two {_lv('div')} du dvi dviejų dvejų dviem",
    3: "three trīs trim trijām trys trijų trims",
    4: f"four {_lv('četr')} {_lt('ketur')}",
    5: f"five {_lv('piec')} {_lt('penk')}",
    6: f"six {_lv('seš')} {_lt('šeš')}",
    7: f"seven {_lv('septiņ')} {_lt('septyn')}",
    8: f"eight {_lv('astoņ')} {_lt('aštuon')}",
    9: f"nine {_lv('deviņ')} {_lt('devyn')}",
    10: "ten desmit dešimt dešimties",
    11: "eleven vienpadsmit vienuolika vienuolikos",
    12: "twelve divpadsmit dvylika dvylikos",
}
NUMBER_OF = {fold(word): n for n, words in _NUMBER_WORDS.items() for word in words.split()}

# Left over after the takers, these say nothing about the moment.
FILLER_PHRASES = re.compile(
    r"\b(?:no|not|ne) (?:later|velak|veliau) (?:than|ka|kaip|nei)\b|\bthank you\b"
)
FILLER_WORDS = frozenset(
    (
        *("by", "until", "till", "til", "before", "due", "on", "the", "of", "at", "and", "this"),
        *("deadline", "latest", "please", "pls", "plz", "thanks", "thx", "ok", "okay"),
        *("lidz", "uz", "un", "termins", "velakais", "plkst", "pulksten", "gada", "g"),
        *("ludzu", "paldies", "labi", "pirms"),
        *(
            "iki",
            "ir",
            "terminas",
            "veliausiai",
            "val",
            "m",
            "d",
            "prasau",
            "aciu",
            "gerai",
            "pries",
        ),
    )
)
# Left over, these make the phrase vague: no single moment (a month without a day, too).
VAGUE = re.compile(
    r"soon\w*|asap|later|sometime|someday|eventually|whenever|possible|end|beginning|start"
    r"|middle|mid|early|late|around|week|weeks|month|months|next"
    r"|driz\w*|velak\w*|kadreiz|kaut|iespej\w*|tuvak\w*|beig\w*|sakum\w*|vidu|nedel\w*"
    r"|menes\w*|greit\w*|greic\w*|netrukus|veliau|kada|nors|kazkada|artimiaus\w*|pabaig\w*"
    r"|pradzi\w*|vidur\w*|savai\w*|nakam\w*|kit\w*|" + "|".join(MONTHS)
)


def index(rows: tuple[str, ...], word: str) -> int:
    """Which row a word the pattern already matched belongs to."""
    return next(i for i, row in enumerate(rows) if re.fullmatch(row, word))
