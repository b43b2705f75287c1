"""Which of our three languages a teacher's line is written in: Latvian, Lithuanian or
English, or None when the line does not say.

Light on purpose (the registration kit only warns): letters that only one language has
(Latvian ā ē ī ģ ķ ļ ņ, Lithuanian ą ę ė į ų; č š ž ū are both's), common words
and endings of long words that only one of them uses. Words the languages share ("ir", "ar", "kas", "to", "no")
count for none. Tuned on a table of real lines in tests/test_written_language.py."""

from __future__ import annotations

import re
from typing import Final

LATVIAN_LETTERS: Final = frozenset("āēīģķļņ")
LITHUANIAN_LETTERS: Final = frozenset("ąęėįų")
BALTIC_LETTERS: Final = frozenset("čšžū")  # both Latvian and Lithuanian

_WORDS: Final = {
    "en": """the a an and of in on for with by at from is are will can each every our
        their they we us you it its this that these those as or into about during after
        until how what who which all one two three own pupils students school schools
        class classes teacher teachers together make makes write writes learn learns
        other others partner partners team teams shared joint week weeks month months
        year years project end new create creates agree agrees vote votes""",
    "lv": """un uz par lai vai arī katrs katra katru mēs mūsu viņi viņu šo šī
        tiek būs var pēc pie līdz kopā kopīgi savu savā skolēni skolēnu skolēniem
        skola skolas skolā skolām klases klasē projekts projekta projektā
        komandās jaukt jauktas jauktās dalās veido izveido raksta mācās
        nedēļā nedēļas mēnesī gada gadā kurš kura ka""",
    "lt": """su kaip iš į ant apie per prie po bei arba mokiniai mokinių mokiniams
        mokinius mokinys mokytojai kartu kiekvienas kiekviena kiekvieną yra bus savo
        mes mūsų jie jų šį ši šios mokykla mokyklos mokykloje mokyklų klasė klasės
        klasėje projektas projekto projekte komandos komandose kuria sukuria
        rašo mokosi dalijasi bendrą bendra savaitę savaitės mėnesį metų iki taip pat
        kuris tada nes""",
}
COMMON: Final = {lang: frozenset(words.split()) for lang, words in _WORDS.items()}
# Endings only one language's long words have: the Lithuanian infinitive, imperative,
# locative and plural ("rašyti", "susitarkite", "mokykloje", "mokiniai"), the Latvian
# dative plural and imperative ("skolēniem", "uzrakstiet").
ENDINGS: Final = {
    "lt": ("ti", "kite", "iai", "ius", "oje", "uose", "imas", "ymas"),
    "lv": ("iem", "iet"),
}
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


def scores(text: str) -> dict[str, float]:
    """Evidence for each language: a word with a letter only one language has, a
    common word or a long word's ending only one of them uses count 1 each; a word with
    a letter both Baltic languages have counts half for each."""
    found = dict.fromkeys(COMMON, 0.0)
    for word in _WORD.findall(text.casefold()):
        letters = set(word)
        if letters & LATVIAN_LETTERS:
            found["lv"] += 1
        elif letters & LITHUANIAN_LETTERS:
            found["lt"] += 1
        elif letters & BALTIC_LETTERS:
            found["lv"] += 0.5
            found["lt"] += 0.5
        for lang, common in COMMON.items():
            if word in common:
                found[lang] += 1
        for lang, endings in ENDINGS.items():
            if len(word) > 5 and word.endswith(endings):
                found[lang] += 1
    return found


def guess(text: str) -> str | None:
    """ "lv", "lt" or "en" when one language has clearly more evidence than the others,
    else None (a name, a number, a tool's name, a line half in one language)."""
    ranked = sorted(scores(text).items(), key=lambda kv: kv[1], reverse=True)
    if ranked[0][1] < 1:
        return None
    if ranked[1][1] * 2 > ranked[0][1]:
        return None  # the runner-up has more than half as much: not clear
    return ranked[0][0]
