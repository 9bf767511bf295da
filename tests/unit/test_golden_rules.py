"""The English Golden Rules (48 cases), compared sentence by sentence with exact offsets."""

import json
from pathlib import Path

import pytest

from annotator.text.segment import segment

GOLDEN_RULES = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "golden_rules_en.json"
RULES = json.loads(GOLDEN_RULES.read_text(encoding="utf-8")) if GOLDEN_RULES.exists() else []

pytestmark = pytest.mark.skipif(not RULES, reason=f"{GOLDEN_RULES} not found")


def sentences(text: str) -> list[str]:
    return [text[span.start : span.end] for span in segment(text)]


@pytest.mark.parametrize("rule", RULES, ids=[f"{r['id']}-{r['rule']}" for r in RULES])
def test_golden_rule(rule):
    # The expected sentences are exact substrings of the text (checked below), so they are
    # compared as they are, with no whitespace normalisation.
    assert sentences(rule["text"]) == rule["expected"]


def test_expected_sentences_are_exact_substrings_in_order():
    for rule in RULES:
        position = 0
        for sentence in rule["expected"]:
            found = rule["text"].find(sentence, position)
            assert found >= 0, rule["id"]
            position = found + len(sentence)


def test_score(capsys):
    passed = sum(sentences(rule["text"]) == rule["expected"] for rule in RULES)
    with capsys.disabled():
        print(f"\nGolden Rules: {passed}/{len(RULES)}")
    assert passed == len(RULES) == 48
