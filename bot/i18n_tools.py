"""`python -m bot.i18n_tools`: the English catalog's translations are its message ids.

Run by `make i18n` after extraction, so English wording can later be polished in
bot/locales/en without touching the code.
"""

from __future__ import annotations

from babel.messages.pofile import read_po, write_po

from bot.i18n import LOCALES_DIR


def fill_english() -> int:
    path = LOCALES_DIR / "en" / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as po:
        catalog = read_po(po, locale="en")
    filled = 0
    for message in catalog:
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        if message.id and not all(strings):
            message.string = message.id
            filled += 1
    with path.open("wb") as po:
        write_po(po, catalog, omit_header=True, sort_output=True, no_location=True)
    return filled


if __name__ == "__main__":
    print(f"English catalog: {fill_english()} messages filled in.")
