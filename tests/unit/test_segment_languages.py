"""Segmentation by the article's language: pySBD's golden rules per language (MIT, copied into
tests/unit/data with their licence) and our own cases for the languages pySBD has no tests for."""

import json
from pathlib import Path

import pytest

from annotator.text import _languages
from annotator.text.segment import segment

DATA = Path(__file__).parent / "data" / "pysbd_golden_rules.json"
RULES = json.loads(DATA.read_text(encoding="utf-8"))["rules"]
CASES = [(language, case) for language, cases in RULES.items() for case in cases]


def sentences(text: str, language: str | None) -> list[str]:
    return [text[span.start : span.end] for span in segment(text, language=language)]


@pytest.mark.parametrize(
    ("language", "case"), CASES, ids=[f"{lang}-{i}" for i, (lang, _) in enumerate(CASES)]
)
def test_pysbd_golden_rule(language, case):
    assert sentences(case["text"], language) == case["expected"]


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        (
            "pt",
            "O Sr. Silva chegou. Ele falou com a Dra. Costa sobre o art. 5 da lei. Depois saiu.",
            [
                "O Sr. Silva chegou.",
                "Ele falou com a Dra. Costa sobre o art. 5 da lei.",
                "Depois saiu.",
            ],
        ),
        (
            "pt",
            "«Nós vencemos. Eles perderam», disse o ministro. Veja a pág. 12, etc. e responda.",
            [
                "«Nós vencemos. Eles perderam», disse o ministro.",
                "Veja a pág. 12, etc. e responda.",
            ],
        ),
        (
            "uk",
            "Президент В. Зеленський заявив про це у 2022 р. Він наголосив на допомозі.",
            ["Президент В. Зеленський заявив про це у 2022 р.", "Він наголосив на допомозі."],
        ),
        (
            "uk",
            "«Ми перемогли. Вони програли», — сказав він. Ціна зросла до 5 тис. грн. у березні.",
            [
                "«Ми перемогли. Вони програли», — сказав він.",
                "Ціна зросла до 5 тис. грн. у березні.",
            ],
        ),
        (
            "ru",
            "В 2000 г. Москва выросла. Он работал в т. ч. на заводе.",
            ["В 2000 г. Москва выросла.", "Он работал в т. ч. на заводе."],
        ),
        (
            "es",
            "El Sr. García llegó tarde. Vive en la Avda. de la Paz, núm. 5. Luego se fue.",
            ["El Sr. García llegó tarde.", "Vive en la Avda. de la Paz, núm. 5.", "Luego se fue."],
        ),
        (
            "nl",
            "Dhr. Jansen kwam binnen. Hij zei o.a. dat het goed ging. Daarna vertrok hij.",
            ["Dhr. Jansen kwam binnen.", "Hij zei o.a. dat het goed ging.", "Daarna vertrok hij."],
        ),
        (
            "pl",
            "Prof. Nowak powiedział m.in., że to ważne. Spotkanie było ok. godz. 10. Potem wyszedł.",
            [
                "Prof. Nowak powiedział m.in., że to ważne.",
                "Spotkanie było ok. godz. 10.",
                "Potem wyszedł.",
            ],
        ),
        (
            "it",
            "Il sig. Rossi è arrivato. «Abbiamo vinto. Loro hanno perso», ha detto. Poi è uscito.",
            [
                "Il sig. Rossi è arrivato.",
                "«Abbiamo vinto. Loro hanno perso», ha detto.",
                "Poi è uscito.",
            ],
        ),
        (
            "fr",
            "M. Dupont est arrivé. Il a lu le chap. 3 etc. puis il est parti.",
            ["M. Dupont est arrivé.", "Il a lu le chap. 3 etc. puis il est parti."],
        ),
        (
            "de",
            "Am 12. Juni kam Dr. Meier. Er sagte z. B. nichts. Im 3. Jahrhundert war es so.",
            [
                "Am 12. Juni kam Dr. Meier.",
                "Er sagte z. B. nichts.",
                "Im 3. Jahrhundert war es so.",
            ],
        ),
    ],
)
def test_language_rules(language, text, expected):
    assert sentences(text, language) == expected


def test_english_corrections_apply_only_to_english():
    # "Mmes." is an English title: the English rules keep it with the name, German ones split
    # after it (sentencex keeps the lowercase "of" in both).
    text = "Mmes. Curie came. The main agreement. of arms."
    assert sentences(text, "en") == ["Mmes. Curie came.", "The main agreement. of arms."]
    assert sentences(text, "de") == ["Mmes.", "Curie came.", "The main agreement. of arms."]


@pytest.mark.parametrize(
    ("given", "code"),
    [
        ("en", "en"),
        ("pt-BR", "pt"),
        ("UK", "uk"),
        ("de_AT", "de"),
        ("", ""),
        (None, ""),
        ("1x", ""),
    ],
)
def test_language_codes_are_normalised(given, code):
    assert _languages.normalise(given) == code


@pytest.mark.parametrize("language", [None, "", "xx", "zh", "sv", "ja"])
def test_any_language_keeps_every_character(language):
    text = "Första meningen. Andra «meningen. Tredje» här!\n\n“Open. Close. 「日本語。」"
    spans = segment(text, language=language)
    covered = "".join(text[s.start : s.end] for s in spans)
    assert covered.replace(" ", "") == "".join(text.split())
    assert all(a.end <= b.start for a, b in zip(spans, spans[1:], strict=False))


# Issue 22: the common abbreviations of each language never end a sentence, whether a name, a
# lowercase word or a number follows.
@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("uk", "Наказ підписав ген. Залужний. Потім він поїхав.",
         ["Наказ підписав ген. Залужний.", "Потім він поїхав."]),
        ("uk", "Його призначив ген. армії Петренко. Потім усе змінилося.",
         ["Його призначив ген. армії Петренко.", "Потім усе змінилося."]),
        ("uk", "Виступив ген.-лейт. Наєв. Потім полк. Петренко.",
         ["Виступив ген.-лейт. Наєв.", "Потім полк. Петренко."]),
        ("uk", "Там діяла т. зв. ДНР. Її не визнали.", ["Там діяла т. зв. ДНР.", "Її не визнали."]),
        ("uk", "Це т. зв. нейтральна зона. Там тихо.", ["Це т. зв. нейтральна зона.", "Там тихо."]),
        ("uk", "Загинули 5 тис. осіб. Ще 12 тис. поранені. Війна триває.",
         ["Загинули 5 тис. осіб.", "Ще 12 тис. поранені.", "Війна триває."]),
        ("uk", "Ціна зросла до 5 тис. грн. Потім вона впала.",
         ["Ціна зросла до 5 тис. грн.", "Потім вона впала."]),
        ("ru", "Выступил ген. Петров. Это т. н. буферная зона. Потом.",
         ["Выступил ген. Петров.", "Это т. н. буферная зона.", "Потом."]),
        ("de", "Es gibt z. B. Äpfel und Birnen. Er kam z. B. gestern. Gut.",
         ["Es gibt z. B. Äpfel und Birnen.", "Er kam z. B. gestern.", "Gut."]),
        ("de", "Das Haus Nr. 5 ist rot. Die Akte Nr. Sieben fehlt. Gut.",
         ["Das Haus Nr. 5 ist rot.", "Die Akte Nr. Sieben fehlt.", "Gut."]),
        ("fr", "M. Dupont est arrivé. J'ai vu M. Martin hier. Il va bien.",
         ["M. Dupont est arrivé.", "J'ai vu M. Martin hier.", "Il va bien."]),
        ("fr", "Des fruits, p. ex. des pommes. Des villes, p. ex. Paris et Lyon. Voilà.",
         ["Des fruits, p. ex. des pommes.", "Des villes, p. ex. Paris et Lyon.", "Voilà."]),
    ],
)  # fmt: skip
def test_common_abbreviations_never_end_a_sentence(language, text, expected):
    assert sentences(text, language) == expected


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("de", "Ich danke dir. Morgen komme ich.", ["Ich danke dir.", "Morgen komme ich."]),
        ("fr", "Il a passé le col. Il est redescendu.", ["Il a passé le col.", "Il est redescendu."]),
        ("ru", "Он майор. Потом он ушёл.", ["Он майор.", "Потом он ушёл."]),
        ("uk", "Населення становить 63 тис. Місто росте.", ["Населення становить 63 тис. Місто росте."]),
    ],
)  # fmt: skip
def test_words_that_look_like_abbreviations(language, text, expected):
    # A word that is also a title elsewhere ("Dir.", "Col.") ends a sentence; "тис." before a
    # capital does not (the treebank has both readings; sentencex keeps it, docs/segmentation.md).
    assert sentences(text, language) == expected


# Arabic and Persian: "؟" (question mark) and "۔" (Arabic full stop, Urdu and Persian) end
# sentences; "،" and "؛" carry a hard-wrapped line on; a quotation ending in "؟" keeps its
# attribution.
@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("ar", "هل أنت بخير؟ نعم أنا بخير. شكرا.", ["هل أنت بخير؟", "نعم أنا بخير.", "شكرا."]),
        ("fa", "حال شما چطور است؟ من خوبم۔ ممنون.", ["حال شما چطور است؟", "من خوبم۔", "ممنون."]),
        ("ur", "آپ کیسے ہیں؟ میں ٹھیک ہوں۔ شکریہ۔", ["آپ کیسے ہیں؟", "میں ٹھیک ہوں۔", "شکریہ۔"]),
        (None, "هل أنت بخير؟ نعم۔ شكرا.", ["هل أنت بخير؟", "نعم۔", "شكرا."]),
        ("ar", "قال: «هل أنت بخير؟» ثم ذهب. بعد ذلك عاد.",
         ["قال: «هل أنت بخير؟» ثم ذهب.", "بعد ذلك عاد."]),
        ("ar", "هذا سطر أول،\nوهذا تكملة. انتهى؟\nسطر جديد.",
         ["هذا سطر أول،\nوهذا تكملة.", "انتهى؟", "سطر جديد."]),
    ],
)  # fmt: skip
def test_arabic_and_persian_stops(language, text, expected):
    assert sentences(text, language) == expected


# Rules found on the UD dev treebanks (bench/bench_treebanks.py --dev).
@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        # LaTeX-style ``…'' marks: an unclosed `` no longer hides the boundaries after it.
        ("de", "Tarifstrukturen. ``Es gab Fälle in Afrika. Die Flugzeuge flogen am Dienstag.",
         ["Tarifstrukturen.", "``Es gab Fälle in Afrika.", "Die Flugzeuge flogen am Dienstag."]),
        # German: a number after a full word opens a sentence; an ordinal after an article or
        # preposition does not end one; a numbered item after a sentence end opens the next.
        ("de", "Sie stationierten viele Panzer. 4600 Menschen kamen. Er las S. 225 nach.",
         ["Sie stationierten viele Panzer.", "4600 Menschen kamen.", "Er las S. 225 nach."]),
        ("de", "Er sprach auf der 35. Kommandeurstagung. Gut.",
         ["Er sprach auf der 35. Kommandeurstagung.", "Gut."]),
        ("de", "Sie hielten das fest. 2. Soziale Bewegungen leiten. Gut.",
         ["Sie hielten das fest.", "2. Soziale Bewegungen leiten.", "Gut."]),
        # French: spaced closing marks and stops stay with their sentence; "J.-C." is no end.
        ("fr", "Il a dit « bonjour. » Puis il est parti.", ["Il a dit « bonjour. »", "Puis il est parti."]),
        ("fr", 'Il dit " tu es une bête ! " Les serveurs rient.',
         ['Il dit " tu es une bête ! "', "Les serveurs rient."]),
        ("fr", "Le repas ne nous a pas fait rire... ! C'est dommage.",
         ["Le repas ne nous a pas fait rire... !", "C'est dommage."]),
        ("fr", "Il fut dédié en 493 av. J.-C. par Spurius Cassius. Refuser.",
         ["Il fut dédié en 493 av. J.-C. par Spurius Cassius.", "Refuser."]),
        # A closing bracket or "/" opens no sentence.
        ("es", "Repetición ¿somos machistas los españoles?) Allí ganó un premio.",
         ["Repetición ¿somos machistas los españoles?)", "Allí ganó un premio."]),
        ("es", "La densidad era de 7,63 hab. / km². También comenzó.",
         ["La densidad era de 7,63 hab. / km².", "También comenzó."]),
        ("en", "I posted it there. /r/news removed it.", ["I posted it there.", "/r/news removed it."]),
        # A dash and a lowercase word after "?" name the speaker.
        ("uk", "«То яка ж користь від теорії? — запитаєте ви. Хіба фільми гарні?",
         ["«То яка ж користь від теорії? — запитаєте ви.", "Хіба фільми гарні?"]),
        # An unclosed bracket hides no boundary (a closed one still holds its sentences); a
        # paragraph's last closing mark after a space goes back to its sentence.
        ("fr", "Le ménage (l'aspirateur n'était pas passé. La carte est bonne. Un (ah. Oui) fin.",
         ["Le ménage (l'aspirateur n'était pas passé.", "La carte est bonne.", "Un (ah. Oui) fin."]),
        # sentencex pairs a closing bracket with the next one and hid every boundary between.
        ("en", "Two points: 1) The first matters. That is clear. 2) The second too. Good.",
         ["Two points: 1) The first matters.", "That is clear.", "2) The second too.", "Good."]),
        ("fr", 'Il a dit : " Venez. Qu\'ils nous le fassent savoir. "',
         ['Il a dit : " Venez.', 'Qu\'ils nous le fassent savoir. "']),
        ("it", "Deve dare idonea garanzia (1179). 1012. Usurpazioni durante l'usufrutto.",
         ["Deve dare idonea garanzia (1179).", "1012. Usurpazioni durante l'usufrutto."]),
    ],
)  # fmt: skip
def test_treebank_rules(language, text, expected):
    assert sentences(text, language) == expected
