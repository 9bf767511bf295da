"""Precision/recall of the attribution detector and the check-worthiness hint on a labelled set.

Run with ``-s`` to see the figures (docs/cues.md quotes them). The set is
tests/unit/data/cues_labelled.jsonl: sentences written for it, plus every sentence of the sample
corpus article, which is read and segmented here rather than copied into the repo.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from annotator.text.cues import THRESHOLD, analyse, analyse_many
from annotator.text.segment import segment
from tests.conftest import corpus_file

LABELLED = Path(__file__).parent / "data" / "cues_labelled.jsonl"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "cues.md"
_STOP = frozenset(["the", "a", "an", "of", "in", "at", "for", "on", "to", "by", "and", "from"])
_WORD = re.compile(r"\w+")

# Floors a change to the rules must keep, over the whole set and over the held-out sentences alone
# (never tuned on, so the honest estimate; only 45 sentences, so one miss moves a figure by ~0.03).
# The figures measured are quoted in docs/cues.md; test_docs_quote_the_measured_figures keeps them true.
FLOORS = {
    "all": {
        "attribution": {"precision": 0.9, "recall": 0.9},
        "hint": {"precision": 0.85, "recall": 0.85},
    },
    "held-out": {
        "attribution": {"precision": 0.9, "recall": 0.9},
        "hint": {"precision": 0.85, "recall": 0.8},
    },
}
THRESHOLDS = (35, 40, 45, 50, 55, 60)  # the columns of the docs' threshold table


def normalise(source: str) -> set[str]:
    """Lowercase words of a source phrase without possessives and function words."""
    words = _WORD.findall(source.lower().replace("’", "'").replace("'s", ""))
    return {word for word in words if word not in _STOP}


def same_source(gold: str, found: str) -> bool:
    """Match when at least half the words of the shorter phrase are in the longer one."""
    gold_words, found_words = normalise(gold), normalise(found)
    if not gold_words or not found_words:
        return False
    return len(gold_words & found_words) / min(len(gold_words), len(found_words)) >= 0.5


def load_labelled() -> list[dict]:
    rows = [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines() if line]
    corpora: dict[str, list[str]] = {}
    resolved = []
    for row in rows:
        if "corpus" in row:
            if row["corpus"] not in corpora:
                text = corpus_file(row["corpus"]).read_text(encoding="utf-8")
                corpora[row["corpus"]] = [text[s.start : s.end] for s in segment(text)]
            matches = [s for s in corpora[row["corpus"]] if s.startswith(row["starts_with"])]
            assert len(matches) == 1, f"{row['starts_with']!r} matches {len(matches)} sentences"
            row = {**row, "text": matches[0]}
        resolved.append(row)
    labelled_corpus = sum(1 for row in rows if "corpus" in row)
    assert labelled_corpus == sum(len(sentences) for sentences in corpora.values()), (
        "every sentence of a labelled corpus article has a label"
    )
    return resolved


def prf(true_positive: int, predicted: int, actual: int) -> dict[str, float]:
    precision = true_positive / predicted if predicted else 1.0
    recall = true_positive / actual if actual else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def measure(rows: list[dict]) -> tuple[dict[str, float], dict[str, float], list[str]]:
    found_correct = found = gold = 0
    hint_correct = hinted = worthy = 0
    misses = []
    for row, analysis in zip(rows, analyse_many(row["text"] for row in rows), strict=True):
        detected = analysis.attribution.source if analysis.attribution else None
        if row["source"]:
            gold += 1
        if detected:
            found += 1
            if row["source"] and same_source(row["source"], detected):
                found_correct += 1
            else:
                misses.append(f"attribution {detected!r} != {row['source']!r}: {row['text']}")
        elif row["source"]:
            misses.append(f"attribution missed {row['source']!r}: {row['text']}")
        predicted = analysis.score >= THRESHOLD
        hinted += predicted
        worthy += row["check_worthy"]
        hint_correct += predicted and row["check_worthy"]
        if predicted != row["check_worthy"]:
            misses.append(f"hint {analysis.score} {analysis.reasons}: {row['text']}")
    return prf(found_correct, found, gold), prf(hint_correct, hinted, worthy), misses


def splits() -> dict[str, list[dict]]:
    """The labelled rows by split: development (tuned on), held-out (never tuned on), and all."""
    rows = load_labelled()
    return {
        "development": [row for row in rows if row.get("split") != "heldout"],
        "held-out": [row for row in rows if row.get("split") == "heldout"],
        "all": rows,
    }


def test_labelled_set_is_large_and_varied():
    rows = load_labelled()
    assert len(rows) >= 150
    assert 0.3 < sum(bool(row["source"]) for row in rows) / len(rows) < 0.8
    assert 0.3 < sum(row["check_worthy"] for row in rows) / len(rows) < 0.9


def report(name: str, rows: list[dict]) -> tuple[dict[str, float], dict[str, float]]:
    attribution, hint, misses = measure(rows)
    print(f"\n{name}: {len(rows)} sentences")
    print("  attribution: " + ", ".join(f"{k} {v:.3f}" for k, v in attribution.items()))
    print(f"  hint (score >= {THRESHOLD}): " + ", ".join(f"{k} {v:.3f}" for k, v in hint.items()))
    for miss in misses:
        print("    " + miss)
    return attribution, hint


def hint_by_threshold(rows: list[dict]) -> dict[int, dict[str, float]]:
    scores = [
        (analysis.score, row["check_worthy"])
        for row, analysis in zip(rows, analyse_many(row["text"] for row in rows), strict=True)
    ]
    worthy = sum(gold for _, gold in scores)
    return {
        threshold: prf(
            sum(gold for score, gold in scores if score >= threshold),
            sum(score >= threshold for score, _ in scores),
            worthy,
        )
        for threshold in THRESHOLDS
    }


@pytest.mark.parametrize("split", FLOORS)
def test_precision_and_recall_stay_above_the_floor(split):
    rows = splits()[split]
    attribution, hint = report(split, rows)
    floors = FLOORS[split]
    for name, floor in floors["attribution"].items():
        assert attribution[name] >= floor, (split, "attribution", name, attribution)
    for name, floor in floors["hint"].items():
        assert hint[name] >= floor, (split, "hint", name, hint)


def test_docs_quote_the_measured_figures():
    """docs/cues.md shows what this file measures: run with -s to print the rows to paste."""
    docs = DOCS.read_text(encoding="utf-8")
    expected = []
    for split, rows in splits().items():
        attribution, hint, _ = measure(rows)
        expected.append(
            f"| {split} ({len(rows)}) | {attribution['precision']:.3f} | "
            f"{attribution['recall']:.3f} | {hint['precision']:.3f} | {hint['recall']:.3f} |"
        )
    table = hint_by_threshold(splits()["all"])
    for name in ("precision", "recall"):
        cells = (
            f"**{figures[name]:.3f}**" if threshold == THRESHOLD else f"{figures[name]:.3f}"
            for threshold, figures in table.items()
        )
        expected.append(f"| {name} | " + " | ".join(cells) + " |")
    print("\n" + "\n".join(expected))
    missing = [line for line in expected if line not in docs]
    assert not missing, f"docs/cues.md does not show the measured figures: {missing}"


def test_same_source_is_lenient_on_titles_but_not_on_people():
    assert same_source("General Mark Milley", "US Joint Chiefs of Staff General Mark Milley")
    assert same_source("the Ukrainians", "Ukrainians")
    assert same_source("Putin's spokesman", "Putin’s spokesman")
    assert not same_source("Dmitri Peskov", "Vladimir Soloviev")
    assert not same_source("the Kremlin", "")


def test_speed_is_reported():
    """Prints sentences per second (the page analyses every sentence when it renders)."""
    sentences = [row["text"] for row in load_labelled()] * 20
    began = time.perf_counter()
    analyses = analyse_many(sentences)
    elapsed = time.perf_counter() - began
    print(f"\nspeed: {len(sentences) / elapsed:,.0f} sentences/s over {len(sentences)} sentences")
    assert len(analyses) == len(sentences)
    assert analyses[0] == analyse(sentences[0])
