"""bot/split.py: every part of a long HTML text is one Telegram accepts (checked with the
fake Bot API's parser: allowed tags, balanced, at most the limit in UTF-16 code units of
visible text, not blank), and the parts together hold the whole text."""

from __future__ import annotations

import html
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import split
from bot.fakeapi.server import parse_html
from bot.fakeapi.update_factory import utf16_len
from bot.split import CAPTION_LIMIT, split_html, visible_len

CHARS = [*"ab cdé xyz&<>\"'\n\tā", "😀", "🇱🇻", "👨\u200d👩\u200d👧", "e\u0301", "👍🏽", "Ž"]
TAGS = [
    ("b", ""),
    ("strong", ""),
    ("i", ""),
    ("em", ""),
    ("u", ""),
    ("s", ""),
    ("code", ""),
    ("a", ' href="https://example.org/?a=1&amp;b=2"'),
    ("span", ' class="tg-spoiler"'),
    ("tg-spoiler", ""),
    ("blockquote", ""),
    ("pre", ""),
]

plain = st.lists(st.sampled_from(CHARS), max_size=40).map(lambda cs: html.escape("".join(cs)))
entities = st.sampled_from(["&amp;", "&lt;", "&gt;", "&quot;", "&#128512;", "&#x101;"])


def _wrap(tag: tuple[str, str], inside: list[str]) -> str:
    return f"<{tag[0]}{tag[1]}>{''.join(inside)}</{tag[0]}>"


fragment = st.recursive(
    st.one_of(plain, entities),
    lambda inner: st.one_of(
        st.builds(_wrap, st.sampled_from(TAGS), st.lists(inner, max_size=4)),
        st.lists(inner, min_size=1, max_size=5).map("".join),
    ),
    max_leaves=30,
)


def _block(heading: str | None, lines: list[str]) -> str:
    return "\n".join(([f"<b>{heading}</b>"] if heading else []) + lines)


blocks = st.lists(
    st.builds(
        _block,
        st.none() | st.sampled_from(["Goals", "Aktivitātes", "Veiklos 😀", "Two\nlines &amp;"]),
        st.lists(fragment, min_size=1, max_size=6),
    ),
    min_size=1,
    max_size=6,
)
documents = blocks.map("\n\n".join)


def visible(part: str) -> str:
    """What Telegram shows of a part; raises where Telegram would refuse it."""
    return parse_html(part)[0]


def squeezed(text: str) -> str:
    return "".join(text.split())


def assert_valid(text: str, parts: list[str], limit: int, first: int | None = None) -> None:
    """Each part is accepted; together, minus repeated headings and the whitespace at
    the cuts, they are the whole text."""
    whole = squeezed(visible(text))
    assert parts
    done = 0
    for n, part in enumerate(parts):
        shown = visible(part)
        assert utf16_len(shown) <= (first or limit if n == 0 else limit), part
        assert utf16_len(shown) == visible_len(part)
        assert shown.strip() or not whole, part
        rest = squeezed(shown)
        if not whole.startswith(rest, done):
            repeated = next(
                k for k in range(1, len(rest)) if whole.startswith(rest[k:], done)
            )  # a heading shown before, again at the top of a continued section
            assert rest[:repeated] in whole[:done], part
            rest = rest[repeated:]
        done += len(rest)
    assert done == len(whole)


@settings(max_examples=400, deadline=None)
@given(documents, st.integers(min_value=24, max_value=400), st.none() | st.integers(16, 400))
def test_every_part_is_valid_and_nothing_is_lost(text: str, limit: int, first: int | None):
    parts = split_html(text, limit, first=first)
    assert_valid(text, parts, limit, first)
    if visible_len(text) <= (first or limit):
        assert parts == [text]


item = st.text(alphabet="abc žū😀", min_size=1, max_size=30).map(
    lambda s: f"• <b>{html.escape(s)}</b>: {html.escape(s[::-1])}"
)


@settings(max_examples=200, deadline=None)
@given(st.lists(item, min_size=1, max_size=60), st.integers(min_value=80, max_value=400))
def test_items_shorter_than_a_part_are_never_cut(items: list[str], limit: int):
    text = "\n".join(["📅 Deadlines this week:", *items])
    parts = split_html(text, limit)
    assert_valid(text, parts, limit)
    for part in parts:
        assert set(part.split("\n")) <= {"📅 Deadlines this week:", *items}


def test_a_line_break_inside_a_title_is_cut_with_the_tags_closed_and_reopened():
    title = "Upēšu stāsti\n" + "ūdens " * 700  # one title longer than a message
    text = f"<b>Deadlines: Rivers</b>\n• <b>{title}</b>: 15.12. (Anna)\n• <b>Maps</b>: 16.12."
    parts = split_html(text)
    assert_valid(text, parts, 4096)
    assert parts[0].endswith("</b>") and parts[1].startswith("<b>Deadlines: Rivers</b>\n<b>")
    assert parts[-1].endswith("• <b>Maps</b>: 16.12.")


def test_a_long_code_text_goes_on_in_code_under_its_label():
    text = "<b>Work process</b>\n<code>" + "\n".join(f"{n}. " + "y" * 90 for n in range(80))
    text += "</code>"
    parts = split_html(text)
    assert_valid(text, parts, 4096)
    assert len(parts) == 2 and all(p.startswith("<b>Work process</b>\n<code>") for p in parts)
    assert all(p.endswith("</code>") for p in parts)
    assert parts[1].startswith("<b>Work process</b>\n<code>43. yyy")  # whole lines


def test_sections_stay_whole_when_they_fit_and_a_continued_one_repeats_its_heading():
    def section(name: str, n: int) -> str:
        return "\n".join([f"<b>{name}</b> 🔒", *(f"{k}. " + "z" * 100 for k in range(n))])

    whole = [section("Goals", 20), section("Activities", 30), section("Title", 1)]
    text = "\n\n".join(whole)
    parts = split_html(text)
    assert_valid(text, parts, 4096)
    assert parts == [whole[0], "\n\n".join(whole[1:])]  # Activities fit a part of their own
    text = "\n\n".join([section("Goals", 20), section("Activities", 60), section("Title", 1)])
    parts = split_html(text)
    assert_valid(text, parts, 4096)
    assert "<b>Activities</b> 🔒\n0. zzz" in parts[0]  # too long for one part anyway
    assert [p.split("\n")[0] for p in parts[1:]] == ["<b>Activities</b> 🔒"] * 2
    assert parts[-1].endswith(section("Title", 1))


def test_entities_and_emoji_are_never_cut_and_count_as_telegram_counts():
    for text, limit in (("&amp;" * 5000, 4096), ("😀" * 3000, 4096), ("👍🏽" * 700, CAPTION_LIMIT)):
        parts = split_html(text, limit)
        assert_valid(text, parts, limit)
        assert all(visible_len(p) <= limit for p in parts)
    assert [visible_len(p) for p in split_html("😀" * 3000)] == [4096, 1904]


def test_a_caption_is_cut_shorter_than_the_text_after_it():
    text = "\n".join(f"<i>line {n}</i> " + "w" * 60 for n in range(100))
    parts = split_html(text, first=CAPTION_LIMIT)
    assert_valid(text, parts, 4096, CAPTION_LIMIT)
    assert visible_len(parts[0]) <= CAPTION_LIMIT < visible_len(parts[1])


def test_short_and_empty_texts_are_one_part():
    assert split_html("") == [""]
    assert split_html("<b>Hi</b> &amp; bye") == ["<b>Hi</b> &amp; bye"]


def test_a_text_that_fits_even_counted_as_written_is_not_tokenised(monkeypatch: pytest.MonkeyPatch):
    """Most replies are far below the limit: their length as written (in UTF-16 code
    units, tags and entities included) is enough to know they are one part."""

    def tokenised(*_args: object) -> None:
        raise AssertionError("tokenised")

    monkeypatch.setattr(split, "_Text", tokenised)
    at_limit = "<b>" + "😀" * 2044 + "</b>x"  # 3 + 4,088 + 4 + 1 = 4,096 code units
    assert split_html(at_limit) == [at_limit]
    caption = "&amp;" * 204 + "abcd"  # 1,024 as written, 208 shown
    assert split_html(caption, first=CAPTION_LIMIT) == [caption]
    for over, first in ((at_limit + "y", None), (caption + "e", CAPTION_LIMIT)):
        with pytest.raises(AssertionError, match="tokenised"):
            split_html(over, first=first)  # a code unit more: counted as shown
    with pytest.raises(AssertionError, match="tokenised"):
        split_html("<b>open")  # short, but its part must close the tag


@settings(max_examples=300, deadline=None)
@given(documents, st.integers(min_value=24, max_value=400), st.none() | st.integers(16, 400))
def test_short_texts_are_split_as_tokenising_splits_them(text: str, limit: int, first: int | None):
    parts = split_html(text, limit, first=first)
    with mock.patch.object(split, "_whole", return_value=False):
        assert split_html(text, limit, first=first) == parts


def test_short_texts_with_odd_tags_are_split_as_tokenising_splits_them():
    for text in ("<b>open", "</i>x", "a < b > c", "<b>x</b >", "<<b>>", "&amp;<i>", "<>", ""):
        parts = split_html(text)
        with mock.patch.object(split, "_whole", return_value=False):
            assert split_html(text) == parts, text
    assert split_html("<b>open") == ["<b>open</b>"]


def test_blanks_are_never_a_part_of_their_own():
    text = " " * 5000 + "<b>x</b>" + "\n" * 5000 + "y"
    parts = split_html(text)
    assert_valid(text, parts, 4096)
    assert [visible(p).strip() for p in parts] == ["x", "y"]


moment = st.builds(
    lambda unix, text, fmt: f'<tg-time unix="{unix}"{fmt}>{html.escape(text)}</tg-time>',
    st.integers(min_value=1_700_000_000, max_value=1_880_000_000),
    st.text(alphabet="Fri 18 Dec, 23:59 (Rīga)😀\n", min_size=20, max_size=40),
    st.sampled_from(["", ' format="wDt"', ' format="wt"', ' format=""']),
)
timed_line = st.lists(
    st.one_of(plain, moment, moment.map(lambda m: f"<b>{m}</b>")), min_size=1, max_size=8
)


@settings(max_examples=300, deadline=None)
@given(st.lists(timed_line.map("".join), min_size=1, max_size=30), st.integers(80, 240))
def test_a_date_time_is_never_cut(lines_: list[str], limit: int):
    """Every part is valid and holds only whole moments (a moment's text is at most 80
    code units here, so it fits a part): each date_time entity sent has the length of a
    tag of the text, and every tag is sent."""
    text = "\n".join(lines_)
    parts = split_html(text, limit)
    assert_valid(text, parts, limit)

    def moments(html_text: str) -> set[tuple[int, int]]:
        found = parse_html(html_text)[1]
        return {(e["unix_time"], e["length"]) for e in found if e["type"] == "date_time"}

    sent = set().union(*(moments(p) for p in parts))
    assert sent == moments(text)


def test_a_date_time_goes_whole_to_the_next_part():
    tag = '<tg-time unix="1797631140" format="wDt">Friday, 18 December 2026, 23:59 (Riga)</tg-time>'
    parts = split_html(f"• <b>Poster</b>: {tag} (Anna)", 40)
    assert parts == ["• <b>Poster</b>:", tag, "(Anna)"]
