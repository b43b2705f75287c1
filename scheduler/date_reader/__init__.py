"""Dates as teachers type them, in Latvian, Lithuanian or English, mixed: one reader for
/deadline, plan activities, /away, /breaks add and "⏳ Need more time".

`read_moment` returns the moment a phrase names in the teacher's time zone (or why it
names none); `read_range` the first and last day of a range and the words after it.
dateparser knows few inflected Latvian and Lithuanian forms and reads "15.12." as a
quarter past three, so the phrase is folded ("Rīt" = "rit") and read by small takers
first (`takers`); only words no taker knows send it to dateparser.

The rules:

* No time of day means the end of that day, 23:59 local; so do "24.00", "midnight" and
  "end of day". "līdz", "iki", "by", "until", "before", "no later than" and polite words
  ("please", "lūdzu", "prašau", "ačiū") are ignored.
* Parts of the day: morning ("no rīta", "ryte") 09:00, noon or lunch ("pusdienlaikam",
  "iki pietų") 12:00, afternoon ("pēcpusdienā", "po pietų") 15:00, evening ("vakarā",
  "vakaro") 20:00.
* A weekday ("Friday", "līdz piektdienai") is the first such day after today. Named on
  that same weekday it is next week's, unless "this" ("šo piektdien") or a time still to
  come today ("Friday 18:00" said on Friday morning) says today. "next Friday"
  ("nākamajā piektdienā", "kitą penktadienį") is the first strictly after today: on a
  Wednesday two days on. "Friday next week" is the Friday of the next Monday-to-Sunday
  week.
* A week or a month without a day ("next week", "šonedēļ", "end of the month", "mēneša
  beigās", "iki kitos savaitės pabaigos", "end of December") is its last working day for
  the owner (`works`), end of day; for a start, its first. Handlers apply the team's
  "by Friday" convention to it (`Reading.by_day`). "by next week" / "līdz nākamajai
  nedēļai" (before it starts or by its end?), "next month" alone, a month without a day
  ("līdz decembrim") and "beginning"/"middle" of anything stay vague.
* A day of the month alone ("by the 15th", "līdz 5. datumam", "iki 15 d.", "15-ajam")
  is its next occurrence, from today on.
* Named holidays (`holidays`): the end of the last day before the holiday begins;
  Christmas begins on Christmas Eve, Easter on Good Friday.
* Numbers: "DD.MM." is a date; "DD.MM" is a date when the phrase has no other date,
  else a time ("rīt 10.10"). With a year first ("2026-12-15", "2026.12.15",
  "2026/12/15") it is year, month, day. With a dash and no year it is month, day as
  Lithuanian writes it ("12-15", "01-10" = 10 January). With a slash or dots, day first,
  unless only month first can be a date (US "12/15"). A date without a year is its next
  occurrence ("15.01." said on 20 December is next January).
* "in two weeks", "pēc divām nedēļām", "po dviejų savaičių": today plus that many days,
  weeks or months (a month after 31 January is the last day of February).
* A time alone ("18:00") is today.
* Nothing for vague words (`bot.rules.precision` and a few more: "sometime", "kaut kad"), for
  a moment before `now`, for dates that do not exist ("31. februārī") and for phrases
  neither the takers nor dateparser understand.
"""

from scheduler.date_reader.moment import Reading, is_by_weekday, read_moment
from scheduler.date_reader.periods import Works, weekdays_only
from scheduler.date_reader.ranges import Span, read_range
from scheduler.date_reader.takers import END_OF_DAY

__all__ = [
    "END_OF_DAY",
    "Reading",
    "Span",
    "Works",
    "is_by_weekday",
    "read_moment",
    "read_range",
    "weekdays_only",
]
