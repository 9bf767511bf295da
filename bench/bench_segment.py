"""Compare our segmenter with sentencex and pySBD: speed per article and on ~1 MB, Golden Rules.

Run from the repository root: ``.venv/bin/python bench/bench_segment.py [--baseline DIR]``
(pySBD comes from the ``bench`` extra). ``--baseline /work/main`` also times the segmenter of
another checkout in the same process, runs interleaved with ours, and prints the ratio. Speeds are UTF-8 megabytes per second, the median of several runs:
"per article" segments the 1 MB of news copy cut at paragraph breaks into articles of about
5 kB, the sample story's size (one call each, as an import does); "1 MB" is one long text. pySBD manages about 0.1 MB/s, so it is
timed on a 40 kB slice and on the articles once.
"""

from __future__ import annotations

import importlib
import json
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sentencex  # noqa: E402

from annotator.text.segment import segment  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
LANGUAGE_RULES = ROOT / "tests" / "unit" / "data" / "pysbd_golden_rules.json"
TARGET_SIZE = 1_000_000
ARTICLE_SIZE = 5_000  # the sample story's length
PYSBD_SIZE = 40_000
RUNS = 7
TARGET_MB_S = 10.0  # issue 3: at least 10 MB/s per article
TARGET_GOLDEN = 47  # pySBD's score

Splitter = Callable[[str], list[tuple[int, int]]]


def ours(text: str) -> list[tuple[int, int]]:
    return [(span.start, span.end) for span in segment(text)]


def stripped(text: str, pieces: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """The pieces without their surrounding white space; pieces of nothing but space dropped."""
    spans = []
    for start, end in pieces:
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            spans.append((start, end))
    return spans


def sentencex_spans(text: str) -> list[tuple[int, int]]:
    """sentencex's offset API. (Its faster ``segment`` returns strings and can drop blank lines.)"""
    boundaries = sentencex.get_sentence_boundaries("en", text)
    return stripped(text, ((b["start_index"], b["end_index"]) for b in boundaries))


def pysbd_splitter() -> Splitter | None:
    try:
        import pysbd
    except ImportError:
        return None
    segmenter = pysbd.Segmenter(language="en", clean=False, char_span=True)
    return lambda text: stripped(text, ((s.start, s.end) for s in segmenter.segment(text)))


def news_text(rules: list[dict]) -> str:
    unit = (CORPUS / "kherson-withdrawal.txt").read_text(encoding="utf-8").strip() + "\n\n"
    unit += "\n\n".join(rule["text"] for rule in rules) + "\n\n"
    return (unit * (TARGET_SIZE // len(unit) + 1))[:TARGET_SIZE]


def as_articles(text: str) -> list[str]:
    """The long text cut at paragraph breaks into pieces of about ARTICLE_SIZE characters."""
    articles, start = [], 0
    while start < len(text):
        cut = text.find("\n\n", start + ARTICLE_SIZE)
        end = len(text) if cut < 0 else cut
        articles.append(text[start:end])
        start = end + 2
    return articles


def baseline_splitter(directory: str) -> Splitter:
    """The segmenter of the checkout in ``directory``, imported beside ours in this process."""
    ours_modules = {n: m for n, m in sys.modules.items() if n.split(".")[0] == "annotator"}
    for name in ours_modules:
        del sys.modules[name]
    sys.path.insert(0, directory)
    try:
        segment_before = importlib.import_module("annotator.text.segment").segment
    finally:
        sys.path.remove(directory)
        for name in [n for n in sys.modules if n.split(".")[0] == "annotator"]:
            del sys.modules[name]
        sys.modules.update(ours_modules)
    return lambda text: [(span.start, span.end) for span in segment_before(text)]


def against_baseline(directory: str, articles: list[str]) -> None:
    """Ours beside the baseline's segmenter, runs interleaved so both see the same load."""
    before = baseline_splitter(directory)
    durations: dict[str, list[float]] = {"baseline": [], "ours": []}
    for run in range(2 * RUNS + 1):
        pair = [("ours", ours), ("baseline", before)]
        for name, split in pair if run % 2 else reversed(pair):
            seconds, _ = timed(split, articles, 1)
            durations[name].append(seconds)
    size = megabytes(articles)
    speeds = {name: size / statistics.median(d) for name, d in durations.items()}
    print(
        f"per article, interleaved: ours {speeds['ours']:.2f} MB/s, {directory} "
        f"{speeds['baseline']:.2f} MB/s: ours/baseline {speeds['ours'] / speeds['baseline']:.2f}x"
    )


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


def timed(split: Splitter, texts: list[str], runs: int) -> tuple[float, int]:
    """Median seconds to split every text (one call each), and how many sentences came out."""
    durations, count = [], 0
    for _ in range(runs):
        began = time.perf_counter()
        count = sum(len(split(text)) for text in texts)
        durations.append(time.perf_counter() - began)
    return statistics.median(durations), count


def megabytes(texts: list[str]) -> float:
    return sum(len(text.encode("utf-8")) for text in texts) / 1e6


def main() -> None:
    rules = json.loads((CORPUS / "golden_rules_en.json").read_text(encoding="utf-8"))
    text = news_text(rules)
    articles = as_articles(text)
    pysbd = pysbd_splitter()
    splitters: list[tuple[str, Splitter]] = [("ours", ours), ("sentencex", sentencex_spans)]
    if pysbd is not None:
        splitters.append(("pySBD", pysbd))

    print(
        f"articles: {len(articles)} of about {ARTICLE_SIZE // 1000} kB "
        f"({megabytes(articles):.2f} MB, one call each); "
        f"long text: {megabytes([text]):.2f} MB (pySBD on its first {PYSBD_SIZE // 1000} kB)"
    )
    print(
        f"{'segmenter':<10} {'MB/s/article':>12} {'MB/s 1 MB':>10} {'sent/s':>9} "
        f"{'vs ours':>8} {'golden':>7}  offsets"
    )
    ours_speed = None
    results = {}
    for name, split in splitters:
        slow = name == "pySBD"
        sample = articles[: len(articles) // 25] if slow else articles
        per_article, _ = timed(split, sample, 1 if slow else RUNS)
        article_speed = megabytes(sample) / per_article
        long_text = text[:PYSBD_SIZE] if slow else text
        seconds, count = timed(split, [long_text], 3 if slow else RUNS)
        ours_speed = ours_speed or article_speed
        overlaps, lost = offset_problems(long_text, split(long_text))
        offsets = "exact" if not (overlaps or lost) else f"{overlaps} overlaps, {lost} chars lost"
        golden = golden_score(split, rules)
        results[name] = (article_speed, golden)
        print(
            f"{name:<10} {article_speed:>12.2f} {megabytes([long_text]) / seconds:>10.2f} "
            f"{count / seconds:>9.0f} {article_speed / ours_speed:>7.2f}x"
            f" {golden:>4}/{len(rules)}  {offsets}"
        )
    speed, golden = results["ours"]
    print()
    print(
        f"target: >= {TARGET_MB_S:g} MB/s per article: {speed:.1f} "
        f"{'met' if speed >= TARGET_MB_S else 'MISSED'}; Golden Rules >= {TARGET_GOLDEN}/48: "
        f"{golden}/{len(rules)} {'met' if golden >= TARGET_GOLDEN else 'MISSED'}"
    )
    if "pySBD" in results:
        print(f"ours vs pySBD per article: {speed / results['pySBD'][0]:.0f}x")
    else:
        print("pySBD not installed: pip install -e '.[bench]'")
    if "sentencex" in results:
        print(f"ours per article vs sentencex in this run: {speed / results['sentencex'][0]:.2f}x")
    if "--baseline" in sys.argv:
        against_baseline(sys.argv[sys.argv.index("--baseline") + 1], articles)
    languages()


def languages() -> None:
    """pySBD's per-language golden rules (tests/lang, MIT): how many each segmenter passes."""
    rules = json.loads(LANGUAGE_RULES.read_text(encoding="utf-8"))["rules"]
    try:
        import pysbd
    except ImportError:
        pysbd = None
    print()
    print(f"{'language':<9} {'cases':>5} {'ours':>5} {'pySBD':>6} {'sentencex':>10}")
    for language, cases in rules.items():
        ours_passed = sum(
            [c["text"][s.start : s.end] for s in segment(c["text"], language=language)]
            == c["expected"]
            for c in cases
        )
        sx_passed = sum(
            [p.strip() for p in sentencex.segment(language, c["text"]) if p.strip()]
            == c["expected"]
            for c in cases
        )
        if pysbd is not None:
            segmenter = pysbd.Segmenter(language=language, clean=False)
            pysbd_passed = str(
                sum(
                    [p.strip() for p in segmenter.segment(c["text"]) if p.strip()] == c["expected"]
                    for c in cases
                )
            )
        else:
            pysbd_passed = "-"
        print(f"{language:<9} {len(cases):>5} {ours_passed:>5} {pysbd_passed:>6} {sx_passed:>10}")


if __name__ == "__main__":
    main()
