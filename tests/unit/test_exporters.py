"""CSV and JSON exporters on plain records: no app, no database."""

import csv
import io
import json

import pytest

from annotator.exporters import EXPORTERS, ExportOptions, ExportRecord
from annotator.exporters.csv_format import COLUMNS, neutralise

TEXT = 'Headline\n\nPeskov said "yes, no"\nand more. Second sentence.'


def record(note: str = "a note", attributed_to: str = "Peskov", span=None) -> ExportRecord:
    article = {
        "id": 1,
        "title": "Headline",
        "text": TEXT,
        "url": None,
        "outlet": None,
        "author": None,
        "published_at": None,
        "language": "en",
        "created_at": "2026-01-01T00:00:00+00:00",
    }
    sentences = [
        {"id": 10, "index": 0, "paragraph": 0, "start": 0, "end": 8, "text": TEXT[0:8]},
        {"id": 11, "index": 1, "paragraph": 1, "start": 10, "end": 39, "text": TEXT[10:39]},
    ]
    annotation = {
        "id": 5,
        "sentence_id": 11,
        "span": span,
        "verdict": "disputed",
        "attributed_to": attributed_to,
        "note": note,
        "links": [
            {
                "url": "https://a.example/x",
                "title": "",
                "credibility": "high",
                "stance": "refutes",
                "credibility_source": "registry",
                "source": "A Wire",
                "override_reason": "",
            },
            {
                "url": "https://b.example/y",
                "title": "B",
                "credibility": "low",
                "stance": None,
                "credibility_source": "reviewer",
                "source": None,
                "override_reason": "=retracted story",
            },
        ],
        "reviewer": "alice",
        "version": 2,
        "created_at": "2026-01-01T00:00:00+00:00",
        "updated_at": "2026-01-02T00:00:00+00:00",
    }
    return ExportRecord(article, sentences[1], annotation, sentences, revision_count=3)


def rows_of(records) -> list[dict[str, str]]:
    text = "".join(EXPORTERS["csv"].write(records))
    return list(csv.DictReader(io.StringIO(text, newline="")))


@pytest.mark.parametrize(
    "payload", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR", "\nLF"]
)
def test_formula_cells_are_neutralised(payload):
    row = rows_of([record(note=payload, attributed_to=payload)])[0]
    assert row["note"] == "'" + payload
    assert row["attributed_to"] == "'" + payload


def test_plain_and_numeric_cells_are_untouched():
    assert neutralise("Peskov said") == "Peskov said"
    assert neutralise(42) == 42


def test_csv_has_fixed_header_and_survives_quotes_commas_newlines():
    note = 'He said "no", then\nleft; ‮ RTL'
    text = "".join(EXPORTERS["csv"].write([record(note=note)]))
    assert text.splitlines()[0] == ",".join(COLUMNS)
    assert "\r\n" in text  # RFC 4180 line ends
    row = rows_of([record(note=note)])[0]
    assert row["note"] == note
    assert row["sentence_text"] == TEXT[int(row["sentence_start"]) : int(row["sentence_end"])]
    assert row["links"] == "https://a.example/x | https://b.example/y"
    assert row["link_credibility"] == "high | low"
    assert row["claim_text"] == row["sentence_text"]


def test_csv_claim_text_follows_the_span():
    row = rows_of([record(span={"start": 10, "end": 16})])[0]
    assert row["claim_text"] == "Peskov"
    assert (row["span_start"], row["span_end"]) == ("10", "16")


def test_json_nests_articles_sentences_annotations_and_keeps_strings_exactly():
    note = "=cmd|' /C calc'!A0 \x00 ‮"
    document = json.loads("".join(EXPORTERS["json"].write([record(note=note)])))
    assert document["schema_version"] == "1.0"
    (article,) = document["articles"]
    assert [s["id"] for s in article["sentences"]] == [10, 11]
    assert article["sentences"][0]["annotations"] == []
    (annotation,) = article["sentences"][1]["annotations"]
    assert annotation["note"] == note  # JSON is not a spreadsheet: nothing is altered
    for sentence in article["sentences"]:
        assert article["text"][sentence["start"] : sentence["end"]] == sentence["text"]


def test_jsonl_is_one_annotation_per_line():
    lines = "".join(EXPORTERS["jsonl"].write([record(), record(note="two")])).splitlines()
    assert [json.loads(line)["note"] for line in lines] == ["a note", "two"]
    assert json.loads(lines[0])["sentence"]["text"] == TEXT[10:39]


def test_empty_exports_are_still_valid():
    assert rows_of([]) == []
    assert json.loads("".join(EXPORTERS["json"].write([]))) == {
        "schema_version": "1.0",
        "articles": [],
    }


def test_csv_has_revision_count_and_where_each_rating_came_from():
    text = "".join(EXPORTERS["csv"].write([record()]))
    assert COLUMNS.index("revision_count") < COLUMNS.index(
        "link_credibility_source"
    )  # new columns go last
    row = rows_of([record()])[0]
    assert row["revision_count"] == "3"
    assert row["link_credibility_source"] == "registry | reviewer"
    assert row["link_source"] == "A Wire | "
    assert row["link_override_reason"] == " | =retracted story"
    assert text.startswith("annotation_id,")  # no BOM unless asked


def test_csv_bom_option_for_spreadsheets():
    text = "".join(EXPORTERS["csv"].write([record()], ExportOptions(bom=True)))
    assert text.startswith("\ufeffannotation_id,")
    assert text.encode("utf-8").startswith(b"\xef\xbb\xbf")
    assert (
        list(csv.DictReader(io.StringIO(text.encode("utf-8").decode("utf-8-sig"), newline="")))[0][
            "verdict"
        ]
        == "disputed"
    )


def test_csv_rows_per_sentence_lists_unannotated_sentences_too():
    first = record()
    second = ExportRecord(
        first.article, first.sentence, dict(first.annotation, id=6, reviewer="bob"), None, 1
    )
    empty_article = dict(first.article, id=2, title="=Nobody annotated me")
    empty = ExportRecord(empty_article, None, None, [dict(first.sentences[0], id=20)])
    text = "".join(EXPORTERS["csv"].write([first, second, empty], ExportOptions(rows="sentences")))
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [(r["sentence_id"], r["annotation_id"]) for r in rows] == [
        ("10", ""),
        ("11", "5"),
        ("11", "6"),
        ("20", ""),
    ]
    assert rows[0]["sentence_text"] == "Headline" and rows[0]["verdict"] == ""
    assert rows[3]["article_title"] == "'=Nobody annotated me"  # neutralised here too


def test_every_cell_is_safe_for_a_spreadsheet():
    """What a spreadsheet does on open: a cell starting with = + - @ (or tab, CR, LF) would run as a formula."""
    payloads = [
        "=1+1",
        "+1",
        "-1",
        "@SUM(1)",
        "\t=1",
        "\r=1",
        "\n=1",
        "\x00nul",
        "a,b",
        'q"q',
        "\u202eRTL",
    ]
    records = [record(note=p, attributed_to=p) for p in payloads]
    records += [
        ExportRecord(dict(r.article, title=p), r.sentence, r.annotation, r.sentences)
        for r, p in zip(records, payloads, strict=True)
    ]
    text = "".join(EXPORTERS["csv"].write(records))
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert all(len(r) == len(COLUMNS) for r in rows)  # no broken rows or columns
    for cells in rows[1:]:
        for cell in cells:
            assert cell[:1] not in ("=", "+", "-", "@", "\t", "\r", "\n"), cell
