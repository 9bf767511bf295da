"""Open the CSV export in a spreadsheet engine (SheetJS, which `make test` installs from npm)."""

import csv
import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from annotator.exporters import EXPORTERS, ExportOptions, ExportRecord

SHEETJS = Path(__file__).resolve().parents[2] / ".venv" / "sheet" / "node_modules" / "xlsx"
PAYLOADS = [
    '=HYPERLINK("http://evil.example","click")',
    "+1+2",
    "-3+4",
    "@SUM(A1:A2)",
    "=cmd|' /C calc'!A0",
    "\tTAB",
    "\rCR",
    "\nLF",
    'quote " and , comma',
    "line\nbreak",
    "RTL \u202e mark",
    "plain",
]

READ = """
const X = require(process.argv[1]);
const ws = X.readFile(process.argv[2], {raw: false}).Sheets.Sheet1;
const cells = {};
for (const [ref, cell] of Object.entries(ws)) if (!ref.startsWith("!")) cells[ref] = {v: String(cell.v), f: cell.f || null};
console.log(JSON.stringify({ref: ws["!ref"], cells}));
"""


def record(i: int, payload: str) -> ExportRecord:
    text = f"Sentence {payload} here."
    article = {
        "id": 1,
        "title": payload,
        "text": text,
        "url": None,
        "outlet": None,
        "author": None,
        "published_at": None,
        "language": None,
        "created_at": "2026-01-01T00:00:00+00:00",
    }
    sentence = {"id": 10, "index": 0, "paragraph": 0, "start": 0, "end": len(text), "text": text}
    annotation = {
        "id": i,
        "sentence_id": 10,
        "span": None,
        "verdict": "disputed",
        "attributed_to": payload,
        "note": payload,
        "reviewer": payload,
        "version": 1,
        "created_at": "2026-01-01T00:00:00+00:00",
        "updated_at": "2026-01-01T00:00:00+00:00",
        "links": [
            {
                "url": "https://example.org/a",
                "title": payload,
                "credibility": "high",
                "stance": None,
                "credibility_source": "reviewer",
                "source": None,
                "override_reason": payload,
            }
        ],
    }
    return ExportRecord(article, sentence, annotation, [sentence])


def test_no_cell_becomes_a_formula_and_rows_stay_whole(tmp_path):
    if not shutil.which("node") or not SHEETJS.exists():
        pytest.skip(
            f"SheetJS is not installed at {SHEETJS}: run `make test`, which fetches it from npm"
        )
    # With the byte order mark (the export's spreadsheet option), so the engine reads UTF-8, not Latin-1.
    text = "".join(
        EXPORTERS["csv"].write(
            [record(i, p) for i, p in enumerate(PAYLOADS)], ExportOptions(bom=True)
        )
    )
    path = tmp_path / "export.csv"
    path.write_text(text, encoding="utf-8", newline="")
    result = subprocess.run(  # noqa: S603 - node runs our own script on our own file
        ["node", "-e", READ, str(SHEETJS), str(path)],  # noqa: S607 - node from PATH
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    sheet = json.loads(result.stdout)
    formulas = {ref: cell for ref, cell in sheet["cells"].items() if cell["f"]}
    assert formulas == {}, f"cells the spreadsheet would run: {formulas}"
    expected = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
    columns = len(expected[0])
    assert all(len(row) == columns for row in expected)  # no row broken by a payload
    assert (
        sheet["ref"] == f"A1:{column_letter(columns)}{len(PAYLOADS) + 1}"
    )  # header + a row per annotation
    note = expected[0].index("note")
    shown = [
        sheet["cells"][f"{column_letter(note + 1)}{row}"]["v"]
        for row in range(2, len(PAYLOADS) + 2)
    ]

    def same(text: str) -> str:  # line ends are the one thing a spreadsheet may normalise
        return text.replace("\r\n", "\n").replace("\r", "\n")

    assert [same(value.removeprefix("'")) for value in shown] == [same(p) for p in PAYLOADS]


def column_letter(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters
