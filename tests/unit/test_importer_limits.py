"""Each format's worst case is refused quickly, naming the file (parsers linear with hard limits).

The bound is generous (a loaded CI machine): it catches the quadratic cases, which took minutes;
bench/bench_parsers.py prints the real figures beside an ordinary article's parse.
"""

from __future__ import annotations

import json
import time

import pytest

from annotator.importers import ImportFailure, parse_file

BOUND_SECONDS = 3.0

WORST = [
    (
        "wide.csv",
        ("text," + ",".join(f"c{i}" for i in range(40_000)) + "\nhello\n").encode(),
        "columns",
    ),
    ("divs.json", json.dumps({"title": "t", "html": "<div>" * 20_000}).encode(), "nests"),
    ("divs100k.json", json.dumps({"title": "t", "html": "<div>" * 100_000}).encode(), "nests"),
    ("deep.json", b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    ("deep.jsonl", b'{"title": "a", "text": "b"}\n' + b"{" * 100_000, "nested too deeply"),
    ("divs.html", b"<html><body>" + b"<div>" * 100_000 + b"x</body></html>", "nests"),
    ("spans.html", b"<html><body>" + b"<span>x</span>" * 200_000 + b"</body></html>", "elements"),
    ("divs.csv", b"title,html\nt," + b"<div>" * 20_000 + b"\n", "nests"),
    ("links.md", b"# T\n\n" + b"[" * 100_000 + b"x", "marks"),
    ("emphasis.md", b"# T\n\n" + b"*a " * 100_000, "marks"),
    ("html-block.md", b"# T\n\n<div>\n" + b"<div>" * 20_000, "nests"),
    (
        "lists.md",
        b"# T\n\n" + b"".join(b"  " * i + b"- a\n" for i in range(2_000)),
        "characters long",
    ),
    ("one-line.txt", b"T\n\n" + b"word " * 300_000, "a line is"),
    ("surrogate.json", b'{"title": "x\\ud800y", "text": "a"}', "lone surrogate"),
    ("nul.json", b'{"title": "x", "text": "a\\u0000b"}', "NUL"),
]


@pytest.mark.parametrize(("name", "data", "reason"), WORST, ids=[w[0] for w in WORST])
def test_worst_cases_are_refused_quickly_naming_the_file(name, data, reason):
    started = time.perf_counter()
    with pytest.raises(ImportFailure) as caught:
        parse_file(data, name)
    elapsed = time.perf_counter() - started
    assert str(caught.value).startswith(name)
    assert reason in str(caught.value)
    assert elapsed < BOUND_SECONDS, f"{name} took {elapsed:.1f} s"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        (
            "nested.html",
            b"<html><body>"
            + b"<div>" * 60
            + b"<p>A real sentence here.</p>"
            + b"</div>" * 60
            + b"</body></html>",
        ),
        (
            "script.html",
            b"<html><body><script>"
            + b"if (a<b) {}" * 5_000
            + b"</script><article><p>A real sentence here. And another one follows it.</p></article></body></html>",
        ),
        (
            "columns.csv",
            ("text," + ",".join(f"c{i}" for i in range(150)) + "\nhello there.\n").encode(),
        ),
        ("links.md", b"# T\n\n" + b"[a](https://example.org/) " * 1_000),
    ],
)
def test_articles_within_the_limits_still_parse(name, data):
    assert parse_file(data, name)
