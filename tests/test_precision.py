"""The precision check: vague words in Latvian, Lithuanian and English, inflected too."""

import pytest

from bot.precision import Vague, find_vague

W, F, T, M = Vague.WHEN, Vague.HOW_OFTEN, Vague.ON_TIME, Vague.HOW_MUCH

CASES = [
    # English
    ("I will send it soon", [("soon", W)]),
    ("We meet often", [("often", F)]),
    ("Regularly, on time, with a few photos", [("Regularly", F), ("on time", T), ("a few", M)]),
    ("a little later", [("a little", M), ("later", W)]),
    ("ASAP please", [("ASAP", W)]),
    ("as soon as possible", [("as soon as possible", W)]),
    ("once a week on Tuesday at 16:00", []),
    ("tomorrow by 24:00", []),
    ("five examples", []),
    ("someone will do it", []),
    # Latvian, with inflections
    ("Atsūtīšu drīz", [("drīz", W)]),
    ("drīzumā", [("drīzumā", W)]),
    ("Tiekamies bieži", [("bieži", F)]),
    ("regulāri un laikā", [("regulāri", F), ("laikā", T)]),
    ("regulārās tikšanās", [("regulārās", F)]),
    ("pievienošu dažus attēlus", [("dažus", M)]),
    ("dažas lapas", [("dažas", M)]),
    ("tikai nedaudz vēlāk", [("nedaudz", M), ("vēlāk", W)]),
    ("reizi nedēļā, otrdienās", []),
    ("rīt līdz 24.00", []),
    ("piecus piemērus", []),
    # Lithuanian, with inflections
    ("Atsiųsiu greitai", [("greitai", W)]),
    ("Susitiksime dažnai", [("dažnai", F)]),
    ("reguliariai ir laiku", [("reguliariai", F), ("laiku", T)]),
    ("kelis pavyzdžius", [("kelis", M)]),
    ("keletą nuotraukų", [("keletą", M)]),
    ("truputį vėliau", [("truputį", M), ("vėliau", W)]),
    ("kartą per savaitę antradieniais", []),
    ("rytoj iki 24.00", []),
    ("penkis pavyzdžius", []),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_vague_words(text: str, expected: list[tuple[str, Vague]]):
    assert [(h.word, h.kind) for h in find_vague(text)] == expected
