"""The shipped catalogs and the templates: every string a person reads is translated.

- each shipped catalog (annotator/translations/<locale>/LC_MESSAGES/messages.po) translates every
  message of the template (messages.pot), with no fuzzy entry and the same placeholders;
- no template holds text outside {% trans %} / _() (a few brand names and symbols excepted);
- the catalog template is up to date with the code (`make i18n` was run after strings changed).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from jinja2 import Environment
from jinja2.lexer import TOKEN_BLOCK_BEGIN, TOKEN_BLOCK_END, TOKEN_DATA, TOKEN_NAME

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "annotator" / "translations"
TEMPLATES = ROOT / "templates"
SHIPPED = {"es", "fr", "pt", "de", "uk", "ar"}

# Text a template may show as it is, in every language: names, symbols, sample syntax.
ALLOWED = {
    "Annotator",
    "Esc",
    "Markdown",
    "#",
    "—",
    "·",
    "×",
    "→",
    "←",
    "↓",
    "%",
    "UTC",
    "/",
    ":",
    "…",
    "“",
    "”",
    ";",
    ",",
    ".",
    "(",
    ")",
    "[",
    "]",
    "+",
    "&",
    "?",
}
# Attributes a person reads (or hears: aria-label) and that must therefore be translated.
READ_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label"}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}|</?[a-z]+[^>]*>")


def _catalog(locale: str):
    with (TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=locale)


def _template_messages() -> set[str]:
    with (TRANSLATIONS / "messages.pot").open("rb") as handle:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}


def test_the_shipped_locales_are_the_catalog_folders() -> None:
    from annotator.locales import available_locales

    assert set(available_locales()) == SHIPPED | {"en"}


@pytest.mark.parametrize("locale", sorted(SHIPPED))
def test_each_shipped_catalog_translates_every_message(locale: str) -> None:
    catalog = _catalog(locale)
    wanted = _template_messages()
    problems = []
    have = {}
    for message in catalog:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        have[key] = message
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        if message.fuzzy:
            problems.append(f"fuzzy: {key!r}")
        elif not all(strings):
            problems.append(f"untranslated: {key!r}")
        else:
            ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
            expected = sorted(PLACEHOLDER.findall(ids[-1]))
            # A plural form may leave out what its words already say ("one claim", "two"):
            # no form may add a placeholder, and the last (the general) form has them all.
            for text in strings:
                found = sorted(PLACEHOLDER.findall(text))
                plural_form = len(strings) > 1 and text is not strings[-1]
                if found != expected and not (plural_form and set(found) <= set(expected)):
                    problems.append(f"placeholders differ in {key!r}: {text!r}")
    problems += [f"missing: {key!r}" for key in sorted(wanted - set(have))]
    for problem in problems:
        print(problem)
    assert not problems, f"{len(problems)} problems in the {locale} catalog"


class _Text(HTMLParser):
    """Collects the text and the read attributes of an HTML fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        self.found += [value for name, value in attrs if name in READ_ATTRIBUTES and value]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.found.append(data)


def _untranslated(path: Path) -> list[str]:
    """Words in a template's markup that are outside {% trans %} blocks and expressions."""
    env = Environment(extensions=["jinja2.ext.i18n"], autoescape=True)  # only lexed here
    source = path.read_text(encoding="utf-8")
    markup, depth, previous = [], 0, []
    for _line, kind, value in env.lex(source):
        if kind == "whitespace":
            continue
        if kind == TOKEN_NAME and previous[-1:] == [TOKEN_BLOCK_BEGIN]:
            if value == "trans":
                depth += 1
            elif value == "endtrans":
                depth -= 1
        if kind == TOKEN_DATA and depth == 0:
            markup.append(value)
        else:
            markup.append(" \u2063 ")  # an expression or a tag stands here: the text breaks
        previous = [kind] if kind != TOKEN_BLOCK_END else []
    parser = _Text()
    parser.feed("".join(markup))
    words = []
    for text in parser.found:
        for piece in re.split(r"\u2063|\s{2,}|\n", text):
            piece = piece.strip(" \t·—:;,.()[]“”")
            if piece and re.search(r"[A-Za-z]{2,}", piece) and piece not in ALLOWED:
                words.append(piece)
    return words


@pytest.mark.parametrize(
    "path", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: str(p.relative_to(TEMPLATES))
)
def test_templates_hold_no_untranslated_text(path: Path) -> None:
    found = _untranslated(path)
    for text in found:
        print(f"{path.relative_to(ROOT)}: {text!r}")
    assert not found, f"text outside {{% trans %}} in {path.name}: {found}"


def test_the_catalog_template_is_up_to_date() -> None:
    """Strings marked in the code are in messages.pot (run `make i18n` after changing them)."""
    from babel.messages.extract import extract_from_dir

    keywords = {
        "_": None,
        "gettext": None,
        "ngettext": (1, 2),
        "_l": None,
        "lazy_gettext": None,
        "t": None,
    }
    method_map = [
        ("annotator/**.py", "python"),
        ("templates/**.html", "jinja2"),
        ("templates/**.xml", "jinja2"),
        ("static/**.js", "javascript"),
    ]
    options = {"templates/**.html": {"trimmed": "true"}, "templates/**.xml": {"trimmed": "true"}}
    in_code = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options, keywords=keywords
    ):
        in_code.add(message if isinstance(message, str) else message[0])
    missing = sorted(in_code - _template_messages())
    for message in missing:
        print(f"not in messages.pot: {message!r}")
    assert not missing, f"{len(missing)} strings are not in messages.pot: run `make i18n`"
