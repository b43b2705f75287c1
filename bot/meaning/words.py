"""Matching folded tokens against the lexicon: stems with their language's endings,
phrases of several words, the longest match first."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from bot.i18n import fold
from bot.meaning.lexicon import ENDINGS

V = TypeVar("V")


@dataclass(frozen=True)
class Token:
    folded: str  # lower case, no diacritics: what the lexicon matches
    raw: str  # lower case as written, for endings that diacritics tell apart


@dataclass(frozen=True)
class _Word:
    stem: str
    endings: frozenset[str]  # allowed rests after the stem; {""} for an exact word

    def matches(self, token: str) -> bool:
        return token.startswith(self.stem) and token[len(self.stem) :] in self.endings


_FOLDED_ENDINGS = {lang: frozenset(fold(e) for e in spec.split()) for lang, spec in ENDINGS.items()}


def _word(spec: str, lang: str) -> _Word:
    if spec.endswith("~"):
        return _Word(fold(spec[:-1]), _FOLDED_ENDINGS[lang] | {""})
    if spec.endswith("+"):
        return _Word(fold(spec[:-1]), _FOLDED_ENDINGS[lang])
    return _Word(fold(spec), frozenset({""}))


class Phrases(Generic[V]):
    """Phrases of one or more words with a value each, in any of the three languages."""

    def __init__(self, by_language: Mapping[str, Mapping[str, V]]) -> None:
        entries = [
            (tuple(_word(w, lang) for w in phrase.split()), value)
            for lang, table in by_language.items()
            for phrase, value in table.items()
        ]
        # the longest phrase first: "darba dienu" before "dienu", "divdesmit" before "div~"
        entries.sort(key=lambda e: (-len(e[0]), -len(e[0][0].stem)))
        self._by_letter: dict[str, list[tuple[tuple[_Word, ...], V]]] = {}
        for entry in entries:
            self._by_letter.setdefault(entry[0][0].stem[:1], []).append(entry)

    def match(self, tokens: Sequence[Token], at: int) -> tuple[V, int] | None:
        """The value of the longest phrase starting at `at`, and the index after it."""
        if at >= len(tokens):
            return None
        for words, value in self._by_letter.get(tokens[at].folded[:1], []):
            end = at + len(words)
            if end <= len(tokens) and all(
                w.matches(t.folded) for w, t in zip(words, tokens[at:end], strict=True)
            ):
                return value, end
        return None


def phrase_set(by_language: Mapping[str, Sequence[str]]) -> Phrases[bool]:
    """Phrases without a value (per language), to match as a set."""
    return Phrases({lang: dict.fromkeys(phrases, True) for lang, phrases in by_language.items()})
