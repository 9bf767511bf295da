"""Compare our segmenter with sentencex and pySBD: speed on ~1 MB of news text, Golden Rules score.

Run from the repository root: ``.venv/bin/python bench/bench_segment.py`` (pySBD comes from
the ``bench`` extra). pySBD manages about 0.1 MB/s, so it is timed on a 40 kB slice only.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sentencex  # noqa: E402

from annotator.text.segment import segment  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
TARGET_SIZE = 1_000_000
PYSBD_SIZE = 40_000
RUNS = 5

Splitter = Callable[[str], list[tuple[int, int]]]


def ours(text: str) -> list[tuple[int, int]]:
    return [(span.start, span.end) for span in segment(text)]


def sentencex_spans(text: str) -> list[tuple[int, int]]:
    """sentencex's offset API. (Its faster ``segment`` returns strings and can drop blank lines.)"""
    spans = []
    for boundary in sentencex.get_sentence_boundaries("en", text):
        start, end = boundary["start_index"], boundary["end_index"]
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            spans.append((start, end))
    return spans


def pysbd_splitter() -> Splitter | None:
    try:
        import pysbd
    except ImportError:
        return None
    segmenter = pysbd.Segmenter(language="en", clean=False, char_span=True)

    def spans(text: str) -> list[tuple[int, int]]:
        result = []
        for span in segmenter.segment(text):
            start, end = span.start, span.end
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            result.append((start, end))
        return result

    return spans


def news_text(rules: list[dict]) -> str:
    unit = (CORPUS / "kherson-withdrawal.txt").read_text(encoding="utf-8").strip() + "\n\n"
    unit += "\n\n".join(rule["text"] for rule in rules) + "\n\n"
    return (unit * (TARGET_SIZE // len(unit) + 1))[:TARGET_SIZE]


def golden_score(split: Splitter, rules: list[dict]) -> int:
    return sum(
        [rule["text"][s:e] for s, e in split(rule["text"])] == rule["expected"] for rule in rules
    )


def offset_problems(text: str, spans: list[tuple[int, int]]) -> tuple[int, int]:
    """Count overlapping spans and non-space characters that no span covers."""
    overlaps = sum(a[1] > b[0] for a, b in zip(spans, spans[1:], strict=False))
    covered = bytearray(len(text))
    for start, end in spans:
        covered[start:end] = b"\x01" * (end - start)
    lost = sum(1 for i, ch in enumerate(text) if not covered[i] and not ch.isspace())
    return overlaps, lost


def timed(split: Splitter, text: str, runs: int) -> tuple[float, int]:
    durations, count = [], 0
    for _ in range(runs):
        began = time.perf_counter()
        count = len(split(text))
        durations.append(time.perf_counter() - began)
    return statistics.median(durations), count


def main() -> None:
    rules = json.loads((CORPUS / "golden_rules_en.json").read_text(encoding="utf-8"))
    text = news_text(rules)
    candidates: list[tuple[str, Splitter, str, int]] = [
        ("ours", ours, text, RUNS),
        ("sentencex", sentencex_spans, text, RUNS),
    ]
    pysbd = pysbd_splitter()
    if pysbd is not None:
        candidates.append(("pySBD", pysbd, text[:PYSBD_SIZE], 3))

    print(
        f"text: {len(text) / 1e6:.2f} MB of news copy (pySBD on the first {PYSBD_SIZE // 1000} kB)"
    )
    print(f"{'segmenter':<10} {'MB/s':>8} {'sent/s':>10} {'vs ours':>8} {'golden':>7}  offsets")
    baseline = None
    for name, split, sample, runs in candidates:
        seconds, count = timed(split, sample, runs)
        mb_per_s = len(sample) / seconds / 1e6
        baseline = baseline or mb_per_s
        overlaps, lost = offset_problems(sample, split(sample))
        offsets = "exact" if not (overlaps or lost) else f"{overlaps} overlaps, {lost} chars lost"
        print(
            f"{name:<10} {mb_per_s:>8.2f} {count / seconds:>10.0f} {mb_per_s / baseline:>7.2f}x"
            f" {golden_score(split, rules):>4}/{len(rules)}  {offsets}"
        )
    if pysbd is None:
        print("pySBD not installed: pip install -e '.[bench]'")


if __name__ == "__main__":
    main()
