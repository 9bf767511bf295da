"""What a claim-matching score means: calibrated, monotone, tiered, and explained by shared words."""

from __future__ import annotations

import pytest

from annotator.text import claim_score, encoder
from annotator.text.claim_score import RELATED, SAME_CLAIM, probability, shared_spans, tier

CLAIM = "Pope Francis endorsed Donald Trump for president of the United States."


def score(sentence: str, claim: str = CLAIM) -> float:
    cosine = float(encoder.encode_claims([claim])[0] @ encoder.encode_sentence(sentence))
    return probability(sentence, claim, cosine)


def test_a_paraphrase_is_offered_as_the_same_claim_and_an_unrelated_sentence_not_at_all():
    paraphrase = (
        "Pope Francis has endorsed Donald Trump in the race for president, the Vatican said."
    )
    unrelated = "Kiev forces slowly entered the city, fearing ambushes, after the Russian exit."
    assert tier(score(paraphrase), paraphrase) == "same"
    assert tier(score(unrelated), unrelated) is None
    assert score(paraphrase) - score(unrelated) > 0.5


def test_a_spanish_paraphrase_of_an_english_claim_is_offered():
    spanish = "El papa Francisco respaldó a Donald Trump como candidato a la presidencia de Estados Unidos."
    assert tier(score(spanish), spanish) in {"same", "related"}


@pytest.mark.parametrize(
    "sentence",
    [
        "There were other notable signs this Friday.",
        "The withdrawal triggered a diplomatic offensive to end the conflict.",
        "Prices at the pump rose for the third week in a row, the agency said.",
        "The museum reopened on Tuesday after two years of renovation work.",
    ],
)
@pytest.mark.parametrize(
    "claim",
    [
        "Pranksters altered the Hollywood sign to read 'Hollyweed'.",
        "A video shows soldiers entering a city in Syria.",
        CLAIM,
        "Drinking hot water every fifteen minutes kills the coronavirus.",
    ],
)
def test_unrelated_news_is_not_offered(sentence, claim):
    assert score(sentence, claim) < RELATED


@pytest.mark.parametrize(
    ("sentence", "claim"),
    [
        (CLAIM, CLAIM),
        ("The pope endorsed Trump.", CLAIM),
        ("El papa apoyó a Trump.", CLAIM),
        ("", CLAIM),
    ],
)
def test_probability_is_a_probability_that_grows_with_the_cosine(sentence, claim):
    values = [probability(sentence, claim, cosine / 100) for cosine in range(-100, 101, 5)]
    assert all(0.0 <= value <= 1.0 for value in values)
    assert values == sorted(values)
    assert values[-1] > values[0]


def test_short_sentences_are_never_the_same_claim():
    assert tier(0.999, "Trump endorsed by pope.") == "related"
    assert tier(0.999, "The pope endorsed Donald Trump for president in 2016.") == "same"


def test_tiers_follow_the_thresholds_and_a_desk_may_move_them():
    long = "The pope endorsed Donald Trump for president in 2016."
    assert RELATED < SAME_CLAIM
    assert tier(SAME_CLAIM, long) == "same"
    assert tier(RELATED, long) == "related"
    assert tier(RELATED - 0.01, long) is None
    assert tier(0.5, long, same=0.4, related=0.2) == "same"
    assert tier(0.5, long, same=0.9, related=0.6) is None


def test_shared_spans_mark_the_shared_words_and_names_in_both_texts():
    sentence = "BREAKING: the Pope endorses Trump! #Election2016"
    spans_s, spans_c = shared_spans(sentence, CLAIM)
    assert [sentence[a:b] for a, b in spans_s] == ["Pope", "endorses", "Trump"]
    assert [CLAIM[a:b] for a, b in spans_c] == ["Pope", "endorsed", "Trump"]


def test_shared_spans_count_characters_of_non_ascii_text():
    sentence = "Él dijo que Zelenskyy visitó Jersón el 11 de noviembre — «Jersón es nuestra»."
    claim = "Zelenskyy visitó Jersón (Херсо́н) en noviembre."
    spans_s, spans_c = shared_spans(sentence, claim)
    assert [sentence[a:b] for a, b in spans_s] == [
        "Zelenskyy", "visitó", "Jersón", "noviembre", "Jersón",
    ]  # fmt: skip
    assert [claim[a:b] for a, b in spans_c] == ["Zelenskyy", "visitó", "Jersón", "noviembre"]


def test_shared_spans_of_numbers_and_handles():
    sentence = "@RealDonaldTrump says 1,000 jobs, up 5%"
    claim = "Donald Trump said 1000 jobs were created."
    spans_s, spans_c = shared_spans(sentence, claim)
    assert [sentence[a:b] for a, b in spans_s] == ["Donald", "Trump", "1,000", "jobs"]
    assert [claim[a:b] for a, b in spans_c] == ["Donald", "Trump", "1000", "jobs"]


def test_nothing_shared_gives_no_spans():
    assert shared_spans("Il pleut à Paris.", "The pope endorsed Trump.") == ([], [])
    assert shared_spans("", "") == ([], [])


def test_words_in_different_scripts_count_as_two_languages():
    assert claim_score.cross_language("교황이 트럼프를 지지했다", CLAIM)
    assert not claim_score.cross_language("The pope endorsed Trump for president", CLAIM)
