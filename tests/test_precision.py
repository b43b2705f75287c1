"""The precision check: vague words in Latvian, Lithuanian and English, inflected too,
tuned on real sentences from /agree, /partners and /quiz answers: the vague ones are
caught, the precise ones ("divu darba dienu laikā", "17:00 Vilniaus laiku") are not."""

import pytest

from bot.rules.precision import Vague, find_vague
from tests.driver import Driver
from tests.test_quiz import team_in_three_languages

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


# Real answers: (sentence, the vague words found); [] = precise, no hint
SENTENCES = [
    # Latvian, precise: "laikā" after a period or a place is "within" or "… time"
    ("Atbildam uz ziņām divu darba dienu laikā.", []),
    ("Materiālus augšupielādējam 48 stundu laikā pēc tikšanās.", []),
    ("Tiekamies otrdienās 16:00 Rīgas laikā.", []),
    ("Mācību stundu laikā skolēni strādā grupās.", []),
    ("Katru nedēļu atvēlēsim laiku projekta darbam.", []),
    ("Ne vēlāk kā piektdien plkst. 18.00.", []),
    ("Vēlākais līdz piektdienai 18.00.", []),
    ("Tiekamies regulāri — reizi nedēļā, otrdienās.", []),
    ("Drīz — tas ir divu dienu laikā.", []),
    ("Ierasties laikā nozīmē 5 minūtes pirms sākuma.", []),
    ("Pievienosim 3–5 uzdevumus katrai klasei.", []),
    # Latvian, vague
    ("Darbu iesniedzam laikā.", [("laikā", T)]),
    ("Materiālus sūtām laicīgi.", [("laicīgi", T)]),
    ("Atsūtīšu vēlāk.", [("vēlāk", W)]),
    ("Tuvākajā laikā nosūtīšu plānu.", [("Tuvākajā laikā", W)]),
    ("Pievienosim vairākus attēlus.", [("vairākus", M)]),
    ("Pāris dienu laikā.", [("Pāris", M)]),
    ("Tiekamies reti.", [("reti", F)]),
    ("Sazināmies ik pa laikam.", [("ik pa laikam", F)]),
    ("drīz", [("drīz", W)]),
    # Lithuanian, precise: "laiku" after a place or an agreed time
    ("Atsakome į žinutes per dvi darbo dienas.", []),
    ("Susitikimas prasideda 17:00 Vilniaus laiku.", []),
    ("Susitinkame 17:00 Lietuvos laiku.", []),
    ("Pamokų laiku mokiniai dirba grupėse.", []),
    ("Susitinkame sutartu laiku, antradieniais 16:00.", []),
    ("Ne vėliau kaip penktadienį 18:00.", []),
    ("Reguliariai, kartą per savaitę.", []),
    ("Tuoj pat atsakysiu.", []),
    # Lithuanian, vague
    ("Darbus pateikiame laiku.", [("laiku", T)]),
    ("Atsiųsiu greitu laiku.", [("greitu laiku", W)]),
    ("Įkelsime keletą nuotraukų.", [("keletą", M)]),
    ("Porą dienų.", [("Porą", M)]),
    ("Susitinkame retai.", [("retai", F)]),
    ("Netrukus atsiųsiu.", [("Netrukus", W)]),
    ("Artimiausiu metu.", [("Artimiausiu metu", W)]),
    ("greitai", [("greitai", W)]),
    # English, precise
    ("We reply within two working days.", []),
    ("No later than Friday 18:00.", []),
    ("Regularly: every Monday at 16:00.", []),
    ("Soon, i.e. within 2 days.", []),
    ("A few tasks = 3 to 5 tasks.", []),
    ("dažus uzdevumus = 3", []),
    # English, vague
    ("We will add several photos.", [("several", M)]),
    ("In a couple of days.", [("a couple of", M)]),
    ("We meet rarely.", [("rarely", F)]),
    ("I answer quickly.", [("quickly", W)]),
    ("Soon. The meeting lasts 1 hour.", [("Soon", W)]),  # a number in another sentence
    ("a few", [("a few", M)]),
    ("soon", [("soon", W)]),
]


@pytest.mark.parametrize(("text", "expected"), CASES + SENTENCES)
def test_vague_words(text: str, expected: list[tuple[str, Vague]]):
    assert [(h.word, h.kind) for h in find_vague(text)] == expected


# A Lithuanian teacher's /agree answers that the check used to question ("laiku")
PRECISE_AGREE_LT = [
    "Jonas gerai išmano vaizdo montažą, Anna – dailę",
    "Trūksta laiko: kiekvienas skiria 2 valandas per savaitę",
    "Padlet ir Canva",
    "Susitinkame antradieniais 17:00 Vilniaus laiku",
    "Planą aptarsime per dvi darbo dienas",
    "Mokiniai siūlo idėjas pamokų laiku",
    "Direktoriaus sutikimą gausime iki rugsėjo 15 d.",
    "Atsakome per 48 valandas, susitinkame sutartu laiku",
]


async def test_precise_lithuanian_answers_get_no_hint_and_vague_ones_do(driver: Driver):
    _anna, jonas, _maria = await team_in_three_languages(driver)
    sent = await jonas.send("/agree")
    for n, answer in enumerate(PRECISE_AGREE_LT, 2):
        sent = await jonas.send(answer)
        assert "🔍" not in sent.text and f"{n}/15" in sent.text, (answer, sent.text)
    sent = await jonas.send("Atsiųsime greitai, laiku")
    assert "🔍" in sent.text and "greitai, laiku" in sent.text  # both, in Lithuanian
    assert "Palikti savo atsakymą" in sent.buttons()
    assert f"{len(PRECISE_AGREE_LT) + 1}/15" not in sent.text  # the same topic, not the next
    assert "nurodykite datą ir laiką" in sent.text  # the advice in the accusative it needs
    await jonas.send("/cancel")
    await jonas.send("/deadline")
    await jonas.send("Plakatai")
    await jonas.click("Jonas")
    sent = await jonas.send("greitai")
    assert "Prašome nurodyti datą ir laiką, pvz." in sent.text
