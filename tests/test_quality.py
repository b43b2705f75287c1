"""The quality self-check: the label rules as a table, then /quality end to end."""

import pytest
from sqlmodel import select

from bot.rules.quality import Criterion, Reason, Scores, assess
from storage.db import Database
from storage.models import Answer, Project
from storage.teams import ProjectType
from tests.driver import Driver, Sent, Teacher
from tests.test_quiz import linked_team
from tests.test_roles import national_pair, team_of_three
from tests.test_team_flow import create_project

INTL = ProjectType.INTERNATIONAL
ALL = (True, True, True, True, True)


def scores(
    pupils: int = 3,
    curriculum: int = 3,
    collaboration: int = 3,
    ict: tuple[bool, ...] = ALL,
    results: tuple[bool, ...] = ALL,
) -> Scores:
    return Scores(pupils, curriculum, collaboration, ict, results)


@pytest.mark.parametrize(
    ("s", "kind", "total", "reasons", "certificate"),
    [
        # 12 vs 13 points in total (3+3+3 + ICT 3 + results 0 or 1)
        (
            scores(ict=(True, True, True, False, False), results=(False,) * 5),
            INTL,
            12,
            (Reason.TOTAL,),
            False,
        ),
        (
            scores(ict=(True, True, True, False, False), results=(True,) + (False,) * 4),
            INTL,
            13,
            (),
            False,
        ),
        # collaboration 2 vs 3, with plenty of points
        (scores(5, 5, 2), INTL, 22, (Reason.COLLABORATION,), False),
        (scores(5, 5, 3), INTL, 23, (), True),
        # ICT condition 1 or 2 missing: no label even with 24 points
        (
            scores(5, 5, 5, ict=(False, True, True, True, True)),
            INTL,
            24,
            (Reason.ICT_SAFETY,),
            False,
        ),
        (
            scores(5, 5, 5, ict=(True, False, True, True, True)),
            INTL,
            24,
            (Reason.ICT_PUPILS,),
            False,
        ),
        # both readings of the guide: ICT needs conditions 1 and 2 (criteria page) and at
        # least 3 points (glossary: 3 in each exclusionary criterion)
        (scores(ict=(True, True, True, False, False)), INTL, 17, (), False),
        (
            scores(5, 5, 5, ict=(True, True, False, False, False)),
            INTL,
            22,
            (Reason.ICT_POINTS,),
            False,
        ),
        (
            scores(5, 5, 5, ict=(False, False, True, True, True)),
            INTL,
            23,
            (Reason.ICT_SAFETY, Reason.ICT_PUPILS),
            False,
        ),
        # national: full marks, still no label; undecided: not yet
        (scores(5, 5, 5), ProjectType.NATIONAL, 25, (Reason.NATIONAL,), False),
        (scores(5, 5, 5), ProjectType.UNDECIDED, 25, (Reason.UNDECIDED,), False),
        # 17 vs 18 for the certificate
        (scores(4, 3, 3, results=(True, True, False, False, False)), INTL, 17, (), False),
        (scores(4, 4, 3, results=(True, True, False, False, False)), INTL, 18, (), True),
        # several reasons at once, in a stable order
        (
            scores(1, 1, 1, ict=(False,) * 5, results=(False,) * 5),
            ProjectType.NATIONAL,
            3,
            (
                Reason.NATIONAL,
                Reason.TOTAL,
                Reason.COLLABORATION,
                Reason.ICT_SAFETY,
                Reason.ICT_PUPILS,
                Reason.ICT_POINTS,
            ),
            False,
        ),
        (
            scores(5, 5, 2, ict=(True, False, True, True, True)),
            ProjectType.UNDECIDED,
            21,
            (Reason.UNDECIDED, Reason.COLLABORATION, Reason.ICT_PUPILS),
            False,
        ),
    ],
)
def test_label_rules(
    s: Scores, kind: ProjectType, total: int, reasons: tuple[Reason, ...], certificate: bool
):
    result = assess(s, kind)
    assert result.total == total
    assert result.reasons == reasons
    assert result.eligible is (not reasons)
    assert result.certificate is certificate


def test_no_certificate_without_the_label():
    assert not assess(scores(5, 5, 2), INTL).certificate  # 22 points, but collaboration excludes
    assert not assess(scores(5, 5, 5), ProjectType.NATIONAL).certificate


@pytest.mark.parametrize(
    ("s", "weakest"),
    [
        (scores(5, 5, 5), ()),  # full marks: nothing to point at
        (scores(2, 5, 5), (Criterion.PUPILS,)),
        (scores(5, 5, 5, ict=(True, True, False, False, False)), (Criterion.ICT,)),
        (
            scores(3, 4, 3, results=(True, True, True, False, False)),
            (Criterion.PUPILS, Criterion.COLLABORATION, Criterion.RESULTS),
        ),  # a three-way tie, in the guide's order
        (
            scores(4, 4, 4, ict=(True,) * 4 + (False,), results=(True,) * 4 + (False,)),
            tuple(Criterion),
        ),
    ],
)
def test_weakest_criteria_and_ties(s: Scores, weakest: tuple[Criterion, ...]):
    assert assess(s, INTL).weakest == weakest


@pytest.mark.parametrize(
    "bad",
    [
        {"pupils": 0},
        {"collaboration": 6},
        {"ict": (True,) * 4},
        {"results": (True,) * 6},
    ],
)
def test_scores_refuse_impossible_values(bad: dict[str, object]):
    values: dict[str, object] = {
        "pupils": 3,
        "curriculum": 3,
        "collaboration": 3,
        "ict": ALL,
        "results": ALL,
        **bad,
    }
    with pytest.raises(ValueError):
        Scores(**values)  # type: ignore[arg-type]


# --- end to end ------------------------------------------------------------------------


async def self_check(
    teacher: Teacher,
    levels: tuple[int, int, int],
    ict: tuple[bool, ...] = ALL,
    results: tuple[bool, ...] = ALL,
) -> Sent:
    """Answer all thirteen questions with the buttons; returns the last reply."""
    sent = await teacher.send("/quality")
    assert "1/13" in sent.text
    for level in levels:
        sent = await teacher.click(str(level))
    for yes in ict + results:
        sent = await teacher.click("Yes" if yes else "No")
    return sent


async def international(driver: Driver) -> tuple[Teacher, Teacher, Teacher]:
    """Anna (Latvia) makes Jonas (Lithuania) the second founder."""
    anna, jonas, maria = await team_of_three(driver)
    await anna.send("/members")
    await anna.click("Jonas")
    await anna.click("Make founder")
    return anna, jonas, maria


async def test_an_international_project_is_eligible(driver: Driver, db: Database):
    anna, jonas, _maria = await international(driver)
    sent = await anna.send("/quality")
    assert "Quality self-check" in sent.text and "Water around us" in sent.text
    assert "the pupils' role" in sent.text and "5 — the pupils work creatively" in sent.text
    await anna.click("4")
    await anna.click("3")
    sent = await anna.click("4")
    assert "4/13" in sent.text and "condition 1 of 5" in sent.text and "no label" in sent.text
    for _ in range(9):
        await anna.click("Yes")
    sent = await anna.click("No")  # results condition 5: no publicity yet
    text = sent.text
    assert "Total: 20 of 25 points" in text
    assert "could get the National Quality Label" in text and "could not" not in text
    assert "certificate of professional development" in text and "European Quality Label" in text
    assert "Link with the curriculum</b>" in text  # weakest (3 points) with its advice
    assert "lessons" in text
    assert "at most 4 labels per school year" in text and "individually" in text
    stored = await db.run(
        lambda s: s.exec(select(Answer).where(Answer.questionnaire == "quality")).all()
    )
    assert len(stored) == 13 and {a.user_id for a in stored} == {101}
    # opening it again shows the result; one answer can be changed
    sent = await anna.send("/quality")
    assert "Total: 20 of 25 points" in sent.text
    await anna.click("Change one answer")
    sent = await anna.click("5.5 Results")
    assert "condition 5 of 5" in sent.text and "✓ No" in sent.buttons()
    sent = await anna.click("Yes")
    assert "Total: 21 of 25 points" in sent.text
    # starting again forgets the old answers
    sent = await anna.click("Start again")
    assert "1/13" in sent.text
    assert await db.run(lambda s: s.exec(select(Answer).where(Answer.user_id == 101)).all()) == []
    # Jonas's self-check is his own
    sent = await jonas.send("/quality")
    assert "1/13" in sent.text


async def test_not_eligible_names_every_reason(driver: Driver, db: Database):
    _anna, jonas, maria = await team_of_three(driver)  # no second founder yet
    sent = await self_check(
        jonas,
        (2, 2, 2),
        ict=(False, False, True, True, False),
        results=(True, False, False, False, False),
    )
    text = sent.text
    assert "Total: 9 of 25 points" in text
    assert "could not get the National Quality Label, because:" in text
    assert "second founder is not chosen yet" in text and "/members" in text
    assert "needs at least 13 of 25" in text
    assert "Collaboration between the partner schools has 2 points" in text
    assert "ICT condition 1 is not met" in text and "ICT condition 2 is not met" in text
    assert "certificate" not in text and "scores themselves meet" not in text
    assert "Results</b>: Plan a result you can measure" in text  # the weakest, 1 point
    # only the missing founder stands in the way: say so
    sent = await self_check(maria, (4, 4, 4))
    assert "second founder is not chosen yet" in sent.text
    assert "Your scores themselves meet the label's rules" in sent.text


async def test_a_national_project_gets_no_label(driver: Driver, db: Database):
    anna, _ilze = await national_pair(driver)
    sent = await self_check(anna, (5, 5, 5))
    text = sent.text
    assert "Total: 25 of 25 points" in text and "national project" in text
    assert "could not get" in text and "certificate" not in text
    assert "Where the project can grow" not in text  # full marks: no advice needed
    assert "labels per school year" not in text  # nothing to apply for


async def test_outsiders_and_groups_are_refused(driver: Driver, db: Database):
    stranger = driver.teacher(109, "Stranger", "en")
    sent = await stranger.send("/quality")
    assert "You are not in a project yet" in sent.text
    anna, _jonas, _maria, group = await linked_team(driver)
    sent = await anna.send("/quality", group)
    assert "private chat" in sent.text
    await self_check(anna, (3, 3, 3))
    project_id = await db.run(lambda s: s.exec(select(Project.id)).one())
    # someone with a project of their own cannot touch Anna's answers through her buttons
    olga = driver.teacher(110, "Olga", "en")
    await create_project(olga, "Tom & <Jerry>")
    sent = await olga.send("/quality")
    assert "Tom &amp; &lt;Jerry&gt;" in sent.text
    message = driver.fake.messages(110)[-1]
    for data in (
        f"qn:quality:{project_id}:again",
        f"qn:quality:{project_id}:at:c1",
        f"qn:quality:{project_id}:edit",
    ):
        sent = await olga.press(message, data)
        assert "not a member of that project" in sent.alerts[0]
    count = await db.run(lambda s: len(s.exec(select(Answer).where(Answer.user_id == 101)).all()))
    assert count == 13


async def test_forged_answer_buttons_change_nothing(driver: Driver, db: Database):
    anna, _jonas, _maria = await team_of_three(driver)
    await anna.send("/quality")
    message = driver.fake.messages(101)[-1]
    sent = await anna.press(message, "quality:c1:9")
    assert "Please tap one of the buttons" in sent.text and "1/13" in sent.text
    sent = await anna.press(message, "quality:c4_1:yes")  # not the open question
    assert "earlier question" in sent.alerts[0]
    sent = await anna.press(message, "qn:quality:1:nonsense")
    assert sent.alerts

    def stored(s):
        return s.exec(select(Answer).where(Answer.questionnaire == "quality")).all()

    assert await db.run(stored) == []
    await self_check(anna, (3, 3, 3))
    before = {a.item: a.value for a in await db.run(stored)}
    await anna.press(driver.fake.messages(101)[-1], "quality:c1:5")  # the dialog is closed
    assert {a.item: a.value for a in await db.run(stored)} == before
