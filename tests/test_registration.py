"""The registration kit: five copy-ready texts drafted from the plan, editable by the
coordinator and founders, and one document with every field."""

from datetime import UTC, datetime

from sqlmodel import select

from storage import plan
from storage.db import Database
from storage.models import Project, RegistrationText
from tests.driver import Driver
from tests.test_quiz import linked_team


async def fill_plan(db: Database) -> int:
    project_id = await db.run(lambda s: s.exec(select(Project.id)).one())
    now = datetime.now(UTC)
    rows = [
        ("goal", "By March every pupil names 5 ways to save water", None),
        ("product", "A shared e-book about rivers", None),
        ("product", "Collect river stories", None),
        ("collab", "Mixed teams write one chapter each", None),
        ("activity", "Pupils interview grandparents", {"time": "two weeks"}),
        ("title", "Rivers of our childhood", None),
    ]

    def write(s):
        for section, text, extra in rows:
            plan.save_item(
                s,
                project_id=project_id,
                section=section,
                text=text,
                extra=extra,
                author_id=101,
                now=now,
            )

    await db.run(write)
    return project_id


async def test_kit_is_drafted_from_the_plan_and_sent_as_texts_and_a_document(
    driver: Driver, db: Database
):
    anna, jonas, _maria, _group = await linked_team(driver)
    project_id = await fill_plan(db)
    sent = await anna.send("/registration")
    texts = sent.texts
    assert "cannot be saved as a draft" in texts[0] and "ready for eTwinning projects" in texts[0]
    assert "<code>Rivers of our childhood</code>" in texts[1]
    assert "A shared e-book about rivers Mixed teams write one chapter each" in texts[2]
    assert "5 ways to save water" in texts[3]
    assert "1. Pupils interview grandparents (two weeks)" in texts[4]
    assert "A shared e-book about rivers\n1. Collect river stories" in texts[5]
    document = next(c for c in sent.calls if c.method == "sendDocument")
    name, content = document.files["document"]
    markdown = content.decode()
    assert name == "registration-kit.md"
    for heading in (
        "## Project title",
        "## Short description",
        "## Pedagogical goals",
        "## Work process",
        "## Expected result",
    ):
        assert heading in markdown
    assert "Rivers of our childhood" in markdown and "Pupils interview grandparents" in markdown
    assert sent.buttons().count("✏️ Edit") == 5

    await anna.click("✏️ Edit")  # the newest: expected result
    sent = await anna.send("An e-book with 12 river stories, read at a joint online event")
    assert "<code>An e-book with 12 river stories" in sent.text
    rows = await db.run(lambda s: s.exec(select(RegistrationText)).all())
    assert [(r.field, r.updated_by) for r in rows] == [("result", 101)]

    partner = await jonas.send("/registration")
    assert "✏️ Edit" not in partner.buttons() and "An e-book with 12 river stories" in partner.text
    forged = await jonas.press(driver.fake.messages(102)[-1], f"reg:{project_id}:title")
    assert "Only the coordinator" in forged.alerts[0]
    assert len(await db.run(lambda s: s.exec(select(RegistrationText)).all())) == 1
