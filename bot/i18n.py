"""Translations: gettext catalogs kept as Babel `.po` files under bot/locales.

The catalogs are compiled in memory when first needed, so a fresh clone needs no build
step and no binary `.mo` files live in git. Message ids are whole English sentences with
named placeholders; `Translator` translates first, then formats, HTML-escaping every
value that is not already marked as `Html`.
"""

from __future__ import annotations

import gettext
import html
import unicodedata
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Final, Protocol

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LANGUAGES: Final = ("lv", "lt", "en")
LOCALES_DIR: Final = Path(__file__).with_name("locales")


class Html(str):
    """A fragment that is already safe HTML (escaped or built from escaped parts)."""

    __slots__ = ()


def lines(*parts: Html, blank: bool = False) -> Html:
    """Join safe fragments into one message, one per line (or with blank lines between)."""
    return Html(("\n\n" if blank else "\n").join(parts))


def escape(text: object) -> Html:
    """Escape any value for Telegram's HTML parse mode."""
    if isinstance(text, Html):
        return text
    return Html(html.escape(str(text), quote=False))


def N_(msgid: str) -> str:
    """Mark a string for extraction where it is defined; it is translated where it is shown."""
    return msgid


def fold(text: str) -> str:
    """Lower case without accents, for matching what teachers type ("Rīga" = "riga")."""
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def normalise_language(code: str | None, default: str = "en") -> str:
    """Map a Telegram `language_code` such as "lv" or "en-GB" to one of our languages."""
    if code:
        base = code.split("-")[0].split("_")[0].lower()
        if base in LANGUAGES:
            return base
    return default


class Speaker(Protocol):
    """Whoever reads a message: a teacher's explicit choice and Telegram's language."""

    @property
    def language(self) -> str | None: ...
    @property
    def telegram_language(self) -> str | None: ...


def translator_for(reader: Speaker, default: str) -> Translator:
    """A reader's language: their choice, else Telegram's if we speak it, else `default`."""
    return Translator(reader.language or normalise_language(reader.telegram_language, default))


@cache
def catalog(lang: str) -> gettext.NullTranslations:
    path = LOCALES_DIR / lang / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        return gettext.NullTranslations()
    with path.open("rb") as po:
        parsed = read_po(po, locale=lang)
    buf = BytesIO()
    write_mo(buf, parsed)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


class Translator:
    """Translates and formats for one language; call it like `t("Hi, {name}!", name=...)`."""

    def __init__(self, lang: str) -> None:
        self.lang = lang if lang in LANGUAGES else "en"
        self._catalog = catalog(self.lang)

    def __call__(self, msgid: str, /, **values: object) -> Html:
        return _format(self._catalog.gettext(msgid), values)

    def tn(self, singular: str, plural: str, n: int, /, **values: object) -> Html:
        return _format(self._catalog.ngettext(singular, plural, n), {"n": n, **values})


def _format(template: str, values: dict[str, object]) -> Html:
    if not values:
        return Html(template)
    return Html(template.format(**{k: escape(v) for k, v in values.items()}))
