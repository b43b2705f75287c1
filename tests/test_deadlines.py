"""Deadlines as teachers type them, in Latvian, Lithuanian and English (scheduler.deadlines)."""

import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from scheduler.deadlines import parse_deadline, read_deadline

RIGA = ZoneInfo("Europe/Riga")
LISBON = ZoneInfo("Europe/Lisbon")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=RIGA)  # a Monday


def shown(moment: datetime | None) -> str | None:
    """The wall-clock reading, so a table can say "2026-11-24 23:59"."""
    return None if moment is None else moment.strftime("%Y-%m-%d %H:%M")


# Said on Monday 2026-11-23 at 10:00 in Riga.
CASES = [
    # Latvian: days counted from today
    ("rīt līdz 24.00", "2026-11-24 23:59"),
    ("rīt līdz 24:00", "2026-11-24 23:59"),
    ("rīt", "2026-11-24 23:59"),
    ("Rīt", "2026-11-24 23:59"),
    ("rit", "2026-11-24 23:59"),
    ("rītdien", "2026-11-24 23:59"),
    ("parīt", "2026-11-25 23:59"),
    ("aizparīt", "2026-11-26 23:59"),
    ("šodien", "2026-11-23 23:59"),
    ("šodien plkst. 18.00", "2026-11-23 18:00"),
    ("vēlākais rīt", "2026-11-24 23:59"),
    # Latvian: weekdays
    ("līdz piektdienai", "2026-11-27 23:59"),
    ("piektdien", "2026-11-27 23:59"),
    ("līdz piektdienai plkst. 15", "2026-11-27 15:00"),
    ("nākamajā piektdienā", "2026-11-27 23:59"),
    ("nākamo pirmdien", "2026-11-30 23:59"),
    ("pirmdien", "2026-11-30 23:59"),  # said on a Monday: next week's
    ("līdz otrdienai", "2026-11-24 23:59"),
    ("trešdien", "2026-11-25 23:59"),
    ("ceturtdien 9:30", "2026-11-26 09:30"),
    ("sestdien", "2026-11-28 23:59"),
    ("līdz svētdienai", "2026-11-29 23:59"),
    ("šo piektdien", "2026-11-27 23:59"),
    ("nākamnedēļ piektdien", "2026-12-04 23:59"),
    ("nākamās nedēļas trešdienā", "2026-12-02 23:59"),
    ("ne vēlāk kā piektdien", "2026-11-27 23:59"),
    # Latvian: dates
    ("15. decembrī", "2026-12-15 23:59"),
    ("līdz 15. decembrim", "2026-12-15 23:59"),
    ("2026. gada 15. decembrī", "2026-12-15 23:59"),
    ("līdz 15.12.", "2026-12-15 23:59"),
    ("15.12.", "2026-12-15 23:59"),
    ("15.12", "2026-12-15 23:59"),
    ("15.12.2026", "2026-12-15 23:59"),
    ("15.12.2026. plkst. 12.00", "2026-12-15 12:00"),
    ("1. janvārī", "2027-01-01 23:59"),
    ("līdz 1. martam", "2027-03-01 23:59"),
    ("10. jūnijā", "2027-06-10 23:59"),
    ("20.11.", "2027-11-20 23:59"),
    # Latvian: "in N days/weeks/months"
    ("pēc divām nedēļām", "2026-12-07 23:59"),
    ("pēc 3 dienām", "2026-11-26 23:59"),
    ("pēc trim dienām", "2026-11-26 23:59"),
    ("pēc nedēļas", "2026-11-30 23:59"),
    ("pēc četrām nedēļām", "2026-12-21 23:59"),
    ("pēc piecām dienām", "2026-11-28 23:59"),
    ("pēc mēneša", "2026-12-23 23:59"),
    ("pēc diviem mēnešiem", "2027-01-23 23:59"),
    ("pēc desmit dienām", "2026-12-03 23:59"),
    ("pēc 2 stundām", "2026-11-23 12:00"),
    # Latvian: times
    ("rīt plkst. 18.00", "2026-11-24 18:00"),
    ("rīt 18.00", "2026-11-24 18:00"),
    ("rīt 18.00.", "2026-11-24 18:00"),
    ("rīt 10.10", "2026-11-24 10:10"),
    ("plkst. 18.00", "2026-11-23 18:00"),
    ("18.00", "2026-11-23 18:00"),
    ("līdz 24.00", "2026-11-23 23:59"),
    ("līdz pusnaktij", "2026-11-23 23:59"),
    ("rīt līdz dienas beigām", "2026-11-24 23:59"),
    # Latvian: no single moment
    ("drīz", None),
    ("drīzumā", None),
    ("vēlāk", None),
    ("kaut kad", None),
    ("decembra beigās", "2026-12-31 23:59"),  # a month's last working day
    ("nākamnedēļ", "2026-12-04 23:59"),  # a week's last working day
    ("līdz decembrim", None),
    ("31. februārī", None),
    ("30.02.", None),
    ("pirmdien plkst. 9.00", "2026-11-30 09:00"),  # 9:00 has passed
    ("šodien 9:00", None),
    ("līdz 15.", "2026-12-15 23:59"),  # a day of the month alone
    ("rīt vai parīt", None),
    # Lithuanian: dates
    ("iki gruodžio 15 d.", "2026-12-15 23:59"),
    ("gruodžio 15 d.", "2026-12-15 23:59"),
    ("iki gruodžio 15-osios", "2026-12-15 23:59"),
    ("2026 m. gruodžio 15 d.", "2026-12-15 23:59"),
    ("iki sausio 15", "2027-01-15 23:59"),
    ("gegužės 1 d.", "2027-05-01 23:59"),
    # Lithuanian: weekdays
    ("kitą penktadienį", "2026-11-27 23:59"),
    ("kitą pirmadienį", "2026-11-30 23:59"),
    ("iki penktadienio", "2026-11-27 23:59"),
    ("penktadienį", "2026-11-27 23:59"),
    ("penktadienį 18 val.", "2026-11-27 18:00"),
    ("iki antradienio 12:00", "2026-11-24 12:00"),
    ("šeštadienį", "2026-11-28 23:59"),
    ("sekmadienį", "2026-11-29 23:59"),
    ("kitos savaitės penktadienį", "2026-12-04 23:59"),
    ("ne vėliau kaip penktadienį", "2026-11-27 23:59"),
    # Lithuanian: days counted from today, "in N ..."
    ("rytoj", "2026-11-24 23:59"),
    ("rytoj iki 24.00", "2026-11-24 23:59"),
    ("poryt", "2026-11-25 23:59"),
    ("šiandien", "2026-11-23 23:59"),
    ("po dviejų savaičių", "2026-12-07 23:59"),
    ("po savaitės", "2026-11-30 23:59"),
    ("po 3 dienų", "2026-11-26 23:59"),
    ("po trijų dienų", "2026-11-26 23:59"),
    ("po penkių dienų", "2026-11-28 23:59"),
    ("po mėnesio", "2026-12-23 23:59"),
    ("po dvylikos dienų", "2026-12-05 23:59"),
    ("už dviejų savaičių", "2026-12-07 23:59"),
    ("po 2 valandų", "2026-11-23 12:00"),
    ("iki vidurnakčio", "2026-11-23 23:59"),
    # Lithuanian: no single moment
    ("greitai", None),
    ("kada nors", None),
    ("kuo greičiau", None),
    ("vėliau", None),
    ("gruodžio pabaigoje", "2026-12-31 23:59"),
    ("kitą savaitę", "2026-12-04 23:59"),
    ("vasario 30 d.", None),
    ("iki 2026-11-20", None),
    # English: weekdays
    ("by Friday", "2026-11-27 23:59"),
    ("Friday", "2026-11-27 23:59"),
    ("fri", "2026-11-27 23:59"),
    ("this Friday", "2026-11-27 23:59"),
    ("next Friday", "2026-11-27 23:59"),
    ("next Friday 18:00", "2026-11-27 18:00"),
    ("next Monday", "2026-11-30 23:59"),
    ("Monday", "2026-11-30 23:59"),
    ("Friday next week", "2026-12-04 23:59"),
    ("Friday 6pm", "2026-11-27 18:00"),
    ("by Friday at 5:30 p.m.", "2026-11-27 17:30"),
    ("no later than Friday", "2026-11-27 23:59"),
    ("Friday 27.11.", "2026-11-27 23:59"),
    # English: days counted from today, "in N ..."
    ("tomorrow", "2026-11-24 23:59"),
    ("tomorrow at 9 am", "2026-11-24 09:00"),
    ("today", "2026-11-23 23:59"),
    ("tonight", "2026-11-23 23:59"),
    ("the day after tomorrow", "2026-11-25 23:59"),
    ("in two weeks", "2026-12-07 23:59"),
    ("in 3 days", "2026-11-26 23:59"),
    ("in a week", "2026-11-30 23:59"),
    ("in a fortnight", "2026-12-07 23:59"),
    ("in one month", "2026-12-23 23:59"),
    ("within ten days", "2026-12-03 23:59"),
    ("2 weeks from now", "2026-12-07 23:59"),
    ("a week from today", "2026-11-30 23:59"),
    ("in 2 hours", "2026-11-23 12:00"),
    ("tomorrow at noon", "2026-11-24 12:00"),
    # English: dates and times
    ("December 15", "2026-12-15 23:59"),
    ("15 December", "2026-12-15 23:59"),
    ("Dec 15", "2026-12-15 23:59"),
    ("December 15th, 2026", "2026-12-15 23:59"),
    ("the 15th of December", "2026-12-15 23:59"),
    ("by Jan 10", "2027-01-10 23:59"),
    ("2026-12-15", "2026-12-15 23:59"),
    ("until 2026-12-15 18:00", "2026-12-15 18:00"),
    ("15/12/2026", "2026-12-15 23:59"),
    ("by end of day", "2026-11-23 23:59"),
    ("midnight", "2026-11-23 23:59"),
    ("18:00", "2026-11-23 18:00"),
    ("at 6 pm", "2026-11-23 18:00"),
    ("12 pm", "2026-11-23 12:00"),
    # English: no single moment
    ("soon", None),
    ("ASAP", None),
    ("as soon as possible", None),
    ("later", None),
    ("sometime", None),
    ("end of December", "2026-12-31 23:59"),
    ("next week", "2026-12-04 23:59"),
    ("December", None),
    ("2026-13-01", None),
    ("February 30", None),
    ("9:00", None),
    ("yesterday", None),
    ("25:00", None),
    ("18:60", None),
    ("12/15", "2026-12-15 23:59"),  # only one reading: US order
    ("Friday 28.11.", None),
    ("Friday or Saturday", None),
    ("hello", None),
    ("", None),
    # Languages mixed in one phrase
    ("līdz Friday", "2026-11-27 23:59"),
    ("iki 15.12.", "2026-12-15 23:59"),
    ("by 15. decembrī", "2026-12-15 23:59"),
]


def test_table_is_large_and_unique() -> None:
    phrases = [phrase for phrase, _ in CASES]
    assert len(phrases) >= 100
    assert len(set(phrases)) == len(phrases)


@pytest.mark.parametrize(("phrase", "expected"), CASES, ids=[phrase for phrase, _ in CASES])
def test_phrase(phrase: str, expected: str | None) -> None:
    moment = parse_deadline(phrase, NOW, RIGA)
    assert shown(moment) == expected
    if moment is not None:
        assert moment.tzinfo is RIGA


NUMBER_WORDS = {
    "en": "one two three four five six seven eight nine ten eleven twelve",
    "lv": "vienas divām trim četrām piecām sešām septiņām astoņām deviņām desmit vienpadsmit"
    " divpadsmit",
    "lt": "vienos dviejų trijų keturių penkių šešių septynių aštuonių devynių dešimties"
    " vienuolikos dvylikos",
}
DAYS_IN = {  # one day, then more days
    "en": ("in {} day", "in {} days"),
    "lv": ("pēc {} dienas", "pēc {} dienām"),
    "lt": ("po {} dienos", "po {} dienų"),
}
NUMBER_CASES = [
    (DAYS_IN[lang][n > 1].format(word), n)
    for lang, words in NUMBER_WORDS.items()
    for n, word in enumerate(words.split(), start=1)
]


@pytest.mark.parametrize(("phrase", "n"), NUMBER_CASES, ids=[p for p, _ in NUMBER_CASES])
def test_number_words(phrase: str, n: int) -> None:
    """1-12 in words, in the forms used after "in", "pēc" (dative) and "po" (genitive)."""
    expected = datetime(2026, 11, 23, 23, 59, tzinfo=RIGA) + timedelta(days=n)
    assert parse_deadline(phrase, NOW, RIGA) == expected


SATURDAY = datetime(2026, 11, 28, 12, 0, tzinfo=RIGA)
SUNDAY = datetime(2026, 11, 29, 12, 0, tzinfo=RIGA)
WEDNESDAY = datetime(2026, 11, 25, 10, 0, tzinfo=RIGA)
FRIDAY = datetime(2026, 11, 27, 10, 0, tzinfo=RIGA)
DECEMBER_20 = datetime(2026, 12, 20, 10, 0, tzinfo=RIGA)
NEW_YEARS_EVE = datetime(2026, 12, 31, 10, 0, tzinfo=RIGA)  # a Thursday
JANUARY_31 = datetime(2027, 1, 31, 10, 0, tzinfo=RIGA)
MARCH_2027 = datetime(2027, 3, 1, 10, 0, tzinfo=RIGA)
LAST_SECONDS = datetime(2026, 11, 23, 23, 59, 30, tzinfo=RIGA)

OTHER_DAYS = [
    # Said at the weekend: "by Friday" is the coming one.
    ("sat by Friday", SATURDAY, "by Friday", "2026-12-04 23:59"),
    ("sat līdz piektdienai", SATURDAY, "līdz piektdienai", "2026-12-04 23:59"),
    ("sat iki penktadienio", SATURDAY, "iki penktadienio", "2026-12-04 23:59"),
    ("sat next Friday", SATURDAY, "next Friday", "2026-12-04 23:59"),
    ("sat Friday next week", SATURDAY, "Friday next week", "2026-12-04 23:59"),
    ("sat sestdien", SATURDAY, "sestdien", "2026-12-05 23:59"),
    ("sat next Saturday", SATURDAY, "next Saturday", "2026-12-05 23:59"),
    ("sat pirmdien", SATURDAY, "pirmdien", "2026-11-30 23:59"),
    ("sun next Monday", SUNDAY, "next Monday", "2026-11-30 23:59"),
    ("sun Monday next week", SUNDAY, "Monday next week", "2026-11-30 23:59"),
    ("sun šonedēļ pirmdien", SUNDAY, "šonedēļ pirmdien", None),
    # "next <weekday>" is the first strictly after today.
    ("wed next Friday", WEDNESDAY, "next Friday", "2026-11-27 23:59"),
    ("wed nākamajā piektdienā", WEDNESDAY, "nākamajā piektdienā", "2026-11-27 23:59"),
    ("wed kitą penktadienį", WEDNESDAY, "kitą penktadienį", "2026-11-27 23:59"),
    ("wed Friday next week", WEDNESDAY, "Friday next week", "2026-12-04 23:59"),
    ("wed šonedēļ piektdien", WEDNESDAY, "šonedēļ piektdien", "2026-11-27 23:59"),
    ("wed this week Monday", WEDNESDAY, "this week Monday", None),
    # Today's weekday is next week's, unless "this" or a time still to come says today.
    ("fri Friday", FRIDAY, "Friday", "2026-12-04 23:59"),
    ("fri līdz piektdienai", FRIDAY, "līdz piektdienai", "2026-12-04 23:59"),
    ("fri this Friday", FRIDAY, "this Friday", "2026-11-27 23:59"),
    ("fri Friday 18:00", FRIDAY, "Friday 18:00", "2026-11-27 18:00"),
    ("fri Friday 9:00", FRIDAY, "Friday 9:00", "2026-12-04 09:00"),
    ("fri next Friday", FRIDAY, "next Friday", "2026-12-04 23:59"),
    ("fri kitą penktadienį", FRIDAY, "kitą penktadienį", "2026-12-04 23:59"),
    # Year wrap.
    ("dec20 15.01.", DECEMBER_20, "15.01.", "2027-01-15 23:59"),
    ("dec20 15.01", DECEMBER_20, "15.01", "2027-01-15 23:59"),
    ("dec20 15. janvārī", DECEMBER_20, "15. janvārī", "2027-01-15 23:59"),
    ("dec20 iki sausio 15 d.", DECEMBER_20, "iki sausio 15 d.", "2027-01-15 23:59"),
    ("dec20 Jan 15", DECEMBER_20, "Jan 15", "2027-01-15 23:59"),
    ("dec20 15.12.", DECEMBER_20, "15.12.", "2027-12-15 23:59"),
    ("dec20 20.12.", DECEMBER_20, "20.12.", "2026-12-20 23:59"),
    ("dec20 in two weeks", DECEMBER_20, "in two weeks", "2027-01-03 23:59"),
    ("dec20 pēc divām nedēļām", DECEMBER_20, "pēc divām nedēļām", "2027-01-03 23:59"),
    ("dec31 next Monday", NEW_YEARS_EVE, "next Monday", "2027-01-04 23:59"),
    ("dec31 nākamo pirmdien", NEW_YEARS_EVE, "nākamo pirmdien", "2027-01-04 23:59"),
    ("dec31 kitą pirmadienį", NEW_YEARS_EVE, "kitą pirmadienį", "2027-01-04 23:59"),
    ("dec31 rīt", NEW_YEARS_EVE, "rīt", "2027-01-01 23:59"),
    ("dec31 Friday", NEW_YEARS_EVE, "Friday", "2027-01-01 23:59"),
    # Month lengths.
    ("jan31 pēc mēneša", JANUARY_31, "pēc mēneša", "2027-02-28 23:59"),
    ("jan31 in a month", JANUARY_31, "in a month", "2027-02-28 23:59"),
    ("mar 29.02.", MARCH_2027, "29.02.", "2028-02-29 23:59"),
    ("nov 29.02.", NOW, "29.02.", None),
    # The last seconds of a day.
    ("late today", LAST_SECONDS, "today", None),
    ("late šodien", LAST_SECONDS, "šodien", None),
    ("late rīt", LAST_SECONDS, "rīt", "2026-11-24 23:59"),
]


@pytest.mark.parametrize(
    ("now", "phrase", "expected"),
    [case[1:] for case in OTHER_DAYS],
    ids=[case[0] for case in OTHER_DAYS],
)
def test_other_days(now: datetime, phrase: str, expected: str | None) -> None:
    assert shown(parse_deadline(phrase, now, RIGA)) == expected


def test_end_of_day_is_local_to_the_zone() -> None:
    riga = parse_deadline("15.12.2026", NOW, RIGA)
    lisbon = parse_deadline("15.12.2026", NOW, LISBON)
    assert riga is not None
    assert lisbon is not None
    assert (shown(riga), shown(lisbon)) == ("2026-12-15 23:59", "2026-12-15 23:59")
    assert riga.tzinfo is RIGA
    assert lisbon.tzinfo is LISBON
    assert riga.utcoffset() == timedelta(hours=2)
    assert lisbon.utcoffset() == timedelta(0)
    assert lisbon - riga == timedelta(hours=2)


def test_a_date_alone_ends_where_the_owner_works_a_time_is_the_writers() -> None:
    assert read_deadline("15.12.2026", NOW, RIGA, LISBON).moment == parse_deadline(
        "15.12.2026", NOW, LISBON
    )
    assert read_deadline("15.12.2026 18:00", NOW, RIGA, LISBON).moment == parse_deadline(
        "15.12.2026 18:00", NOW, RIGA
    )
    assert read_deadline("vague soon", NOW, RIGA, LISBON).moment is None


def test_today_is_the_zone_s_today() -> None:
    """22:30 UTC is already tomorrow in Riga but still today in Lisbon."""
    now = datetime(2026, 11, 23, 22, 30, tzinfo=UTC)
    assert shown(parse_deadline("today", now, RIGA)) == "2026-11-24 23:59"
    assert shown(parse_deadline("today", now, LISBON)) == "2026-11-23 23:59"
    assert shown(parse_deadline("rīt", now, LISBON)) == "2026-11-24 23:59"


def test_summer_time_keeps_the_wall_clock() -> None:
    """Riga moves its clocks on 28 March 2027: tomorrow's 23:59 is in summer time."""
    moment = parse_deadline("rīt", datetime(2027, 3, 27, 12, 0, tzinfo=RIGA), RIGA)
    assert moment is not None
    assert shown(moment) == "2027-03-28 23:59"
    assert moment.utcoffset() == timedelta(hours=3)


@pytest.mark.parametrize("lang", [None, "lv", "lt", "en", "pt"])
def test_lang_never_changes_the_word_tables(lang: str | None) -> None:
    for phrase in ("līdz piektdienai", "kitą penktadienį", "by Friday", "tomorrow at noon"):
        assert parse_deadline(phrase, NOW, RIGA, lang) == parse_deadline(phrase, NOW, RIGA)


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        parse_deadline("rīt", NOW.replace(tzinfo=None), RIGA)


PURE_PHRASES = [
    "rīt līdz 24.00",
    "by Friday",
    "iki gruodžio 15 d.",
    "tomorrow at noon",
    "in 2 hours",
]


def test_pure_whatever_the_machine_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    expected = [parse_deadline(phrase, NOW, RIGA) for phrase in PURE_PHRASES]
    assert [parse_deadline(phrase, NOW, RIGA) for phrase in PURE_PHRASES] == expected
    try:
        for zone in ("UTC", "Pacific/Auckland", "America/Los_Angeles", "Asia/Kolkata"):
            monkeypatch.setenv("TZ", zone)
            time.tzset()
            got = [parse_deadline(phrase, NOW, RIGA) for phrase in PURE_PHRASES]
            assert [shown(moment) for moment in got] == [shown(moment) for moment in expected]
    finally:
        monkeypatch.undo()
        time.tzset()
