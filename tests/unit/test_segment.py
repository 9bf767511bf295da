"""Sentence segmentation of news copy: paragraphs, conventions, quotations and the sample story."""

import pytest

from annotator.text import _core
from annotator.text.segment import Span, segment
from tests.conftest import corpus_file


def sentences(text: str) -> list[str]:
    return [text[span.start : span.end] for span in segment(text)]


def paragraphs(text: str) -> list[list[str]]:
    grouped: list[list[str]] = []
    for span in segment(text):
        if span.paragraph == len(grouped):
            grouped.append([])
        grouped[span.paragraph].append(text[span.start : span.end])
    return grouped


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Gen. Mark Milley spoke. Sen. Warren and Dr. Fauci met Mr. Biden in the U.S. capital.",
            [
                "Gen. Mark Milley spoke.",
                "Sen. Warren and Dr. Fauci met Mr. Biden in the U.S. capital.",
            ],
        ),
        (
            "He lives in Washington, D.C. He left on Jan. 5 at 3 p.m. and returned.",
            ["He lives in Washington, D.C.", "He left on Jan. 5 at 3 p.m. and returned."],
        ),
        ("Item No. 5 was sold. Next.", ["Item No. 5 was sold.", "Next."]),
        (
            "J. R. R. Tolkien wrote it. George W. Bush read it.",
            ["J. R. R. Tolkien wrote it.", "George W. Bush read it."],
        ),
        (
            "It cost $4.5 billion, up 3.2% from 2021. Shares fell 0.5 percent.",
            ["It cost $4.5 billion, up 3.2% from 2021.", "Shares fell 0.5 percent."],
        ),
        (
            "The footage showed... nothing?! Nobody believed it.",
            ["The footage showed... nothing?!", "Nobody believed it."],
        ),
        (
            '"Where are you going?" she asked. He did not answer.',
            ['"Where are you going?" she asked.', "He did not answer."],
        ),
        ("“Stop!” he shouted. Then he left.", ["“Stop!” he shouted.", "Then he left."]),
        (
            "WASHINGTON (AP) — The Senate voted 52-48 on Tuesday. It was close.",
            ["WASHINGTON (AP) — The Senate voted 52-48 on Tuesday.", "It was close."],
        ),
        (
            "The vote failed.The Senate adjourned.",
            ["The vote failed.", "The Senate adjourned."],
        ),
        # Titles sentencex does not know, and a boundary it misses before one.
        (
            "He left. Ms. Jones came. Atty. Gen. Garland spoke from Ft. Worth.",
            ["He left.", "Ms. Jones came.", "Atty. Gen. Garland spoke from Ft. Worth."],
        ),
        (
            "He moved in May. Lt. Col. Vindman testified.",
            ["He moved in May.", "Lt. Col. Vindman testified."],
        ),
        (
            "It began at 9 p.m. EST on Monday. At 10 a.m. Tuesday, he left. "
            "He left at 6 P.M. Mr. Smith stayed.",
            [
                "It began at 9 p.m. EST on Monday.",
                "At 10 a.m. Tuesday, he left.",
                "He left at 6 P.M.",
                "Mr. Smith stayed.",
            ],
        ),
        (
            "The company said approx. 300 jobs will go. Ohio St. vs. Michigan is at noon.",
            ["The company said approx. 300 jobs will go.", "Ohio St. vs. Michigan is at noon."],
        ),
        # A lowercase word after a full stop continues the sentence.
        (
            "They will meet to work out the main agreement. of strategic weapons control.",
            ["They will meet to work out the main agreement. of strategic weapons control."],
        ),
        ("Apple released it. iPhone sales rose.", ["Apple released it.", "iPhone sales rose."]),
        # Non-ASCII spaces make sentencex 1.0.32 panic; they must not reach it.
        ("Plan A\xa0. Next one.", ["Plan A\xa0.", "Next one."]),
    ],
)
def test_news_conventions(text, expected):
    assert sentences(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "“This scum lied from the top down. I don’t know why they weren’t shot,” he said. "
            "He left.",
            [
                "“This scum lied from the top down. I don’t know why they weren’t shot,” he said.",
                "He left.",
            ],
        ),
        (
            '"We won. They lost. Nobody can stop us," said Smith, a spokesman. He left.',
            ['"We won. They lost. Nobody can stop us," said Smith, a spokesman.', "He left."],
        ),
        # A closed quotation with no attribution after it is prose like any other.
        (
            "“We are leaving,” he said. “It’s over. There is nothing left.”",
            ["“We are leaving,” he said.", "“It’s over.", "There is nothing left.”"],
        ),
        # A quotation left open at the end of a paragraph (it goes on in the next one) does not
        # swallow the sentences after it.
        (
            "“We will fight on. Our troops are ready.\n\n“We will never surrender,” he said.",
            ["“We will fight on.", "Our troops are ready.", "“We will never surrender,” he said."],
        ),
    ],
)
def test_quotation_closed_by_attribution_stays_with_its_speaker(text, expected):
    assert sentences(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Headline\n\nBody one. Body two.", [["Headline"], ["Body one.", "Body two."]]),
        ("Headline\r\n\r\nBody one.\r\nBody two.", [["Headline"], ["Body one.", "Body two."]]),
        (
            "Russia leaves key city\nby\nKHERSON, Ukraine (Reuters) - Russia left. It won.",
            [
                ["Russia leaves key city"],
                ["by"],
                ["KHERSON, Ukraine (Reuters) - Russia left.", "It won."],
            ],
        ),
        ("WASHINGTON (AP) —\nThe Senate voted.", [["WASHINGTON (AP) —"], ["The Senate voted."]]),
        # A line that ends mid-sentence with punctuation carries on: a hard wrap.
        (
            "He said it was over,\nand left. Then he\u2028slept.",
            [["He said it was over,\nand left.", "Then he"], ["slept."]],
        ),
        (
            "Key facts:\n- Troops left. They crossed.\n- The bridge fell\n1. one\n2) two\n• three",
            [
                ["Key facts:"],
                ["- Troops left.", "They crossed."],
                ["- The bridge fell"],
                ["1. one"],
                ["2) two"],
                ["• three"],
            ],
        ),
        ("(a) alpha (b) beta (c) gamma", [["(a) alpha", "(b) beta", "(c) gamma"]]),
        ("• one • two", [["• one", "• two"]]),
        # An initial is not a list: "A." is not followed by "B." as a marker here.
        ("A. Smith met B. Jones. They talked.", [["A. Smith met B. Jones.", "They talked."]]),
        ("\n\n  \n", []),
        ("", []),
    ],
)
def test_paragraphs_and_lists(text, expected):
    assert paragraphs(text) == expected


def test_kherson_story():
    text = corpus_file("kherson-withdrawal.txt").read_text(encoding="utf-8")
    for span in segment(text):
        sentence = text[span.start : span.end]
        assert sentence and sentence == sentence.strip()
    assert paragraphs(text) == KHERSON_SENTENCES


def test_kherson_judgement_calls():
    found = sentences(corpus_file("kherson-withdrawal.txt").read_text(encoding="utf-8"))
    assert found[0] == "Russia leaves key city for Ukraine, US calls for negotiation"
    assert found[1] == "by"
    # "the main agreement. of strategic": a lowercase word after the stop, so no split.
    assert any("the main agreement. of strategic nuclear weapons control." in s for s in found)
    # The two-sentence quotation stays with "he said" and with the speaker named before it.
    assert any(
        s.startswith("The main presenter") and s.endswith("weren’t shot,” he said.") for s in found
    )
    assert found[-3:] == ["You May Also Like", "Recommended for you", "Immediate Peak"]


def test_spans_carry_offsets_and_paragraph():
    assert segment("  One. Two.\n\nThree.") == [Span(2, 6, 0), Span(7, 11, 0), Span(13, 19, 1)]


def test_long_paragraph_is_cut_into_chunks_without_losing_text():
    text = "“We won. " * (3 * _core.CHUNK // 9)
    spans = segment(text)
    assert "".join(text[s.start : s.end] for s in spans).replace(" ", "") == text.replace(" ", "")
    assert all(a.end <= b.start for a, b in zip(spans, spans[1:], strict=False))


class PanicException(BaseException):
    """Stands in for pyo3's PanicException, which sentencex raises when its Rust code panics."""


def test_a_panic_in_sentencex_falls_back_to_plain_rules(monkeypatch):
    def panic(language, text):
        raise PanicException("byte index is not a char boundary")

    monkeypatch.setattr(_core.sentencex, "segment", panic)
    assert sentences("One here. Two there.\n\nThree.") == ["One here.", "Two there.", "Three."]


def test_other_errors_from_sentencex_are_not_swallowed(monkeypatch):
    def fail(language, text):
        raise KeyboardInterrupt

    monkeypatch.setattr(_core.sentencex, "segment", fail)
    with pytest.raises(KeyboardInterrupt):
        segment("One. Two.")


# The sentences of the sample story as a reviewer would want them, paragraph by paragraph.
KHERSON_SENTENCES = [
    [
        "Russia leaves key city for Ukraine, US calls for negotiation",
    ],
    [
        "by",
    ],
    [
        (
            "Russia said on Friday it had completed its military withdrawal from Kherson, the "
            "main city it had captured in its February 24 invasion of Ukraine."
        ),
    ],
    [
        (
            "Kiev forces slowly entered the city, fearing ambushes, but accounts available on "
            "social media show that the final moments of the Russian exit were dramatic, with "
            "soldiers lining up to cross the Dniper River to Moscow’s new positions in the region "
            "it annexed in September."
        ),
    ],
    [
        (
            "The withdrawal triggered a diplomatic offensive to end the conflict by President "
            "Volodymyr Zelensky’s allies who are funding his war, starting with the US, which has "
            "already given almost $20 billion in weapons to Kiev."
        ),
    ],
    [
        (
            "US Joint Chiefs of Staff General Mark Milley told British newspaper The Times that "
            "the withdrawal opened “a window of opportunity” for leaders who will meet next week "
            "at the G20 summit in Bali to discuss peace."
        ),
    ],
    [
        (
            "Neither Zelensky nor Putin will be there, but their closest allies will: the "
            "American Joe Biden and the Chinese Xi Jinping will hold a bilateral meeting at the "
            "meeting."
        ),
        (
            "The Kremlin has denied that the Russian will make a video appearance, which the "
            "Ukrainian should do, and Moscow will be represented by Chancellor Sergei Lavrov."
        ),
    ],
    [
        "There were other notable signs this Friday.",
        (
            "Putin’s spokesman, Dmitri Peskov, said the US and Russia would sit at the table to "
            "discuss a prisoner exchange and that delegations from the two countries would meet "
            "in Cairo to work out a new version of the New Start, the main agreement. of "
            "strategic nuclear weapons control."
        ),
    ],
    [
        (
            "On the ground, the Russian withdrawal is Putin’s biggest symbolic defeat since he "
            "gave up on encircling and capturing Kiev due to insufficient force and Ukrainian "
            "reaction at the start of the conflict."
        ),
        (
            "The main presenter of Russian state TV, Vladimir Soloviev, lashed out at the "
            "country’s military leaders on his program on Wednesday night (10): “This scum lied "
            "from the top down. I don’t know why they weren’t shot,” he said."
        ),
    ],
    [
        (
            "Indeed, he did not criticize the retreat itself or the new invasion commander, "
            "Sergei Surovikin."
        ),
        (
            "This time, Putin managed to tie the most radical elements of his elite around the "
            "decision, announced drop by drop in recent weeks, with the withdrawal of the Russian "
            "administration and, later, the evacuation of civilians."
        ),
    ],
    [
        (
            "Thus, the withdrawal was praised by Chechen leader Ramzan Kadyrov and the head of "
            "the Wagner mercenary group, Yevgeny Prigojin, main opponents of Defense Minister "
            "Sergei Choigu."
        ),
    ],
    [
        (
            "In practice, Russia appears to be establishing a new frontier for Kherson, based on "
            "the course of the Dnieper River."
        ),
        (
            "Despite losing the eponymous capital and largest city in the area, with almost "
            "300,000 residents before the war, Moscow continues to dominate almost the entire "
            "territory."
        ),
    ],
    [
        (
            "Tactically, what remains to be seen is what will happen to the New Khakova "
            "hydroelectric plant, which is vital to the region."
        ),
        "Kiev and Moscow accused each other of planning to blow it up, flooding the region.",
        (
            "This would likely end the water supply channel to Crimea, annexed by the Russians in "
            "2014, which lies to the south."
        ),
    ],
    [
        (
            "The canal had been interrupted by the Ukrainians, but was reopened as soon as Russia "
            "took Kherson in March."
        ),
    ],
    [
        (
            "Peskov said that despite the withdrawal, Moscow continued to regard territory west "
            "of the river as its own, prompting speculation whether the Kremlin would play its "
            "nuclear bluff and employ a low-powered tactical warhead against the Ukrainians — "
            "Russian atomic doctrine predicts the use of this type of weapon in case of "
            "existential threats to the sovereignty of the State."
        ),
    ],
    [
        "In the other attached regions, the control varies.",
        "It is practically total in Lugansk, large in Zaporyzhia and about 60% in Donetsk.",
        (
            "In the event of a peace negotiation, Kiev will hardly accept to lose some territory "
            "and Moscow, to hand over something it has in hand."
        ),
    ],
    [
        "At Kherson, there were about 40,000 Russian soldiers.",
        (
            "With the offensive mounted by Ukraine over three months, with attacks on bridges "
            "that served as a supply route for its troops in the city, the Russian position "
            "became indefensible."
        ),
        "This led to the retreat, to avoid loss of forces.",
    ],
    [
        (
            "A Ukrainian flag was placed on a building in the city’s central square in the middle "
            "of the night, but Kiev forces did not begin to enter the city until the morning."
        ),
        (
            "Unproven footage showed Ukrainian batteries firing at Russian soldiers crossing "
            "points on the river."
        ),
    ],
    [
        (
            "One video, this believable, showed the despair of a Russian soldier arriving across "
            "the Dnieper at dawn, saying his commanders had ordered troops to flee in the dead of "
            "night."
        ),
    ],
    [
        (
            "According to the Ukrainians, the Russians blew up the remaining bridges over the "
            "river, and fortified the entire east bank."
        ),
        (
            "Satellite images show pyramidal concrete structures known as dragon’s teeth to "
            "prevent the passage of armored vehicles, trenches and walls, as well as artillery "
            "positions."
        ),
    ],
    [
        (
            "If the war were to come to a ceasefire today, the area would look like demilitarized "
            "zones around the world, like the border between the two Koreas."
        ),
    ],
    [
        "You May Also Like",
    ],
    [
        "Recommended for you",
    ],
    [
        "Immediate Peak",
    ],
]
