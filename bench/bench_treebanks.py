"""Sentence-boundary F1 on Universal Dependencies treebanks: ours beside pySBD and sentencex.

Run from the repository root::

    .venv/bin/python bench/bench_treebanks.py [--dev] [--baseline DIR] [--dir UD_DIR]

Each row is one treebank's test file (``--dev``: its dev file, the one rules are tuned on), split
by our segmenter with the treebank's language (``annotator.text.segment.segment``, what the app
runs at import), by sentencex and by pySBD with the same language, all in the same run.
``--baseline DIR`` adds a column for the segmenter of another checkout (``/work/main``), run in a
subprocess on the same text.

The files are not committed (their licences are share-alike). Fetch them once into ``UD_DIR``
(default ``~/.cache/annotator/ud``)::

    git clone --depth 1 https://github.com/UniversalDependencies/UD_German-GSD
    cp UD_German-GSD/*-dev.conllu UD_German-GSD/*-test.conllu ~/.cache/annotator/ud/

for each repository in ``TREEBANKS``. A treebank that marks paragraphs (``# newpar``: GUM, EWT,
Ukrainian IU) keeps them; the others become paragraphs of ``bench_segment_devset.PARAGRAPH``
sentences joined by one space (none where the treebank says ``SpaceAfter=No``), the way
``bench_segment_devset.py`` scores. A boundary is the first character of a sentence that is not
the first of its paragraph (blank lines give those away), so F1 ignores whitespace and
closing-mark conventions.

"GUM news, open quotations excused" scores GUM's news documents without the positions that lie
inside an open quotation (after an opening double quotation mark that has not closed yet in the
paragraph): there the treebank splits a quoted speech into its sentences, while our quotation
policy keeps an attributed quotation whole (docs/segmentation.md, "Quotation policy").
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from bench_segment import stripped  # this script's folder is first on sys.path

ROOT = Path(__file__).resolve().parents[1]
# --baseline runs this file again with another checkout's code first on the path.
sys.path.insert(0, os.environ.get("BENCH_CODE_ROOT", str(ROOT)))

import sentencex  # noqa: E402

from annotator.text.segment import segment  # noqa: E402

PARAGRAPH = 8
UD_DIR = Path(os.environ.get("UD_DIR", Path.home() / ".cache" / "annotator" / "ud"))
PYSBD_LANGUAGES = {"en", "es", "fr", "de", "it", "ru", "nl", "pl"}

# row name, language, repository, file prefix, which documents, excuse open quotations
TREEBANKS = [
    ("es GSD", "es", "UD_Spanish-GSD", "es_gsd", "", False),
    ("de GSD", "de", "UD_German-GSD", "de_gsd", "", False),
    ("fr GSD", "fr", "UD_French-GSD", "fr_gsd", "", False),
    ("it ISDT", "it", "UD_Italian-ISDT", "it_isdt", "", False),
    ("ru GSD", "ru", "UD_Russian-GSD", "ru_gsd", "", False),
    ("uk IU", "uk", "UD_Ukrainian-IU", "uk_iu", "", False),
    ("en GUM", "en", "UD_English-GUM", "en_gum", "", False),
    ("en GUM news*", "en", "UD_English-GUM", "en_gum", "_news_", True),
    ("en EWT", "en", "UD_English-EWT", "en_ewt", "", False),
]

Spans = list[tuple[int, int]]
Document = tuple[str, set[int]]  # text and the starts of its non-first sentences


def documents(path: Path, only: str = "") -> list[Document]:
    """Read a treebank into texts with their gold boundaries (docstring at the top)."""
    found: list[Document] = []
    paragraphs: list[list[tuple[str, bool]]] = []
    marked = "\n# newpar" in path.read_text(encoding="utf-8")[:200_000]
    keep = not only
    text, space_after, new_paragraph = None, True, False

    def flush() -> None:
        if keep and paragraphs:
            found.append(_join(paragraphs))
        paragraphs.clear()

    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# newdoc"):
            flush()
            keep = not only or only in line
            new_paragraph = True
        elif line.startswith("# newpar"):
            new_paragraph = True
        elif line.startswith("# text = "):
            text, space_after = line[9:].strip(), True
        elif line and line[0].isdigit() and "\t" in line:
            space_after = "SpaceAfter=No" not in line.rsplit("\t", 1)[-1]
        elif not line and text is not None:
            if (
                not paragraphs
                or (marked and new_paragraph)
                or (not marked and len(paragraphs[-1]) == PARAGRAPH)
            ):
                paragraphs.append([])
            paragraphs[-1].append((text, space_after))
            text, new_paragraph = None, False
    flush()
    return found


def _join(paragraphs: list[list[tuple[str, bool]]]) -> Document:
    parts: list[str] = []
    boundaries: set[int] = set()
    position = 0
    for number, sentences in enumerate(paragraphs):
        if number:
            parts.append("\n\n")
            position += 2
        for index, (sentence, space_after) in enumerate(sentences):
            if index:
                boundaries.add(position)
            parts.append(sentence)
            position += len(sentence)
            if space_after and index + 1 < len(sentences):
                parts.append(" ")
                position += 1
    return "".join(parts), boundaries


def ours(language: str) -> Callable[[str], Spans]:
    return lambda text: [(s.start, s.end) for s in segment(text, language)]


def sentencex_splitter(language: str) -> Callable[[str], Spans]:
    def split(text: str) -> Spans:
        found = sentencex.get_sentence_boundaries(language, text)
        return stripped(text, ((b["start_index"], b["end_index"]) for b in found))

    return split


def pysbd_splitter(language: str) -> Callable[[str], Spans] | None:
    try:
        import pysbd
    except ImportError:
        return None
    if language not in PYSBD_LANGUAGES:
        return None
    segmenter = pysbd.Segmenter(language=language, clean=False, char_span=True)
    return lambda text: stripped(text, ((s.start, s.end) for s in segmenter.segment(text)))


_DOUBLE_MARKS = re.compile('["“”„«»]')


def open_quotation_positions(text: str) -> set[int]:
    """Positions inside a quotation opened earlier in their paragraph and not yet closed."""
    inside: set[int] = set()
    position = 0
    for paragraph in text.split("\n\n"):
        opened = None
        for mark in _DOUBLE_MARKS.finditer(paragraph):
            if opened is None:
                opened = mark.start()
            else:
                inside.update(range(position + opened + 1, position + mark.start()))
                opened = None
        if opened is not None:
            inside.update(range(position + opened + 1, position + len(paragraph)))
        position += len(paragraph) + 2
    return inside


def predicted(text: str, spans: Spans) -> set[int]:
    starts = set()
    for previous, span in zip(spans, spans[1:], strict=False):
        if "\n\n" not in text[previous[1] : span[0]]:
            starts.add(span[0])
    return starts


def score(split: Callable[[str], Spans], docs: list[Document], excuse: bool) -> dict:
    hits = guessed = gold = 0
    for text, boundaries in docs:
        found = predicted(text, split(text))
        if excuse:
            quoted = open_quotation_positions(text)
            found -= quoted
            boundaries = boundaries - quoted
        hits += len(found & boundaries)
        guessed += len(found)
        gold += len(boundaries)
    precision = hits / guessed if guessed else 1.0
    recall = hits / gold if gold else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"p": 100 * precision, "r": 100 * recall, "f1": 100 * f1, "gold": gold}


def rows(split_name: str) -> list[tuple[str, str, Path, str, bool]]:
    found = []
    for name, language, repository, prefix, only, excuse in TREEBANKS:
        path = UD_DIR / f"{prefix}-ud-{split_name}.conllu"
        if not path.exists():
            print(f"{name}: {path} missing: fetch UniversalDependencies/{repository}")
            continue
        found.append((name, language, path, only, excuse))
    return found


def ours_only(split_name: str) -> None:
    """Print our F1 per row as JSON (what ``--baseline`` reads from another checkout)."""
    result = {}
    for name, language, path, only, excuse in rows(split_name):
        result[name] = score(ours(language), documents(path, only), excuse)
    print(json.dumps(result))


def baseline(directory: str, split_name: str) -> dict:
    """Our F1 per row with the segmenter of the checkout in ``directory``."""
    output = subprocess.run(  # noqa: S603 - this very script, with our own arguments
        [sys.executable, __file__, "--ours-only", f"--{split_name}"],
        env={**os.environ, "BENCH_CODE_ROOT": directory, "UD_DIR": str(UD_DIR)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    arguments = sys.argv[1:]
    split_name = "dev" if "--dev" in arguments else "test"
    if "--ours-only" in arguments:
        ours_only(split_name)
        return
    before = None
    if "--baseline" in arguments:
        before = baseline(arguments[arguments.index("--baseline") + 1], split_name)
    columns = ["sentencex", "pySBD"] + (["before"] if before else []) + ["ours"]
    print(f"UD {split_name} files from {UD_DIR}; precision/recall/F1 of sentence boundaries")
    print(
        f"{'treebank':<14} {'bounds':>6}  " + "  ".join(f"{c:>16}" for c in columns) + "  best lib"
    )
    for name, language, path, only, excuse in rows(split_name):
        docs = documents(path, only)
        results = {"sentencex": score(sentencex_splitter(language), docs, excuse)}
        pysbd = pysbd_splitter(language)
        results["pySBD"] = score(pysbd, docs, excuse) if pysbd else None
        if before:
            results["before"] = before.get(name)
        results["ours"] = score(ours(language), docs, excuse)
        cells = [
            f"{r['p']:5.1f}/{r['r']:4.1f}/{r['f1']:4.1f}" if r else f"{'-':>16}"
            for r in (results[c] for c in columns)
        ]
        best = max((results[c]["f1"], c) for c in ("sentencex", "pySBD") if results[c] is not None)
        verdict = "ok" if results["ours"]["f1"] >= best[0] else "BELOW"
        print(
            f"{name:<14} {results['ours']['gold']:>6}  "
            + "  ".join(f"{c:>16}" for c in cells)
            + f"  {best[1]} {best[0]:.1f} {verdict}"
        )
    print("* GUM news: positions inside an open quotation excused (see the docstring)")


if __name__ == "__main__":
    main()
