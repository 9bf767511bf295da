"""Importers on bytes: no app, no database."""

import json

import pytest

from annotator.importers import ImportFailure, detect_format, parse_file


def test_txt_takes_first_line_as_title_and_keeps_text_exactly():
    data = "\ufeffHeadline here\n\nBody one. Body two.\r\n".encode()
    (article,) = parse_file(data, "story.txt")
    assert article["title"] == "Headline here"
    assert article["text"] == "Headline here\n\nBody one. Body two.\r\n"


def test_json_object_list_and_jsonl():
    one = {"title": "T", "text": "Some text.", "url": "https://example.org/a"}
    assert parse_file(json.dumps(one).encode(), "a.json") == [one]
    assert len(parse_file(json.dumps([one, one]).encode(), "b.json")) == 2
    lines = (json.dumps(one) + "\n\n" + json.dumps(one) + "\n").encode()
    assert len(parse_file(lines, "c.jsonl")) == 2


@pytest.mark.parametrize(
    ("data", "name", "reason"),
    [
        (b"", "empty.txt", "empty"),
        (b"   \n\n", "blank.txt", "empty"),
        ("hello".encode("utf-16"), "utf16.txt", "UTF-16"),
        (b"abc\x00def", "nul.txt", "NUL"),
        (b"line one\nline \xff two", "latin.txt", "not valid UTF-8"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "image.txt", "PNG image"),
        (b"\x01\x02binary\x00\x00data", "blob.txt", "NUL"),
        (b'{"title": "x", "text": ', "broken.json", "malformed JSON"),
        (b'{"title": "x", "text": NaN}', "nan.json", "NaN"),
        (b"[" * 100_000 + b"]" * 100_000, "deep.json", "nested too deeply"),
        (b'["just a string"]', "strings.json", "JSON object"),
        (b'{"title": 5, "text": "x"}', "number.json", "must be a string"),
        (b"[]", "empty-list.json", "empty"),
        (b"hello", "story.exe", "unknown file type"),
    ],
)
def test_bad_files_are_refused_with_the_file_name(data, name, reason):
    with pytest.raises(ImportFailure) as caught:
        parse_file(data, name)
    assert name in str(caught.value)
    assert reason in str(caught.value)


def test_errors_name_the_line():
    with pytest.raises(ImportFailure) as caught:
        parse_file(b'{"title": "a", "text": "b"}\n{"title": oops}\n', "batch.jsonl")
    assert caught.value.line == 2
    with pytest.raises(ImportFailure) as caught:
        parse_file(b"ok line\nbad \xc3\x28 byte\n", "x.txt")
    assert caught.value.line == 2


def test_detect_format_by_extension():
    assert detect_format("A.JSONL").name == "jsonl"
    assert detect_format("notes.txt").name == "txt"
