"""Every message id in the code is translated in lv, lt and en, with the same placeholders
and HTML tags; a missing or broken translation fails here."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.i18n import LANGUAGES, LOCALES_DIR, Translator, escape, normalise_language

ROOT = Path(__file__).resolve().parents[1]
KEYWORDS = {"t": None, "tt": None, "gt": None, "tn": (1, 2), "N_": None, "Invalid": None}
PLACEHOLDER = re.compile(r"\{(\w+)\}")
TAG = re.compile(r"</?[a-z]+>")


def code_msgids() -> set[str]:
    found: set[str] = set()
    for package in ("bot", "handlers", "scheduler", "storage"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / package, keywords=KEYWORDS, method_map=[("**.py", "python")]
        ):
            found.add(message[0] if isinstance(message, tuple) else message)
    return found


def catalog(lang: str) -> dict[str, tuple[str, ...]]:
    """msgid → its translations (all plural forms)."""
    return {key: strings for key, (_ids, strings) in entries(lang).items()}


def entries(lang: str) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """msgid → (the singular and plural ids, the translations)."""
    with (LOCALES_DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as po:
        parsed = read_po(po, locale=lang)
    found = {}
    for m in parsed:
        if m.id and not m.fuzzy:
            ids = m.id if isinstance(m.id, tuple) else (m.id,)
            found[ids[0]] = (ids, m.string if isinstance(m.string, tuple) else (m.string,))
    return found


def test_code_has_messages():
    assert len(code_msgids()) > 100


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_is_translated(lang: str):
    entries = catalog(lang)
    missing = sorted(m for m in code_msgids() if not all(entries.get(m, ("",))))
    assert not missing, f"{lang}: {len(missing)} untranslated, e.g. {missing[:3]}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_placeholders_and_tags_survive_translation(lang: str):
    for msgid, (ids, strings) in entries(lang).items():
        allowed = {name for one in ids for name in PLACEHOLDER.findall(one)}
        for text in strings:
            assert set(PLACEHOLDER.findall(text)) <= allowed, (lang, msgid)
            assert sorted(TAG.findall(text)) == sorted(TAG.findall(msgid)), (lang, msgid)
            commands = set(re.findall(r"/[a-z]+\b", msgid))
            assert commands <= set(re.findall(r"/[a-z]+\b", text)), (lang, msgid)


# A coordinator named as one person with a gendered noun (lv "koordinators",
# "koordinatore"; lt "koordinatorius", "koordinatorė"): the role said as an activity or a
# role name ("koordinējošā persona", "koordinatora loma") fits everyone.
GENDERED = {
    "lv": re.compile(r"\bkoordinator(?:s|am|u|e|ei)\b", re.IGNORECASE),
    "lt": re.compile(r"\bkoordinator(?:ius|iui|iumi|iuje|ė|ei|ę)\b", re.IGNORECASE),
}


@pytest.mark.parametrize("lang", sorted(GENDERED))
def test_nobody_is_called_the_coordinator_with_a_gendered_noun(lang: str):
    found = [
        text
        for strings in catalog(lang).values()
        for text in strings
        if GENDERED[lang].search(text)
    ]
    assert not found, found[:3]


def test_translator_escapes_values_not_the_template():
    t = Translator("en")
    text = t("Now working on <b>{title}</b>.", title="<i>A & B</i>")
    assert text == "Now working on <b>&lt;i&gt;A &amp; B&lt;/i&gt;</b>."
    assert t("Now working on <b>{title}</b>.", title=escape("x")) == "Now working on <b>x</b>."


def test_language_resolution():
    assert normalise_language("lv") == "lv"
    assert normalise_language("lt-LT") == "lt"
    assert normalise_language("en_GB") == "en"
    assert normalise_language("de") == "en"
    assert normalise_language(None, "lv") == "lv"
    assert Translator("lv")("Choose a language:") != "Choose a language:"
    assert Translator("lt")("Choose a language:") != Translator("lv")("Choose a language:")
