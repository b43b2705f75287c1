"""/start, /help and /language, and the polite answers to anything unexpected."""

from __future__ import annotations

from sqlmodel import Session
from telegram import Update
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import fair, metrics
from bot.context import Ctx
from bot.fair import Verdict
from bot.i18n import LANGUAGES, N_, Html, Translator, escape, lines
from bot.reply import Button, Reply
from handlers.buttons import Flow, one_of, remainder, route
from handlers.guards import active_project, stale
from handlers.progress import unfinished
from handlers.step import Actor, queue, respond
from storage import teams
from storage.models import ChatBinding

LANGUAGE_NAMES = {"lv": "🇱🇻 Latviešu", "lt": "🇱🇹 Lietuvių", "en": "🇬🇧 English"}


def welcome(session: Session, actor: Actor) -> Reply:
    t = actor.t
    if not actor.private:
        return group_help(session, actor)
    text = t(
        "Hello, {name}! I am TwinCoach, a helper for eTwinning project teams.\n"
        "• I walk your team through the partner questions, the work-style quiz and the plan.\n"
        "• I keep everyone's contacts and agreements in one place.\n"
        "• I remind partners of deadlines on their working days, in their language.",
        name=actor.user.display_name,
    )
    if teams.user_projects(session, user_id=actor.user.id):
        text = lines(text, where_you_are(session, actor), blank=True)
    buttons = [
        [Button(t("➕ Create a project"), data="menu:new")],
        [Button(t("🔗 Join with an invite"), data="menu:join")],
        [Button(t("🌐 Language"), data="menu:lang")],
    ]
    return Reply().say(text, buttons)


def where_you_are(session: Session, actor: Actor) -> Html:
    """For a member: their project(s), the one private commands act on, and their next step."""
    t = actor.t
    mine = teams.user_projects(session, user_id=actor.user.id)
    found = active_project(session, actor)
    if found is None:  # several projects, none chosen yet
        titles = ", ".join(escape(p.title) for p in mine)
        return t(
            "Your projects: {titles}. /projects chooses the one to work on.", titles=Html(titles)
        )
    project, _me = found
    assert project.id is not None
    here = (
        t("Your project: <b>{title}</b>.", title=project.title)
        if len(mine) == 1
        else t(
            "You are in {n} projects; I work on <b>{title}</b> here. /projects switches.",
            n=len(mine),
            title=project.title,
        )
    )
    todo = unfinished(session, project.id, actor.user.id)
    if not todo:
        return lines(here, t("Next: /status shows what the team does next and who does it."))
    first = todo[0]
    given = first.answers_of(session, project.id, actor.user.id)
    nxt = t(
        "Next for you: {command}, {title} ({n} of {total} answered).",
        command=first.command,
        title=t(first.title),
        n=first.answered(given),
        total=len(first.fields),
    )
    return lines(here, nxt)


def private_help(actor: Actor) -> Reply:
    t = actor.t
    return Reply().say(
        t(
            "<b>What I can do</b>\n"
            "/newproject: start a project and get an invite link for partners\n"
            "/team: your team with contacts and advice\n"
            "/partners: seven questions before looking for partners\n"
            "/agree: your proposals for the team agreements; /agreements: everyone's side by side\n"
            "/quiz: the work-style quiz; /quizresults: where your team differs\n"
            "/progress: who has finished what, and a gentle reminder (coordinator)\n"
            "/plan: the plan sheet; /registration: the texts for the registration form\n"
            "/status: the project's stage, what is next and who does it\n"
            "/twinspace: the TwinSpace set-up questions and the twelve common mistakes\n"
            "/risks: the eleven risks, owners and what you will do\n"
            "/quality: score the project against the quality label criteria\n"
            "/deadline: add a deadline in plain words; /deadlines: what is coming; /ics: the calendar file\n"
            "/calendar: the coming weeks for the whole team; /breaks: school breaks\n"
            "/away: pause your reminders; /reminders: the team's reminder rhythm (coordinator)\n"
            "/meeting: the team's regular meeting, announced in everyone's own time\n"
            "/projects: switch between your projects\n"
            "/invite: a fresh invite link; /invites: the open links, to stop one; /groups: the linked groups (coordinator and founders)\n"
            "/members: roles, founders and coordination (coordinator)\n"
            "/profile: your name, school, contact and time zone\n"
            "/language: Latviešu, Lietuvių or English\n"
            "/leave: leave a project\n"
            "/mydata and /forgetme: your data, to download or delete\n"
            "/skip, /back: leave a question out or go back one\n"
            "/cancel: stop the current questions"
        )
    )


def group_help(session: Session, actor: Actor) -> Reply:
    t = actor.t
    linked = teams.bound_project(session, chat_id=actor.chat_id)
    text = t(
        "<b>TwinCoach in this group</b>\n"
        "/team: the team, contacts and advice\n"
        "/quiz: invite everyone to the work-style quiz; /quizresults: compare the answers\n"
        "/agreements: the team's agreements side by side\n"
        "/plan: the whole plan; /status: where the project is; /risks: the team's risks\n"
        "/deadlines: the coming deadlines; /calendar: the coming weeks\n"
        "/link: link this group to your project (group admins who are in the project)\n"
        "/language: the language I use here\n"
        "Everything personal happens in a private chat with me."
    )
    if linked is None:
        text = lines(text, t("This group is not linked to a project yet."), blank=True)
    return Reply().say(text)


def language_menu(actor: Actor) -> Reply:
    buttons = [[Button(LANGUAGE_NAMES[code], data=f"lang:{code}") for code in LANGUAGES]]
    return Reply().say(actor.t("Choose a language:"), buttons)


def choose_language(session: Session, actor: Actor, lang: str) -> Reply:
    if lang not in LANGUAGES:
        return stale(session, actor)
    if actor.private:
        actor.user.language = lang
        session.add(actor.user)
    else:
        binding = session.get(ChatBinding, actor.chat_id)
        if binding is None or not teams.is_member(
            session, project_id=binding.project_id, user_id=actor.user.id
        ):
            return Reply(
                alert=actor.t("Only members of the linked project can change the language here.")
            )
        teams.set_chat_language(session, chat_id=actor.chat_id, language=lang)
    done = Translator(lang)(N_("Done! I will speak English from now on."))
    return Reply(menu_language=lang).edit(done)


def unknown(actor: Actor) -> Reply:
    return Reply().say(actor.t("Sorry, I did not understand that. /help shows what I can do."))


async def on_start(update: Update, context: Ctx) -> None:
    """/start: the greeting and the main menu."""
    await respond(update, context, welcome)


async def on_help(update: Update, context: Ctx) -> None:
    """/help: what the bot can do, different in private and group chats."""
    await respond(update, context, lambda s, a: private_help(a) if a.private else group_help(s, a))


async def on_language(update: Update, context: Ctx) -> None:
    """/language or the menu's button: shows the three languages."""
    await respond(update, context, lambda _s, a: language_menu(a))


async def on_unknown(update: Update, context: Ctx) -> None:
    """Text or a command nobody handles, in a private chat."""
    await respond(update, context, lambda _s, a: unknown(a))


def unreadable(actor: Actor) -> Reply:
    return Reply().say(
        actor.t(
            "Sorry, I cannot open this. I read text messages, button taps and .ics calendar "
            "files with school breaks."
        )
    )


async def on_attachment(update: Update, context: Ctx) -> None:
    """A photo, file, sticker, voice message … in a private chat: without an answer the
    teacher would wait for one."""
    await respond(update, context, lambda _s, a: unreadable(a))


async def on_stale_button(update: Update, context: Ctx) -> None:
    """A button whose dialog is over (or forged data): a short pop-up, nothing changes."""
    await respond(update, context, stale)


def slow_down(_session: Session, actor: Actor) -> Reply:
    """The one answer to a flood: a pop-up on a pressed button, else a message."""
    return Reply(
        alert=actor.t(
            "Slow down a little, please: I will not answer you for a minute. "
            "Then I am all yours again."
        )
    )


async def on_any_update(update: Update, context: Ctx) -> None:
    """Before every other handler: an update beyond its sender's or its group's pace goes
    no further (bot/fair.py); a pressed button still gets its answer, an empty one."""
    verdict = await fair.verdict(update, context.services.limits, context.db)
    if verdict is Verdict.HANDLE:
        return
    metrics.UPDATES_LET_GO.labels(verdict.value).inc()
    if verdict is Verdict.WARN:
        await respond(update, context, slow_down)
    else:
        queue(update, context, Reply())
    raise ApplicationHandlerStop


def gate() -> list[BaseHandler]:
    """Registered in group -2, before every other handler."""
    return [TypeHandler(Update, on_any_update)]


def last_resort() -> list[BaseHandler]:
    """Registered after every other handler."""
    return [
        MessageHandler(
            filters.UpdateType.MESSAGE  # an edited message is no new question: left alone
            & filters.ChatType.PRIVATE
            & (filters.TEXT | filters.COMMAND),
            on_unknown,
        ),
        # .ics files are read by handlers/break_file.py before this; in groups files are talk
        MessageHandler(
            filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE & filters.ATTACHMENT,
            on_attachment,
        ),
        CallbackQueryHandler(on_stale_button),
    ]


# menu:lang under /start shows the languages; lang:<code> saves the choice and switches
# the command menu too.
FLOW = Flow(
    commands=(
        CommandHandler("start", on_start),
        CommandHandler("help", on_help),
        CommandHandler("language", on_language),
    ),
    buttons=(
        route("menu", (one_of("lang"),), lambda _s, a, _: language_menu(a), actions=("lang",)),
        route("lang", (remainder(r".*"),), choose_language, in_groups=True),
    ),
)
