"""Which interface languages ship, and which are written right to left (pure: no Flask).

The locales are the folders of ``annotator/translations`` plus English, the source language:
dropping in ``translations/<locale>/LC_MESSAGES/messages.po`` adds one.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel import Locale

TRANSLATIONS = Path(__file__).resolve().parent / "translations"
SOURCE_LOCALE = "en"
# Scripts written right to left: Arabic, Hebrew, Persian, Urdu, Pashto, Sindhi, Uyghur, Yiddish,
# Dhivehi, Sorani Kurdish.
RTL_LANGUAGES = frozenset({"ar", "he", "fa", "ur", "ps", "sd", "ug", "yi", "dv", "ckb"})


@cache
def available_locales() -> tuple[str, ...]:
    """English and every locale with a catalog in the translations folder, sorted."""
    found = {
        p.name for p in TRANSLATIONS.iterdir() if (p / "LC_MESSAGES" / "messages.po").is_file()
    }
    return (SOURCE_LOCALE, *sorted(found - {SOURCE_LOCALE}))


def locale_names() -> list[tuple[str, str]]:
    """(code, the language's name in itself) for every shipped locale, for the settings' menus."""
    names = [
        (code, Locale.parse(code).get_display_name(code) or code) for code in available_locales()
    ]
    return [(code, name[:1].upper() + name[1:]) for code, name in names]


def text_direction(language: str | None) -> str:
    """'rtl' for a language written right to left (Arabic, Hebrew, Persian, Urdu...), else 'ltr'."""
    primary = (language or "").replace("_", "-").split("-")[0].lower()
    return "rtl" if primary in RTL_LANGUAGES else "ltr"


def number(value: float) -> str:
    """A number written the current locale's way (1,234 / 1.234 / 1 234); English outside a
    request or command (Babel would otherwise read the process's LC_NUMERIC)."""
    from babel.numbers import format_decimal
    from flask_babel import get_locale

    return format_decimal(value, locale=get_locale() or SOURCE_LOCALE)
