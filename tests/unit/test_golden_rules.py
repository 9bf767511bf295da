"""The English Golden Rules (48 cases), compared sentence by sentence with exact offsets."""

import json

import pytest

from annotator.text.segment import segment
from tests.conftest import CORPUS

GOLDEN_RULES = CORPUS / "golden_rules_en.json"
RULES = json.loads(GOLDEN_RULES.read_text(encoding="utf-8")) if GOLDEN_RULES.exists() else []


def test_the_golden_rules_are_here() -> None:
    """Missing data fails the run (the README's 48/48 is only true when all 48 ran)."""
    assert len(RULES) == 48, (
        f"{GOLDEN_RULES} is missing or incomplete: the Golden Rules did not run"
    )


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
