"""The guide's content each screen must carry, as a teacher sees it in English, Latvian
and Lithuanian: plan section 3's "why a partner?", the registration notes, stage 3's
approval, the TwinSpace facts and mistakes, the risks' fuller advice, and which reading
of the label's ICT rule /quality follows."""

import pytest
from sqlmodel import select

from bot.guide.risks import RISKS
from bot.i18n import LANGUAGES, Translator
from storage.db import Database
from storage.models import Project
from tests.driver import Driver, Teacher
from tests.test_i18n import catalog
from tests.test_lifecycle import set_stage
from tests.test_quality import self_check
from tests.test_roles import national_pair
from tests.test_team_flow import create_project, join

LABEL = "ready for eTwinning projects"  # the platform's checkbox, in English on every UI


async def trilingual(driver: Driver) -> tuple[Teacher, Teacher, Teacher]:
    """Anna (English, Latvia) coordinates; Ilze reads Latvian, Jonas Lithuanian."""
    anna = driver.teacher(101, "Anna", "en")
    ilze = driver.teacher(104, "Ilze", "lv")
    jonas = driver.teacher(102, "Jonas", "lt")
    link = await create_project(anna)
    await join(ilze, link, country="LV", school="Liepājas ģimnāzija", contact="i@x.lv")
    await join(jonas, link, country="LT", school="Vilniaus gimnazija", contact="j@x.lt")
    return anna, ilze, jonas


async def test_plan_collaboration_asks_why_a_partner_is_needed(driver: Driver, db: Database):
    anna, ilze, jonas = await trilingual(driver)
    expected = {
        anna: "why do we need a partner?",
        ilze: "kāpēc mums vajadzīgs partneris?",
        jonas: "kam mums reikia partnerio?",
    }
    for teacher, question in expected.items():
        t = Translator(teacher.user["language_code"])
        await teacher.send("/plan")
        await teacher.click(t("Cross-school collaboration"))
        sent = await teacher.click(t("➕ Add"))
        assert question in sent.text
        await teacher.send("/cancel")
    sent = await anna.send("/plan")
    await anna.click("Cross-school collaboration")
    sent = await anna.click("Add")
    assert "only together with another school" in sent.text
    assert "Plain file exchange is not enough" in sent.text  # the hint kept its rule


async def test_registration_notes_have_the_guides_platform_facts(driver: Driver, db: Database):
    anna, ilze, jonas = await trilingual(driver)
    notes = (await anna.send("/registration")).texts[0]
    assert "little space for each text: be as concrete and precise as you can" in notes
    assert "“Member”" in notes and "“Administrator”" in notes
    assert "can also add teachers" in notes and "“Edit access”" in notes
    assert f"“{LABEL}”" in notes and "cannot be added" in notes
    document = next(c for c in driver.fake.calls if c.method == "sendDocument")
    markdown = document.files["document"][1].decode()
    assert "little space" in markdown and "Administrator" in markdown
    # partners read them too: the platform's label stays in English, explained
    lv = (await ilze.send("/registration")).texts[0]
    assert f"“{LABEL}” (gatavība piedalīties eTwinning projektos" in lv
    assert "Vietas katram tekstam ir maz" in lv and "“Member” (biedrs)" in lv
    lt = (await jonas.send("/registration")).texts[0]
    assert f"„{LABEL}“ (pasirengimas dalyvauti eTwinning projektuose" in lt
    assert "Vietos kiekvienam tekstui nedaug" in lt and "„Administrator“ (administratorius)" in lt


def test_the_platforms_checkbox_keeps_its_english_label_in_every_language():
    """Teachers look for the label on the platform, where it is in English: every
    translation of a text naming it quotes it as it is there."""
    english = catalog("en")
    naming = [msgid for msgid in english if LABEL in msgid]
    assert len(naming) >= 2  # the registration notes and /status stage 3
    for lang in ("lv", "lt"):
        translated = catalog(lang)
        for msgid in naming:
            assert LABEL in translated[msgid][0], (lang, msgid[:40])


async def test_stage_three_says_both_countries_services_approve(driver: Driver, db: Database):
    anna, ilze, jonas = await trilingual(driver)
    await set_stage(db, 3)
    sent = await anna.send("/status")
    assert "an international one needs both countries' services" in sent.text
    assert "within a few working days" in sent.text
    sent = await ilze.send("/status")
    assert "abu valstu dienesti" in sent.text
    sent = await jonas.send("/status")
    assert "abiejų šalių tarnybos" in sent.text


async def test_twinspace_shows_the_guides_facts_and_full_mistakes(driver: Driver, db: Database):
    anna, ilze, jonas = await trilingual(driver)
    sent = await anna.send("/twinspace")
    assert "looks at your TwinSpace only when you apply for the National Quality Label" in (
        sent.text
    )
    sent = await anna.click("Twelve common mistakes")
    assert "often just every activity collected in an e-book or a video" in sent.text
    assert "a blog, an e-book, an exhibition and a video that all show the same thing" in (
        sent.text
    )
    await anna.click("« Back")
    sent = await anna.click("Roles and responsibilities")
    assert "Pupils edit only the pages they are given access to" in sent.text
    assert "make some pupils administrators" in sent.text
    assert "a teacher adds them in TwinSpace" in sent.text  # the older note stays
    sent = await ilze.send("/twinspace")
    assert "tikai tad, ja pieteiksieties" in sent.text
    sent = await ilze.click(Translator("lv")("Twelve common mistakes"))
    assert "e-grāmatā vai video" in sent.text and "emuārs, e-grāmata, izstāde" in sent.text
    await jonas.send("/twinspace")
    sent = await jonas.click(Translator("lt")("Roles and responsibilities"))
    assert "redaguoja tik tuos puslapius" in sent.text and "administratoriais" in sent.text


RISK_CARDS = {
    2: (
        "deadline-reminder role",
        "a compromise is not the only way",
        "Give feedback gently: cultures and experience differ.",
        "make sure the whole team knows and agrees",
    ),
    5: (
        "most experienced partners coach the others",
        "help at key moments, such as video calls",
        "video tutorials",
        "at most two new ICT tools in one project, especially if TwinSpace is new",
    ),
    9: (
        "think about what the partners will do with what your pupils made",
        "must agree on something",
        "mixed-school groups",
    ),
    10: (
        "Google Translate",
        "think through what you will say",
        "practise saying it",
        "not one per country: they feel safer",
    ),
    11: (
        "pupils' own ideas",
        "meeting the partner pupils again gives new energy",
        "a story character or a mascot",
        "belong to the team and a safe class climate",
    ),
}


async def test_risk_cards_show_the_guides_fuller_advice(driver: Driver, db: Database):
    anna, ilze, jonas = await trilingual(driver)
    for number, pieces in RISK_CARDS.items():
        await anna.send("/risks")
        sent = await anna.click(f"▫️ {number}")
        assert "<i>The guide advises:</i>\n• " in sent.text
        for piece in pieces:
            assert piece in sent.text, (number, piece)
    await ilze.send("/risks")
    sent = await ilze.click("▫️ 10")
    assert "hugo.lv" in sent.text and "pa pāriem" in sent.text
    await jonas.send("/risks")
    sent = await jonas.click("▫️ 8")
    assert "neskelbkite" in sent.text and "neskelbiate" not in sent.text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_risk_advice_fits_a_phone(lang: str):
    """Each point at most four short lines on a phone, a risk's advice at most a screen."""
    t = Translator(lang)
    for risk in RISKS:
        points = [str(t(point)) for point in risk.advice]
        assert all(len(point) <= 160 for point in points), (lang, risk.key)
        assert sum(len(point) + 3 for point in points) <= 600, (lang, risk.key)


async def make_international(anna: Teacher) -> None:
    await anna.send("/members")
    await anna.click("Jonas")
    await anna.click("Make founder")


async def check_in_own_language(
    teacher: Teacher, levels: tuple[int, int, int], ict: tuple[bool, ...] = (True,) * 5
) -> str:
    """/quality answered with the buttons of the teacher's language; the result's text."""
    t = Translator(teacher.user["language_code"])
    await teacher.send("/quality")
    for level in levels:
        await teacher.click(str(level))
    for yes in ict + (True,) * 5:
        sent = await teacher.click(t("Yes") if yes else t("No"))
    return sent.text


async def test_quality_follows_both_readings_of_the_ict_rule(driver: Driver, db: Database):
    anna, ilze, jonas = await trilingual(driver)
    await make_international(anna)
    # conditions 1 and 2 met, nothing else in ICT: the criteria page alone would allow
    # the label, the glossary's three points would not
    sent = await self_check(anna, (5, 5, 5), ict=(True, True, False, False, False))
    text = sent.text
    assert "Total: 22 of 25 points" in text and "could not get" in text
    assert "Use of ICT has 2 points, and the label needs at least 3" in text
    assert "TwinCoach asks for both" in text and "glossary" in text
    text = await check_in_own_language(ilze, (5, 5, 5), ict=(True, True, True, False, False))
    lv = Translator("lv")
    assert lv("✅ By your own scores, the project could get the National Quality Label.") in text
    assert "TwinCoach prasa abus" in text and "izslēdzošajā kritērijā" in text
    # Lithuanian: natural wording for level 1 and for the label limit
    await jonas.send("/quality")
    await jonas.click("4")
    sent = await jonas.click("4")
    assert "1 — mokiniai dalyvauja projekto veiklose" in sent.text
    assert "dirba prie projekto" not in sent.text
    await jonas.click("4")
    for _ in range(10):
        sent = await jonas.click(Translator("lt")("Yes"))
    text = sent.text
    assert "Iš viso taškų: 22 iš 25" in text
    assert "vienas mokytojas gali gauti ne daugiau kaip 4 ženklelius" in text
    assert "bent 3 taškų kiekviename privalomame kriterijuje" in text


async def test_a_national_project_hears_no_label_reading(driver: Driver, db: Database):
    anna, _ilze = await national_pair(driver)
    sent = await self_check(anna, (5, 5, 5))
    assert "national project" in sent.text and "TwinCoach asks for both" not in sent.text
    assert await db.run(lambda s: s.exec(select(Project.title)).one()) == "Water around us"
