"""The quiz chart on a phone: five teachers, three languages, checked by geometry.

The picture is measured the way Agg draws it: every marker's and every text's window
extent in pixels, scaled to a 390-px-wide phone screen."""

from itertools import combinations

import pytest
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from bot import chart, chart_data
from bot.guide.quiz import SCALES
from bot.i18n import Translator
from handlers.quiz import QUIZ
from tests.driver import Driver
from tests.test_quiz import PNG, png_text, take_quiz
from tests.test_team_flow import create_project, join

PHONE = 390  # px: the width a phone shows the picture at
SMALLEST = 11  # px: the least text height readable there

FIVE = ["Anna Bērziņa", "Jonas Petraitis", "Maria Silva", "Ona Kazlauskienė", "Kārlis Ozols"]
# Per scale, per teacher: all five on one value, four, three, and spread out.
CROWDED = [
    [3, 3, 3, 3, 3],
    [1, 1, 1, 1, 5],
    [5, 5, 5, 1, 1],
    [1, 2, 3, 4, 5],
    [1, 5, 1, 5, 3],
    [2, 2, 4, 4, 4],
    [5, 5, 5, 5, 5],
    [1, 1, 1, 1, 1],
    [4, 4, 2, 2, 3],
]


def drawn(quiz: chart_data.Quiz) -> tuple[Figure, RendererAgg]:
    fig = chart.quiz_figure(quiz)
    fig.canvas.draw()
    return fig, fig.canvas.get_renderer()  # type: ignore[attr-defined]


def translated(lang: str, names: list[str], values: list[list[int]]) -> chart_data.Quiz:
    t = Translator(lang)
    return chart_data.Quiz(
        title=t(QUIZ.title),
        subtitle="eTwinning: Water around us / Ūdens mums apkārt 2026–2027",
        names=names,
        scales=[
            chart_data.Scale(t(label), t(low), t(high)) for _k, _q, low, high, label, _t in SCALES
        ],
        values=values,
    )


def overlap(a: Bbox, b: Bbox) -> bool:
    """More than half a pixel of one box inside the other (touching is fine)."""
    return min(a.x1, b.x1) - max(a.x0, b.x0) > 0.5 and min(a.y1, b.y1) - max(a.y0, b.y0) > 0.5


def check_phone_layout(fig: Figure, renderer: RendererAgg, teachers: int) -> None:
    """No marker on another, no marker on any text but its own letter, no text on
    another, everything inside the picture, every font at least SMALLEST px on a phone,
    every marker the same size."""
    width, height = fig.bbox.width, fig.bbox.height
    scale = PHONE / width  # picture px → phone px
    ax = fig.axes[0]
    markers = {p.get_gid(): p.get_window_extent(renderer) for p in ax.patches if p.get_gid()}
    texts: list[Text] = [t for t in ax.texts if t.get_text()]
    boxes = {id(t): t.get_window_extent(renderer) for t in texts}
    assert len(markers) == teachers * (len(SCALES) + 1)  # each scale, plus the legend

    canvas = Bbox.from_extents(0, 0, width, height)
    for box in [*markers.values(), *boxes.values()]:
        assert canvas.x0 <= box.x0 and box.x1 <= canvas.x1, box
        assert canvas.y0 <= box.y0 and box.y1 <= canvas.y1, box
    for (one, a), (other, b) in combinations(markers.items(), 2):
        assert not overlap(a, b), (one, other)
    for gid, box in markers.items():
        for text in texts:
            if text.get_gid() != f"key:{gid}":
                assert not overlap(box, boxes[id(text)]), (gid, text.get_text())
        size = (box.width * scale, box.height * scale)
        assert all(2 * chart.RADIUS * 0.8 <= side <= 2 * chart.RADIUS + 1 for side in size), size
    for a, b in combinations(texts, 2):
        assert not overlap(boxes[id(a)], boxes[id(b)]), (a.get_text(), b.get_text())
    for text in texts:
        on_phone = text.get_fontsize() * fig.dpi / 72 * scale
        assert on_phone >= SMALLEST, (text.get_text(), on_phone)


@pytest.mark.parametrize("lang", ["lv", "lt", "en"])
def test_five_teachers_fit_a_phone_in_the_readers_language(lang: str):
    fig, renderer = drawn(translated(lang, FIVE, CROWDED))
    check_phone_layout(fig, renderer, teachers=5)
    assert fig.bbox.height / fig.bbox.width < 2.3  # opened in Telegram, it fills the screen
    shown = [t.get_text().replace("\u00a0", " ") for t in fig.axes[0].texts]
    everything = " ".join(shown)
    t = Translator(lang)
    assert shown[0] == t("Work-style quiz")
    for _k, _q, low, high, label, _talk in SCALES:
        assert t(label) in shown
        assert f"1 = {t(low)}" in everything and f"{t(high)} = 5" in everything
    for name in ("Anna", "Jonas", "Maria", "Ona", "Kārlis"):
        assert name in shown  # first names, not initials
    if lang != "en":
        assert t("Deadlines") != "Deadlines" and "Deadlines" not in shown


def test_two_teachers_and_a_crowd_of_eight_also_fit():
    fig, renderer = drawn(translated("lv", FIVE[:2], [row[:2] for row in CROWDED]))
    check_phone_layout(fig, renderer, teachers=2)
    eight = [*FIVE, "Anna Kalniņa", "Aldis $x^2$ Ābele", "Bartholomäus-Maximilian"]
    fig, renderer = drawn(translated("lt", eight, [[*row, 3, 3, 3] for row in CROWDED]))
    check_phone_layout(fig, renderer, teachers=8)
    shown = [t.get_text() for t in fig.axes[0].texts]
    assert "Anna B." in shown and "Anna K." in shown and "Aldis" in shown  # no math parsed
    assert "Bartholomäu…" in shown


def test_a_team_of_fifty_stays_within_telegrams_photo_limits():
    """storage.teams allows 50 members: the chart gets less sharp, never smaller."""
    names = [f"Maximilianus{n:02} Ozols" for n in range(50)]  # first names as long as kept
    fig, renderer = drawn(translated("en", names, [[3] * 50 for _ in SCALES]))
    check_phone_layout(fig, renderer, teachers=50)
    assert fig.bbox.width + fig.bbox.height <= 10_000  # Telegram's limit for a photo


def test_names_letters_and_places():
    assert chart_data.short_names(["Anna Bērziņa", "Anna Kalniņa", "Jonas", "  "]) == [
        "Anna B.",
        "Anna K.",
        "Jonas",
        "?",
    ]
    assert chart_data.keys(["Anna", "aldis", "Jonas"]) == ["A1", "A2", "J"]
    assert chart_data.keys([f"Maria{n}" for n in range(12)])[8:] == ["M9", "Ma", "Mb", "Mc"]
    # four at 3 (three in the first row, one in the second), one at 1
    assert chart.stack([3, 3, 3, 3, 1]) == [(0, 0, 4), (1, 0, 4), (2, 0, 4), (0, 1, 4), (0, 0, 1)]


async def test_five_teachers_get_the_chart_in_their_language(driver: Driver):
    """/quizresults sends the PNG: in the group in the group's language, privately in
    each reader's (Jonas reads Lithuanian, Maria English)."""
    anna = driver.teacher(101, "Anna", "lv", "Bērziņa")
    team = [
        anna,
        driver.teacher(102, "Jonas", "lt", "Petraitis"),
        driver.teacher(103, "Maria", "en", "Silva"),
        driver.teacher(104, "Ona", "lt", "Kazlauskienė"),
        driver.teacher(105, "Kārlis", "lv", "Ozols"),
    ]
    invite = await create_project(anna)
    for n, teacher in enumerate(team[1:], 2):
        await join(teacher, invite, country="LT", school=f"School {n}", contact=f"t{n}@x.lt")
    group = driver.group()
    group.set_member(anna, "creator")
    await group.add_bot(anna)
    await anna.send("/link", group)
    for n, teacher in enumerate(team):
        await take_quiz(teacher, [row[n] for row in CROWDED], {})

    sent = await team[2].send("/quizresults", group)
    photo = next(c for c in sent.calls if c.method == "sendPhoto")
    assert photo.chat_id == group.id and photo.files["photo"][1].startswith(PNG)
    inside = png_text(photo.files["photo"][1])
    lv = Translator("lv")  # the group's language: Anna linked it
    assert inside["Title"] == f"{lv('Work-style quiz')}: Water around us"
    assert inside["Description"].splitlines()[0] == (
        f"{lv('Deadlines')} (1 {lv('right away')}, 5 {lv('at the last moment')}): "
        "Anna Bērziņa 3, Jonas Petraitis 3, Maria Silva 3, Ona Kazlauskienė 3, Kārlis Ozols 3"
    )
    for reader, lang in ((team[1], "lt"), (team[2], "en")):
        sent = await reader.send("/quizresults")
        photo = next(c for c in sent.calls if c.method == "sendPhoto")
        assert photo.chat_id == reader.id
        inside = png_text(photo.files["photo"][1])
        t = Translator(lang)
        assert inside["Title"] == f"{t('Work-style quiz')}: Water around us"
        assert inside["Description"].startswith(f"{t('Deadlines')} (1 {t('right away')}, ")
    assert inside["Description"].splitlines()[-1] == (
        "Getting help (1 clear instructions, 5 a conversation in which I find it myself): "
        "Anna Bērziņa 4, Jonas Petraitis 4, Maria Silva 2, Ona Kazlauskienė 2, Kārlis Ozols 3"
    )
