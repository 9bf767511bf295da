"""Markdown, HTML (saved web pages) and CSV importers, sniffing, and the bad inputs of issue 5."""

from __future__ import annotations

import json
import socket

import pytest

from annotator.importers import (
    FORMATS,
    ImportFailure,
    detect_format,
    display_name,
    parse_file,
    printable,
)
from annotator.text.segment import segment

PAGE = b"""<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8">
<title>Russia leaves Kherson | Example Wire</title>
<meta property="og:title" content="Russia leaves key city for Ukraine">
<meta property="og:site_name" content="Example Wire">
<meta name="author" content="Jane Reporter">
<meta property="article:published_time" content="2022-11-11T10:00:00Z">
<link rel="canonical" href="https://example.org/kherson">
<script>document.write("tracking-pixel-script")</script><style>body { color: red }</style></head>
<body>
<nav><a href="/">Home</a> <a href="/world">World news menu</a></nav>
<div class="ad">Advertisement: buy the premium plan now</div>
<article>
<h1>Russia leaves key city for Ukraine</h1>
<p onclick="steal()">Russia said on Friday it had completed the withdrawal of its troops from the west bank of
the Dnipro river. The move was announced by the defence ministry in Moscow.</p>
<p>Ukrainian officials said their forces were entering the city. "This is a historic day," the president
said in an address on Friday evening.</p>
<ul><li>Troops crossed the river overnight.</li><li>Bridges were destroyed behind them.</li></ul>
<p>Residents celebrated in the central square, waving flags and singing as soldiers arrived.</p>
</article>
<aside><h2>You may also like</h2><ul><li><a href="/x">Ten celebrity diets that shock doctors</a></li></ul></aside>
<footer>Copyright Example Wire, all rights reserved</footer>
</body></html>"""


def test_every_issue_format_is_registered_and_detected_by_extension():
    assert {"txt", "md", "html", "json", "jsonl", "csv"} <= set(FORMATS)
    for name, expected in [
        ("a.md", "md"),
        ("b.MARKDOWN", "md"),
        ("page.htm", "html"),
        ("page.HTML", "html"),
        ("rows.csv", "csv"),
        ("x.ndjson", "jsonl"),
    ]:
        assert detect_format(name).name == expected


def test_saved_web_page_gives_main_text_and_metadata_without_clutter():
    (article,) = parse_file(PAGE, "kherson.html")
    assert article["title"] == "Russia leaves key city for Ukraine"
    assert article["author"] == "Jane Reporter"
    assert article["published_at"] == "2022-11-11"
    assert article["url"] == "https://example.org/kherson"
    assert article["outlet"] == "Example Wire"
    assert article["language"] == "en-GB"
    text = article["text"]
    assert "Russia said on Friday it had completed the withdrawal" in text
    assert "- Troops crossed the river overnight.\n- Bridges were destroyed behind them." in text
    for clutter in (
        "You may also like",
        "celebrity diets",
        "tracking-pixel",
        "color: red",
        "Advertisement",
        "World news menu",
        "Copyright",
        "steal",
        "<",
    ):
        assert clutter not in text
    # paragraphs survive as blank-line breaks, so the segmenter sees them
    assert len({span.paragraph for span in segment(text)}) >= 5


def test_html_extraction_never_touches_the_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the HTML importer tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    (article,) = parse_file(PAGE, "offline.html")
    assert "Dnipro" in article["text"]


def test_html_page_in_a_declared_legacy_charset_is_read():
    page = PAGE.replace(b'charset="utf-8"', b'charset="windows-1252"').replace(
        b"Friday evening", "Friday’s evening".encode("cp1252")
    )
    (article,) = parse_file(page, "legacy.html")
    assert "Friday’s evening" in article["text"]


def test_html_page_without_article_text_is_refused():
    with pytest.raises(ImportFailure, match="no article text"):
        parse_file(
            b"<html><head><script>alert(1)</script></head><body><img src=x></body></html>",
            "empty.html",
        )


def test_markdown_becomes_plain_text_keeping_paragraphs_and_lists():
    source = (
        b'---\ntitle: "Council approves barrier"\nauthor: Dana Okafor\ndate: 2022-11-11\nurl: https://example.org/b\n---\n'
        b"# Council approves flood barrier\n\n"
        b"The council voted **7-2** on Tuesday to build a [barrier](https://example.org).\n"
        b"It will cost $48 million.\n\n"
        b"- first *point*\n- second point\n\n1. one\n2. two\n\n"
        b"![a photo](photo.png)\n\n"
        b"<script>alert('x')</script>\n\n"
        b"> A quoted paragraph.\n"
    )
    (article,) = parse_file(source, "story.md")
    assert article["title"] == "Council approves barrier"
    assert article["author"] == "Dana Okafor"
    assert article["published_at"] == "2022-11-11"
    assert article["url"] == "https://example.org/b"
    assert article["text"] == (
        "Council approves flood barrier\n\n"
        "The council voted 7-2 on Tuesday to build a barrier. It will cost $48 million.\n\n"
        "- first point\n- second point\n\n1. one\n2. two\n\n"
        "A quoted paragraph."
    )


def test_markdown_title_falls_back_to_first_heading():
    (article,) = parse_file(b"Intro line.\n\n## The heading\n\nBody.", "x.md")
    assert article["title"] == "The heading"


def test_csv_any_column_order_with_bom_and_html_column():
    data = (
        "\ufeffURL,text,Title,notes,html\n"
        'https://example.org/1,"First text. With, commas.",First,ignored,\n'
        ",,Second,,\"<p onclick='x()'>Second <b>text</b>.</p><script>alert(1)</script>\"\n"
    ).encode()
    first, second = parse_file(data, "batch.csv")
    assert first == {
        "url": "https://example.org/1",
        "text": "First text. With, commas.",
        "title": "First",
    }
    assert second == {"title": "Second", "text": "Second text."}
    assert (first.line, second.line) == (2, 3)


def test_json_html_field_becomes_text():
    data = json.dumps(
        {
            "title": "T",
            "html": "<p>One <em>two</em>.</p><p onmouseover='x'>Three.</p><style>p{}</style>",
        }
    )
    (article,) = parse_file(data.encode(), "a.json")
    assert article["text"] == "One two.\n\nThree."


# The article service's words for an over-long JSON or CSV title (tests/services/test_imports.py).
LONG_TITLE = "title: Title is 100,000 characters long; the limit is 500."


@pytest.mark.parametrize(
    ("data", "name", "reason", "line"),
    [
        (b"", "empty.md", "empty", None),
        (b"\xef\xbb\xbf  \n", "bom-only.txt", "empty", None),
        (b"%PDF-1.7\n%\xe2\xe3", "report.txt", "PDF", None),
        (b"PK\x03\x04\x14\x00", "story.csv", "ZIP", None),
        (b"\x89PNG\r\n\x1a\n", "photo.html", "PNG", None),
        ("Headline\nbody".encode("utf-16-le"), "no-bom-utf16.txt", "UTF-16", None),
        ("Headline\nbody".encode("utf-16"), "utf16.md", "UTF-16", None),
        (b"one\ntwo\nthr\x00ee", "nul.md", "NUL", 3),
        (b"ok\nok\n\xe9t\xe9", "latin1.csv", "UTF-8", 3),
        (
            b"<!DOCTYPE html>\n<html><body><p>Hi.</p></body></html>",
            "page.txt",
            "looks like HTML",
            1,
        ),
        (
            b'Fine line.\nClick <a href=x onclick="steal()">here</a>.',
            "handler.txt",
            "looks like HTML",
            2,
        ),
        (b"Intro.\n<script>alert(1)</script>", "script.txt", "looks like HTML", 2),
        (b"<html><body>page</body></html>", "page.md", "looks like HTML", 1),
        (
            b"title,text\nT," + b'"' + b"x" * 200_000 + b'"\n',
            "huge-field.csv",
            "longer than 131,072",
            2,
        ),
        (b"Headline,Body\nA,B\n", "no-header.csv", "header", 1),
        (b"text,text\nA,B\n", "twice.csv", "twice", 1),
        (b"title,text\nA,B,C\n", "extra.csv", "3 fields", 2),
        (b"title,text\nA,\n", "no-text.csv", "no text", 2),
        (b'title,text\n"A,"unterminated\n', "quote.csv", "malformed CSV", 2),
        (b"title,text\n", "header-only.csv", "no rows", None),
        (
            b'{"title": "a", "text": "b", "n": ' + b"9" * 5000 + b"}",
            "digits.json",
            "thousands of digits",
            1,
        ),
        (
            b'{"title": "a", "text": "b"}\n{"text": "c", "n": ' + b"9" * 5000 + b"}\n",
            "digits.jsonl",
            "thousands of digits",
            2,
        ),
        (b'{"title": "a", "text": "b", "n": Infinity}', "inf.json", "Infinity", None),
        (
            b'{"title": "a", "text": "b"}\n' + b"[" * 50_000 + b"]" * 50_000,
            "deep.jsonl",
            "nested too deeply",
            2,
        ),
        (b'{"title": "a", "html": 5}', "html-number.json", "must be a string", None),
        (b"T" * 100_000 + b"\n\nBody.", "long-title.txt", LONG_TITLE, 1),
        (b"\n\n  " + b"T" * 501 + b"\nBody.", "late-title.txt", "Title is 501 characters", 3),
        (b"# " + b"T" * 100_000 + b"\n\nBody.", "long-heading.md", LONG_TITLE, 1),
        (b"T" * 100_000 + b"\n\nBody.", "long-line.md", LONG_TITLE, 1),
        (
            b"---\nauthor: A\ntitle: " + b"T" * 100_000 + b"\n---\n# Short\n\nBody.",
            "front-matter.md",
            LONG_TITLE,
            3,
        ),
    ],
)
def test_bad_files_are_refused_naming_file_and_line(data, name, reason, line):
    with pytest.raises(ImportFailure) as caught:
        parse_file(data, name)
    assert str(caught.value).startswith(name)
    assert reason in str(caught.value)
    assert caught.value.line == line
    if line:
        assert f"line {line}" in str(caught.value)


@pytest.mark.parametrize("name", ["story.txt", "story.md"])
def test_a_title_given_replaces_a_first_line_too_long_to_be_one(name):
    (article,) = parse_file(b"W" * 100_000 + b" ends here.\n\nBody.", name, title="Short title")
    assert article["title"] == "Short title"
    assert article["text"].endswith("Body.")


def test_titles_at_the_limit_are_kept_whole():
    (article,) = parse_file(b"T" * 500 + b"\n\nBody.", "edge.txt")
    assert article["title"] == "T" * 500


def test_html_sent_as_txt_imports_when_the_format_is_chosen():
    (article,) = parse_file(PAGE, "saved.txt", "html")
    assert article["title"] == "Russia leaves key city for Ukraine"
    # and an article that merely mentions a tag is still plain text
    (plain,) = parse_file(b"Why <b> tags matter\n\nEditors argue about bold text.", "essay.txt")
    assert plain["title"] == "Why <b> tags matter"


def test_markdown_with_scripts_and_handlers_keeps_only_words():
    source = b'Title\n\nClick <a href="javascript:x()" onclick="steal()">here</a> now.\n\n<div onload="x()">Kept words.<script>evil()</script></div>\n'
    (article,) = parse_file(source, "x.md")
    assert article["text"] == "Title\n\nClick here now.\n\nKept words."


def test_file_names_shown_to_people_lose_folders_and_control_characters():
    assert display_name("../../etc/passwd") == "passwd"
    assert display_name("C:\\Users\\x\\story.txt") == "story.txt"
    assert display_name("evil\x1b[31mred\n.txt") == "evil\ufffd[31mred\ufffd.txt"
    assert display_name("..", "file 3") == "file 3"
    assert len(display_name("a" * 5000 + ".txt")) <= 120
    assert printable("dir/\x07bell.txt") == "dir/\ufffdbell.txt"
