"""Boundary F1 of ours, sentencex, pySBD and a naive rule on a development set.

Run from the repository root::

    .venv/bin/python bench/bench_segment_devset.py [FILE.conllu ...]

The set is our own web-style cases (``tests/unit/data/web_segment_cases.json``, written for this
project) plus any Universal Dependencies treebank files named on the command line (for example
UD English LinES, ParTUT and PUD; not GUM or EWT, which are kept for acceptance). Treebank text is
not committed (its licences are share-alike or non-commercial): fetch it and pass the paths.

A treebank document becomes paragraphs of ``PARAGRAPH`` sentences joined by one space (or none
where the treebank says ``SpaceAfter=No``), paragraphs joined by a blank line. A boundary is the
position of the first character of a sentence that is not the first of its paragraph (first
sentences are given away by the blank line); F1 is over those positions, so whitespace and
closing-mark conventions do not count.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


from bench_segment import Splitter, ours, pysbd_splitter, sentencex_spans, stripped  # noqa: E402

WEB_CASES = ROOT / "tests" / "unit" / "data" / "web_segment_cases.json"
PARAGRAPH = 8

Document = tuple[str, set[int]]  # text and its gold boundaries


def treebank_documents(path: Path) -> Iterable[Document]:
    """Yield one text per treebank document with the start of every non-first sentence."""
    sentences: list[tuple[str, bool]] = []  # text, whether a space follows it
    text, space_after = None, True

    def flush() -> Iterable[Document]:
        if sentences:
            yield join(sentences)
            sentences.clear()

    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# newdoc"):
            yield from flush()
        elif line.startswith("# text = "):
            text, space_after = line[9:].strip(), True
        elif line and line[0].isdigit() and "\t" in line:
            space_after = "SpaceAfter=No" not in line.rsplit("\t", 1)[-1]
        elif not line and text is not None:
            sentences.append((text, space_after))
            text = None
    yield from flush()


def join(sentences: list[tuple[str, bool]]) -> Document:
    parts: list[str] = []
    boundaries: set[int] = set()
    position = 0
    for index, (sentence, space_after) in enumerate(sentences):
        if index and index % PARAGRAPH == 0:
            parts.append("\n\n")
            position += 2
        elif index:
            boundaries.add(position)
        parts.append(sentence)
        position += len(sentence)
        if space_after and (index + 1) % PARAGRAPH:
            parts.append(" ")
            position += 1
    return "".join(parts), boundaries


def web_documents() -> list[Document]:
    documents = []
    for case in json.loads(WEB_CASES.read_text(encoding="utf-8")):
        text = " ".join(case["sentences"])
        boundaries, position = set(), 0
        for index, sentence in enumerate(case["sentences"]):
            if index:
                boundaries.add(position)
            position += len(sentence) + 1
        documents.append((text, boundaries))
    return documents


def predicted(text: str, spans: list[tuple[int, int]]) -> set[int]:
    """Starts of predicted sentences that are not the first of a paragraph."""
    starts = set()
    for previous, span in zip(spans, spans[1:], strict=False):
        if "\n\n" not in text[previous[1] : span[0]]:
            starts.add(span[0])
    return starts


_NAIVE = re.compile(r"[.!?]+[\"'”’)\]]*\s+")


def naive(text: str) -> list[tuple[int, int]]:
    cuts = [0] + [m.end() for m in _NAIVE.finditer(text)] + [len(text)]
    return stripped(text, zip(cuts, cuts[1:], strict=False))


def splitters() -> list[tuple[str, Splitter]]:
    found: list[tuple[str, Splitter]] = [
        ("naive", naive),
        ("sentencex", sentencex_spans),
        ("ours", ours),
    ]
    pysbd = pysbd_splitter()
    if pysbd is None:
        print("pySBD not installed: pip install -e '.[bench]'")
    else:
        found.insert(2, ("pySBD", pysbd))
    return found


def score(split: Splitter, documents: list[Document]) -> tuple[float, float, float]:
    hits = guessed = gold = 0
    for text, boundaries in documents:
        found = predicted(text, split(text))
        hits += len(found & boundaries)
        guessed += len(found)
        gold += len(boundaries)
    precision = hits / guessed if guessed else 1.0
    recall = hits / gold if gold else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return 100 * precision, 100 * recall, 100 * f1


def main() -> None:
    sets = {"web (ours)": web_documents()}
    for name in sys.argv[1:]:
        path = Path(name)
        sets[path.stem] = list(treebank_documents(path))
    if len(sets) > 1:
        sets["all treebanks"] = [
            d for key, docs in sets.items() if key != "web (ours)" for d in docs
        ]
    names = [name for name, _ in splitters()]
    print(f"{'set':<22} {'boundaries':>10}  " + "  ".join(f"{n:>16}" for n in names))
    print(f"{'':<22} {'':>10}  " + "  ".join(f"{'P/R/F1':>16}" for _ in names))
    for set_name, documents in sets.items():
        cells = []
        for _, split in splitters():
            precision, recall, f1 = score(split, documents)
            cells.append(f"{precision:5.1f}/{recall:4.1f}/{f1:4.1f}")
        count = sum(len(b) for _, b in documents)
        print(f"{set_name:<22} {count:>10}  " + "  ".join(f"{c:>16}" for c in cells))


if __name__ == "__main__":
    main()
