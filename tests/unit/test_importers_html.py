"""HTML inside JSON, JSONL, CSV and Markdown imports: only its words reach the stored text.

The `html` field is passed through annotator.text.sanitize (bleach) before its words are taken, so
scripts, event handlers and javascript: links cannot end up in an article, whatever the parser does.
"""

from __future__ import annotations

import csv
import io
import json

import pytest

from annotator.importers import parse_file
from annotator.text.sanitize import clean_html, strip_tags, text_html

# Each fragment holds words a reader should see and code that must never be stored. The code calls
# evil() and the handlers are named, so any trace of it is easy to find in the text.
ATTACKS = [
    ("script", "<p>Visible words.</p><script>evil('script')</script>", "Visible words."),
    ("onerror handler", '<p>Visible words.<img src=x onerror="evil(1)"></p>', "Visible words."),
    (
        "javascript: link",
        '<p>Read <a href="javascript:evil(2)" onclick="evil(3)">the report</a>.</p>',
        "Read the report.",
    ),
    (
        "javascript: link, entity-encoded",
        '<p><a href="jav&#x09;ascript:evil(4)">Visible words.</a></p>',
        "Visible words.",
    ),
    ("style", "<style>p { x: expression(evil(5)) }</style><p>Visible words.</p>", "Visible words."),
    (
        "script inside svg",
        "<svg><script>evil(6)</script></svg><p>Visible words.</p>",
        "Visible words.",
    ),
    (
        "iframe srcdoc",
        '<iframe srcdoc="<script>evil(7)</script>">x</iframe><p>Visible words.</p>',
        "Visible words.",
    ),
    (
        "markup shown as text by old tags",
        "<xmp><script>evil(8)</script></xmp><p>Visible words.</p>",
        "Visible words.",
    ),
    (
        "body onload",
        '<body onload="evil(9)"><p>Visible words.</p></body>',
        "Visible words.",
    ),
    (
        "noscript",
        '<noscript><img src=x onerror="evil(10)"></noscript><p>Visible words.</p>',
        "Visible words.",
    ),
]
# A Markdown file holding <body> is a whole page, refused as HTML (tests/unit/test_importers_formats.py).
IN_MARKDOWN = [attack for attack in ATTACKS if attack[0] != "body onload"]
NEVER = ("evil", "onerror", "onclick", "onload", "javascript", "<script", "expression(")


def _json(html: str) -> tuple[bytes, str]:
    return json.dumps({"title": "T", "html": html}).encode(), "one.json"


def _jsonl(html: str) -> tuple[bytes, str]:
    lines = [{"title": "First", "text": "Plain."}, {"title": "T", "html": html}]
    return "\n".join(json.dumps(line) for line in lines).encode(), "batch.jsonl"


def _csv(html: str) -> tuple[bytes, str]:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([["title", "html"], ["T", html]])
    return buffer.getvalue().encode(), "rows.csv"


def _markdown(html: str) -> tuple[bytes, str]:
    return f"# T\n\n{html}\n".encode(), "story.md"


@pytest.mark.parametrize("make_file", [_json, _jsonl, _csv], ids=["json", "jsonl", "csv"])
@pytest.mark.parametrize(("attack", "html", "words"), ATTACKS, ids=[a[0] for a in ATTACKS])
def test_html_field_keeps_the_words_and_never_the_code(make_file, attack, html, words):
    data, name = make_file(html)
    text = parse_file(data, name)[-1]["text"]
    assert text == words
    for trace in NEVER:
        assert trace not in text.lower(), (attack, trace)


@pytest.mark.parametrize(("attack", "html", "words"), IN_MARKDOWN, ids=[a[0] for a in IN_MARKDOWN])
def test_html_in_markdown_keeps_the_words_and_never_the_code(attack, html, words):
    for data, name in (_markdown(html), (f"Intro {html} after.\n".encode(), "inline.md")):
        text = parse_file(data, name)[0]["text"]
        assert words in text, name
        for trace in NEVER:
            assert trace not in text.lower(), (attack, name, trace)


def test_html_field_keeps_paragraphs_lists_and_line_breaks():
    html = (
        "<h2>Heading</h2><div>First block.</div><p>Line one<br>line two.</p>"
        "<ul><li>One</li><li onclick='evil()'>Two</li></ul><table><tr><td>Cell.</td></tr></table>"
    )
    (article,) = parse_file(json.dumps({"title": "T", "html": html}).encode(), "a.json")
    assert article["text"] == (
        "Heading\n\nFirst block.\n\nLine one\nline two.\n\n- One\n- Two\n\nCell."
    )


def test_markup_written_as_text_stays_text():
    html = "<p>Editors write &lt;script&gt; when they mean the tag.</p>"
    (article,) = parse_file(json.dumps({"title": "T", "html": html}).encode(), "a.json")
    assert article["text"] == "Editors write <script> when they mean the tag."


def test_text_html_keeps_only_text_tags_without_attributes():
    cleaned = text_html(
        '<div class="a" onclick="evil()"><p style="x">Hi <b>there</b></p>'
        '<a href="https://example.org">link</a><script>evil()</script></div>'
    )
    assert cleaned == "<div><p>Hi there</p>link</div>"


def test_clean_html_keeps_safe_links_and_drops_code():
    cleaned = clean_html(
        '<p onclick="evil()">See <a href="https://example.org/a" onclick="evil()">this</a> and '
        '<a href="javascript:evil()">that</a>.</p><script>evil()</script><style>p{}</style>'
    )
    assert cleaned == '<p>See <a href="https://example.org/a">this</a> and <a>that</a>.</p>'


def test_strip_tags_keeps_words_and_drops_code():
    assert strip_tags("<p>One <b>two</b></p><script>evil()</script>") == "One two"
