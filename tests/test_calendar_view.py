"""/calendar, /ics and the day-off advice in the reader's language: holiday names
translated where the `holidays` package has the reader's language, else in the country's
own with the country named ("Immacolata Concezione (Itālija)"), never English inside
Latvian or Lithuanian text; school breaks in full; the timeline readable on a phone."""

from __future__ import annotations

import re
from datetime import date, timedelta
from itertools import combinations

import holidays
import pytest
from babel.dates import format_interval
from icalendar import Calendar
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from bot import chart, timeline, timeline_figure
from bot.i18n import Translator
from bot.rules.calendar import Break, Pause, Place
from bot.rules.countries import country_name
from handlers.team_calendar import LEGEND, days_off_text, lanes
from scheduler.places import REASONS
from tests.driver import Driver, Sent, Teacher
from tests.test_quiz import png_text
from tests.test_quiz_chart import PHONE, SMALLEST, overlap
from tests.test_team_flow import create_project, join

TODAY = date(2026, 11, 23)  # tests.conftest's clock


async def lv_it_lt_team(driver: Driver) -> tuple[Teacher, Teacher, Teacher]:
    """Anna reads Latvian (Riga), Marco English (Italy), Jonas Lithuanian (Lithuania)."""
    anna = driver.teacher(101, "Anna", "lv", "Bērziņa")
    marco = driver.teacher(102, "Marco", "en", "Rossi")
    jonas = driver.teacher(103, "Jonas", "lt", "Petraitis")
    link = await create_project(anna)
    await join(marco, link, country="IT", school="Liceo Galilei", contact="m@x.it")
    await join(jonas, link, country="LT", school="Vilniaus gimnazija", contact="j@x.lt")
    return anna, marco, jonas


async def ask_deadline(teacher: Teacher, title: str, owner: str, day: str) -> Sent:
    """/deadline up to the echo of the date, before Yes or No."""
    await teacher.send("/deadline")
    await teacher.send(title)
    await teacher.click(owner)
    return await teacher.send(day)


def english_names(country: str, years: tuple[int, ...] = (2026, 2027)) -> set[str]:
    """The package's English names of a country's holidays that are not also its own."""
    english = holidays.country_holidays(country, years=years, language="en_US")
    native = type(english).default_language  # explicit: None reads the process locale
    own = holidays.country_holidays(country, years=years, language=native)
    found = {name for name in english.values() if name not in set(own.values())}
    assert len(found) >= 5, (country, found)  # the check below is not empty
    return found


async def test_a_latvian_reader_sees_foreign_holidays_in_their_own_language(driver: Driver):
    anna, marco, jonas = await lv_it_lt_team(driver)
    assert "lv" not in type(holidays.country_holidays("LT")).supported_languages
    text = (await anna.send("/calendar")).text
    assert "8. dec.: Immacolata Concezione (Itālija)" in text
    assert "24. dec.: Kūčių diena (Lietuva)" in text  # no Latvian for Lithuania: its own
    assert "24. dec.: Ziemassvētku vakars\n" in text  # her own country's: no suffix
    for country in ("IT", "LT", "LV"):
        for name in english_names(country):
            assert name not in text, name
    text = (await jonas.send("/calendar")).text
    assert "Ziemassvētku vakars (Latvija)" in text and "Kūčių diena\n" in text
    assert "Immacolata Concezione (Italija)" in text and "Immaculate" not in text
    text = (await marco.send("/calendar")).text  # the package has English for all three
    assert "Immaculate Conception\n" in text and "Christmas Eve\n" in text
    assert "Kūčių" not in text and "(Italy)" not in text


async def test_the_day_off_advice_names_the_holiday_in_the_readers_language(driver: Driver):
    anna, _marco, _jonas = await lv_it_lt_team(driver)
    sent = await ask_deadline(anna, "Upju stāsti", "Marco", "08.12.")
    assert "Marco Rossi (svētku diena: Immacolata Concezione (Itālija))" in sent.text
    assert "Immaculate" not in sent.text


async def test_a_break_is_shown_in_full_once_even_when_it_began_before(driver: Driver):
    anna, _marco, jonas = await lv_it_lt_team(driver)
    await anna.send("/breaks add 16.11.2026–29.11.2026 Projektu nedēļa")  # began a week ago
    await jonas.send("/breaks add 21.12.2026–03.01.2027 Žiemos atostogos")
    text = (await anna.send("/calendar")).text
    assert text.count("Projektu nedēļa") == 1 and "• 16.–29. nov.: Projektu nedēļa\n" in text
    assert text.count("Žiemos atostogos") == 1
    assert "• 21. dec.\u2009–\u20093. janv.: Žiemos atostogos (Lietuva)\n" in text  # Babel's
    text = (await jonas.send("/calendar")).text
    assert "• lapkr. 16–29: Projektu nedēļa (Latvija)\n" in text  # Lithuanian dates, by Babel
    assert "Žiemos atostogos\n" in text


def summaries(content: bytes) -> list[str]:
    return [str(e.get("summary")) for e in Calendar.from_ical(content).walk("VEVENT")]


async def export(teacher: Teacher) -> list[str]:
    sent = await teacher.send("/ics")
    call = next(c for c in sent.calls if c.method == "sendDocument")
    return summaries(call.files["document"][1])


async def test_the_ics_export_names_holidays_in_the_askers_language(driver: Driver):
    anna, marco, _jonas = await lv_it_lt_team(driver)
    found = await export(anna)
    assert "🇮🇹 Itālija: Immacolata Concezione" in found
    assert "🇱🇹 Lietuva: Kūčių diena" in found
    assert "🇱🇻 Latvija: Ziemassvētku vakars" in found
    english = english_names("IT") | english_names("LT") | english_names("LV")
    assert not [s for s in found if any(name in s for name in english)]
    found = await export(marco)
    assert "🇮🇹 Italy: Immaculate Conception" in found and "🇱🇹 Lithuania: Christmas Eve" in found


# One school year of /calendar windows for a five-country team, each country's breaks
# named in its own language as the data has them.
BREAKS = {
    "LV": [
        ("2026-10-26", "2026-10-30", "Rudens brīvdienas"),
        ("2026-12-21", "2027-01-01", "Ziemas brīvdienas"),
        ("2027-03-15", "2027-03-19", "Pavasara brīvdienas"),
    ],
    "LT": [
        ("2026-10-26", "2026-11-06", "Rudens atostogos"),
        ("2026-12-23", "2027-01-02", "Žiemos (Kalėdų) atostogos"),
        ("2027-02-15", "2027-02-19", "Žiemos atostogos"),
        ("2027-03-29", "2027-04-02", "Pavasario (Velykų) atostogos"),
    ],
    "PT": [
        ("2026-12-21", "2027-01-01", "Férias do Natal"),
        ("2027-02-08", "2027-02-10", "Férias do Carnaval"),
        ("2027-03-22", "2027-04-02", "Férias da Páscoa"),
    ],
    "ES": [("2026-12-22", "2027-01-07", "Vacaciones de Navidad")],
    "TR": [
        ("2027-01-25", "2027-02-05", "Yarıyıl tatili"),
        ("2026-11-09", "2026-11-13", "Ara tatil"),
    ],
}


def five_countries() -> list[tuple[str, Place]]:
    return [
        (
            country,
            Place(
                country,
                breaks=tuple(
                    Break(date.fromisoformat(a), date.fromisoformat(b), name) for a, b, name in rows
                ),
            ),
        )
        for country, rows in BREAKS.items()
    ]


@pytest.mark.parametrize("lang", ["lv", "lt", "en"])
def test_a_school_year_of_calendars_names_every_day_off_by_the_rule(lang: str):
    """Every holiday and break line of every weekly /calendar window from September to
    June: no English names in Latvian or Lithuanian text, the country named whenever the
    name is not in the reader's language, each break once and in full."""
    t = Translator(lang)
    places = five_countries()
    english = {country: english_names(country) for country in BREAKS}
    first = date(2026, 9, 1)
    while first < date(2027, 6, 30):
        last = first + timedelta(days=41)
        for country, part in zip(BREAKS, days_off_text(t, places, first, 42), strict=True):
            head, *items = part.split("\n")
            assert f" {country}</b>" in head
            named = f"({country_name(country, lang)})"
            entity = type(holidays.country_holidays(country))
            own = entity.default_language.split("_")[0] == lang
            translated = lang == "en" or lang in entity.supported_languages
            school = {n for _a, _b, n in BREAKS[country]}
            for item in items if items != ["• —"] else []:
                found = re.fullmatch(r"• (.+?): (.+)", item)
                assert found, item
                name = found.group(2)
                in_theirs = name.removesuffix(f" {named}") in school
                assert name.endswith(named) != (own if in_theirs else translated), item
                if lang != "en":
                    assert not any(word in name for word in english[country]), item
            for start, end, name in BREAKS[country]:
                a, b = date.fromisoformat(start), date.fromisoformat(end)
                if a <= last and b >= first:
                    whole = format_interval(a, b, "MMMd", locale=lang)
                    assert sum(f"• {whole}: {name}" in i for i in items) == 1, (first, name)
        first += timedelta(days=7)


def test_timeline_rows_keep_pauses_apart_from_the_schools_days_off():
    first = date(2026, 12, 21)  # a Monday
    place = Place(
        "LT",
        pauses=(
            Pause(date(2026, 12, 10), date(2026, 12, 22)),
            Pause(date(2027, 1, 30), date(2027, 2, 5)),
        ),
    )
    (row,) = lanes([("LT · Jonas", place)], first, 7)
    assert row.away == ((0, 1),)  # began before the window: from its first day
    assert row.days_off[:2] == (None, None)  # a pause is drawn as a bar, not as a day off


def phone_figure(lang: str) -> Figure:
    """Five teachers over six weeks from a Wednesday, one with two pauses, three
    deadlines (one with a long title), common weeks cut at both ends."""
    t = Translator(lang)
    first = TODAY + timedelta(days=2)  # a Wednesday: the first week is cut
    names = ["Anna Bērziņa", "Jonas", "Maria Silva", "Lucía", "Elif"]
    places = [(f"{c} · {n}", p) for (c, p), n in zip(five_countries(), names, strict=True)]
    rows = lanes(places, first, 42)
    rows[1] = timeline.Lane(rows[1].label, rows[1].days_off, ((15, 17), (30, 41)))
    dates = tuple(f"{(first + timedelta(days=n)):%d.%m.}" for n in range(42))
    data = timeline.Timeline(
        title=str(t("Team calendar")),
        subtitle="Water around us / Ūdens mums apkārt",
        dates=dates,
        mondays=tuple(n for n in range(42) if (first + timedelta(days=n)).weekday() == 0),
        lanes=rows,
        common=[-2, 5, 12, 40],
        marks=[
            timeline.Mark(0, 3, "28.11. · River stories"),
            timeline.Mark(
                1, 20, "15.12. · " + "A very long title of the river project, with pupils " * 2
            ),
            timeline.Mark(4, 41, "05.01. · Logo vote"),
        ],
        legend={k.value: str(t(v)) for k, v in REASONS.items()}
        | {k: str(t(v)) for k, v in LEGEND.items()},
    )
    fig = timeline_figure.figure(data)
    fig.canvas.draw()
    return fig


@pytest.mark.parametrize("lang", ["lv", "lt", "en"])
def test_the_timeline_is_readable_on_a_phone(lang: str):
    """Every text at least the quiz chart's smallest size on a 390-px phone, inside the
    picture, none on another; the legend in the reader's language; deadlines, pauses and
    common weeks drawn where they belong."""
    fig = phone_figure(lang)
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    scale = PHONE / fig.bbox.width
    ax = fig.axes[0]
    texts: list[Text] = [x for x in ax.texts if x.get_text()]
    boxes = {id(x): x.get_window_extent(renderer) for x in texts}
    canvas = Bbox.from_extents(0, 0, fig.bbox.width, fig.bbox.height)
    for text in texts:
        assert text.get_fontsize() * fig.dpi / 72 * scale >= SMALLEST, text.get_text()
        box = boxes[id(text)]
        assert canvas.x0 <= box.x0 and box.x1 <= canvas.x1 and canvas.y0 <= box.y0, text
        assert box.y1 <= canvas.y1, text.get_text()
    for a, b in combinations(texts, 2):
        assert not overlap(boxes[id(a)], boxes[id(b)]), (a.get_text(), b.get_text())
    gids = {p.get_gid(): p for p in ax.patches if p.get_gid()}
    diamonds = {
        g: p.get_window_extent(renderer)
        for g, p in gids.items()
        if g.startswith(("deadline", "list"))
    }
    assert sorted(diamonds) == [f"{kind}:{n}" for kind in ("deadline", "list") for n in (1, 2, 3)]
    for gid, box in diamonds.items():
        assert canvas.x0 <= box.x0 and box.x1 <= canvas.x1, gid  # the last day's too
        for text in texts:
            if text.get_gid() != f"key:{gid}":
                assert not overlap(box, boxes[id(text)]), (gid, text.get_text())
    assert {"away:1:0", "away:1:1", "common:-2", "common:5", "common:12", "common:40"} <= set(gids)

    def centre(gid: str) -> tuple[float, float]:
        """A patch's centre in points of the page (y upwards)."""
        box = gids[gid].get_window_extent(renderer)
        return (box.x0 + box.x1) / 2 * 72 / fig.dpi, (box.y0 + box.y1) / 2 * 72 / fig.dpi

    day = (chart.WIDTH - 2 * chart.MARGIN) / 42
    assert centre("deadline:1")[0] == pytest.approx(chart.MARGIN + 3.5 * day, abs=0.5)
    assert centre("away:1:0")[0] == pytest.approx(chart.MARGIN + 16.5 * day, abs=0.5)
    # deadline 2 stands on Jonas's row, the one with the pauses, above the next row's
    assert abs(centre("deadline:2")[1] - centre("away:1:0")[1]) < timeline_figure.ROW / 2
    shown = [x.get_text() for x in texts]
    t = Translator(lang)
    for label in [*REASONS.values(), *LEGEND.values()]:
        assert str(t(label)) in shown
    if lang != "en":
        assert "deadline" not in shown and "common week" not in shown
    assert "28.11. · River stories" in shown and "05.01. · Logo vote" in shown
    assert {"30.11.", "07.12.", "28.12."} <= set(shown)  # the Mondays
    assert fig.bbox.height / fig.bbox.width < 2.3


async def test_the_calendar_picture_shows_deadlines_pauses_and_common_weeks(driver: Driver):
    """Through /calendar: the PNG's description names the deadline with its date, Jonas's
    pause on his row and the common weeks, in the reader's language."""
    anna, _marco, jonas = await lv_it_lt_team(driver)
    await ask_deadline(anna, "Upju stāsti", "Jonas", "15.12.")
    await anna.click("Jā")
    await jonas.send("/away 02.12.2026")
    sent = await anna.send("/calendar")
    photo = next(c for c in sent.calls if c.method == "sendPhoto")
    drawn = png_text(photo.files["photo"][1])
    assert drawn["Title"] == "Komandas kalendārs: Water around us"
    described = drawn["Description"].splitlines()
    assert "termiņš 1: 15. dec. · Upju stāsti (LT · Jonas Petraitis)" in described
    assert "prombūtnē: LT · Jonas Petraitis 23. nov.–2. dec." in described
    assert described[0].startswith("kopīga nedēļa: 23. nov., 30. nov., 7. dec.")
