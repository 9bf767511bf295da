"""Attribution, cues and the check-worthiness hint (annotator.text.cues), without an app."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.text.cues import THRESHOLD, Analysis, analyse, analyse_many
from annotator.text.segment import segment
from tests.conftest import corpus_file


@pytest.fixture(scope="module")
def kherson() -> list[str]:
    text = corpus_file("kherson-withdrawal.txt").read_text(encoding="utf-8")
    return [text[span.start : span.end] for span in segment(text)]


def sentence_starting(sentences: list[str], prefix: str) -> str:
    [sentence] = [s for s in sentences if s.startswith(prefix)]
    return sentence


@pytest.mark.parametrize(
    ("prefix", "source", "cue"),
    [
        ("Russia said on Friday", "Russia", "said"),
        ("Putin’s spokesman, Dmitri Peskov", "Dmitri Peskov", "said"),
        ("Peskov said that despite", "Peskov", "said"),
        ("US Joint Chiefs of Staff", "General Mark Milley", "told"),
        (
            "The main presenter of Russian state TV",
            "Vladimir Soloviev (Russian state TV)",
            "lashed out",
        ),
        ("According to the Ukrainians", "the Ukrainians", "according to"),
        ("Unproven footage showed", "Unproven footage", "showed"),
        ("Kiev forces slowly entered", "social media", "show"),
        ("The Kremlin has denied", "The Kremlin", "denied"),
        ("Kiev and Moscow accused", "Kiev and Moscow", "accused"),
        ("Satellite images show", "Satellite images", "show"),
    ],
)
def test_kherson_attributions_are_suggested(kherson, prefix, source, cue):
    sentence = sentence_starting(kherson, prefix)
    attribution = analyse(sentence).attribution
    assert attribution is not None
    assert (attribution.source, attribution.cue) == (source, cue)
    assert sentence[attribution.start : attribution.end] == source.split(" (")[0]


@pytest.mark.parametrize(
    ("sentence", "speaker", "outlet"),
    [
        (
            "The main presenter of Russian state TV, Vladimir Soloviev, lashed out at the army.",
            "Vladimir Soloviev",
            "Russian state TV",
        ),
        (
            "Yevgeny Prigozhin, the head of the Wagner group, said the town had fallen.",
            "Yevgeny Prigozhin",
            "Wagner group",
        ),
        (
            "An analyst at Goldman Sachs, John Smith, said rates would rise.",
            "John Smith",
            "Goldman Sachs",
        ),
        # a role that names no outlet: the name alone
        ("Dmitri Peskov, the Kremlin spokesman, said no deal was near.", "Dmitri Peskov", None),
        ("Putin’s spokesman, Dmitri Peskov, said the talks would go on.", "Dmitri Peskov", None),
        ("The editor of the show, Jane Doe, said the episode was cut.", "Jane Doe", None),
    ],
)
def test_suggestion_names_the_outlet_a_speaker_works_for(sentence, speaker, outlet):
    attribution = analyse(sentence).attribution
    assert attribution is not None
    assert sentence[attribution.start : attribution.end] == speaker
    assert attribution.affiliation == outlet
    assert attribution.source == (f"{speaker} ({outlet})" if outlet else speaker)


@pytest.mark.parametrize(
    "prefix",
    ["There were other notable signs", "Indeed, he did not criticize", "You May Also Like", "by"],
)
def test_kherson_sentences_without_a_speaker_get_no_suggestion(kherson, prefix):
    assert analyse(sentence_starting(kherson, prefix)).attribution is None


def test_kherson_hedges_and_credibility_cues_are_highlighted(kherson):
    labels = {cue.label for sentence in kherson for cue in analyse(sentence).cues}
    for label in [
        "credibility: unproven",
        "credibility: believable",
        "hedge: appears",
        "hedge: likely",
        "hedge: speculation",
    ]:
        assert label in labels


def test_kherson_claims_outrank_web_clutter(kherson):
    scores = {s: analyse(s).score for s in kherson}
    clutter = ["You May Also Like", "Recommended for you", "Immediate Peak", "by"]
    assert all(scores[s] < THRESHOLD for s in clutter)
    assert scores[sentence_starting(kherson, "At Kherson, there were about")] >= THRESHOLD
    assert scores[sentence_starting(kherson, "The withdrawal triggered")] >= THRESHOLD


@pytest.mark.parametrize(
    ("sentence", "source"),
    [
        (
            "“We will not retreat,” said Defense Minister Sergei Shoigu.",
            "Defense Minister Sergei Shoigu",
        ),
        ("The agency, citing two diplomats, said the meeting was off.", "The agency"),
        ("Officials, who spoke on condition of anonymity, said a deal was close.", "Officials"),
        (
            "A spokesman for the army told the BBC the attack was repelled.",
            "A spokesman for the army",
        ),
        ("The minister's claims that crime had fallen were false.", "The minister"),
        ("Footage posted on Telegram showed a burning tank.", "Telegram"),
        ("The claims were denied by the ministry.", "the ministry"),
        ("Vladimir Soloviev was furious: “They lied,” he said.", "Vladimir Soloviev"),
        ("“It is over,” he said.", "he"),
    ],
)
def test_attribution_patterns(sentence, source):
    attribution = analyse(sentence).attribution
    assert attribution is not None and attribution.source == source
    assert sentence[attribution.start : attribution.end] == source


@pytest.mark.parametrize(
    "sentence",
    [
        "It is said that the palace has 300 rooms.",  # a hedge, nobody speaks
        "The company posted a loss of $120 million.",
        "The claim could not be independently verified.",
        "The video appears to have been filmed elsewhere.",
        "In May, prices rose.",
    ],
)
def test_no_speaker_is_invented(sentence):
    assert analyse(sentence).attribution is None


@pytest.mark.parametrize(
    ("sentence", "label"),
    [
        (
            "The claim could not be independently verified.",
            "credibility: could not be independently verified",
        ),
        ("The suspect was allegedly seen at the scene.", "hedge: allegedly"),
        ("He reportedly left at dawn.", "hedge: reportedly"),
        ("Rumours of a merger swirled.", "hedge: rumours"),
        ("The unconfirmed report spread fast.", "credibility: unconfirmed"),
        ("It is said that the palace has 300 rooms.", "hedge: it is said"),
        ("The photos purportedly show the senator.", "hedge: purportedly"),
        ("Prices rose 8.5 percent.", "percentage: 8.5 percent"),
        ("The US has given almost $20 billion in weapons.", "money: $20 billion"),
        ("It is the biggest defeat since 1945.", "comparison: biggest"),
        ("I think the council is wrong.", "opinion: i think"),
    ],
)
def test_cues_are_labelled(sentence, label):
    cues = analyse(sentence).cues
    assert label in [cue.label for cue in cues]
    assert all(sentence[c.start : c.end] == c.text for c in cues)


def test_a_month_is_not_a_hedge():
    assert not [c for c in analyse("Kherson was taken in May.").cues if c.kind == "hedge"]
    assert [c for c in analyse("The talks may have failed.").cues if c.kind == "hedge"]


def test_score_explains_itself_and_ranks_claims_above_opinion_and_questions():
    claim = analyse("Police said 14 people were killed, the highest toll since 2015.")
    opinion = analyse("I think we should all be proud of this town.")
    question = analyse("Will the government keep its promise?")
    assert claim.score >= THRESHOLD > opinion.score
    assert question.score < THRESHOLD
    assert any("attributed" in r for r in claim.reasons)
    assert any("number" in r for r in claim.reasons)
    assert any("comparison" in r for r in claim.reasons)
    assert any("opinion" in r for r in opinion.reasons)
    assert "a question" in question.reasons


def test_analyse_many_keeps_order_and_matches_analyse():
    sentences = ["Peskov said so.", "", "Prices rose 5%."]
    assert analyse_many(sentences) == [analyse(s) for s in sentences]
    assert analyse_many(iter(sentences))[0].attribution.source == "Peskov"


def test_non_text_is_refused_with_a_clear_message():
    with pytest.raises(TypeError, match="str"):
        analyse(None)  # type: ignore[arg-type]


_NEWSY = st.sampled_from(
    [
        " ",
        ", ",
        ".",
        "“",
        "”",
        "’s",
        "'",
        "-",
        "\n",
        "\x00",
        "\u0301",
        "İ",
        "ß",
        "$",
        "%",
        "5",
        "1,000",
    ]
    + ["said", "told", "according to", "he", "The", "Peskov", "Dmitri", "General", "of", "who"]
    + ["citing", "footage", "showed", "on social media", "claims", "allegedly", "may", "May"]
    + ["could not be independently verified", "more than", "I think", "?", "by", "lashed out"]
)
_TEXT = st.one_of(
    st.text(),
    st.lists(_NEWSY, max_size=40).map("".join),
    st.lists(st.one_of(_NEWSY, st.text(max_size=3)), max_size=30).map("".join),
)


def check(sentence: str, analysis: Analysis) -> None:
    assert 0 <= analysis.score <= 100
    assert all(isinstance(reason, str) and reason for reason in analysis.reasons)
    previous_end = 0
    for cue in analysis.cues:
        assert previous_end <= cue.start < cue.end <= len(sentence)
        assert sentence[cue.start : cue.end] == cue.text
        assert cue.label
        previous_end = cue.end
    if analysis.attribution is not None:
        attribution = analysis.attribution
        assert 0 <= attribution.start < attribution.end <= len(sentence)
        speaker = sentence[attribution.start : attribution.end]
        if attribution.affiliation is None:
            assert attribution.source == speaker
        else:
            assert attribution.source == f"{speaker} ({attribution.affiliation})"
            assert attribution.affiliation.strip() and attribution.affiliation in " ".join(
                sentence.split()
            )
        assert attribution.cue


@settings(max_examples=500, deadline=None)
@given(_TEXT)
def test_never_raises_and_offsets_are_valid(sentence):
    check(sentence, analyse(sentence))


# ----- other languages: hedge and credibility cues -------------------------------------------

WIRE_DISCLAIMERS = [
    (
        "es",
        "El vídeo, que no ha podido ser verificado de forma independiente, muestra presuntamente a soldados.",
        {
            ("credibility", "no ha podido ser verificado de forma independiente"),
            ("hedge", "presuntamente"),
        },
    ),
    (
        "fr",
        "La vidéo, qui n'a pas pu être vérifiée de manière indépendante, montre prétendument des soldats.",
        {
            ("credibility", "n'a pas pu être vérifiée de manière indépendante"),
            ("hedge", "prétendument"),
        },
    ),
    (
        "pt",
        "O vídeo não pôde ser verificado de forma independente e supostamente mostra soldados.",
        {
            ("credibility", "não pôde ser verificado de forma independente"),
            ("hedge", "supostamente"),
        },
    ),
    (
        "de",
        "Das Video konnte nicht unabhängig überprüft werden und zeigt angeblich Soldaten.",
        {("credibility", "konnte nicht unabhängig überprüft werden"), ("hedge", "angeblich")},
    ),
    (
        "uk",
        "Відео, яке не вдалося незалежно перевірити, нібито показує солдатів.",
        {("credibility", "не вдалося незалежно перевірити"), ("hedge", "нібито")},
    ),
    (
        "es",
        "Maldita.es calificó la cifra como FALSA y el titular como engañoso.",
        {("credibility", "FALSA"), ("credibility", "engañoso")},
    ),
    (
        "de",
        "CORRECTIV stuft die Behauptung als unbelegt ein; sie ist mutmaßlich erfunden.",
        {("credibility", "unbelegt"), ("hedge", "mutmaßlich"), ("credibility", "erfunden")},
    ),
]


@pytest.mark.parametrize(("language", "sentence", "expected"), WIRE_DISCLAIMERS)
def test_hedge_and_credibility_cues_in_other_languages(language, sentence, expected):
    analysis = analyse(sentence, language)
    assert {(cue.kind, cue.text) for cue in analysis.cues} == expected
    assert all(sentence[cue.start : cue.end] == cue.text for cue in analysis.cues)
    # Attribution and the score stay English: nothing is guessed in another language.
    assert analysis.attribution is None and analysis.score == 0


def test_english_words_are_not_cues_in_another_language_and_the_reverse():
    assert analyse("The claim was unverified and allegedly false.", "es").cues == ()
    assert analyse("La afirmación es falsa y presuntamente inventada.", "en").cues == ()
    assert analyse("Het filmpje is nep.", "nl").cues == ()  # Dutch has no cues yet


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200), st.sampled_from(["es", "fr", "pt", "de", "uk", "nl", "pt-BR", ""]))
def test_other_languages_never_raise_and_offsets_hold(sentence, language):
    for cue in analyse(sentence, language).cues:
        assert sentence[cue.start : cue.end] == cue.text
