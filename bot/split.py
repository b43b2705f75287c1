"""Cutting an outgoing HTML text into parts Telegram accepts, each valid on its own.

Telegram measures a text after parsing its tags, in UTF-16 code units (an emoji outside
the BMP counts two): 4,096 for a message, 1,024 for a caption. It refuses a part whose
tags do not close ("can't find end tag"), and teachers' line breaks sit inside <b> titles
and <code> texts, so a cut may fall inside a tag: the tags open there are closed at the
end of the part and opened again at the start of the next.

A cut is never inside a tag or an entity (&amp;), nor inside a date-time (<tg-time>):
closed and opened again, its moment would show twice, each half as the whole moment (only
a date-time text longer than a whole part is cut). It prefers, in this order: a blank
line outside any tag (between blocks, as `bot.i18n.lines(..., blank=True)` builds them), the
end of an item (a line break outside any tag before a line that is not indented), any
line break, a space, and only then any character. A better kind of cut is taken only
when what follows it fits one part, so an item is cut in two only when it is longer
than a whole message. A block whose first line holds a bold heading is a section: when
it continues in the next part, the heading line is repeated there.
"""

from __future__ import annotations

import bisect
import html
import re
import unicodedata
from dataclasses import dataclass
from enum import IntEnum

from bot.i18n import Html

TEXT_LIMIT = 4096  # a message's text
CAPTION_LIMIT = 1024  # a photo's or a document's caption

# A tag, an entity Telegram knows (others are plain text there), or one character.
_TOKEN = re.compile(r"<[^<>]*>|&(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);|.", re.DOTALL)
_TAG = re.compile(r"<\s*(/?)\s*([a-zA-Z][\w-]*)")
_TAG_TOKEN = re.compile(r"<[^<>]*>")  # _TOKEN's first choice: no entity holds a "<"
_BOLD = frozenset({"b", "strong"})
_WHOLE = "tg-time"  # one moment: never cut
_JOINERS = frozenset({"\u200d", "\ufe0e", "\ufe0f"})  # zero-width joiner, variation selectors
_FLAG_LETTERS = range(0x1F1E6, 0x1F200)  # two of them make one flag
_SKIN_TONES = range(0x1F3FB, 0x1F400)


class Cut(IntEnum):
    """Where a part may end, best first."""

    BLOCK = 0  # a blank line outside any tag
    ITEM = 1  # a line break outside any tag, before a line that is not indented
    LINE = 2  # any other line break: inside a title, a <code> text, before details
    SPACE = 3
    CHAR = 4  # between two characters (not inside an emoji sequence)


@dataclass(frozen=True, slots=True)
class _Token:
    raw: str
    size: int = 0  # UTF-16 code units Telegram counts; 0 for a tag
    tag: str = ""  # the tag's name, for a tag
    closing: bool = False

    @property
    def blank(self) -> bool:
        return not self.raw.strip() or self.size == 0


def _token(raw: str) -> _Token:
    if raw.startswith("<") and (found := _TAG.match(raw)):
        return _Token(raw, tag=found[2].lower(), closing=bool(found[1]))
    shown = html.unescape(raw) if raw.startswith("&") else raw
    return _Token(raw, len(shown.encode("utf-16-le")) // 2)


def visible_len(text: str) -> int:
    """How long Telegram finds an HTML text: its visible characters in UTF-16 code units."""
    return sum(_token(m[0]).size for m in _TOKEN.finditer(text))


class _Text:
    """One text as tokens, with what every cut needs to know precomputed: the size and
    the non-blank characters before each token, the tags open there, the cuts."""

    def __init__(self, text: str, limit: int) -> None:
        self.tokens = [_token(m[0]) for m in _TOKEN.finditer(text)]
        n = len(self.tokens)
        self.size = [0] * (n + 1)
        self.ink = [0] * (n + 1)
        self.open: list[tuple[_Token, ...]] = [()] * (n + 1)
        stack: tuple[_Token, ...] = ()
        for i, token in enumerate(self.tokens):
            self.open[i] = stack
            self.size[i + 1] = self.size[i] + token.size
            self.ink[i + 1] = self.ink[i] + (not token.blank)
            if token.tag:
                stack = _closed(stack, token) if token.closing else (*stack, token)
        self.open[n] = stack
        self.cuts: dict[int, tuple[Cut, int]] = {}  # position → (kind, separators dropped)
        for i in range(n):
            if (cut := self._cut_at(i)) is not None:
                self.cuts[i] = cut
        self.block_starts = sorted(
            [0] + [p + skip for p, (kind, skip) in self.cuts.items() if kind == Cut.BLOCK]
        )
        self.headings = self._headings(limit // 8)  # block start → end of its heading line
        for line_end in self.headings.values():
            del self.cuts[line_end]  # a part never ends with a heading
        self.positions = sorted(self.cuts)

    def _cut_at(self, i: int) -> tuple[Cut, int] | None:
        tokens, raw = self.tokens, self.tokens[i].raw
        if any(t.tag == _WHOLE for t in self.open[i]):
            return None
        if self.tokens[i].tag == _WHOLE and not self.tokens[i].closing:
            return Cut.CHAR, 0  # right before a moment, even one that follows another
        previous = tokens[i - 1].raw if i else ""
        if raw in ("\n", " ") and previous != raw:
            run = 1
            while i + run < len(tokens) and tokens[i + run].raw == raw:
                run += 1
            if raw == " ":
                return Cut.SPACE, run
            top = not self.open[i]
            after = tokens[i + run].raw if i + run < len(tokens) else ""
            if top and run > 1:
                return Cut.BLOCK, run
            return (Cut.ITEM if top and after not in (" ", "\t") else Cut.LINE), run
        if raw in ("\n", " ") or not self.tokens[i].size:
            return None
        return None if _glued(previous, raw) else (Cut.CHAR, 0)

    def _headings(self, longest: int) -> dict[int, int]:
        """A block's first line is its heading when it holds a bold tag, closes all its
        tags, is short and is not the whole block."""
        found: dict[int, int] = {}
        ends = [*self.block_starts[1:], len(self.tokens)]
        for start, end in zip(self.block_starts, ends, strict=True):
            line_end = next((i for i in range(start, end) if self.tokens[i].raw == "\n"), None)
            if line_end is None or self.open[line_end] or self.cuts[line_end][0] == Cut.BLOCK:
                continue  # one line, a tag open across the line break, or a one-line block
            line = self.tokens[start:line_end]
            bold = any(t.tag in _BOLD and not t.closing for t in line)
            if bold and self.size[line_end] - self.size[start] <= longest:
                found[start] = line_end
        return found

    def heading(self, at: int) -> tuple[int, int] | None:
        """The heading line to repeat at the start of a part that begins at `at`."""
        start = self.block_starts[bisect.bisect_right(self.block_starts, at) - 1]
        line_end = self.headings.get(start)
        return (start, line_end) if line_end is not None and at > line_end else None

    def room(self, at: int, budget: int) -> int:
        """What is left of `budget` for a part that begins at `at`, after its heading."""
        head = self.heading(at)
        return budget - (self.size[head[1]] - self.size[head[0]] + 1 if head else 0)

    def reach(self, start: int, room: int) -> int:
        """The furthest position whose text since `start` fits `room`."""
        return bisect.bisect_right(self.size, self.size[start] + room) - 1

    def best_cut(self, start: int, end: int, limit: int) -> int:
        """Where the part from `start` ends, no further than `end`: the best kind of cut
        whose next unit (block, item, line…) fits a whole part of its own."""
        low = bisect.bisect_right(self.positions, start)
        high = bisect.bisect_right(self.positions, end)
        for kind in Cut:
            cut = next(
                (
                    p
                    for p in reversed(self.positions[low:high])
                    if self.cuts[p][0] <= kind and self.ink[p] > self.ink[start]
                ),
                None,
            )
            if cut is not None and (kind == Cut.CHAR or self._unit_fits(cut, kind, limit)):
                return cut
        return end  # nothing visible to cut at: tags or blanks only

    def _unit_fits(self, cut: int, kind: Cut, limit: int) -> bool:
        start = cut + self.cuts[cut][1]
        room = self.room(start, limit)
        high = self.reach(start, room)
        if high == len(self.tokens):
            return True
        low = bisect.bisect_right(self.positions, start)
        high = bisect.bisect_right(self.positions, high)
        return any(self.cuts[p][0] <= kind for p in self.positions[low:high])

    def part(self, start: int, end: int) -> Html:
        """The text from `start` to `end`, after the repeated heading and the tags open at
        `start`, with the tags still open at `end` closed."""
        head = self.heading(start)
        raw = [t.raw for t in self.tokens[head[0] : head[1]]] + ["\n"] if head else []
        raw += [t.raw for t in self.open[start]]
        raw += [t.raw for t in self.tokens[start:end]]
        raw += [f"</{t.tag}>" for t in reversed(self.open[end])]
        return Html("".join(raw))


def _glued(previous: str, char: str) -> bool:
    """Whether `char` belongs to the character before it (an accent, an emoji sequence);
    an entity (&amp;) stands alone."""
    if len(char) != 1:
        return False
    if char in _JOINERS or previous in _JOINERS or unicodedata.combining(char):
        return True
    code, before = ord(char), ord(previous) if len(previous) == 1 else 0
    return code in _SKIN_TONES or (code in _FLAG_LETTERS and before in _FLAG_LETTERS)


def _closed(stack: tuple[_Token, ...], closing: _Token) -> tuple[_Token, ...]:
    """The open tags after `closing`: its tag and any left open inside it."""
    names = [t.tag for t in stack]
    if closing.tag not in names:
        return stack
    return stack[: len(names) - 1 - names[::-1].index(closing.tag)]


def _whole(text: str, budget: int) -> bool:
    """Whether `text` is one part as it stands, without tokenising it character by
    character (most replies are far below the limit): it fits even with every character
    counted as shown, tags and entities too (each shows as no more code units than it
    is written in), and no tag is left open (that part would be closed at its end)."""
    if len(text) > budget or (
        len(text) * 2 > budget and len(text.encode("utf-16-le")) // 2 > budget
    ):
        return False
    stack: tuple[_Token, ...] = ()
    for found in _TAG_TOKEN.finditer(text):  # the tokens that are tags, as _TOKEN finds them
        if (token := _token(found[0])).tag:
            stack = _closed(stack, token) if token.closing else (*stack, token)
    return not stack


def split_html(text: str, limit: int = TEXT_LIMIT, *, first: int | None = None) -> list[Html]:
    """`text` in parts of at most `limit` (the first at most `first`) UTF-16 code units of
    visible text, each with balanced tags; one part when it fits."""
    if _whole(text, first or limit):
        return [Html(text)]
    doc = _Text(text, limit)
    end_of_text = len(doc.tokens)
    parts: list[Html] = []
    start, budget = 0, first or limit
    while True:
        end = doc.reach(start, doc.room(start, budget))
        if end < end_of_text:
            end = max(doc.best_cut(start, end, limit), start + 1)  # even if a limit < 2
        if doc.ink[end] > doc.ink[start] or (not parts and end == end_of_text):
            parts.append(doc.part(start, end))  # blanks alone only as the whole text
        if end >= end_of_text:
            return parts
        start, budget = end + doc.cuts.get(end, (Cut.CHAR, 0))[1], limit
