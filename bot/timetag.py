"""A moment in every reader's own clock: Telegram's date-time entity.

Bot API 10 (python-telegram-bot 22.8) has a ``date_time`` message entity; in HTML parse
mode it is ``<tg-time unix="1767225600" format="wDt">Fri 1 Jan, 18:00 (Riga)</tg-time>``.
What this module relies on (Bot API "Formatting options" and "Date-time entity
formatting"; the MessageEntity fields ``unix_time`` and ``date_time_format``):

- ``unix`` is required: the moment as Unix time, an integer; MTProto's
  messageEntityFormattedDate takes 0 up to the current date plus 1098 days, so a moment
  further away (or before 1970) goes as its text alone;
- ``format`` is optional and matches ``r|w?[dD]?[tT]?``: r relative (alone), w the
  weekday, d/D a short/long date, t/T a short/long time; empty shows the text as written
  (the reader can still tap it to see the moment in their own format);
- clients that know the entity show the moment in the reader's time zone and locale,
  older ones show the text inside the tag, so that text must make sense on its own;
- only bold, italic, underline, strikethrough and spoiler may contain or sit inside it
  (never code, pre, a link or another date-time).

The text inside is the fallback: a team's group post names the moment in the owner's or
the team's zone with its city, as it did before the entity existed.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Final

from bot.i18n import Html, escape

FORMAT: Final = re.compile(r"r|w?[dD]?[tT]?")
# Weekday, date and time: a deadline at 23:59 in Riga is already the next day in
# Istanbul, so a date alone would mislead; the time shows where the day ends.
DATE_AND_TIME: Final = "wDt"
WEEKDAY_AND_TIME: Final = "wt"  # a weekly meeting: its day and hour in the reader's clock
AHEAD: Final = timedelta(days=1098)  # the furthest moment Telegram takes, from now
EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)


def time_tag(moment: datetime, fallback: str, fmt: str = DATE_AND_TIME) -> Html:
    """`moment` for each reader in their own clock; `fallback` (escaped) for old clients."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a moment needs its time zone")
    if not FORMAT.fullmatch(fmt):
        raise ValueError(f"not a date-time format: {fmt!r}")
    if not EPOCH <= moment < datetime.now(UTC) + AHEAD:
        return escape(fallback)
    shown = f' format="{fmt}"' if fmt else ""
    return Html(f'<tg-time unix="{int(moment.timestamp())}"{shown}>{escape(fallback)}</tg-time>')
