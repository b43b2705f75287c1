"""The light language check of the registration kit (bot/written_language.py), on a table
of real plan lines in Latvian, Lithuanian and English, on every translated line of the
bot's own catalogs, and on words that belong to no language (names, tools, numbers)."""

import re

import pytest

from bot.written_language import guess
from tests.test_i18n import catalog

LINES = [
    # Latvian: goals, products, collaboration (real and plain exchange), activities, titles
    ("lv", "Līdz marta beigām katrs skolēns nosauc piecus veidus, kā taupīt ūdeni"),
    ("lv", "Kopīga e-grāmata par mūsu upēm"),
    ("lv", "Jauktas komandas kopā uzraksta vienu nodaļu"),
    ("lv", "Skolēni intervē vecvecākus par upēm"),
    ("lv", "Skolēni balso par grāmatas vāku"),
    ("lv", "Katra skola nosūta savus zīmējumus"),
    ("lv", "Tiešsaistes lasījums ar visām skolām"),
    ("lv", "Upes mūsu bērnībā"),
    ("lv", "Skolēni mācās sadarboties ar vienaudžiem citā valstī"),
    ("lv", "divas nedēļas"),
    ("lv", "Vienojieties par kopīgu plakātu"),
    ("lv", "Skolēni pēc tam izveido kopīgu vārdnīcu"),
    ("lv", "Maijā katrs skolēns uzraksta trīs teikumus angļu valodā"),
    # Lithuanian
    ("lt", "Iki kovo pabaigos kiekvienas mokinys įvardija penkis būdus taupyti vandenį"),
    ("lt", "Bendra elektroninė knyga apie mūsų upes"),
    ("lt", "Mišrios komandos kartu parašo vieną skyrių"),
    ("lt", "Mokiniai kalbina senelius apie upes"),
    ("lt", "Mokiniai balsuoja dėl knygos viršelio"),
    ("lt", "Kiekviena mokykla atsiunčia savo piešinius"),
    ("lt", "Bendras skaitymas internetu su visomis mokyklomis"),
    ("lt", "Mūsų vaikystės upės"),
    ("lt", "Mokiniai mokosi bendradarbiauti su bendraamžiais kitoje šalyje"),
    ("lt", "dvi savaitės"),
    ("lt", "Susitarkite dėl bendro plakato"),
    ("lt", "Po to mokiniai sukuria bendrą žodyną"),
    ("lt", "Gegužę kiekvienas mokinys parašo tris sakinius anglų kalba"),
    # English
    ("en", "By the end of March every pupil names five ways to save water"),
    ("en", "A shared e-book about our rivers"),
    ("en", "Mixed teams write one chapter together"),
    ("en", "Pupils interview their grandparents about rivers"),
    ("en", "Pupils vote together on the cover of the book"),
    ("en", "Each school sends its own drawings"),
    ("en", "A joint online reading with all schools"),
    ("en", "Rivers of our childhood"),
    ("en", "Pupils learn to work with peers in another country"),
    ("en", "two weeks"),
    ("en", "Agree on one common poster"),
    ("en", "Then the pupils create a shared dictionary"),
    ("en", "Water around us"),
]
NO_LANGUAGE = ["Canva", "Padlet, Canva", "Jonas", "2027", "e-book", "TwinSpace", "Kahoot!", ""]


@pytest.mark.parametrize(("language", "line"), LINES)
def test_plan_lines_are_read_in_their_language(language: str, line: str):
    assert guess(line) == language


@pytest.mark.parametrize("words", NO_LANGUAGE)
def test_names_tools_and_numbers_are_no_language(words: str):
    assert guess(words) is None


@pytest.mark.parametrize("language", ["lv", "lt", "en"])
def test_the_catalogs_lines_are_never_taken_for_another_language(language: str):
    """Every line of five words or more the bot says: never another language, and
    recognised at least nine times in ten (the rest: too few clues, no warning)."""
    read = []
    for strings in catalog(language).values():
        plain = re.sub(r"<[^>]+>|\{\w+\}|/[a-z]+", " ", strings[0])
        read += [guess(line) for line in plain.splitlines() if len(line.split()) >= 5]
    assert len(read) > 400
    assert not [found for found in read if found not in (language, None)]
    assert read.count(language) >= 0.9 * len(read)
