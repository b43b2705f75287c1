"""The words the meaning reader knows, in Latvian, Lithuanian and English.

A word ending in "~" is a stem that takes any of its language's endings ("div~" reads
divi, divas, divu, diviem, divām); "+" is a stem that needs an ending ("vairāk+" reads
vairāki, vairākus but not "vairāk", more); other words match as written. Everything is
compared folded (lower case, no diacritics), so "nedela" typed without them still reads
as "nedēļa". Words that fold into another word's form are left out where they would
mislead: Lithuanian "kartų" (times) folds into "kartu" (together), "metų" (years) into
"metu" (at the time).
"""

from __future__ import annotations

from enum import StrEnum

from bot.meaning.units import Unit

LV, LT, EN = "lv", "lt", "en"

ENDINGS = {
    LV: "s a u i e o as us es is ai ei ā ē ī ām ēm ās ēs iem im am os ij ie",
    LT: (
        "as a ą o ui u e ę ė ės ei ėje ų i į is io ių iai ios ias iems ioms ais us ys ies "
        "ims ėms ėmis omis ose oje oms ams iais iu ius iui yje os iomis imis ie y"
    ),
    EN: "s es",
}


class Bound(StrEnum):
    NONE = "none"
    AT_MOST = "at_most"  # within, at most, līdz, laikā, per, iki
    AT_LEAST = "at_least"


class Direction(StrEnum):
    NONE = "none"
    BEFORE = "before"  # early: before the start or the deadline
    AFTER = "after"  # late


class Approx(StrEnum):
    ABOUT = "about"


class From(StrEnum):
    """Words before a number that change nothing ("from 3 to 5", "no 3 līdz 5")."""

    FROM = "from"


# value of each number word; vague ones ("a few") are ranges, see VAGUE
NUMBERS: dict[str, dict[str, float]] = {
    EN: {
        "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
        "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
        "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
        "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
        "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
        "hundred": 100, "half": 0.5, "dozen": 12, "single": 1,
    },
    LV: {
        "nulle~": 0, "vien~": 1, "div~": 2, "trīs": 3, "triju": 3, "trim": 3, "četr~": 4,
        "piec~": 5, "seš~": 6, "septiņ~": 7, "astoņ~": 8, "deviņ~": 9, "desmit": 10,
        "vienpadsmit": 11, "divpadsmit": 12, "trīspadsmit": 13, "četrpadsmit": 14,
        "piecpadsmit": 15, "sešpadsmit": 16, "septiņpadsmit": 17, "astoņpadsmit": 18,
        "deviņpadsmit": 19, "divdesmit": 20, "trīsdesmit": 30, "četrdesmit": 40,
        "piecdesmit": 50, "sešdesmit": 60, "septiņdesmit": 70, "astoņdesmit": 80,
        "deviņdesmit": 90, "simt~": 100, "pusotr~": 1.5, "pus~": 0.5,
    },
    LT: {
        "nul~": 0, "vien~": 1, "du": 2, "dvi": 2, "dviej~": 2, "dviem": 2, "dvej~": 2,
        "trys": 3, "tris": 3, "trij~": 3, "trim~": 3, "ketur~": 4, "penk~": 5, "šeš~": 6,
        "septyn~": 7, "aštuon~": 8, "devyn~": 9, "dešimt~": 10, "vienuolik~": 11,
        "dvylik~": 12, "trylik~": 13, "keturiolik~": 14, "penkiolik~": 15,
        "šešiolik~": 16, "septyniolik~": 17, "aštuoniolik~": 18, "devyniolik~": 19,
        "dvidešimt~": 20, "trisdešimt~": 30, "keturiasdešimt~": 40,
        "penkiasdešimt~": 50, "šešiasdešimt~": 60, "šimt~": 100, "pusantr~": 1.5,
        "pus~": 0.5,
    },
}  # fmt: skip

# words that say "some number": read as a range, and marked vague
VAGUE: dict[str, dict[str, tuple[float, float]]] = {
    EN: {"few": (2, 4), "couple": (2, 2), "several": (3, 5)},
    LV: {"daž+": (2, 4), "pāris": (2, 2), "vairāk+": (3, 5)},
    LT: {"kel+": (2, 4), "kelet~": (2, 4), "por~": (2, 2)},
}

# a count of occurrences in one word: "twice", "divreiz", "dukart"
TIMES: dict[str, dict[str, float]] = {
    EN: {"once": 1, "twice": 2, "thrice": 3},
    LV: {"vienreiz": 1, "divreiz": 2, "trīsreiz": 3, "četrreiz": 4},
    LT: {"dukart": 2, "trissyk": 3, "dusyk": 2},
}

# unit words, with an amount when the word holds one ("pusstunda" is half an hour)
UNITS: dict[str, dict[str, tuple[Unit, float]]] = {
    EN: {
        "minute~": (Unit.MINUTE, 1), "min": (Unit.MINUTE, 1), "mins": (Unit.MINUTE, 1),
        "hour~": (Unit.HOUR, 1), "hr~": (Unit.HOUR, 1), "h": (Unit.HOUR, 1),
        "day~": (Unit.DAY, 1), "working day~": (Unit.WORKING_DAY, 1),
        "work day~": (Unit.WORKING_DAY, 1), "workday~": (Unit.WORKING_DAY, 1),
        "business day~": (Unit.WORKING_DAY, 1), "school day~": (Unit.WORKING_DAY, 1),
        "week~": (Unit.WEEK, 1), "fortnight~": (Unit.WEEK, 2), "month~": (Unit.MONTH, 1),
        "year~": (Unit.YEAR, 1), "task~": (Unit.TASK, 1), "assignment~": (Unit.TASK, 1),
        "lesson~": (Unit.LESSON, 1), "class~": (Unit.LESSON, 1),
        "time~": (Unit.TIME, 1),
    },
    LV: {
        "minūt~": (Unit.MINUTE, 1), "minūš~": (Unit.MINUTE, 1), "stund~": (Unit.HOUR, 1),
        "pusstund~": (Unit.HOUR, 0.5), "dien~": (Unit.DAY, 1),
        "darba dien~": (Unit.WORKING_DAY, 1), "darbdien~": (Unit.WORKING_DAY, 1),
        "mācību dien~": (Unit.WORKING_DAY, 1), "nedēļ~": (Unit.WEEK, 1),
        "mēnes~": (Unit.MONTH, 1), "mēneš~": (Unit.MONTH, 1), "gad~": (Unit.YEAR, 1),
        "pusgad~": (Unit.YEAR, 0.5), "uzdevum~": (Unit.TASK, 1),
        "mācību stund~": (Unit.LESSON, 1), "nodarbīb~": (Unit.LESSON, 1),
        "reiz~": (Unit.TIME, 1), "reiž~": (Unit.TIME, 1),
    },
    LT: {
        "minut~": (Unit.MINUTE, 1), "minuč~": (Unit.MINUTE, 1), "valand~": (Unit.HOUR, 1),
        "val": (Unit.HOUR, 1), "pusvaland~": (Unit.HOUR, 0.5), "dien~": (Unit.DAY, 1),
        "pusdienis": (Unit.DAY, 0.5), "pusdienį": (Unit.DAY, 0.5),
        "darbo dien~": (Unit.WORKING_DAY, 1), "mokslo dien~": (Unit.WORKING_DAY, 1),
        "savait~": (Unit.WEEK, 1), "savaič~": (Unit.WEEK, 1), "mėnuo": (Unit.MONTH, 1),
        "mėnes~": (Unit.MONTH, 1), "metai": (Unit.YEAR, 1), "metus": (Unit.YEAR, 1),
        "metams": (Unit.YEAR, 1), "metais": (Unit.YEAR, 1), "pusmet~": (Unit.YEAR, 0.5),
        "užduot~": (Unit.TASK, 1), "užduoč~": (Unit.TASK, 1), "pamok~": (Unit.LESSON, 1),
        "kartas": (Unit.TIME, 1), "karto": (Unit.TIME, 1), "kartą": (Unit.TIME, 1),
        "kartai": (Unit.TIME, 1), "kartus": (Unit.TIME, 1), "kartams": (Unit.TIME, 1),
    },
}  # fmt: skip

Relation = Bound | Direction | Approx | From

# words before a number
BEFORE_NUMBER: dict[str, dict[str, Relation]] = {
    EN: {
        "within": Bound.AT_MOST, "up to": Bound.AT_MOST, "at most": Bound.AT_MOST,
        "no more than": Bound.AT_MOST, "not more than": Bound.AT_MOST,
        "max": Bound.AT_MOST, "maximum": Bound.AT_MOST, "less than": Bound.AT_MOST,
        "under": Bound.AT_MOST, "until": Bound.AT_MOST, "till": Bound.AT_MOST,
        "by": Bound.AT_MOST, "no later than": Bound.AT_MOST,
        "not later than": Bound.AT_MOST, "no longer than": Bound.AT_MOST,
        "at least": Bound.AT_LEAST, "min": Bound.AT_LEAST, "minimum": Bound.AT_LEAST,
        "no less than": Bound.AT_LEAST, "not less than": Bound.AT_LEAST,
        "more than": Bound.AT_LEAST, "over": Bound.AT_LEAST,
        "before": Direction.BEFORE, "about": Approx.ABOUT, "around": Approx.ABOUT,
        "approximately": Approx.ABOUT, "approx": Approx.ABOUT, "roughly": Approx.ABOUT,
        "circa": Approx.ABOUT, "ca": Approx.ABOUT, "some": Approx.ABOUT,
        "from": From.FROM, "in": From.FROM, "after": From.FROM, "between": From.FROM,
    },
    LV: {
        "līdz": Bound.AT_MOST, "ne vairāk kā": Bound.AT_MOST,
        "ne vairāk par": Bound.AT_MOST, "ne ilgāk kā": Bound.AT_MOST,
        "ne ilgāk par": Bound.AT_MOST, "ne vēlāk kā": Bound.AT_MOST,
        "maksimāli": Bound.AT_MOST, "maksimums": Bound.AT_MOST, "mazāk nekā": Bound.AT_MOST,
        "vismaz": Bound.AT_LEAST, "ne mazāk kā": Bound.AT_LEAST,
        "ne mazāk par": Bound.AT_LEAST, "vairāk nekā": Bound.AT_LEAST,
        "vairāk kā": Bound.AT_LEAST, "vairāk par": Bound.AT_LEAST,
        "minimāli": Bound.AT_LEAST, "minimums": Bound.AT_LEAST,
        "pirms": Direction.BEFORE, "apmēram": Approx.ABOUT, "aptuveni": Approx.ABOUT,
        "ap": Approx.ABOUT, "kādas": Approx.ABOUT, "kādus": Approx.ABOUT,
        "no": From.FROM, "pēc": From.FROM, "starp": From.FROM,
    },
    LT: {
        "per": Bound.AT_MOST, "iki": Bound.AT_MOST, "ne daugiau kaip": Bound.AT_MOST,
        "ne daugiau nei": Bound.AT_MOST, "ne ilgiau kaip": Bound.AT_MOST,
        "ne ilgiau nei": Bound.AT_MOST, "ne vėliau kaip": Bound.AT_MOST,
        "ne vėliau nei": Bound.AT_MOST, "daugiausia": Bound.AT_MOST,
        "daugiausiai": Bound.AT_MOST, "mažiau nei": Bound.AT_MOST,
        "bent": Bound.AT_LEAST, "ne mažiau kaip": Bound.AT_LEAST,
        "ne mažiau nei": Bound.AT_LEAST, "mažiausiai": Bound.AT_LEAST,
        "daugiau nei": Bound.AT_LEAST, "daugiau kaip": Bound.AT_LEAST,
        "prieš": Direction.BEFORE, "likus": Direction.BEFORE, "apie": Approx.ABOUT,
        "maždaug": Approx.ABOUT, "apytiksliai": Approx.ABOUT, "kokias": Approx.ABOUT,
        "kokius": Approx.ABOUT, "nuo": From.FROM, "po": From.FROM, "už": From.FROM,
    },
}  # fmt: skip

# words after a quantity ("5 minutes early", "divu dienu laikā", "5 minutės iki pradžios");
# "after", "pēc", "po" only with "the start": "2 days, after that …" is no lateness
AFTER_QUANTITY: dict[str, dict[str, Relation]] = {
    EN: {
        "early": Direction.BEFORE, "earlier": Direction.BEFORE, "before": Direction.BEFORE,
        "ahead": Direction.BEFORE, "in advance": Direction.BEFORE,
        "beforehand": Direction.BEFORE, "prior": Direction.BEFORE,
        "late": Direction.AFTER, "later": Direction.AFTER,
        "max": Bound.AT_MOST, "maximum": Bound.AT_MOST, "at most": Bound.AT_MOST,
        "or less": Bound.AT_MOST, "at the latest": Bound.AT_MOST, "tops": Bound.AT_MOST,
        "at least": Bound.AT_LEAST, "or more": Bound.AT_LEAST, "minimum": Bound.AT_LEAST,
        "+": Bound.AT_LEAST, "after the start": Direction.AFTER,
        "after the beginning": Direction.AFTER,
    },
    LV: {
        "laikā": Bound.AT_MOST, "agrāk": Direction.BEFORE, "ātrāk": Direction.BEFORE,
        "pirms": Direction.BEFORE, "iepriekš": Direction.BEFORE,
        "vēlāk": Direction.AFTER, "maksimums": Bound.AT_MOST,
        "maksimāli": Bound.AT_MOST, "vai mazāk": Bound.AT_MOST,
        "vai vairāk": Bound.AT_LEAST, "minimums": Bound.AT_LEAST,
        "pēc sākuma": Direction.AFTER,
    },
    LT: {
        "anksčiau": Direction.BEFORE, "prieš": Direction.BEFORE, "iki": Direction.BEFORE,
        "vėliau": Direction.AFTER, "daugiausia": Bound.AT_MOST,
        "daugiausiai": Bound.AT_MOST, "ar mažiau": Bound.AT_MOST,
        "ar daugiau": Bound.AT_LEAST, "mažiausiai": Bound.AT_LEAST,
        "po pradžios": Direction.AFTER,
    },
}  # fmt: skip

# between two numbers of a range: "2–3", "2 to 3", "2 līdz 3", "2 ar 3"
RANGE = {EN: ("-", "–", "—", "to", "or", "and"), LV: ("līdz", "vai", "un"), LT: ("iki", "ar", "ir")}

# "and a half" after a number or unit
AND_A_HALF = {EN: ("and a half",), LV: ("un pus",), LT: ("ir pusė", "su puse")}

# before a period: "twice a week", "reizi nedēļā", "kartą per savaitę", "2/week"
PER = {EN: ("a", "an", "per", "each", "every", "/"), LV: ("uz", "/"), LT: ("per", "/")}

# "every day", "katru nedēļu", "kiekvieną savaitę", "kas savaitę", "ik pēc divām nedēļām"
EVERY = {EN: ("every", "each"), LV: ("katr~", "ik", "ik pēc"), LT: ("kiekvien~", "kas")}
SECOND = {EN: ("other", "second"), LV: ("otr~",), LT: ("antr~",)}

# one word for "once per period"
ONCE_PER: dict[str, dict[str, tuple[Unit, float]]] = {
    EN: {
        "daily": (Unit.DAY, 1), "weekly": (Unit.WEEK, 1), "monthly": (Unit.MONTH, 1),
        "yearly": (Unit.YEAR, 1), "annually": (Unit.YEAR, 1), "biweekly": (Unit.WEEK, 2),
        "fortnightly": (Unit.WEEK, 2),
    },
    LV: {
        "katrdien": (Unit.DAY, 1), "iknedēļas": (Unit.WEEK, 1),
        "ikmēneša": (Unit.MONTH, 1), "ikgadēj~": (Unit.YEAR, 1),
    },
    LT: {
        "kasdien": (Unit.DAY, 1), "kassavaitin~": (Unit.WEEK, 1),
        "kasmėnesin~": (Unit.MONTH, 1), "kasmet": (Unit.YEAR, 1),
    },
}  # fmt: skip

# whole phrases with a fixed meaning: (bound, amount, unit)
FIXED: dict[str, dict[str, tuple[Bound, float, Unit]]] = {
    EN: {
        "today": (Bound.AT_MOST, 1, Unit.DAY), "the same day": (Bound.AT_MOST, 1, Unit.DAY),
        "tomorrow": (Bound.NONE, 1, Unit.DAY), "this week": (Bound.AT_MOST, 1, Unit.WEEK),
        "next week": (Bound.AT_MOST, 2, Unit.WEEK),
        "this month": (Bound.AT_MOST, 1, Unit.MONTH),
        "immediately": (Bound.AT_MOST, 0, Unit.MINUTE),
        "right away": (Bound.AT_MOST, 0, Unit.MINUTE),
        "at once": (Bound.AT_MOST, 0, Unit.MINUTE),
    },
    LV: {
        "šodien": (Bound.AT_MOST, 1, Unit.DAY), "tajā pašā dienā": (Bound.AT_MOST, 1, Unit.DAY),
        "rīt": (Bound.NONE, 1, Unit.DAY), "šonedēļ": (Bound.AT_MOST, 1, Unit.WEEK),
        "šajā nedēļā": (Bound.AT_MOST, 1, Unit.WEEK),
        "nākamnedēļ": (Bound.AT_MOST, 2, Unit.WEEK),
        "nākamajā nedēļā": (Bound.AT_MOST, 2, Unit.WEEK),
        "šomēnes": (Bound.AT_MOST, 1, Unit.MONTH),
        "šajā mēnesī": (Bound.AT_MOST, 1, Unit.MONTH),
        "uzreiz": (Bound.AT_MOST, 0, Unit.MINUTE), "tūlīt": (Bound.AT_MOST, 0, Unit.MINUTE),
        "nekavējoties": (Bound.AT_MOST, 0, Unit.MINUTE),
    },
    LT: {
        "šiandien": (Bound.AT_MOST, 1, Unit.DAY),
        "tą pačią dieną": (Bound.AT_MOST, 1, Unit.DAY),
        "rytoj": (Bound.NONE, 1, Unit.DAY), "šią savaitę": (Bound.AT_MOST, 1, Unit.WEEK),
        "šios savaitės": (Bound.AT_MOST, 1, Unit.WEEK),
        "kitą savaitę": (Bound.AT_MOST, 2, Unit.WEEK),
        "kitos savaitės": (Bound.AT_MOST, 2, Unit.WEEK),
        "šį mėnesį": (Bound.AT_MOST, 1, Unit.MONTH),
        "šio mėnesio": (Bound.AT_MOST, 1, Unit.MONTH),
        "iš karto": (Bound.AT_MOST, 0, Unit.MINUTE), "tuoj pat": (Bound.AT_MOST, 0, Unit.MINUTE),
        "nedelsiant": (Bound.AT_MOST, 0, Unit.MINUTE),
    },
}  # fmt: skip

# weekdays, Monday = 0; a plural or "every" makes them a weekly habit
WEEKDAYS = {
    EN: ("monday~", "tuesday~", "wednesday~", "thursday~", "friday~", "saturday~", "sunday~"),
    LV: ("pirmdien~", "otrdien~", "trešdien~", "ceturtdien~", "piektdien~", "sestdien~",
         "svētdien~"),
    LT: ("pirmadien~", "antradien~", "trečiadien~", "ketvirtadien~", "penktadien~",
         "šeštadien~", "sekmadien~"),
}  # fmt: skip
# endings of "on Mondays": en "mondays", lv "pirmdienās", lt "pirmadieniais"
HABITUAL = ("s", "ās", "iais")
