"""The interface's language: which locales ship, which one a request gets, and the page scripts'
strings.

The locales are the folders of ``annotator/translations`` (plus English, the source language):
dropping in ``translations/<locale>/LC_MESSAGES/messages.po`` adds one. A request's locale is the
user's own setting, else the desk's default (an admin setting), else the browser's Accept-Language,
else English. Public fact-check pages always use the desk's language.

Compiled catalogs (``.mo``) are generated output, never committed: ``make i18n`` and the install
step build them, and ``compile_catalogs`` (run by ``create_app``) rebuilds any that is missing or
older than its ``.po``, into the package when it is writable and into the instance folder when it
is not (a read-only site-packages), so a fresh clone or a wheel works without a build step.
"""

from __future__ import annotations

import os
import re
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

from babel.messages.extract import extract_javascript
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, current_app, g, has_request_context, request
from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import SQLAlchemyError

from annotator.locales import SOURCE_LOCALE, TRANSLATIONS, available_locales, text_direction

# The words for stored values (verdicts, ratings, stances, roles) as a page shows them.
WORDS = {
    "verified": _l("verified"),
    "unproven": _l("unproven"),
    "disputed": _l("disputed"),
    "mixed": _l("mixed"),
    "open": _l("not reviewed"),
    "high": _l("high"),
    "medium": _l("medium"),
    "low": _l("low"),
    "unknown": _l("unknown"),
    "supports": _l("supports"),
    "refutes": _l("refutes"),
    "context": _l("context"),
    "registry": _l("registry"),
    "reviewer": _l("reviewer"),
    "admin": _l("admin"),
}


CHANGE_KINDS = {
    "changed": _l("changed"),
    "set": _l("set"),
    "added": _l("added"),
    "removed": _l("removed"),
    "re-rated": _l("re-rated"),
    "retitled": _l("retitled"),
}


# What a revision did (services.annotations.history.ACTIONS), as the history pages say it.
ACTION_WORDS = {
    "created": _l("created"),
    "changed": _l("changed"),
    "deleted": _l("deleted"),
    "restored": _l("restored"),
    "moved": _l("moved"),
    "imported": _l("imported"),
    "assigned": _l("assigned"),
    "unassigned": _l("unassigned"),
    "reassigned": _l("reassigned"),
    "merged sentences": _l("merged sentences"),
    "split a sentence": _l("split a sentence"),
    "edited the text": _l("edited the text"),
}
FIELD_WORDS = {
    "Verdict": _l("Verdict"),
    "Attributed to": _l("Attributed to"),
    "Note": _l("Note"),
    "Claim span": _l("Claim span"),
}


def action_word(action: str) -> str:
    """A revision's action ("created", "changed"...) in the page's language."""
    return str(ACTION_WORDS.get(action, action))


def change_what(what: str) -> str:
    """A changed field's name ("Verdict", "Link https://…") in the page's language."""
    if what.startswith("Link "):
        return gettext("Link %(url)s", url=what[5:])
    return str(FIELD_WORDS.get(what, what))


def change_value(value: str) -> str:
    """A changed value as the history shows it: a verdict, a rating and stance, a span."""
    if value == "whole sentence":
        return gettext("whole sentence")
    span = re.fullmatch(r"characters (\d+)–(\d+)", value)
    if span:
        return gettext("characters %(start)s–%(end)s", start=span[1], end=span[2])
    return ", ".join(word(part) for part in value.split(", "))


def change_kind(kind: str) -> str:
    """How a field changed between two revisions ("changed", "added"...), in words."""
    return str(CHANGE_KINDS.get(kind, kind))


def word(value: object) -> str:
    """A stored value (verdict, credibility, stance, role) in the page's language."""
    text = str(value) if value is not None else ""
    return str(WORDS[text]) if text in WORDS else text


def language_name(code: str | None) -> str:
    """An article's language as the page names it, in the page's language: "Spanish (es)"."""
    from annotator.text.language import language_label

    if not code:
        return gettext("not known (segmented as English)")
    locale = get_locale()
    name = locale.languages.get(code.replace("-", "_").split("_")[0].lower()) if locale else None
    return f"{name} ({code})" if name else language_label(code)


def language_only(code: str) -> str:
    """A language's name alone, in the page's language: "Spanish" (for lists of languages)."""
    locale = get_locale()
    name = locale.languages.get(code) if locale else None
    return name or language_name(code).split(" (")[0]


def select_locale() -> str:
    """The request's locale: the user's setting, else the desk's, else Accept-Language, else English."""
    from flask_login import current_user

    from annotator.services import languages

    shipped = available_locales()
    public = has_request_context() and request.blueprint == "public"
    if has_request_context() and not public:
        user = g.get("api_user") or current_user  # an API call by token is its token's user
        user_locale = getattr(user, "locale", None) if user else None
        if user_locale in shipped:
            return user_locale
    try:
        desk = languages.desk_locale()
    except SQLAlchemyError:  # an error page about the database must still render
        desk = None
    if desk in shipped:
        return desk
    if has_request_context() and not public:
        best = request.accept_languages.best_match(shipped)
        if best:
            return best
    return SOURCE_LOCALE


def current_locale() -> str:
    """The locale this request (or command) renders in, as a code such as 'es' or 'pt_BR'."""
    locale = get_locale()
    return str(locale) if locale else SOURCE_LOCALE


def html_lang() -> str:
    """The locale as a BCP 47 tag for <html lang> and JSON-LD's inLanguage ('pt-BR', not 'pt_BR')."""
    return current_locale().replace("_", "-")


# --------------------------------------------------------------------------- the page scripts


@cache
def script_messages(static_folder: str) -> tuple[str, ...]:
    """Every string the page scripts pass to t(...), read from static/**/*.js once per process."""
    found: list[str] = []
    for path in sorted(Path(static_folder).rglob("*.js")):
        with path.open("rb") as handle:
            for _line, _func, message, _comments in extract_javascript(
                handle, keywords={"t": None}, comment_tags=(), options={}
            ):
                if isinstance(message, tuple | list):  # t("...", {values}): the first is the text
                    message = message[0]
                if isinstance(message, str) and message not in found:
                    found.append(message)
    return tuple(found)


def script_catalog() -> dict[str, str]:
    """The page scripts' strings in the request's language: English msgid -> translation."""
    if current_locale() == SOURCE_LOCALE:
        return {}
    # The stored values the scripts show (a claim's verdict, a link's rating) come as words too.
    messages = (*script_messages(current_app.static_folder or ""), *WORDS)
    return {
        message: str(WORDS[message]) if message in WORDS else gettext(message)
        for message in messages
    }


# --------------------------------------------------------------------------- compiled catalogs


def _stale(po: Path, mo: Path) -> bool:
    return not mo.is_file() or mo.stat().st_mtime < po.stat().st_mtime


def compile_catalogs(fallback: Path) -> Path:
    """Build each missing or out-of-date .mo; returns the folder Flask-Babel should read."""
    writable = os.access(TRANSLATIONS, os.W_OK)
    target = TRANSLATIONS if writable else fallback
    for po in sorted(TRANSLATIONS.glob("*/LC_MESSAGES/messages.po")):
        mo = target / po.relative_to(TRANSLATIONS).with_suffix(".mo")
        if not _stale(po, mo):
            continue
        mo.parent.mkdir(parents=True, exist_ok=True)
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=po.parts[-3])
        # Written beside and renamed into place: parallel test workers may compile at once.
        descriptor, temporary = tempfile.mkstemp(dir=mo.parent, suffix=".mo-tmp")
        with os.fdopen(descriptor, "wb") as out:
            write_mo(out, catalog)
        os.replace(temporary, mo)
    return target


def init_app(app: Flask) -> None:
    """Attach Flask-Babel with our locale selector; hand templates the lang, dir and script strings."""
    from annotator.extensions import babel

    folder = compile_catalogs(Path(app.instance_path) / "translations")
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(folder))
    app.config.setdefault("BABEL_DEFAULT_LOCALE", SOURCE_LOCALE)
    babel.init_app(app, locale_selector=select_locale)
    # {% trans %} blocks join their lines as pybabel extracts them (babel.cfg: trimmed = true).
    app.jinja_env.policies["ext.i18n.trimmed"] = True

    from flask_babel import format_datetime, format_decimal

    # {{ n | number }}: 1,234 / 1.234 / 1 234 by the locale; {{ x | number("0.00") }}: two decimals.
    app.jinja_env.filters["number"] = lambda value, pattern=None: format_decimal(value, pattern)
    app.jinja_env.filters["date"] = lambda value, form="medium": (
        "" if value is None else _format_date(value, form)
    )
    app.jinja_env.filters["datetime"] = lambda value, form="medium": (
        "" if value is None else format_datetime(value, form)
    )
    app.jinja_env.globals["text_direction"] = text_direction
    app.jinja_env.globals["word"] = word
    app.jinja_env.globals["language_name"] = language_name
    app.jinja_env.filters["language_only"] = language_only
    from annotator.text.cues import CUE_LANGUAGES

    app.jinja_env.globals["cue_languages"] = CUE_LANGUAGES
    app.jinja_env.globals["change_kind"] = change_kind
    app.jinja_env.globals["change_what"] = change_what
    app.jinja_env.globals["change_value"] = change_value
    app.jinja_env.globals["action_word"] = action_word

    @app.context_processor
    def _language() -> dict[str, Any]:
        lang = html_lang()
        return {
            "html_lang": lang,
            "html_dir": text_direction(lang),
            "script_catalog": script_catalog,
        }


def _format_date(value: Any, form: str) -> str:
    from flask_babel import format_date

    return format_date(value, form)
