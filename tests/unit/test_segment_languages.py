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
