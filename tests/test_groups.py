"""Group chats: which buttons act where; a group only ever acts for its own project."""

from datetime import UTC, datetime

from sqlmodel import select

from storage.db import Database
from storage.models import ChatBinding, Deadline, GroupPost, Membership, Reminder, User
from tests.driver import Driver, Sent
from tests.test_quiz import linked_team
from tests.test_reminders import add_deadline, make_dispatcher
from tests.test_roles import team_of_three
from tests.test_team_flow import create_project


async def test_buttons_forged_in_another_projects_group_show_and_change_nothing(
    driver: Driver, db: Database
):
    """Anna coordinates Alpha and is in Beta's group too: Alpha's member, deadline,
    decision, leave and plan buttons pressed there are refused, and nothing changes."""
    anna, _jonas, _maria = await team_of_three(driver)  # Alpha, project 1
    await add_deadline(db, owner=101, due_at=datetime(2026, 12, 15, 20, 0, tzinfo=UTC))
    olga = driver.teacher(104, "Olga", "en")
    await create_project(olga, "Beta")
    beta_group = driver.group(-100888, "Beta group")
    beta_group.set_member(olga, "creator")
    beta_group.set_member(anna)
    await beta_group.add_bot(olga)
    await olga.send("/link", beta_group)
    posted = driver.fake.messages(beta_group.id)[-1]

    def state(s):
        return s.exec(select(Deadline.done_at)).all(), s.exec(select(Membership.user_id)).all()

    before = await db.run(state)
    for data in (
        "mem:1:102:card",
        "mem:1:102:remove",
        "dl:1:done",
        "dl:1:snooze",
        "dl:1:more",
        f"dlx:1:{int(datetime(2026, 12, 20, tzinfo=UTC).timestamp())}:yes",
        "leave:1",
        "plan:1:all",
        "prog:1",
        "agr:1:list",
    ):
        pressed = await anna.press(posted, data)
        assert [c.method for c in pressed.calls] == ["answerCallbackQuery"], data
        assert "no longer active" in pressed.alerts[0]
    assert await db.run(state) == before
    sent = await olga.send("/language", beta_group)  # the group's own buttons still act
    sent = await olga.click("Latviešu", beta_group)
    assert sent.to(beta_group.id)


ANONYMOUS_ADMIN = {
    "id": 1087968824,
    "is_bot": True,
    "first_name": "Group",
    "username": "GroupAnonymousBot",
}


async def test_an_anonymous_admin_hears_why_and_nothing_changes(driver: Driver, db: Database):
    anna, _jonas, _maria = await team_of_three(driver)
    group = driver.group()
    group.set_member(anna, "creator")
    await group.add_bot(anna)
    payload = driver.factory.text(ANONYMOUS_ADMIN, group.chat, "/link", driver.fake.bot_username)
    payload["message"]["sender_chat"] = group.chat
    sent = await driver.deliver(payload)
    assert "anonymously" in sent.text
    assert await db.run(lambda s: s.get(User, ANONYMOUS_ADMIN["id"])) is None
    assert await db.run(lambda s: s.exec(select(ChatBinding)).all()) == []


async def test_a_group_upgraded_to_a_supergroup_keeps_its_link_posts_and_digest(
    driver: Driver, db: Database
):
    anna, _jonas, _maria, group = await linked_team(driver)
    await anna.send("/quiz", group)  # a kept post: edited as teachers finish
    supergroup = driver.group(-1001234567890, "Project group")
    driver.fake.migrate_chat(group.id, supergroup.id)
    for payload in driver.factory.migrated(anna.user, group.chat, supergroup.chat):
        await driver.deliver(payload)
    sent = await anna.send("/team", supergroup)
    assert "not linked" not in sent.text and "Anna" in sent.text

    def chats(s):
        return {r.chat_id for r in s.exec(select(Reminder).where(Reminder.chat_id < 0))} | {
            p.chat_id for p in s.exec(select(GroupPost))
        }

    assert await db.run(chats) == {supergroup.id}


async def test_the_dispatcher_follows_a_group_that_moved_unnoticed(driver: Driver, db: Database):
    """The service message never reached the bot: the digest's send is refused with the
    new id, and the digest, the link and the later ones follow it."""
    _anna, _jonas, _maria, group = await linked_team(driver)
    await add_deadline(db, owner=102, due_at=datetime(2026, 12, 3, 20, 0, tzinfo=UTC))
    supergroup = driver.group(-1001234567890, "Project group")
    driver.fake.migrate_chat(group.id, supergroup.id)
    digest = await db.run(lambda s: s.exec(select(Reminder).where(Reminder.kind == "digest")).one())
    dispatcher = make_dispatcher(driver.app, db)
    await dispatcher.run_once(digest.due_at)  # refused, followed, sent again
    assert driver.fake.messages(supergroup.id)
    binding = await db.run(lambda s: s.exec(select(ChatBinding)).one())
    assert binding.chat_id == supergroup.id
    after = await db.run(lambda s: s.exec(select(Reminder).where(Reminder.kind == "digest")).all())
    assert {r.chat_id for r in after} == {supergroup.id}
    assert [r.status for r in after if r.id == digest.id] == ["sent"]


async def test_in_a_forum_answers_go_to_their_topic_and_posts_to_the_linked_one(
    driver: Driver, db: Database
):
    anna, _jonas, _maria = await team_of_three(driver)
    forum = driver.group(-1005550001, "Project forum")
    forum.chat["is_forum"] = True
    forum.set_member(anna, "creator")
    await forum.add_bot(anna)

    async def in_topic(text: str, topic: int) -> Sent:
        payload = driver.factory.text(anna.user, forum.chat, text, driver.fake.bot_username)
        payload["message"] |= {"message_thread_id": topic, "is_topic_message": True}
        return await driver.deliver(payload)

    def topics(sent: Sent) -> set[int | None]:
        return {
            c.params.get("message_thread_id")
            for c in sent.calls
            if c.chat_id == forum.id and c.method.startswith("send")
        }

    assert topics(await in_topic("/link", 7)) == {7}
    assert topics(await in_topic("/team", 9)) == {9}  # an answer goes where it was asked
    await anna.send("/deadline")
    await anna.send("Posters")
    await anna.click("Jonas")
    await anna.send("03.12.")  # in the week of the next digest
    told = await anna.click("Yes")
    assert topics(told) == {7}  # the team's posts go to the topic it was linked in
    await in_topic("/link", 11)  # linked again in another topic: the posts move there
    digest = await db.run(lambda s: s.exec(select(Reminder).where(Reminder.kind == "digest")).one())
    dispatcher = make_dispatcher(driver.app, db)
    before = len(driver.fake.calls)
    await dispatcher.run_once(digest.due_at)
    assert topics(Sent(driver.fake.calls[before:])) == {11}


async def test_only_leads_link_a_participant_asks_and_the_coordinator_decides(
    driver: Driver, db: Database
):
    anna, jonas, maria = await team_of_three(driver)
    group = driver.group(-100444, "Jonas's class")
    group.set_member(jonas, "creator")
    group.set_member(maria, "administrator")
    await group.add_bot(jonas)
    sent = await jonas.send("/link", group)  # a partner who is the group's admin
    assert "I asked Anna to decide" in sent.text
    [question] = sent.to(anna.id)
    assert "Jonas wants to link the group" in question
    assert await db.run(lambda s: s.exec(select(ChatBinding)).all()) == []
    forged = await maria.press(driver.fake.messages(anna.id)[-1], f"lnk:{group.id}:1:en:yes")
    assert forged.alerts and await db.run(lambda s: s.exec(select(ChatBinding)).all()) == []
    sent = await anna.click("Link it")
    assert sent.to(group.id) and "now belongs to" in sent.to(group.id)[0]
    binding = await db.run(lambda s: s.exec(select(ChatBinding)).one())
    assert (binding.chat_id, binding.title) == (group.id, "Jonas's class")
    # another project's coordinator cannot take the group over
    olga = driver.teacher(104, "Olga", "en")
    await create_project(olga, "Beta")
    group.set_member(olga, "administrator")
    sent = await olga.send("/link", group)
    assert "belongs to <b>Water around us</b>" in sent.text
    assert (await db.run(lambda s: s.exec(select(ChatBinding)).one())).project_id == 1


async def test_the_coordinator_lists_unlinks_and_hears_of_every_change(
    driver: Driver, db: Database
):
    anna, jonas, maria, group = await linked_team(driver)
    await anna.send("/members")  # Jonas becomes a founder: he links without asking
    await anna.click("Jonas")
    await anna.click("Make founder")
    second = driver.group(-100555, "Second group")
    second.set_member(jonas, "creator")
    await second.add_bot(jonas)
    sent = await jonas.send("/link", second)
    assert (
        "now belongs to" in sent.text
        and "Jonas linked the group “Second group”" in sent.to(anna.id)[0]
    )
    sent = await anna.send("/groups")
    assert "1. Project group" in sent.text and "2. Second group" in sent.text
    sent = await anna.click("Unlink 2")
    assert "no longer linked" in sent.to(second.id)[0]
    assert [b.chat_id for b in await db.run(lambda s: s.exec(select(ChatBinding)).all())] == [
        group.id
    ]
    sent = await jonas.send("/groups")
    assert "1. Project group" in sent.text
    sent = await group.remove_bot(jonas)  # the bot taken out of the group: unlinked
    assert "no longer linked" in sent.to(anna.id)[0]
    assert await db.run(lambda s: s.exec(select(ChatBinding)).all()) == []
    refused = await maria.send("/groups")
    assert "Only the coordinator and the founders" in refused.text
