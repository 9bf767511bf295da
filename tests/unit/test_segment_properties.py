"""Tiling invariants of segment() on arbitrary text: nothing lost, nothing overlapping."""

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.text.segment import segment

_GOLDEN = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "golden_rules_en.json"
_SEEDS = (
    [rule["text"] for rule in json.loads(_GOLDEN.read_text(encoding="utf-8"))]
    if _GOLDEN.exists()
    else ["Gen. Mark Milley spoke. He left."]
)

# Characters that drive the segmenter's decisions, so that random text hits its branches often.
_NEWSY = st.sampled_from(
    list(".?!…;:,—-•⁃()[]\"'“”‘’ \n\r\t\xa0\u2009\u3000\u2028\u2029\x85\x0b\x0c")
    + ["a", "b", "I", "A", "Mr.", "Gen.", "U.S.", "p.m.", "No.", "1.", "2)", "a.", ". . .", "\n\n"]
    + ["The", "he said", "e.g.", "A\xa0.", "Jan. 5", "“We won.", "\x00"]
    + ["„", "«", "»", "‘", "'", "’", ",”", "»,", "z. B.", "г.", "2022 р. Він", "Sr.", "»."]
)
_TEXT = st.one_of(
    st.text(),
    st.text(alphabet=st.characters(exclude_categories=("Cs",))),
    st.lists(_NEWSY, max_size=80).map("".join),
    st.lists(st.one_of(_NEWSY, st.sampled_from(_SEEDS), st.text(max_size=5)), max_size=12).map(
        "".join
    ),
)


_LANGUAGES = st.sampled_from(["en", "de", "fr", "es", "it", "pt", "nl", "pl", "ru", "uk", None])


def check_tiling(text: str, language: str | None = "en") -> None:
    spans = segment(text, language=language)
    covered = [False] * len(text)
    previous_end, previous_paragraph = 0, 0
    for index, (start, end, paragraph) in enumerate(spans):
        assert previous_end <= start < end <= len(text)
        sentence = text[start:end]
        assert sentence == sentence.strip() and sentence
        assert paragraph in (previous_paragraph, previous_paragraph + 1)
        assert index > 0 or paragraph == 0
        for position in range(start, end):
            covered[position] = True
        previous_end, previous_paragraph = end, paragraph
    for position, character in enumerate(text):
        assert covered[position] or character.isspace(), (position, character)


@settings(max_examples=400, deadline=None)
@given(_TEXT, _LANGUAGES)
def test_spans_tile_the_text(text, language):
    check_tiling(text, language)


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.sampled_from(_SEEDS), min_size=1, max_size=40), st.sampled_from([" ", "\n", "\n\n"])
)
def test_spans_tile_joined_news_text(texts, separator):
    check_tiling(separator.join(texts))
