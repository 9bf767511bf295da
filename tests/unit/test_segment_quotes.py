"""The quotation policy (docs/segmentation.md): a quotation hides sentence boundaries only when it
closes in its paragraph and a short attribution follows; unclosed or unbalanced marks never merge."""

import pytest

from annotator.text import _quotes
from annotator.text.segment import segment


def sentences(text: str, language: str = "en") -> list[str]:
    return [text[span.start : span.end] for span in segment(text, language=language)]


def test_multi_paragraph_quotation_splits_every_paragraph_into_its_sentences():
    # News style: each paragraph of a long quotation opens with a mark; only the last closes.
    text = (
        "“We will fight on the beaches. We will fight on the landing grounds.\n\n"
        "“We will fight in the fields. We will never surrender. Our troops are ready.\n\n"
        "“We shall go on to the end,” he said. The House stood."
    )
    assert sentences(text) == [
        "“We will fight on the beaches.",
        "We will fight on the landing grounds.",
        "“We will fight in the fields.",
        "We will never surrender.",
        "Our troops are ready.",
        "“We shall go on to the end,” he said.",
        "The House stood.",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # An opening mark that never closes: the excerpt lost its closing mark.
        (
            'He wrote: "The plan failed. Costs doubled. Nobody was told. We left.',
            ['He wrote: "The plan failed.', "Costs doubled.", "Nobody was told.", "We left."],
        ),
        # Two opening marks and one closing: the first quotation is unclosed and must not pair
        # with the later closing mark (sentencex alone returns one sentence here).
        (
            "“We will fight on. Our troops are ready. They said: “No way.” We left.",
            ["“We will fight on.", "Our troops are ready.", "They said: “No way.”", "We left."],
        ),
        # A stray straight quote does not swallow the next sentences.
        (
            'The "so-called expert said so. He was wrong. We know.',
            ['The "so-called expert said so.', "He was wrong.", "We know."],
        ),
        # Inches: a closing-looking mark with no opening one.
        ('It was 5" long. He said so. We know.', ['It was 5" long.', "He said so.", "We know."]),
        # A closed quotation with nothing attributing it is prose like any other.
        (
            "He said: “We won. They lost.” Then he left.",
            ["He said: “We won.", "They lost.”", "Then he left."],
        ),
        ("“We won.” He left.", ["“We won.”", "He left."]),
    ],
)
def test_unclosed_or_unattributed_quotations_never_merge_sentences(text, expected):
    assert sentences(text) == expected


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("“We won. They lost,” he said. Then he left.", "en", ["“We won. They lost,” he said."]),
        ('"We won. They lost," said Smith, a spokesman. No.', "en", ['"We won. They lost," said']),
        ("'We won. They lost,' she said. Then.", "en", ["'We won. They lost,' she said."]),
        ("“Where? Why?” John asked. He left.", "en", ["“Where? Why?” John asked."]),
        ("„Wir haben gewonnen. Sie haben verloren“, sagte er. Dann ging er.", "de", ["„Wir"]),
        ("»Wir haben gewonnen. Sie haben verloren«, sagte er. Dann ging er.", "de", ["»Wir"]),
        ("« Nous avons gagné. Ils ont perdu », a-t-il dit. Puis il est parti.", "fr", ["« Nous"]),
        ("«Мы победили. Они проиграли», — сказал он. Потом ушёл.", "ru", ["«Мы победили."]),
        ("«Hemos ganado. Ellos perdieron», dijo el presidente. Luego se fue.", "es", ["«Hemos"]),
    ],
)
def test_closed_quotation_with_short_attribution_stays_one_sentence(text, language, expected):
    found = sentences(text, language)
    assert len(found) == 2
    assert found[0].startswith(expected[0])
    assert found[0].endswith(".") and not found[1].startswith(("”", "“", "»", "«", "'"))


def test_long_quotation_is_split_even_with_attribution():
    quotation = " ".join(f"Point {n} is made." for n in range(40))
    assert len(quotation) > _quotes.QUOTE_LIMIT
    found = sentences(f"“{quotation},” he said.")
    assert len(found) == 40
    assert found[-1] == "Point 39 is made.,” he said."


def test_long_attribution_does_not_hold_a_quotation_together():
    text = (
        "“We won. They lost,” The Committee For The Protection Of Everything And Everyone In "
        "The Whole Wide World Said Today."
    )
    assert len(sentences(text)) == 2


def test_closing_marks_stay_with_their_sentence():
    text = "She asked: «Did you see mum?». He did not answer."
    assert sentences(text, "ru") == ["She asked: «Did you see mum?».", "He did not answer."]
