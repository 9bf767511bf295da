"""Offline language detection (py3langid) and its fallback when unsure."""

import pytest

from annotator.text import language
from annotator.text.language import detect_language, language_or


@pytest.mark.parametrize(
    ("code", "text"),
    [
        ("en", "Russia said on Friday it had completed its military withdrawal from Kherson."),
        (
            "es",
            "El presidente del Gobierno anunció este martes nuevas medidas contra la inflación.",
        ),
        (
            "uk",
            "Президент України заявив, що переговори з Росією можливі лише після виведення військ.",
        ),
        (
            "ru",
            "Президент России заявил, что переговоры с Украиной возможны только после отвода войск.",
        ),
        ("de", "Der Bundeskanzler hat am Dienstag neue Maßnahmen gegen die Inflation angekündigt."),
        ("fr", "Le président a annoncé mardi de nouvelles mesures contre l’inflation."),
        ("pt", "O presidente anunciou nesta terça-feira novas medidas contra a inflação."),
        ("it", "Il presidente ha annunciato martedì nuove misure contro l’inflazione."),
        ("nl", "De premier heeft dinsdag nieuwe maatregelen tegen de inflatie aangekondigd."),
        ("pl", "Premier ogłosił we wtorek nowe środki przeciwko inflacji w kraju."),
    ],
)
def test_detects_the_language_of_a_news_sentence(code, text):
    assert detect_language(text) == code


@pytest.mark.parametrize("text", ["", "OK thanks", "12345 67890 !!! ???", "Bali G20 NATO UN EU"])
def test_too_little_text_is_unsure_and_falls_back(text):
    assert detect_language(text) is None
    assert language_or(text) == "en"
    assert language_or(text, default="de") == "de"


class _Unsure:
    def classify(self, text):
        return "en", 0.41


def test_a_low_confidence_guess_is_unsure(monkeypatch):
    monkeypatch.setattr(language, "_identifier", lambda: _Unsure())
    text = "Some words that could be one language or another, who knows."
    assert detect_language(text) is None
    assert language_or(text, default="fr") == "fr"


def test_without_the_detector_every_text_falls_back(monkeypatch):
    monkeypatch.setattr(language, "_identifier", lambda: None)
    assert language_or("El presidente anunció nuevas medidas contra la inflación.") == "en"
