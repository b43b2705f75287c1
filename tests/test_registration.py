"""The registration kit: five texts drafted from the plan as finished sentences in the
project's working language (chosen by the coordinator or a founder, by default the
founders' own), a warning where the team's words are in another language or the title
is not the same everywhere, edits that replace the drafts, and one Markdown document."""

import html
import re
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlmodel import select

from handlers.registration_texts import sentence
from storage import plan
from storage.db import Database
from storage.models import Membership, Project, RegistrationText, User
from tests.driver import Driver, Sent
from tests.test_quiz import linked_team

ANNA, JONAS, MARIA = 101, 102, 103
# Dates as the plan keeps them now (moments); the last activity's are an older plan's words.
DEC_7, DEC_18 = "2026-12-07T09:00:00+02:00", "2026-12-18T23:59:00+02:00"
JAN_11, JAN_29 = "2027-01-11T09:00:00+02:00", "2027-01-29T23:59:00+02:00"

ENGLISH = [
    ("goal", "By the end of March every pupil names five ways to save water", None),
    ("product", "A shared e-book about our rivers", None),
    ("product", "Collect river stories", None),
    ("product", "Illustrate the chapters", None),
    ("collab", "Mixed teams write one chapter together", None),
    ("collab", "Each school sends its own drawings", None),  # plain exchange
    ("collab", "Pupils vote together on the cover", None),
    (
        "activity",
        "Pupils interview their grandparents about rivers",
        {"owner": JONAS, "start": DEC_7, "deadline": DEC_18},
    ),
    (
        "activity",
        "Mixed teams write the chapters (in Canva)",
        {"owner": MARIA, "start": JAN_11, "deadline": JAN_29, "time": "three weeks"},
    ),
    ("activity", "A joint online reading", {"owner": ANNA, "deadline": "end of February"}),
    ("title", "Rivers of our childhood", None),
]
LATVIAN = [
    ("goal", "Līdz marta beigām katrs skolēns nosauc piecus veidus, kā taupīt ūdeni", None),
    ("product", "Kopīga e-grāmata par mūsu upēm", None),
    ("product", "Savākt stāstus par upēm", None),
    ("collab", "Jauktas komandas kopā uzraksta vienu nodaļu", None),
    ("collab", "Katra skola nosūta savus zīmējumus", None),  # plain exchange
    ("collab", "Skolēni kopā balso par grāmatas vāku", None),
    (
        "activity",
        "Skolēni intervē vecvecākus par upēm",
        {"owner": JONAS, "start": DEC_7, "deadline": DEC_18},
    ),
    (
        "activity",
        "Jauktas komandas raksta nodaļas",
        {"owner": MARIA, "start": JAN_11, "deadline": JAN_29},
    ),
    ("activity", "Pupils read the book together online", {"owner": ANNA, "deadline": JAN_29}),
]


async def fill_plan(db: Database, rows: list[tuple[str, str, dict | None]]) -> int:
    project_id = await db.run(lambda s: s.exec(select(Project.id)).one())
    now = datetime.now(UTC)

    def write(s):
        for section, text, extra in rows:
            plan.save_item(
                s,
                project_id=project_id,
                section=section,
                text=text,
                extra=extra,
                author_id=ANNA,
                now=now,
            )

    await db.run(write)
    return project_id


def code(message: str) -> str:
    """The copy-ready text of a field's message, as Telegram shows it."""
    found = re.search(r"<code>(.*?)</code>", message, re.DOTALL)
    assert found, message
    return html.unescape(found[1])


def kit_parts(sent: Sent) -> dict[str, str]:
    notes, language, title, description, goals, process, result, file = sent.texts
    return {
        "notes": notes,
        "language": language,
        "title": title,
        "description": description,
        "goals": goals,
        "process": process,
        "result": result,
        "file": file,
    }


def markdown_of(sent: Sent) -> str:
    document = next(c for c in sent.calls if c.method == "sendDocument")
    name, content = document.files["document"]
    assert name == "registration-kit.md"
    return content.decode()


async def test_a_realistic_plan_gives_finished_english_texts(driver: Driver, db: Database):
    anna, _jonas, _maria, _group = await linked_team(driver)
    await fill_plan(db, ENGLISH)
    sent = await anna.send("/registration")
    kit = kit_parts(sent)
    assert "cannot be saved as a draft" in kit["notes"]
    assert "the project's working language: <b>English</b>" in kit["language"]
    assert "Nobody has chosen it yet" in kit["language"] and "⚠️" not in kit["language"]
    assert code(kit["title"]) == "Water around us"  # the project's title, not the plan's
    assert code(kit["description"]) == (
        "A shared e-book about our rivers. The pupils of all partner schools make it together. "
        "Mixed teams write one chapter together. Pupils vote together on the cover."
    )
    assert code(kit["goals"]) == "By the end of March every pupil names five ways to save water."
    assert code(kit["process"]) == (
        "1. Pupils interview their grandparents about rivers. Responsible: Jonas. "
        "Dates: December 7, 2026 – December 18, 2026.\n"
        "2. Mixed teams write the chapters (in Canva). Responsible: Maria. "
        "Dates: January 11, 2027 – January 29, 2027. Duration: three weeks.\n"
        "3. A joint online reading. Responsible: Anna. Deadline: end of February."
    )
    assert code(kit["result"]) == (
        "A shared e-book about our rivers. The product shows what the pupils have learnt. "
        "By the end of March every pupil names five ways to save water."
    )
    assert "Collect river stories" not in sent.text  # the steps are the work, not the result
    assert "Each school sends" not in sent.text  # plain exchange is no collaboration
    assert not any("Not in the working language" in text for text in sent.texts)
    assert sent.buttons().count("✏️ Edit") == 5
    assert "✓ 🇬🇧 English" in sent.buttons()


async def test_two_titles_are_named_and_the_plans_is_used_only_when_chosen(
    driver: Driver, db: Database
):
    anna, jonas, _maria, _group = await linked_team(driver)
    project_id = await fill_plan(db, ENGLISH)
    title = kit_parts(await anna.send("/registration"))["title"]
    assert "Not the same title everywhere" in title
    assert "• Rivers of our childhood (the plan's title)" in title
    assert "Tap 📌 to register the plan's title instead." in title
    partner = kit_parts(await jonas.send("/registration"))["title"]
    assert "Rivers of our childhood (the plan's title)" in partner and "📌" not in partner
    item = await db.run(lambda s: plan.items(s, project_id=project_id, section="title")[0].id)
    forged = await jonas.press(driver.fake.messages(JONAS)[-1], f"regt:{project_id}:{item}")
    assert "Only the coordinator" in forged.alerts[0]
    assert await db.run(lambda s: s.exec(select(RegistrationText)).all()) == []

    chosen = await anna.click("📌 Rivers of our childhood")
    assert code(chosen.text) == "Rivers of our childhood"
    assert "• Water around us (the project's name in TwinCoach)" in chosen.text
    assert "📌" not in chosen.text and "📌" not in " ".join(chosen.buttons())
    again = kit_parts(await jonas.send("/registration"))
    assert code(again["title"]) == "Rivers of our childhood"
    assert "Water around us (the project's name in TwinCoach)" in again["title"]


async def test_latvian_working_language_frames_the_drafts_and_warns_of_english_words(
    driver: Driver, db: Database
):
    """Anna reads English, her co-founder Jonas Latvian: English by default, and the plan,
    written in Latvian, is flagged; Anna chooses Latvian and the same plan reads as
    Latvian text, with the one English line flagged. Maria, a partner, cannot choose."""
    anna, jonas, maria, _group = await linked_team(driver)
    await make_founder(db, JONAS, language="lv")
    project_id = await fill_plan(db, LATVIAN)
    kit = kit_parts(await anna.send("/registration"))
    assert "<b>English</b>" in kit["language"]  # the founders' languages differ
    assert "seem to be in another language" in kit["language"]
    assert "Not in the working language (English)" in kit["process"]
    assert "• Skolēni intervē vecvecākus par upēm (Latvian)" in kit["process"]
    assert "Pupils read the book together online" not in kit["process"].split("⚠️")[1]

    shown = await maria.send("/registration")  # a partner: no language buttons
    assert not any("Latviešu" in label for label in shown.buttons())
    forged = await maria.press(driver.fake.messages(MARIA)[-2], f"regl:{project_id}:lv")
    assert "Only the coordinator and the founders can choose" in forged.alerts[0]
    assert await working_language(db) is None

    sent = await anna.click("🇱🇻 Latviešu")
    kit = kit_parts_after_choice(sent)
    assert "the project's working language: <b>Latvian</b>" in kit["language"]
    assert "Nobody has chosen it yet" not in kit["language"]
    assert "✓ 🇱🇻 Latviešu" in sent.buttons()
    assert code(kit["description"]) == (
        "Kopīga e-grāmata par mūsu upēm. Visu partnerskolu skolēni to veido kopā. "
        "Jauktas komandas kopā uzraksta vienu nodaļu. Skolēni kopā balso par grāmatas vāku."
    )
    assert code(kit["process"]) == (
        "1. Skolēni intervē vecvecākus par upēm. Atbildīgā persona: Jonas. "
        "Datumi: 2026. gada 7. decembris – 2026. gada 18. decembris.\n"
        "2. Jauktas komandas raksta nodaļas. Atbildīgā persona: Maria. "
        "Datumi: 2027. gada 11. janvāris – 2027. gada 29. janvāris.\n"
        "3. Pupils read the book together online. Atbildīgā persona: Anna. "
        "Termiņš: 2027. gada 29. janvāris."
    )
    assert code(kit["result"]) == (
        "Kopīga e-grāmata par mūsu upēm. Produkts parāda, ko skolēni ir iemācījušies. "
        "Līdz marta beigām katrs skolēns nosauc piecus veidus, kā taupīt ūdeni."
    )
    # Anna still reads the labels and warnings in English; only the drafts are Latvian
    assert "<b>Work process</b>" in kit["process"]
    assert "Not in the working language (Latvian)" in kit["process"]
    assert "• Pupils read the book together online (English)" in kit["process"]
    assert "Skolēni intervē" not in kit["process"].split("⚠️")[1]
    assert "Not in the working language" not in kit["description"]
    assert await working_language(db) == "lv"
    markdown = markdown_of(sent)
    assert "## Darba procesa apraksts" in markdown and "## Project title" not in markdown
    # everyone reads the drafts in the chosen language now
    partner = kit_parts(await jonas.send("/registration"))
    assert "Visu partnerskolu skolēni to veido kopā." in code(partner["description"])
    assert "<b>latviešu valoda</b>" in partner["language"]  # Jonas reads Latvian


def kit_parts_after_choice(sent: Sent) -> dict[str, str]:
    """After a choice the kit comes again without the notes."""
    language, title, description, goals, process, result, file = sent.texts
    return {
        "language": language,
        "title": title,
        "description": description,
        "goals": goals,
        "process": process,
        "result": result,
        "file": file,
    }


async def make_founder(db: Database, user_id: int, *, language: str) -> None:
    def write(s):
        s.execute(sa.update(Membership).where(Membership.user_id == user_id).values(founder=True))
        s.execute(sa.update(User).where(User.id == user_id).values(language=language))

    await db.run(write)


async def working_language(db: Database) -> str | None:
    return await db.run(lambda s: s.exec(select(Project.working_language)).one())


async def test_the_working_language_follows_the_founders_until_chosen(driver: Driver, db: Database):
    anna, _jonas, _maria, _group = await linked_team(driver)
    language = kit_parts(await anna.send("/registration"))["language"]
    assert "<b>English</b>" in language  # Anna alone founded it, in English
    await make_founder(db, JONAS, language="lv")
    assert "<b>English</b>" in kit_parts(await anna.send("/registration"))["language"]
    await db.run(lambda s: s.execute(sa.update(User).where(User.id == ANNA).values(language="lv")))
    sent = await anna.send("/registration")  # both founders speak Latvian
    assert "<b>latviešu valoda</b>" in kit_parts(sent)["language"]
    assert "## Projekta nosaukums" in markdown_of(sent)


async def test_edited_texts_replace_the_drafts_and_only_leads_edit(driver: Driver, db: Database):
    anna, jonas, _maria, _group = await linked_team(driver)
    project_id = await fill_plan(db, ENGLISH)
    await anna.send("/registration")
    await anna.click("✏️ Edit")  # the newest: expected result
    sent = await anna.send("An e-book with 12 river stories, read at a joint online event")
    assert "<code>An e-book with 12 river stories" in sent.text
    rows = await db.run(lambda s: s.exec(select(RegistrationText)).all())
    assert [(r.field, r.updated_by) for r in rows] == [("result", ANNA)]

    partner = await jonas.send("/registration")
    assert "✏️ Edit" not in partner.buttons() and "An e-book with 12 river stories" in partner.text
    assert not any(label.startswith(("✓", "🇱🇻", "🇱🇹", "🇬🇧")) for label in partner.buttons())
    forged = await jonas.press(driver.fake.messages(JONAS)[-1], f"reg:{project_id}:title")
    assert "Only the coordinator" in forged.alerts[0]
    assert len(await db.run(lambda s: s.exec(select(RegistrationText)).all())) == 1


async def test_the_markdown_file_renders_as_headings_paragraphs_and_list_items(
    driver: Driver, db: Database
):
    anna, _jonas, _maria, _group = await linked_team(driver)
    await fill_plan(db, [*ENGLISH, ("goal", "Every pupil <b>reads</b> *3* books by May", None)])
    markdown = markdown_of(await anna.send("/registration"))
    lines = markdown.splitlines()
    assert lines[0] == "# Water around us"
    assert [line for line in lines if line.startswith("## ")] == [
        "## Project title",
        "## Short description",
        "## Pedagogical goals",
        "## Work process",
        "## Expected result",
        "## Before you fill in the registration form",
    ]
    goals = lines[lines.index("## Pedagogical goals") + 1 : lines.index("## Work process")]
    assert goals == [
        "",
        "By the end of March every pupil names five ways to save water.",
        "",
        r"Every pupil \<b\>reads\</b\> \*3\* books by May.",  # shown as typed, not as HTML
        "",
    ]
    process = lines[lines.index("## Work process") + 1 : lines.index("## Expected result")]
    assert [line[:3] for line in process if line] == ["1. ", "2. ", "3. "]
    notes = lines[lines.index("## Before you fill in the registration form") + 1 :]
    items = [line for line in notes if line]
    assert len(items) >= 8 and all(line.startswith("- ") for line in items)
    assert "- The form cannot be saved as a draft: have these five texts ready." in items
    assert "<b>" not in markdown and "•" not in markdown and "&" not in markdown


def test_a_plan_item_becomes_one_sentence():
    assert sentence("mixed teams write\none chapter  together") == (
        "Mixed teams write one chapter together."
    )
    assert sentence("eTwinning day with all schools") == "eTwinning day with all schools."
    assert sentence("Do pupils agree?") == "Do pupils agree?"
    assert sentence("A poster (A3).") == "A poster (A3)."
    assert sentence("We read “Rivers.”") == "We read “Rivers.”"
    assert sentence("Collect stories;") == "Collect stories."
