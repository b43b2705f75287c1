"""Team agreements: each teacher answers the guide's "discuss before planning" and "also
agree on" topics privately (/agree); the group sees the answers side by side per topic
(/agreements); the coordinator or a founder marks a topic agreed with its final wording."""

from __future__ import annotations

from sqlmodel import Session
from telegram import Update
from telegram.ext import CommandHandler

from bot.context import Ctx
from bot.guide.agreements import LABELS, TOPICS
from bot.i18n import N_, Html, Translator, escape, lines
from bot.reply import Button, Reply, rows
from handlers import forms, lifecycle
from handlers.buttons import ID, Flow, route, word
from handlers.guards import for_member, is_lead, member_of
from handlers.questionnaire import Questionnaire, command
from handlers.step import Actor, respond
from storage import answers, teams
from storage.models import Membership, Project


def _thanks(session: Session, actor: Actor, project: Project, _given: forms.Answers) -> Reply:
    return Reply().say(
        actor.t(
            "Thank you! In the group, /agreements shows everyone's answers side by side, topic by topic."
        )
    )


AGREEMENTS = Questionnaire(
    id="agree",
    version=1,
    title=N_("Team agreements"),
    intro=N_(
        "Fifteen topics the guide asks a team to agree on. Write what you propose; the team then "
        "sees everyone's answers side by side. Be precise: “once a week on Tuesday” rather than “often”. "
        "/skip leaves a topic for later."
    ),
    fields=tuple(
        forms.Field(key, question, skippable=True, precise=True, label=label)
        for key, label, question in TOPICS
    ),
    finish=_thanks,
)


def overview(session: Session, actor: Actor, project: Project, me: Membership) -> Reply:
    """Every topic: the agreed wording, or each teacher's proposal, or nobody yet."""
    assert project.id is not None
    t = actor.t
    given = AGREEMENTS.team_answers(session, project.id)
    agreed = answers.agreements(session, project_id=project.id)
    names = {
        m.user.id: m.user.display_name
        for m in teams.members(session, project_id=project.id)
        if m.user
    }
    blocks: list[Html] = [t("<b>Team agreements: {title}</b>", title=project.title)]
    silent: list[str] = []
    open_topics: list[str] = []
    for key, label, _question in TOPICS:
        if key in agreed:
            blocks.append(
                t("✅ <b>{label}</b>: {wording}", label=t(label), wording=agreed[key].wording)
            )
            continue
        views = [(names[uid], v) for uid, a in given.items() if uid in names and (v := a.get(key))]
        if not views:
            silent.append(str(t(label)))
            continue
        open_topics.append(key)
        blocks.append(_side_by_side(t, t(label), views))
    if silent:
        blocks.append(t("Nobody has answered yet: {topics}.", topics=", ".join(silent)))
    blocks.append(t("Answer privately with /agree."))
    buttons = []
    if actor.private and is_lead(me):  # ✅ is for agreed topics only: these are still open
        buttons = rows(
            [Button(f"✍️ {t(LABELS[k])}", data=f"agr:{project.id}:{k}") for k in open_topics], 2
        )
        if buttons:
            blocks.append(t("Tap a topic to write down what the team agreed."))
    return Reply().say(lines(*blocks, blank=True), buttons)


def _side_by_side(t: Translator, label: str, views: list[tuple[str, str]]) -> Html:
    """One open topic: each answer under its teacher's name. "Same" and "differ" compare
    answers, so a single answer is marked as the only one so far."""
    if len(views) < 2:
        mark = t("only one answer so far")
    elif len({v.casefold().strip() for _n, v in views}) > 1:
        mark = t("answers differ")
    else:
        mark = t("same answer")
    side = [Html(f"• {escape(n)}: <i>{escape(v)}</i>") for n, v in views]
    return lines(t("🟡 <b>{label}</b> ({mark})", label=label, mark=mark), *side)


def _record(session: Session, actor: Actor, given: forms.Answers, state: forms.State) -> Reply:
    """The final wording is in: save it and tell the team's groups."""
    project_id, topic = state["project"], state["topic"]
    found = member_of(session, actor, project_id)
    wording = given["wording"]
    if found is None or not is_lead(found[1]) or topic not in LABELS or wording is None:
        return Reply().say(
            actor.t("Only the coordinator and the founders can mark a topic agreed.")
        )
    answers.agree(
        session,
        project_id=project_id,
        topic=topic,
        wording=wording,
        by=actor.user.id,
        now=actor.now,
    )
    reply = Reply().say(actor.t("Saved. /agreements shows the list."))
    for group in teams.group_chats(session, project_id=project_id):
        gt = Translator(group.language)
        reply.say(
            gt("✅ Agreed: <b>{label}</b>: {wording}", label=gt(LABELS[topic]), wording=wording),
            chat_id=group.chat_id,
        )
    reply.messages += lifecycle.follow(session, actor, found[0])  # netiquette, reminders…
    return reply


WORDING = forms.Form(
    name="agreed",
    command="/agreements",
    reopen=N_("{command} opens it again."),
    fields=(
        forms.Field(
            "wording", N_("What did the team agree? Write the final wording."), precise=True
        ),
    ),
    finish=_record,
)


def start_wording(session: Session, actor: Actor, project_id: int, topic: str) -> Reply:
    t = actor.t
    found = member_of(session, actor, project_id)
    if found is None or not is_lead(found[1]) or topic not in LABELS:
        return Reply(alert=t("Only the coordinator and the founders can mark a topic agreed."))
    intro = t("<b>{label}</b>", label=t(LABELS[topic]))
    return forms.begin(
        session, actor, WORDING, intro=intro, extra={"project": project_id, "topic": topic}
    )


async def on_overview(update: Update, context: Ctx) -> None:
    """/agreements (group or private): the topics side by side."""
    await respond(update, context, for_member(overview))


# A topic button under /agreements (coordinator, founders): asks for the final wording.
FLOW = Flow(
    commands=(CommandHandler("agreements", on_overview),),
    opens=(command("agree", AGREEMENTS),),
    buttons=(route("agr", (ID, word(32)), start_wording, opens_dialog=True),),
)
