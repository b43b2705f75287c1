"""Calendar maths for a team in Latvia, Lithuania, Portugal and Turkey (holidays 0.109 data)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.rules.calendar import (
    Break,
    Pause,
    Place,
    Reason,
    ReasonKind,
    _year,
    affected,
    common_weeks,
    holiday_name,
    is_working_day,
    nearest_common_working_day,
    previous_working_day,
    shown_name,
    why_not_working,
    works_on,
)

LV, LT, PT, TR = Place("LV"), Place("LT"), Place("PT"), Place("TR")
TEAM = {"riga": LV, "vilnius": LT, "porto": PT, "izmir": TR}


@pytest.mark.parametrize(
    ("day", "country"),
    [
        (date(2025, 11, 18), "LV"),  # Proclamation Day, a Tuesday
        (date(2026, 5, 4), "LV"),  # Restoration of Independence Day, a Monday
        (date(2025, 5, 5), "LV"),  # 4 May 2025 was a Sunday: moved to Monday
        (date(2026, 2, 16), "LT"),  # Restoration of the State, a Monday
        (date(2026, 7, 6), "LT"),  # Statehood Day, a Monday
        (date(2025, 4, 25), "PT"),  # Freedom Day, a Friday
        (date(2025, 6, 10), "PT"),  # Day of Portugal, a Tuesday
        (date(2025, 10, 29), "TR"),  # Republic Day, a Wednesday
        (date(2025, 3, 31), "TR"),  # Ramazan Bayramı (moves with the lunar calendar)
        (date(2025, 6, 6), "TR"),  # Kurban Bayramı, a Friday
        (date(2026, 3, 20), "TR"),  # Ramazan Bayramı, eleven days earlier than in 2025
        (date(2026, 5, 27), "TR"),  # Kurban Bayramı
    ],
)
def test_national_holidays_are_days_off(day: date, country: str) -> None:
    assert day.weekday() < 5
    assert not is_working_day(day, country)


def test_a_holiday_elsewhere_is_a_working_day_here() -> None:
    assert is_working_day(date(2025, 11, 18), "LT")
    assert is_working_day(date(2025, 10, 29), "PT")
    assert is_working_day(date(2025, 4, 25), "TR")


def test_christmas_in_three_countries_but_not_turkey() -> None:
    christmas = date(2025, 12, 25)
    assert [is_working_day(christmas, c) for c in ("LV", "LT", "PT", "TR")] == [
        False,
        False,
        False,
        True,
    ]
    assert holiday_name(christmas, "TR") is None


def test_latvian_moved_working_saturdays() -> None:
    """Latvia swaps days: 2 May 2025 off, Saturday 10 May worked; 17 Nov 2025 off,
    Saturday 8 Nov worked; 2 Jan 2026 off, Saturday 17 Jan worked; 22 Jun 2026 off,
    Saturday 27 Jun worked."""
    for worked, off in [
        (date(2025, 5, 10), date(2025, 5, 2)),
        (date(2025, 11, 8), date(2025, 11, 17)),
        (date(2026, 1, 17), date(2026, 1, 2)),
        (date(2026, 6, 27), date(2026, 6, 22)),
    ]:
        assert worked.weekday() == 5
        assert is_working_day(worked, "LV")
        assert not is_working_day(off, "LV")
        assert not is_working_day(worked, "LT")  # an ordinary Saturday next door
    assert why_not_working(date(2025, 5, 10), LV) is None
    assert holiday_name(date(2025, 11, 17), "LV", lang="lv") == "Brīvdiena (pārcelta no 08.11.2025)"


def test_moved_working_day_across_new_year() -> None:
    """The package files such swaps under the year of the day off only: Azerbaijan's
    3 Jan 2008 off was worked on Saturday 29 Dec 2007."""
    assert is_working_day(date(2007, 12, 29), "AZ")
    assert not is_working_day(date(2008, 1, 3), "AZ")


def test_weekends() -> None:
    saturday, sunday, monday = date(2025, 10, 4), date(2025, 10, 5), date(2025, 10, 6)
    for country in ("LV", "LT", "PT", "TR"):
        assert not is_working_day(saturday, country)
        assert not is_working_day(sunday, country)
        assert is_working_day(monday, country)


def test_weekend_days_differ_by_country() -> None:
    """Israel rests on Friday and Saturday and works on Sunday."""
    assert not is_working_day(date(2025, 10, 3), "IL")
    assert is_working_day(date(2025, 10, 5), "IL")


def test_portuguese_regions() -> None:
    madeira_day, boxing_day = date(2025, 7, 1), date(2025, 12, 26)
    for region in ("30", "PT-30", "pt-30", "Região Autónoma da Madeira"):
        assert not is_working_day(madeira_day, "PT", region)
        assert not is_working_day(boxing_day, "PT", region)
    assert is_working_day(madeira_day, "PT")
    assert is_working_day(boxing_day, "PT")
    assert is_working_day(madeira_day, "PT", "PT-20")  # the Azores
    assert not is_working_day(date(2025, 6, 13), "PT", "Lisboa")  # Santo António
    assert holiday_name(date(2025, 6, 13), "PT", "PT-11", lang="pt") == "Dia de Santo António"


def test_an_unmodelled_region_falls_back_to_the_country() -> None:
    assert is_working_day(date(2025, 7, 1), "PT", "Atlantis")
    assert not is_working_day(date(2025, 11, 18), "LV", "LV-RIX")


def test_an_unknown_country_is_an_error() -> None:
    with pytest.raises(NotImplementedError):
        is_working_day(date(2025, 1, 2), "XX")


def test_holiday_names_and_language_fallback() -> None:
    proclamation = date(2025, 11, 18)
    assert holiday_name(proclamation, "LV", lang="lv") == "Latvijas Republikas Proklamēšanas diena"
    assert holiday_name(proclamation, "LV") == "Republic of Latvia Proclamation Day"
    assert holiday_name(proclamation, "lv", lang="en_GB") == "Republic of Latvia Proclamation Day"
    # A language the package lacks for the country: the country's own, never English.
    assert holiday_name(proclamation, "LV", lang="de") == "Latvijas Republikas Proklamēšanas diena"
    assert holiday_name(date(2026, 2, 16), "LT", lang="lt") == "Lietuvos valstybės atkūrimo diena"
    assert holiday_name(date(2025, 12, 25), "PT", lang="pt-PT") == "Dia de Natal"
    assert holiday_name(date(2025, 10, 29), "TR", lang="tr") == "Cumhuriyet Bayramı"
    # No Latvian translation for Lithuania's holidays: Lithuanian, not English.
    assert holiday_name(date(2026, 7, 6), "LT", lang="lv").startswith("Valstybės")
    assert holiday_name(date(2026, 12, 8), "IT", lang="lt") == "Immacolata Concezione"
    assert holiday_name(date(2026, 12, 26), "IE", lang="lv") == "Saint Stephen's Day"  # its own
    assert holiday_name(date(2025, 11, 19), "LV") is None


def test_why_not_working() -> None:
    assert why_not_working(date(2025, 11, 18), LV, lang="lv") == Reason(
        ReasonKind.PUBLIC_HOLIDAY, name="Latvijas Republikas Proklamēšanas diena"
    )
    assert why_not_working(date(2025, 11, 18), LV) == Reason(
        ReasonKind.PUBLIC_HOLIDAY, name="Republic of Latvia Proclamation Day"
    )
    assert why_not_working(date(2025, 11, 19), LV) is None
    # 16 February 2025 was a Sunday: the weekend is the reason, not the holiday.
    assert why_not_working(date(2025, 2, 16), LT) == Reason(ReasonKind.WEEKEND)


def test_why_not_working_with_breaks_and_pauses() -> None:
    autumn = Break(date(2025, 10, 20), date(2025, 10, 24), "Rudens brīvdienas")
    place = Place("LV", breaks=(autumn,), pauses=(Pause(date(2025, 11, 3), date(2025, 11, 7)),))
    assert why_not_working(date(2025, 10, 22), place, lang="lv") == Reason(
        ReasonKind.SCHOOL_BREAK, name="Rudens brīvdienas", until=date(2025, 10, 24)
    )
    # a break's name is in its country's language: another reader is told whose it is
    assert why_not_working(date(2025, 10, 22), place).name == "Rudens brīvdienas (Latvia)"
    assert why_not_working(date(2025, 10, 22), place, lang="lt").name == (
        "Rudens brīvdienas (Latvija)"
    )
    assert why_not_working(date(2025, 10, 25), place) == Reason(ReasonKind.WEEKEND)
    assert why_not_working(date(2025, 11, 5), place) == Reason(
        ReasonKind.PERSONAL_PAUSE, until=date(2025, 11, 7)
    )
    assert why_not_working(date(2025, 11, 10), place) is None
    for n in range(60):
        day = date(2025, 10, 15) + timedelta(days=n)
        assert works_on(day, place) == (why_not_working(day, place) is None)


def test_breaks_and_pauses_must_not_end_before_they_start() -> None:
    with pytest.raises(ValueError, match="break"):
        Break(date(2025, 10, 24), date(2025, 10, 20), "backwards")
    with pytest.raises(ValueError, match="pause"):
        Pause(date(2025, 10, 24), date(2025, 10, 20))


def test_previous_working_day_across_a_weekend_and_holidays() -> None:
    # Tue 18 Nov holiday, Mon 17 Nov day off, then the weekend: back to Friday 14 Nov.
    assert previous_working_day(date(2025, 11, 18), LV) == date(2025, 11, 14)
    # Mon 5 May (observed), weekend, Fri 2 May (day off), Thu 1 May: back to Wed 30 Apr.
    assert previous_working_day(date(2025, 5, 5), LV) == date(2025, 4, 30)
    # Sunday 11 May 2025 comes right after a worked Saturday.
    assert previous_working_day(date(2025, 5, 11), LV) == date(2025, 5, 10)
    assert previous_working_day(date(2025, 11, 19), LV) == date(2025, 11, 19)


def test_previous_working_day_never_passes_not_before() -> None:
    assert previous_working_day(date(2025, 11, 18), LV, not_before=date(2025, 11, 15)) is None
    assert previous_working_day(date(2025, 11, 18), LV, not_before=date(2025, 11, 14)) == date(
        2025, 11, 14
    )
    away = Place("LV", pauses=(Pause(date(2025, 11, 10), date(2025, 11, 14)),))
    # Away Mon–Fri, so back to the week before: Saturday 8 November was worked in Latvia.
    assert previous_working_day(date(2025, 11, 18), away) == date(2025, 11, 8)


def test_nearest_common_working_day_around_christmas() -> None:
    """Christmas 2025: LV and LT are off 24–26 December, PT on the 25th, then a weekend."""
    team = list(TEAM.values())
    assert nearest_common_working_day(date(2025, 12, 25), team) == date(2025, 12, 23)
    # From Friday 26th, Tuesday 23rd and Monday 29th are both three days away: earlier wins.
    assert nearest_common_working_day(date(2025, 12, 26), team) == date(2025, 12, 23)
    assert nearest_common_working_day(date(2025, 12, 23), team) == date(2025, 12, 23)
    # With LV and LT on a school break 22 December–2 January, from New Year's Eve
    # Monday 5 January (5 days) is nearer than Friday 19 December (12 days).
    winter = Break(date(2025, 12, 22), date(2026, 1, 2), "Ziemassvētku brīvdienas")
    on_break = [Place("LV", breaks=(winter,)), Place("LT", breaks=(winter,)), PT, TR]
    assert nearest_common_working_day(date(2025, 12, 31), on_break) == date(2026, 1, 5)
    assert nearest_common_working_day(date(2025, 12, 26), on_break) == date(2025, 12, 19)
    assert nearest_common_working_day(date(2025, 12, 31), on_break, search_days=4) is None


def test_nearest_common_working_day_is_never_before_today() -> None:
    """Advice for a deadline on Christmas Day given on the 24th: not the 23rd, already gone."""
    team = list(TEAM.values())
    today = date(2025, 12, 24)
    assert nearest_common_working_day(date(2025, 12, 25), team, not_before=today) == date(
        2025, 12, 29
    )
    assert nearest_common_working_day(date(2025, 12, 25), team, not_before=date(2026, 2, 1)) is None


def test_nearest_common_working_day_needs_every_place() -> None:
    # Tue 28 Oct 2025 is TR's Republic Day eve (half day, still working); 29th is off in TR.
    assert nearest_common_working_day(date(2025, 10, 29), [LV, TR]) == date(2025, 10, 28)
    assert nearest_common_working_day(date(2025, 10, 29), [LV, PT]) == date(2025, 10, 29)


def test_common_weeks_around_a_school_break() -> None:
    latvia = Place("LV", breaks=(Break(date(2025, 10, 20), date(2025, 10, 24), "Rudens"),))
    # A break touching only the Monday still removes its week; one over a weekend does not.
    lithuania = Place(
        "LT",
        breaks=(
            Break(date(2025, 11, 1), date(2025, 11, 3), "Rudens atostogos"),
            Break(date(2025, 10, 11), date(2025, 10, 12), "Weekend trip"),
        ),
    )
    weeks = common_weeks(date(2025, 10, 1), date(2025, 11, 16), [latvia, lithuania, PT, TR])
    assert weeks == [
        date(2025, 9, 29),  # Wednesday 1 October starts the range
        date(2025, 10, 6),
        date(2025, 10, 13),
        # 20 Oct: Latvian break; 3 Nov: Lithuanian break
        date(2025, 10, 27),  # TR's Republic Day on Wednesday does not remove the week
        date(2025, 11, 10),
    ]


def test_common_weeks_edges() -> None:
    # A range starting on a Saturday and ending on a Monday.
    assert common_weeks(date(2025, 10, 4), date(2025, 10, 13), [LV]) == [
        date(2025, 10, 6),
        date(2025, 10, 13),
    ]
    assert common_weeks(date(2025, 10, 4), date(2025, 10, 5), [LV]) == []
    assert common_weeks(date(2025, 10, 13), date(2025, 10, 6), [LV]) == []


def test_affected() -> None:
    assert affected(date(2025, 12, 25), TEAM, lang="lv") == {
        "riga": Reason(ReasonKind.PUBLIC_HOLIDAY, name="Pirmie Ziemassvētki"),
        "vilnius": Reason(ReasonKind.PUBLIC_HOLIDAY, name="Šv. Kalėdų pirma diena (Lietuva)"),
        "porto": Reason(ReasonKind.PUBLIC_HOLIDAY, name="Dia de Natal (Portugāle)"),
    }
    assert affected(date(2025, 11, 19), TEAM) == {}
    assert set(affected(date(2025, 10, 4), TEAM)) == set(TEAM)


def test_many_calls_reuse_the_cached_years() -> None:
    """10,000 teams asking about one season build each country-year once (timing lives
    in the benchmarks)."""
    start = date(2025, 9, 1)
    days = [start + timedelta(days=n % 120) for n in range(10_000)]
    for country in ("LV", "LT", "PT", "TR"):
        is_working_day(start, country)
        is_working_day(date(2026, 1, 1), country)
    built = _year.cache_info().misses
    for n, day in enumerate(days):
        is_working_day(day, ("LV", "LT", "PT", "TR")[n % 4])
    assert _year.cache_info().misses == built


def test_shown_name_names_the_country_in_another_language() -> None:
    """One rule for holidays and breaks: the reader's language as it is, anything else
    with the country named in the reader's language; English only for English."""
    assert shown_name("Ziemassvētku brīvlaiks", "LV", "lv") == "Ziemassvētku brīvlaiks"
    assert shown_name("Ziemassvētku brīvlaiks", "LV", "lt") == "Ziemassvētku brīvlaiks (Latvija)"
    assert shown_name("Vacanze di Natale", "IT", "en") == "Vacanze di Natale (Italy)"
    assert shown_name("Immaculate Conception", "IT", "en-GB", "en_US") == "Immaculate Conception"
    assert shown_name("Christmas holidays", "IE", "en") == "Christmas holidays"
    assert shown_name("Christmas Day", "NZ", "lv") == "Christmas Day (Jaunzēlande)"
    assert shown_name("Noël", "FR", "fr") == "Noël"
    assert shown_name("Natale", "IT", "pt-PT") == "Natale (Itália)"
