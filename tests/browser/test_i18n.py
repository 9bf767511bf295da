"""The interface in another language, and Arabic read and annotated right to left, in Chromium."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from playwright.sync_api import Page, expect

from annotator.models import User
from tests.browser.conftest import log_in, sentence_ids

pytestmark = pytest.mark.browser

TRANSLATIONS = Path(__file__).resolve().parents[2] / "annotator" / "translations"

# Two paragraphs of Arabic; the second sentence mixes in Latin letters, digits and an emoji (two
# UTF-16 units in the browser, one character on the server) before the word we select, which it
# holds twice: only the right offsets tell the second from the first.
ARABIC = (
    "قالت وزارة الصحة إن عدد الإصابات انخفض هذا الأسبوع.\n\n"
    "وأكد الوزير أن اللقاح متوفر، وقال في مؤتمر WHO يوم 12 مارس 😀 إن اللقاح آمن تمامًا. "
    "ولم يقدم المتحدث أي دليل على ذلك."
)
SELECTED = "اللقاح"


def english_msgids(locale: str) -> list[str]:
    """The English messages of the catalog that the locale translates differently, as plain text."""
    with (TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    found = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        for text in ids:
            plain = re.sub(r"<[^>]+>", "", text)
            # the literal pieces between placeholders, long enough not to be a shared word
            for piece in re.split(r"%\(\w+\)[sd]|\{\w+\}|%%", plain):
                piece = piece.strip(" .,:;()“”")
                if len(piece) >= 8 and not any(piece in s for s in strings):
                    found.append(piece)
    return sorted(set(found), key=len, reverse=True)


def english_on(page: Page, msgids: list[str], *, except_text: tuple[str, ...]) -> list[str]:
    text = page.locator("body").inner_text()
    for data in except_text:  # the article, the user names: the desk's data, not the interface
        text = text.replace(data, " ")
    return [m for m in msgids if re.search(rf"(?<![\w-]){re.escape(m)}(?![\w-])", text)]


def choose_language(page: Page, name: str) -> None:
    page.goto("/account")
    page.select_option("#locale", label=name)
    page.locator("#language-form button[type=submit]").click()
    expect(page.locator(".flash")).to_be_visible()


@pytest.mark.parametrize(
    ("locale", "name", "direction"), [("es", "Español", "ltr"), ("ar", "العربية", "rtl")]
)
def test_a_reviewer_switched_to_another_language_sees_no_english(
    page: Page,
    reviewer: User,
    make_article,
    locale: str,
    name: str,
    direction: str,  # noqa: ANN001
) -> None:
    article = make_article()
    article_id, title, text = article.id, article.title, article.text
    sentence_ids(article)
    log_in(page, reviewer)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    choose_language(page, name)
    msgids = english_msgids(locale)
    assert len(msgids) > 300  # the check below has something to find
    for path in ("/articles?sort=newest", f"/articles/{article_id}", "/account", "/search?q=flood"):
        page.goto(path)
        expect(page.locator("html")).to_have_attribute("lang", locale)
        expect(page.locator("html")).to_have_attribute("dir", direction)
        if path.startswith("/articles/"):  # the page script has run and written its strings
            expect(page.locator("body")).to_have_class(re.compile(r"\bjs\b"))
        found = english_on(page, msgids, except_text=(title, text, reviewer.username))
        assert not found, f"English on {path} in {locale}: {found[:10]}"
    # The page script speaks the language too: a save's confirmation.
    page.goto(f"/articles/{article_id}")
    expect(page.locator("body")).to_have_class(re.compile(r"\bjs\b"))
    page.keyboard.press("1")
    expect(page.locator("#status")).not_to_be_empty()
    assert not english_on(page, msgids, except_text=(title, text, reviewer.username))


def _word_box(page: Page, sentence_id: int, word: str) -> dict[str, float]:
    """The on-screen box of a word's last occurrence in a sentence, from a DOM range over it."""
    return page.evaluate(
        """([id, word]) => {
            const node = document.getElementById("s" + id).firstChild;
            const at = node.textContent.lastIndexOf(word);
            const range = document.createRange();
            range.setStart(node, at);
            range.setEnd(node, at + word.length);
            const box = range.getBoundingClientRect();
            return {x: box.x, y: box.y, width: box.width, height: box.height};
        }""",
        [sentence_id, word],
    )


def test_an_arabic_article_reads_right_to_left_and_is_annotated_by_keys_and_selection(
    page: Page,
    reviewer: User,
    make_article,  # noqa: ANN001
) -> None:
    article = make_article(text=ARABIC, title="الصحة: عدد الإصابات", language="ar")
    article_id, text = article.id, article.text
    ids = sentence_ids(article)
    assert len(ids) == 3
    log_in(page, reviewer)  # an English interface: the article is right to left all the same
    page.goto(f"/articles/{article_id}")
    expect(page.locator("body")).to_have_class(re.compile(r"\bjs\b"))
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.locator("#sentences")).to_have_attribute("dir", "rtl")
    expect(page.locator("#current-text")).to_have_attribute("dir", "rtl")
    assert (
        page.evaluate("getComputedStyle(document.getElementById('sentences')).direction") == "rtl"
    )
    # Right to left: the first sentence's first word sits at the right of its line.
    first = page.locator(f"#s{ids[0]}").bounding_box()
    paragraph = page.locator(f"#s{ids[0]}").locator("xpath=..").bounding_box()
    assert first and paragraph
    assert abs((first["x"] + first["width"]) - (paragraph["x"] + paragraph["width"])) < 2

    # By keyboard: 1 judges the first sentence verified and moves on; j and k still move.
    page.keyboard.press("1")
    expect(page.locator(f"#s{ids[1]}")).to_have_attribute("aria-current", "true")
    page.keyboard.press("j")
    expect(page.locator(f"#s{ids[2]}")).to_have_attribute("aria-current", "true")
    page.keyboard.press("k")
    expect(page.locator(f"#s{ids[1]}")).to_have_attribute("aria-current", "true")

    # By selection: a double-click selects the word's second occurrence, after the emoji.
    box = _word_box(page, ids[1], SELECTED)
    page.mouse.dblclick(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page.locator("#claim_text")).to_have_value(SELECTED)
    page.keyboard.press("2")
    expect(page.locator("#status")).to_contain_text("Saved sentence 2")

    response = page.request.get(f"/api/v1/articles/{article_id}")
    assert response.ok
    claims = {s["id"]: s["annotations"] for s in response.json()["sentences"]}
    assert [a["verdict"] for a in claims[ids[0]]] == ["verified"]
    (narrowed,) = claims[ids[1]]
    assert narrowed["verdict"] == "unproven"
    start = text.rindex(SELECTED)  # characters, as Python counts them: the emoji is one
    assert (narrowed["span"]["start"], narrowed["span"]["end"]) == (start, start + len(SELECTED))
    assert text[narrowed["span"]["start"] : narrowed["span"]["end"]] == SELECTED
