"""The guide's worksheet "TwinSpace set-up questions" and its list of twelve common
TwinSpace mistakes, shown by /twinspace. Each part is one screen; each item is a question
the team agrees on (or a mistake it has a way to avoid), ticked as a checklist item.

The keys ("ts.public", "tm.chaos") are stored in the database: never change one. The
texts may be reworded (docs/guide-content.md says how)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import N_


@dataclass(frozen=True)
class Part:
    """One screen of /twinspace: questions to agree on, or mistakes to avoid."""

    key: str
    title: str  # msgid
    hint: str  # msgid: what a tick means here
    items: tuple[tuple[str, str], ...]  # (checklist key, msgid)
    notes: tuple[str, ...] = ()  # msgids: the guide's facts for this part


AGREED = N_("Tap a number when the team has agreed on an answer; tap it again to undo.")
# The guide: TwinSpace is the team's workspace; it is assessed only with an application.
NSS_LOOKS = N_(
    "The National Support Service looks at your TwinSpace only when you apply for the National Quality Label and awards; until then it is simply your team's shared workspace."
)
PARTS = (
    Part(
        "pages",
        N_("Pages"),
        AGREED,
        (
            ("ts.public", N_("Are all pages for members only, or will some be public?")),
            (
                "ts.layout",
                N_(
                    "How are the pages organised: roughly how many, with sub-pages, and how much do pupils build them?"
                ),
            ),
            ("ts.tools", N_("Which ICT tools outside TwinSpace will you use, and what for?")),
            ("ts.style", N_("Have you agreed on the font, its size and the colours?")),
            ("ts.polls", N_("Will you use the polls and other TwinSpace features, and what for?")),
        ),
    ),
    Part(
        "materials",
        N_("Materials"),
        AGREED,
        (
            ("ts.folders", N_("How are the material folders organised?")),
            ("ts.copyright", N_("How do you make sure copyright is respected?")),
        ),
    ),
    Part(
        "roles",
        N_("Roles and responsibilities"),
        AGREED,
        (
            (
                "ts.guests",
                N_(
                    "Will you add pupils, parents or guests? How many, with which rights and duties?"
                ),
            ),
            (
                "ts.upkeep",
                N_(
                    "Who sets up and updates TwinSpace, who does what, and how do you remind each other of deadlines?"
                ),
            ),
            ("ts.netiquette", N_("Will you have your own netiquette, and how will you make it?")),
            (
                "ts.permissions",
                N_("How will you get permissions to use pupils' photos and videos?"),
            ),
            ("ts.contact", N_("How, and how often, will the teachers communicate?")),
        ),
        notes=(
            N_(
                "Pupils do not register themselves: a teacher adds them in TwinSpace with a name and a password."
            ),
            N_(
                "Pupils edit only the pages they are given access to. You can make some pupils administrators and let only them edit pages."
            ),
        ),
    ),
    Part(
        "other",
        N_("Other sections"),
        AGREED,
        (
            ("ts.board", N_("Will you use the teachers' bulletin board, and what for?")),
            ("ts.news", N_("Will you use the project news on the home page, and what for?")),
            ("ts.forum", N_("Will you use the forum, and what for?")),
            (
                "ts.video",
                N_("Will you use the built-in video meeting tool? How often, and what for?"),
            ),
        ),
    ),
    Part(
        "mistakes",
        N_("Twelve common mistakes"),
        N_("Tap a number when your team has a way to avoid that mistake; tap it again to undo."),
        (
            (
                "tm.chaos",
                N_("Nobody agreed how TwinSpace is arranged, so things end up all over the place."),
            ),
            (
                "tm.intro",
                N_(
                    "Partners were never shown around TwinSpace and the tools, so some cannot do their tasks."
                ),
            ),
            ("tm.rules", N_("Rules for TwinSpace were agreed but are not followed.")),
            (
                "tm.everyone",
                N_(
                    "Everyone does everything: no split of responsibilities, so schools work side by side instead of together."
                ),
            ),
            (
                "tm.no_plan",
                N_("There is no plan with clear deadlines and owners that everyone can see."),
            ),
            ("tm.busy", N_("TwinSpace is busy and colourful: hard to follow and slow to build.")),
            ("tm.pupils", N_("The pupils' role in TwinSpace is unclear.")),
            (
                "tm.side",
                N_(
                    "Side activities (postcards, cooking, a logo nobody uses) push out the goal and a real final product; the “final product” is often just every activity collected in an e-book or a video."
                ),
            ),
            (
                "tm.teachers",
                N_("Teachers do the work instead of letting pupils use TwinSpace and the tools."),
            ),
            (
                "tm.by_school",
                N_("Folders and pages are split by school, so schools work in parallel."),
            ),
            ("tm.tools", N_("ICT tools are chosen without a clear purpose.")),
            (
                "tm.copies",
                N_(
                    "Several near-identical final products are made from the same pupils' work: a blog, an e-book, an exhibition and a video that all show the same thing."
                ),
            ),
        ),
    ),
)
PART_BY_KEY = {part.key: part for part in PARTS}
PART_OF_ITEM = {key: part for part in PARTS for key, _text in part.items}
QUESTIONS = frozenset(key for part in PARTS if part.key != "mistakes" for key, _text in part.items)
