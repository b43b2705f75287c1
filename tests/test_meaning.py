"""Reading what answers mean in Latvian, Lithuanian and English (bot/meaning): a table
of real phrases, inflected as teachers write them, and cross-language comparisons."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.i18n import Translator
from bot.meaning.compare import Verdict, compare
from bot.meaning.reader import read
from bot.meaning.say import describe
from bot.meaning.units import Unit
from bot.rules.precision import find_vague

EN = Translator("en")

# (answer, what it reads as, said in English); [] = nothing to read
PHRASES = [
    # Latvian
    ("divu darba dienu laikā", ["at most 2 working days"]),
    ("2 darba dienu laikā", ["at most 2 working days"]),
    ("48 stundu laikā", ["at most 48 hours"]),
    ("nedēļas laikā", ["at most 1 week"]),
    ("mēneša laikā", ["at most 1 month"]),
    ("pēc 5 minūtēm", ["5 minutes"]),
    ("pēc piecām minūtēm", ["5 minutes"]),
    ("divdesmit minūtes", ["20 minutes"]),
    ("5 minūtes pirms sākuma", ["5 minutes before the start"]),
    ("piecas minūtes agrāk", ["5 minutes before the start"]),
    ("ne vēlāk kā 5 minūtes pēc sākuma", ["at most 5 minutes after the start"]),
    ("3–5 uzdevumi", ["3–5 tasks"]),
    ("trīs līdz pieci uzdevumi", ["3–5 tasks"]),
    ("dažus uzdevumus", ["about 2–4 tasks"]),
    ("vairākus uzdevumus", ["about 3–5 tasks"]),
    ("pāris dienu", ["about 2 days"]),
    ("pusotras stundas", ["1.5 hours"]),
    ("pusstundas laikā", ["at most 30 minutes"]),
    ("reizi nedēļā", ["once a week"]),
    ("divas reizes mēnesī", ["2 times a month"]),
    ("katru dienu", ["once a day"]),
    ("katru otro nedēļu", ["every 2 weeks"]),
    ("ik pēc divām nedēļām", ["every 2 weeks"]),
    ("otrdienās un ceturtdienās", ["2 times a week"]),
    ("katru pirmdienu", ["once a week"]),
    ("divas mācību stundas nedēļā", ["2 lessons a week"]),
    ("astoņas stundas", ["8 hours"]),
    ("no 8.00 līdz 16.00", ["8 hours"]),
    ("šodien", ["at most 1 day"]),
    ("rīt", ["1 day"]),
    ("šonedēļ", ["at most 1 week"]),
    ("uzreiz", ["at once"]),
    ("vismaz 3 uzdevumi", ["at least 3 tasks"]),
    ("ne vairāk kā 5 uzdevumi", ["at most 5 tasks"]),
    ("apmēram 15 minūtes", ["about 15 minutes"]),
    ("nedela", ["1 week"]),  # typed without diacritics, the whole answer
    # Lithuanian
    ("per dvi darbo dienas", ["at most 2 working days"]),
    ("per 48 valandas", ["at most 48 hours"]),
    ("per savaitę", ["at most 1 week"]),
    ("po 5 minučių", ["5 minutes"]),
    ("po penkių minučių", ["5 minutes"]),
    ("5 minutės iki pradžios", ["5 minutes before the start"]),
    ("likus 5 minutėms", ["5 minutes before the start"]),
    ("penkiomis minutėmis anksčiau", ["5 minutes before the start"]),
    ("5 minutės po pradžios", ["5 minutes after the start"]),
    ("3–5 užduotys", ["3–5 tasks"]),
    ("nuo trijų iki penkių užduočių", ["3–5 tasks"]),
    ("keletą užduočių", ["about 2–4 tasks"]),
    ("kelias dienas", ["about 2–4 days"]),
    ("porą dienų", ["about 2 days"]),
    ("pusantros valandos", ["1.5 hours"]),
    ("pusvalandį", ["30 minutes"]),
    ("kartą per savaitę", ["once a week"]),
    ("du kartus per mėnesį", ["2 times a month"]),
    ("dukart per mėnesį", ["2 times a month"]),
    ("kasdien", ["once a day"]),
    ("kiekvieną dieną", ["once a day"]),
    ("kas dvi savaites", ["every 2 weeks"]),
    ("kas antrą savaitę", ["every 2 weeks"]),
    ("antradieniais ir ketvirtadieniais", ["2 times a week"]),
    ("kiekvieną pirmadienį", ["once a week"]),
    ("aštuonios valandos", ["8 hours"]),
    ("dvidešimt keturias valandas", ["24 hours"]),
    ("nuo 8:00 iki 16:00", ["8 hours"]),
    ("6 pamokos", ["6 lessons"]),
    ("šiandien", ["at most 1 day"]),
    ("rytoj", ["1 day"]),
    ("iš karto", ["at once"]),
    ("bent 3 užduotys", ["at least 3 tasks"]),
    ("ne daugiau kaip 5 užduotys", ["at most 5 tasks"]),
    ("maždaug 15 minučių", ["about 15 minutes"]),
    # English
    ("within two working days", ["at most 2 working days"]),
    ("within 2 business days", ["at most 2 working days"]),
    ("within 48 hours", ["at most 48 hours"]),
    ("within a week", ["at most 1 week"]),
    ("in five minutes", ["5 minutes"]),
    ("five minutes early", ["5 minutes before the start"]),
    ("at most 10 minutes late", ["at most 10 minutes after the start"]),
    ("3-5 tasks", ["3–5 tasks"]),
    ("three to five tasks", ["3–5 tasks"]),
    ("a few tasks", ["about 2–4 tasks"]),
    ("several tasks", ["about 3–5 tasks"]),
    ("a couple of days", ["about 2 days"]),
    ("an hour and a half", ["1.5 hours"]),
    ("half an hour", ["30 minutes"]),
    ("once a week", ["once a week"]),
    ("twice a month", ["2 times a month"]),
    ("daily", ["once a day"]),
    ("every other week", ["every 2 weeks"]),
    ("on Tuesdays and Thursdays", ["2 times a week"]),
    ("2 lessons a week", ["2 lessons a week"]),
    ("twenty-four hours", ["24 hours"]),
    ("8:00-16:00", ["8 hours"]),
    ("1,5 h", ["1.5 hours"]),
    ("immediately", ["at once"]),
    ("no more than 5 tasks", ["at most 5 tasks"]),
    # nothing to read: vague words, deadlines by a weekday, dates, ordinals, ideas
    ("drīz", []),
    ("greitai", []),
    ("soon", []),
    ("līdz piektdienai", []),
    ("iki penktadienio", []),
    ("by Friday", []),
    ("15.12.2026", []),
    ("2. nedēļā", []),
    ("darba diena ir gara", []),
    ("kad man vajag", []),
    ("explaining step by step", []),
    ("pagalba kolegai", []),
]


@pytest.mark.parametrize(("text", "expected"), PHRASES)
def test_reads_real_phrases(text: str, expected: list[str]):
    assert [describe(EN, r) for r in read(text)] == expected


def test_a_number_alone_counts_what_the_question_asks():
    assert [describe(EN, r) for r in read("3", Unit.TASK)] == ["3 tasks"]
    assert [describe(EN, r) for r in read("10", Unit.MINUTE)] == ["10 minutes"]
    assert read("3") == []  # without the question's unit a lone number says nothing


# three answers, one per language, that mean the same
SAME = [
    ("divu darba dienu laikā", "per dvi darbo dienas", "within two working days"),
    ("48 stundu laikā", "per 2 darbo dienas", "within two days"),
    ("5 minūtes pirms sākuma", "5 minutės iki pradžios", "five minutes early"),
    ("reizi nedēļā", "kartą per savaitę", "every Monday"),
    ("3–5 uzdevumi", "nuo trijų iki penkių užduočių", "three to five tasks"),
    ("pēc 10 minūtēm", "po dešimties minučių", "in ten minutes"),
    ("no 8.00 līdz 16.00", "aštuonios valandos", "8 hours"),
]

# three answers that differ, and what tells the smallest and the largest apart
DIFFERENT = [
    (
        ("divu darba dienu laikā", "per savaitę", "within a month"),
        ("at most 2 working days", "at most 1 month"),
    ),
    (("reizi nedēļā", "kasdien", "once a month"), ("once a month", "once a day")),
    (
        ("5 minūtes pirms sākuma", "laiku, be vėlavimo", "up to 10 minutes late"),
        ("5 minutes before the start", "at most 10 minutes after the start"),
    ),
    (("pēc 5 minūtēm", "po 15 minučių", "in half an hour"), ("5 minutes", "30 minutes")),
    (("3 uzdevumi", "keletą užduočių", "ten tasks"), ("3 tasks", "10 tasks")),
]


@pytest.mark.parametrize("answers", SAME)
def test_one_meaning_in_three_languages_is_no_difference(answers: tuple[str, str, str]):
    result = compare(dict(zip(("Anna", "Jonas", "Maria"), answers, strict=True)))
    assert result.verdict == Verdict.SAME, result
    assert all(result.readings.values())


@pytest.mark.parametrize(("answers", "why"), DIFFERENT)
def test_different_meanings_say_why(answers: tuple[str, str, str], why: tuple[str, str]):
    result = compare(dict(zip(("Anna", "Jonas", "Maria"), answers, strict=True)))
    assert result.verdict == Verdict.DIFFERENT, result
    assert result.low is not None and result.high is not None
    low, high = result.readings[result.low], result.readings[result.high]
    assert low is not None and high is not None
    assert (describe(EN, low), describe(EN, high)) == why


def test_answers_without_numbers_are_not_ranked():
    result = compare({"Anna": "drīz", "Jonas": "greitai", "Maria": "soon"})
    assert result.verdict == Verdict.UNREAD and result.spread == 0
    one_read = compare({"Anna": "divu dienu laikā", "Jonas": "greitai"})
    assert one_read.verdict == Verdict.UNREAD
    # two read alike and a third unread: not "the same" for the whole team
    two_alike = compare({"Anna": "2 dienas", "Jonas": "2 dienos", "Maria": "soon"})
    assert two_alike.verdict == Verdict.UNREAD


def test_a_real_number_wins_over_a_vague_one_in_one_answer():
    result = compare({"Anna": "dažus — 3 uzdevumus", "Jonas": "3 užduotis"})
    assert result.verdict == Verdict.SAME


# what an answer means, said in the reader's language
SAID = [
    ("within two working days", "ne vairāk kā 2 darba dienas", "ne daugiau kaip 2 darbo dienos"),
    ("five minutes early", "5 minūtes pirms sākuma", "5 minutės iki pradžios"),
    ("in 10 minutes", "10 minūtes", "10 minučių"),
    ("an hour and a half", "1,5 stundas", "1,5 valandos"),
    ("twice a month", "2 reizes mēnesī", "2 kartus per mėnesį"),
    ("every two weeks", "ik pēc 2 nedēļām", "kas 2 savaites"),
    ("a few tasks", "apmēram 2–4 uzdevumi", "maždaug 2–4 užduotys"),
    ("21 days", "21 diena", "21 diena"),
    ("2 lessons a week", "2 mācību stundas nedēļā", "2 pamokos per savaitę"),
    ("immediately", "uzreiz", "iš karto"),
]


@pytest.mark.parametrize(("text", "lv", "lt"), SAID)
def test_said_in_the_readers_language(text: str, lv: str, lt: str):
    (reading,) = read(text)
    assert describe(Translator("lv"), reading) == lv
    assert describe(Translator("lt"), reading) == lt


WORDS = ["2", "0", "½", "1,5", "٣", "99999999", "per", "every", "kas", "ik pēc", "dienas", "weeks",
         "laikā", "-", "/", "a", "few", "reizi", "nedēļā", "iki", "likus", "late", "otrdienās",
         "darba", "dienu", "and a half", "pus", "min", "8:00", "16:00", "15.12.", "2."]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(st.text(max_size=120), st.lists(st.sampled_from(WORDS), max_size=12).map(" ".join))
)
def test_any_answer_reads_compares_and_is_said_without_error(text: str):
    for reading in read(text):
        describe(EN, reading)
        assert all(abs(v) < float("inf") for v in reading.span())
    find_vague(text)
    compare({1: text, 2: "2 days", 3: text})
