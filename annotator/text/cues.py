"""Attribution, hedge and credibility cues, and a check-worthiness hint for one sentence.

Rule-based and offline: a tokenizer, word lists and a handful of compiled regular expressions
(docs/cues.md lists every rule, the score's scale and the measured precision/recall).
``analyse`` never raises on a ``str`` and every offset it returns indexes the sentence it was given.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from annotator.text import _cue_words

__all__ = ["THRESHOLD", "Analysis", "Attribution", "Cue", "analyse", "analyse_many"]

# A sentence scoring at least this is "check-worthy" (the hint shown to reviewers).
THRESHOLD = 50


@dataclass(frozen=True)
class Cue:
    """A highlighted phrase: ``sentence[start:end] == text``."""

    kind: str  # hedge | credibility | attribution | number | comparison | opinion
    start: int
    end: int
    text: str
    label: str


@dataclass(frozen=True)
class Attribution:
    """Who the sentence says the claim comes from, and the words that say so.

    ``sentence[start:end]`` is the speaker as written. ``source`` is the suggestion for
    "attributed to": the speaker, followed by the outlet or body they speak for in brackets when the
    sentence names it in a role phrase ("The main presenter of Russian state TV, Vladimir Soloviev,
    said" gives "Vladimir Soloviev (Russian state TV)"); ``affiliation`` is that outlet.
    """

    source: str
    start: int
    end: int
    cue: str
    affiliation: str | None = None


@dataclass(frozen=True)
class Analysis:
    """Everything ``analyse`` found in one sentence."""

    attribution: Attribution | None
    cues: tuple[Cue, ...]
    score: int
    reasons: tuple[str, ...]


# --- tokens ---------------------------------------------------------------------------------


def _words(text: str) -> frozenset[str]:
    """A word list written as one whitespace-separated string."""
    return frozenset(text.split())


# Words with inner apostrophes, hyphens and dots ("Putin’s", "al-Assad", "U.S").
_TOKEN = re.compile(r"\w+(?:['’\-.]\w+)*")
_ABBREVIATIONS = _words(
    "gen mr mrs ms dr prof sen rep gov lt col capt maj sgt adm cmdr st jr sr pres gen fr"
)
# Punctuation between two words that ends a noun phrase.
_BREAK = re.compile(r"[,;:()\[\]\"“”«»—–!?…]|\s-\s|\.\s|'\s|\s'")

_PRONOUNS = _words("he she they we i it")
_DETERMINERS = _words("the a an this that these those his her their its our my your")
# Words that end a subject when scanning back from a speech verb.
_CLAUSE_WORDS = _words(
    """that which who whom whose because while when whereas although though if as after before
    since but or nor than where what how why whether so until unless once to of for with from by
    in on at into onto about against over under between without within than not never"""
)
# Leading words of a scanned subject that are not part of it ("Meanwhile officials said").
_LEADING_FILLER = _words(
    """and but yet so however meanwhile still also now then earlier later thus indeed today
    yesterday tonight this last next week month year morning afternoon evening night monday
    tuesday wednesday thursday friday saturday sunday separately previously instead finally
    moreover furthermore"""
)
# Between a subject and its speech verb ("The Kremlin has denied", "Peskov also said").
_AUXILIARIES = _words(
    """has have had also later previously repeatedly again then earlier once would will did does
    do publicly recently strongly flatly firmly quickly immediately already first last
    privately officially angrily reportedly allegedly never"""
)
_PASSIVE = _words("is was were are been be being")
# Common nouns that can say something ("officials said", "the ministry said").
_SOURCE_NOUNS = _words(
    """official officials spokesman spokeswoman spokesperson spokespeople minister ministry police
    witness witnesses resident residents analyst analysts expert experts authority authorities
    government army military source sources statement report reports leader leaders president
    commander commanders lawyer lawyers attorney prosecutor prosecutors researcher researchers
    scientist scientists study survey doctor doctors agency company group newspaper media tv
    television channel broadcaster presenter anchor host ministry office department diplomat
    diplomats envoy aide aides adviser advisers advisor advisors senator lawmaker lawmakers
    ambassador general governor mayor chief head spokesmen investigators investigator
    observers observer monitors monitor campaigners activists activist critics critic
    opposition union unions board council court judge regulator regulators authorities
    economists economist officer officers soldier soldiers troops forces kremlin administration
    organisers organizers paper outlet outlets website blogger bloggers channel channels
    correspondent correspondents journalist journalists pollster pollsters poll polls data
    figures documents document filing filings families family relatives neighbours neighbors
    people locals staff employees workers teachers nurses patients users person man woman
    men women victims survivors parents students farmers owners owner"""
)
_SPEECH_VERBS = _words(
    """said says say told tells tell claimed claims claim accused accuses denied denies deny
    announced announces warned warns insisted insists stated added adds argued argues alleged
    alleges reported confirmed confirms acknowledged acknowledges admitted admits declared
    declares noted notes explained explains wrote writes tweeted posted suggested suggests
    predicted predicts estimated estimates maintained maintains asserted asserts stressed
    stresses emphasised emphasized revealed reveals disclosed urged urges vowed vows promised
    promises threatened responded replied countered testified conceded concedes contended
    contends complained complains boasted boasts recalled recalls agreed disagreed rejected
    dismissed blamed blames hinted hints signalled signaled estimate insist warn argue allege
    described describes believe believes"""
)
# Two-word speech verbs: the first word and the second.
_PHRASAL = {"lashed": "out", "lashes": "out", "pointed": "out", "points": "out"}
# Nouns that, after a possessive, attribute a claim ("Russia’s claims that ...").
_CLAIM_NOUNS = _words(
    """claim claims statement statements assertion assertions allegation allegations denial
    denials announcement account accounts version assessment estimate estimates figures"""
)
# Honorifics and ranks: a source phrase starts at the last of them ("General Mark Milley").
_TITLES = _words(
    """general gen president minister chancellor secretary senator sen rep representative
    governor gov mayor judge justice dr mr mrs ms prof professor colonel col lieutenant lt captain
    capt admiral adm sergeant sgt major maj king queen prince princess pope chairman chairwoman
    director commander chief premier ambassador sheikh marshal"""
)
# A title that takes the capitalised word before it along ("Defense Minister", "Foreign Secretary").
_COMPOUND_TITLES = _words("minister secretary chief director commander")
_NAME_JOINERS = _words("of the and de da del van von bin al la le du")
# "presenter of Russian state TV", "a spokesman for the army": the preposition before the body.
_AFFILIATING = _words("of for at from")
# Heads of a lower-case body a role phrase can name ("the head of the Wagner group"): nouns that
# name an organisation (the ClaimReview exporter reads them too).
BODY_NOUNS = _words(
    """tv television channel radio newspaper paper broadcaster network agency ministry army
    military navy government police party company firm group bank council commission committee
    office department court union university institute service website outlet magazine station
    embassy administration kremlin parliament assembly force forces"""
)
_MEDIA_NOUNS = _words(
    """footage video videos image images photo photos photograph photographs picture pictures
    recording recordings clip clips post posts account accounts document documents records
    imagery"""
)
_SHOW_VERBS = _words(
    """show shows showed shown showing depict depicts depicted purport
    purports purported reveal reveals revealed suggest suggests suggested indicate indicates
    indicated confirm confirms confirmed captured"""
)
_PLATFORMS = (
    "social media",
    "twitter",
    "telegram",
    "facebook",
    "tiktok",
    "youtube",
    "instagram",
    "vk",
    "weibo",
    "whatsapp",
)


class _Tok:
    __slots__ = ("start", "end", "text", "low", "cap")

    def __init__(self, start: int, end: int, text: str) -> None:
        self.start, self.end, self.text = start, end, text
        self.low = text.lower()
        self.cap = text[:1].isupper()


def _tokens(sentence: str) -> list[_Tok]:
    tokens = []
    for match in _TOKEN.finditer(sentence):
        start, end = match.span()
        word = match.group()
        if (
            end < len(sentence)
            and sentence[end] == "."
            and (
                word.lower() in _ABBREVIATIONS or "." in word or (len(word) == 1 and word.isupper())
            )
        ):
            end += 1
            word += "."
        tokens.append(_Tok(start, end, word))
    return tokens


def _gap_breaks(sentence: str, tokens: list[_Tok], index: int) -> bool:
    """Is there phrase-ending punctuation between token index-1 and token index?"""
    if index <= 0:
        return True
    gap = sentence[tokens[index - 1].end : tokens[index].start]
    return bool(_BREAK.search(gap)) or "\n" in gap


def _bare(token: _Tok) -> str:
    return token.low.rstrip(".")


def _possessive(token: _Tok) -> bool:
    return token.low.endswith(("'s", "’s")) or token.low.endswith(("s'", "s’"))


# --- source phrases -------------------------------------------------------------------------


def _trim_title(tokens: list[_Tok]) -> list[_Tok]:
    """Start an all-capitalised phrase at its last title ("... Staff General Mark Milley")."""
    last = -1
    for index, token in enumerate(tokens[:-1]):
        if _bare(token) in _TITLES:
            last = index
    if last <= 0:
        return tokens
    if _bare(tokens[last]) in _COMPOUND_TITLES and tokens[last - 1].cap:
        last -= 1
    return tokens[last:]


def _is_name_run(tokens: list[_Tok]) -> bool:
    return (
        bool(tokens)
        and tokens[0].cap
        and tokens[-1].cap
        and all(t.cap or t.low in _NAME_JOINERS for t in tokens)
    )


def _refine(chunk: list[_Tok]) -> list[_Tok]:
    """From a subject phrase keep the part a desk would write in "attributed to"."""
    while len(chunk) > 1 and chunk[0].low in _LEADING_FILLER:
        chunk = chunk[1:]
    if _is_name_run(chunk):
        if chunk[0].low in ("the", "a") and len(chunk) == 2:
            return chunk
        return _trim_title(chunk)
    # "Putin’s spokesman Dmitri Peskov", "Chechen leader Ramzan Kadyrov": keep the trailing name.
    run = 0
    while run < len(chunk) and chunk[-1 - run].cap:
        run += 1
    if run >= 2 and run < len(chunk) and chunk[-1 - run].low not in _CLAUSE_WORDS:
        return _trim_title(chunk[len(chunk) - run :])
    if len(chunk) > 6:
        # Too long to be a subject as written: keep from the last determiner on.
        for index in range(len(chunk) - 1, 0, -1):
            if chunk[index].low in _DETERMINERS or _possessive(chunk[index]):
                return chunk[index:]
        return chunk[-3:]
    return chunk


def _plausible_subject(chunk: list[_Tok]) -> bool:
    head = chunk[-1]
    if head.low in _DETERMINERS or head.low in _LEADING_FILLER or _MONTHS.fullmatch(head.low):
        return False
    if head.low in _PRONOUNS or head.cap:
        return not (head.low == "i" and len(chunk) > 1)
    if head.low in _DETERMINERS or head.low in _CLAUSE_WORDS or _possessive(head):
        return False
    if head.low in _SOURCE_NOUNS or head.low.rstrip("s") in _SOURCE_NOUNS:
        return True
    first = chunk[0]
    return len(chunk) >= 2 and (first.low in _DETERMINERS or _possessive(first) or first.cap)


# A subject: its tokens, whether it is a bare pronoun, and the body it speaks for (if named).
_Subject = tuple[list[_Tok], bool, list[_Tok] | None]


def _subject_before(sentence: str, tokens: list[_Tok], verb: int) -> _Subject | None:
    """The subject phrase ending before tokens[verb], or None."""
    index = verb - 1
    while (
        index >= 0
        and tokens[index].low in _AUXILIARIES
        and not _gap_breaks(sentence, tokens, index + 1)
    ):
        index -= 1
    if index < 0:
        return None
    if tokens[index].low in _PASSIVE and not _gap_breaks(sentence, tokens, index + 1):
        return None  # "it is said", "was claimed": a hedge, not a speaker
    gap = sentence[tokens[index].end : tokens[index + 1].start]
    if "," in gap and not any(q in gap for q in "\"“”'’"):
        # "Putin’s spokesman, Dmitri Peskov, said": an appositive name between two commas.
        first = index
        while first > 0 and not _gap_breaks(sentence, tokens, first) and index - first < 8:
            first -= 1
        segment = tokens[first : index + 1]
        if first > 0 and "," in sentence[tokens[first - 1].end : tokens[first].start]:
            if _is_name_run(segment) and segment[0].low not in ("the", "a"):
                return _trim_title(segment), False, _body_of_role(sentence, tokens, first - 1)
            if segment[0].low == "the" and _is_source_noun(_role_head(segment)):
                # "Yevgeny Prigozhin, the head of the Wagner group, said": the name before the role.
                subject = _subject_chunk(sentence, tokens, first - 1)
                if subject is not None and _is_name_run(subject[0]):
                    return subject[0], False, _body_of_role(sentence, tokens, index, first)
                return None
            if _parenthetical(segment):
                # "The agency, citing two diplomats, said": the subject stands before the aside.
                return _subject_chunk(sentence, tokens, first - 1)
        return None
    if _gap_breaks(sentence, tokens, index + 1):
        return None
    if tokens[index].low == "who" and index > 0:
        # "Peskov, who said ...": the subject is the phrase before the comma.
        return _subject_chunk(sentence, tokens, index - 1)
    return _subject_chunk(sentence, tokens, index)


def _role_head(segment: list[_Tok]) -> _Tok:
    """The noun a role phrase is about: the word before its first "of/for/at/from", else the last."""
    for index, token in enumerate(segment[1:], 1):
        if token.low in _AFFILIATING:
            return segment[index - 1]
    return segment[-1]


def _body_of_role(
    sentence: str, tokens: list[_Tok], last: int, first: int = 0
) -> list[_Tok] | None:
    """The outlet or body named by the role phrase ending at tokens[last] (not before tokens[first]):
    "presenter of Russian state TV" gives "Russian state TV"; None when the role names none."""
    index = last
    while index > first and last - index < 8 and not _gap_breaks(sentence, tokens, index):
        word = tokens[index - 1]
        if word.low in _AFFILIATING and index - 1 > first and _is_source_noun(tokens[index - 2]):
            body = tokens[index : last + 1]
            while body and body[0].low in _DETERMINERS:
                body = body[1:]
            if body and (body[-1].cap or _bare(body[-1]) in BODY_NOUNS):
                return body
            return None
        if word.low in _CLAUSE_WORDS and word.low not in _AFFILIATING:
            return None
        index -= 1
    return None


def _subject_chunk(sentence: str, tokens: list[_Tok], index: int) -> _Subject | None:
    """The noun phrase ending at tokens[index], scanning back to punctuation or a clause word."""
    first = index
    while first > 0 and index - first < 9 and not _gap_breaks(sentence, tokens, first):
        previous = tokens[first - 1]
        if _qualifies_source(tokens, first - 1):
            first -= 2 if previous.low == "to" else 1
            continue
        if previous.low == "and":
            # Only names join across "and" ("Kiev and Moscow accused").
            if not (tokens[first].cap and first >= 2 and tokens[first - 2].cap):
                break
            if _gap_breaks(sentence, tokens, first - 1):
                break
        elif previous.low in _CLAUSE_WORDS and not (previous.low == "of" and tokens[first].cap):
            break
        first -= 1
    chunk = tokens[first : index + 1]
    if (
        first > 0
        and not _gap_breaks(sentence, tokens, first)
        and tokens[first - 1].low
        in (
            "than",
            "to",
            "for",
            "with",
            "by",
        )
    ):
        return None  # "more than officials said", objects of prepositions
    chunk = _refine(chunk)
    if not chunk or not _plausible_subject(chunk):
        return None
    return chunk, (len(chunk) == 1 and chunk[0].low in _PRONOUNS), None


def _parenthetical(segment: list[_Tok]) -> bool:
    """Is this comma-enclosed aside one a subject can stand before ("citing two diplomats")?"""
    first = segment[0].low
    return first in ("who", "which", "citing", "quoting", "speaking", "writing", "a", "an") or (
        first.endswith(("ed", "ing")) and first not in _SPEECH_VERBS
    )


# "A spokesman for the army", "Analysts at Goldman Sachs", "Sources close to the talks".
_QUALIFYING = _words("for of in at from with")


def _qualifies_source(tokens: list[_Tok], index: int) -> bool:
    """Is tokens[index] a preposition that continues a source noun before it?"""
    word = tokens[index].low
    if word == "to" and index >= 2 and tokens[index - 1].low == "close":
        return _is_source_noun(tokens[index - 2])
    return word in _QUALIFYING and index >= 1 and _is_source_noun(tokens[index - 1])


def _is_source_noun(token: _Tok) -> bool:
    return token.low in _SOURCE_NOUNS or (
        token.low.endswith("s") and token.low[:-1] in _SOURCE_NOUNS
    )


def _phrase_after(sentence: str, tokens: list[_Tok], index: int, limit: int = 8) -> list[_Tok]:
    """The noun phrase starting at tokens[index], up to punctuation or a clause word."""
    phrase: list[_Tok] = []
    while index < len(tokens) and len(phrase) < limit:
        if phrase and _gap_breaks(sentence, tokens, index):
            break
        token = tokens[index]
        if phrase and token.low in _CLAUSE_WORDS and token.low not in ("of", "from", "for", "at"):
            break
        if token.low in _SPEECH_VERBS or token.low in _SHOW_VERBS:
            break
        phrase.append(token)
        index += 1
    while phrase and (phrase[-1].low in _CLAUSE_WORDS or phrase[-1].low in _DETERMINERS):
        phrase.pop()
    return phrase


class _Candidate:
    __slots__ = ("start", "end", "cue", "pronoun", "rank", "position", "body")

    def __init__(
        self,
        tokens: list[_Tok],
        cue: str,
        pronoun: bool,
        rank: int,
        position: int,
        body: list[_Tok] | None = None,
    ):
        self.start, self.end = tokens[0].start, tokens[-1].end
        self.cue, self.pronoun = cue, pronoun
        self.rank, self.position = rank, position
        self.body = (body[0].start, body[-1].end) if body else None


def _candidates(sentence: str, tokens: list[_Tok]) -> list[_Candidate]:
    found: list[_Candidate] = []
    count = len(tokens)
    for index, token in enumerate(tokens):
        low = token.low
        nxt = tokens[index + 1] if index + 1 < count else None
        # "according to X"
        if low == "according" and nxt is not None and nxt.low == "to":
            phrase = _phrase_after(sentence, tokens, index + 2)
            if phrase:
                found.append(_Candidate(_refine(phrase), "according to", False, 0, token.start))
            continue
        # "citing X", "quoted X as saying"
        if low in ("citing", "quoting") and nxt is not None:
            phrase = _phrase_after(sentence, tokens, index + 1, limit=6)
            if phrase:
                found.append(_Candidate(_refine(phrase), low, False, 1, token.start))
            continue
        # "Russia’s claims that ...", "the minister's claims"
        if low in _CLAIM_NOUNS and index > 0 and _possessive(tokens[index - 1]):
            if not _gap_breaks(sentence, tokens, index):
                owner = _possessor(sentence, tokens, index - 1)
                if owner is not None:
                    found.append(owner)
                    owner.cue = low
            continue
        # "a statement from the ministry", "said by X"
        if (
            low in ("from", "by")
            and index > 0
            and (
                tokens[index - 1].low in ("statement", "report", "study", "survey", "announcement")
                or tokens[index - 1].low in _SPEECH_VERBS
            )
        ):
            phrase = _phrase_after(sentence, tokens, index + 1, limit=6)
            if phrase and _plausible_subject(phrase):
                cue = f"{tokens[index - 1].low} {low}"
                found.append(_Candidate(_refine(phrase), cue, False, 2, token.start))
            continue
        if low in _MEDIA_NOUNS or (low == "social" and nxt is not None and nxt.low == "media"):
            candidate = _media(sentence, tokens, index)
            if candidate is not None:
                found.append(candidate)
            continue
        if token.cap or low not in _SPEECH_VERBS and low not in _PHRASAL:
            if low in _SHOW_VERBS and not token.cap:
                # "State television showed", "The data show": a source noun as the subject.
                subject = _subject_before(sentence, tokens, index)
                if subject is not None and _is_source_noun(subject[0][-1]):
                    found.append(_Candidate(subject[0], low, False, 1, subject[0][0].start))
            continue
        if low == "posted" and (nxt is None or nxt.low not in ("on", "that", "online")):
            continue  # "posted a loss"
        cue = low
        if low in _PHRASAL:
            if nxt is None or nxt.low != _PHRASAL[low]:
                continue
            cue = f"{low} {nxt.low}"
        subject = _subject_before(sentence, tokens, index)
        if subject is not None:
            chunk, pronoun, body = subject
            found.append(_Candidate(chunk, cue, pronoun, 1, chunk[0].start, body))
            continue
        # '..., said Peskov.' / '“...,” said the minister.'
        if index > 0 and _gap_breaks(sentence, tokens, index) and nxt is not None:
            phrase = _phrase_after(sentence, tokens, index + 1, limit=5)
            after = index + 1 + len(phrase)
            ends = after >= count or _gap_breaks(sentence, tokens, after)
            if phrase and ends and _plausible_subject(phrase) and phrase[-1].low not in _PRONOUNS:
                found.append(_Candidate(_refine(phrase), cue, False, 1, phrase[0].start))
    return found


def _possessor(sentence: str, tokens: list[_Tok], index: int) -> _Candidate | None:
    """The phrase ending in the possessive tokens[index], without its "’s"."""
    first = index
    while first > 0 and index - first < 3 and not _gap_breaks(sentence, tokens, first):
        if tokens[first - 1].low in _CLAUSE_WORDS:
            break
        first -= 1
    phrase = _refine(tokens[first : index + 1])
    owner = tokens[index]
    if not (owner.cap or _is_source_noun(_Tok(owner.start, owner.end - 2, owner.text[:-2]))):
        return None
    candidate = _Candidate(phrase, "claims", False, 2, phrase[0].start)
    candidate.end = owner.end - 2 if owner.low[-2] in "'’" else owner.end - 1
    return candidate


def _media(sentence: str, tokens: list[_Tok], index: int) -> _Candidate | None:
    """'Unproven footage showed', 'accounts available on social media show'."""
    count = len(tokens)
    stop = min(count, index + 9)
    verb = next((j for j in range(index + 1, stop) if tokens[j].low in _SHOW_VERBS), None)
    if verb is None:
        return None
    between = " ".join(t.low for t in tokens[index:verb])
    for key in _PLATFORMS:
        if re.search(rf"\b(?:on|via|to) {key}\b", between):
            place = sentence.lower().find(key, tokens[index].start, tokens[verb].start)
            span = [t for t in tokens[index:verb] if place <= t.start < place + len(key)]
            if span:
                return _Candidate(span, tokens[verb].low, False, 1, tokens[index].start)
    if tokens[index].low == "social":
        return None
    # The noun with up to two modifiers before it ("Unproven footage", "One video").
    first = index
    while (
        first > 0
        and index - first < 2
        and not _gap_breaks(sentence, tokens, first)
        and tokens[first - 1].low not in _CLAUSE_WORDS
        and tokens[first - 1].low not in ("the", "this", "that", "these", "those", "and")
        and tokens[first - 1].low not in _SPEECH_VERBS
        and tokens[first - 1].low not in _SHOW_VERBS
    ):
        first -= 1
    return _Candidate(tokens[first : index + 1], tokens[verb].low, False, 1, tokens[first].start)


def _first_name_before(sentence: str, tokens: list[_Tok], limit: int) -> list[_Tok] | None:
    """The first run of two or more capitalised words before offset limit ("Vladimir Soloviev")."""
    run: list[_Tok] = []
    for index, token in enumerate(tokens):
        if token.start >= limit:
            break
        namelike = token.cap and token.low not in _TITLES and token.low not in _DETERMINERS
        if namelike and (not run or not _gap_breaks(sentence, tokens, index)):
            run.append(token)
            continue
        if len(run) >= 2:
            return run
        run = [token] if namelike else []
    return run if len(run) >= 2 else None


def _attribution(sentence: str, tokens: list[_Tok]) -> Attribution | None:
    found = _candidates(sentence, tokens)
    if not found:
        return None
    named = [c for c in found if not c.pronoun]
    best = min(named or found, key=lambda c: (c.position, c.rank))
    if best.pronoun and sentence[best.start : best.end].lower() in ("he", "she"):
        # '... Vladimir Soloviev lashed out: “...,” he said.': the person named before the pronoun.
        name = _first_name_before(sentence, tokens, best.start)
        if name is not None:
            best = _Candidate(name, best.cue, False, best.rank, name[0].start)
    start, end = best.start, best.end
    speaker = sentence[start:end]
    body = " ".join(sentence[best.body[0] : best.body[1]].split()) if best.body else None
    source = f"{speaker} ({body})" if body else speaker
    return Attribution(source=source, start=start, end=end, cue=best.cue, affiliation=body)


# --- cues -----------------------------------------------------------------------------------


def _alternation(words: Iterable[str]) -> str:
    return "|".join(sorted((re.escape(w).replace(r"\ ", r"\s+") for w in words), key=len)[::-1])


_HEDGES = list(
    _words(
        """allegedly alleged reportedly apparently appears appeared seems seemed likely unlikely
        possibly probably perhaps purportedly purported supposedly speculation speculated
        speculate rumour rumours rumor rumors rumoured rumored suspected unclear may might"""
    )
)
_HEDGE_PHRASES = [
    "it is said",
    "it was said",
    "is said to",
    "are said to",
    "was said to",
    "it is believed",
    "is believed to",
    "are believed to",
    "was believed to",
    "thought to be",
    "appear to",
    "seem to",
    "could have",
    "may have",
    "might have",
    "it is claimed",
    "it was claimed",
    "it is alleged",
    "not clear",
]
_CREDIBILITY = list(
    _words(
        """unproven unverified unconfirmed believable unbelievable credible verified
confirmed claimed claims claim denied denies baseless unsubstantiated false fake misleading
debunked disputed doctored manipulated fabricated propaganda disinformation misinformation hoax
genuine authentic authenticity"""
    )
)
_CREDIBILITY_PHRASES = [
    "could not be independently verified",
    "could not be independently confirmed",
    "cannot be independently verified",
    "can not be independently verified",
    "could not independently verify",
    "could not independently confirm",
    "has not been verified",
    "have not been verified",
    "had not been verified",
    "could not be verified",
    "cannot be verified",
    "could not be confirmed",
    "not been independently verified",
    "without evidence",
    "without providing evidence",
    "no evidence",
    "not credible",
]
_COMPARISONS = list(
    _words(
        """biggest largest greatest highest lowest smallest worst best deadliest longest
shortest fastest slowest strongest weakest richest poorest oldest youngest heaviest most least
fewest record unprecedented doubled tripled halved twice"""
    )
)
_COMPARISON_PHRASES = [
    "more than",
    "less than",
    "fewer than",
    "as many as",
    "as much as",
    "up from",
    "down from",
    "compared with",
    "compared to",
    "the first",
    "since",
    "than",
    "times as",
    "times more",
    "record high",
    "record low",
]
_OPINION_PHRASES = [
    "i think",
    "i believe",
    "i feel",
    "in my opinion",
    "in my view",
    "we believe",
    "we think",
    "should",
    "shouldn't",
    "ought to",
    "must",
    "need to",
    "it is time",
    "it's time",
    "we must",
]
_SCALE = r"(?:\s?(?:million|billion|trillion|thousand|hundred|bn|mn|m|k)\b)?"
_NUMBER = re.compile(
    rf"(?P<money>[$€£¥]\s?\d(?:[\d,]*\d)?(?:\.\d+)?{_SCALE}|\b\d(?:[\d,]*\d)?(?:\.\d+)?{_SCALE}\s?"
    r"(?:dollars|euros|pounds|rubles|roubles|hryvnias|yuan|usd|eur)\b)"
    r"|(?P<percent>\b\d(?:[\d,]*\d)?(?:\.\d+)?\s?(?:%|percent\b|per\s+cent\b|percentage\s+points\b))"
    rf"|(?P<digits>\b\d(?:[\d,]*\d)?(?:\.\d+)?{_SCALE}(?:\s?-?(?:fold|times)\b)?)"
    r"|(?P<words>\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|"
    r"forty|fifty|hundred|dozens|hundreds|thousands|millions|billions|half|a\s+third|a\s+quarter)\b)",
    re.IGNORECASE,
)
_APPROX = re.compile(
    r"\b(almost|nearly|about|around|roughly|approximately|some|up\s+to|at\s+least)\s+(?=[$€£¥]?\d)",
    re.IGNORECASE,
)
_HEDGE = re.compile(rf"\b(?:{_alternation(_HEDGE_PHRASES + _HEDGES)})\b", re.IGNORECASE)
_CRED = re.compile(rf"\b(?:{_alternation(_CREDIBILITY_PHRASES + _CREDIBILITY)})\b", re.IGNORECASE)
_COMPARE = re.compile(rf"\b(?:{_alternation(_COMPARISON_PHRASES + _COMPARISONS)})\b", re.IGNORECASE)
_OPINION = re.compile(rf"(?<![\w’'])(?:{_alternation(_OPINION_PHRASES)})\b", re.IGNORECASE)
_HYPOTHETICAL = re.compile(r"^\W*(?:if|unless|imagine|suppose|what if)\b", re.IGNORECASE)
_MONTHS = re.compile(
    r"\b(?:january|february|march|april|may|june|july|august|september|october|november|december"
    r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
    re.IGNORECASE,
)
# Cue kinds in the order they win when two cues overlap.
_PRIORITY = {
    "credibility": 0,
    "hedge": 1,
    "attribution": 2,
    "comparison": 3,
    "number": 4,
    "opinion": 5,
}


def _raw_cues(
    sentence: str, attribution: Attribution | None, verb_spans: list[tuple[int, int]]
) -> list[Cue]:
    """Every cue the patterns find, overlaps included."""
    cues: list[Cue] = []

    def add(kind: str, start: int, end: int, label: str) -> None:
        if 0 <= start < end <= len(sentence):
            cues.append(Cue(kind, start, end, sentence[start:end], label))

    for match in _CRED.finditer(sentence):
        text = " ".join(match.group().lower().split())
        add("credibility", *match.span(), f"credibility: {text}")
    for match in _HEDGE.finditer(sentence):
        text = " ".join(match.group().lower().split())
        if match.group() == "May" and match.start() > 0:
            continue  # "in May"
        add("hedge", *match.span(), f"hedge: {text}")
    for match in _APPROX.finditer(sentence):
        word = " ".join(match.group(1).lower().split())
        add("hedge", *match.span(1), f"approximate: {word}")
    for match in _COMPARE.finditer(sentence):
        add("comparison", *match.span(), f"comparison: {' '.join(match.group().lower().split())}")
    for match in _NUMBER.finditer(sentence):
        kind = match.lastgroup or "digits"
        label = {"money": "money", "percent": "percentage", "digits": "number", "words": "number"}
        add("number", *match.span(), f"{label[kind]}: {match.group()}")
    for match in _OPINION.finditer(sentence):
        add("opinion", *match.span(), f"opinion: {' '.join(match.group().lower().split())}")
    if attribution is not None:
        for start, end in verb_spans:
            add("attribution", start, end, f"attribution: {sentence[start:end]}")
    return cues


def _without_overlaps(cues: list[Cue]) -> tuple[Cue, ...]:
    """Keep the longest (then highest-priority) cue wherever two overlap, in text order."""
    kept: list[Cue] = []
    taken: list[tuple[int, int]] = []
    for cue in sorted(cues, key=lambda c: (c.start - c.end, _PRIORITY.get(c.kind, 9), c.start)):
        if all(cue.end <= start or cue.start >= end for start, end in taken):
            kept.append(cue)
            taken.append((cue.start, cue.end))
    return tuple(sorted(kept, key=lambda c: c.start))


def _cue_span(sentence: str, attribution: Attribution) -> list[tuple[int, int]]:
    """Where the attribution's cue words stand in the sentence (nearest to its source)."""
    words = attribution.cue.split()
    pattern = re.compile(r"\b" + r"\s+".join(re.escape(w) for w in words) + r"\b", re.IGNORECASE)
    spans = [m.span() for m in pattern.finditer(sentence)]
    if not spans:
        return []
    return [
        min(spans, key=lambda s: min(abs(s[0] - attribution.end), abs(attribution.start - s[1])))
    ]


# --- score ----------------------------------------------------------------------------------


# Verbs that report an event that happened, or a figure that moved: checkable facts.
_EVENT = re.compile(
    r"\b(?:killed|died|dead|injured|wounded|arrested|charged|convicted|sentenced|fled|destroyed"
    r"|damaged|attacked|struck|shelled|fired|launched|captured|seized|retook|withdrew|won|lost"
    r"|voted|passed|ruled|approved|banned|collapsed|exploded|broke\s+out|blew\s+up|resigned"
    r"|rose|fell|increased|decreased|doubled|spent|paid|raised|earned|cost|costs|signed|annexed"
    r"|invaded|evacuated|occupied)\b",
    re.IGNORECASE,
)
_CLOCK = re.compile(r"\s*(?:[ap]\.?m\.?|:\d\d)", re.IGNORECASE)
_STRONG_OPINION = frozenset(
    ["i think", "i believe", "i feel", "in my opinion", "in my view", "we believe", "we think"]
)


def _score(
    sentence: str, tokens: list[_Tok], attribution: Attribution | None, cues: tuple[Cue, ...]
) -> tuple[int, tuple[str, ...]]:
    """Start at 30, add or take away a weight per feature found, clamp to 0..100."""
    weighted: list[tuple[int, str]] = []
    kinds: dict[str, list[Cue]] = {}
    for cue in cues:
        kinds.setdefault(cue.kind, []).append(cue)
    numbers = [c for c in kinds.get("number", []) if not _CLOCK.match(sentence, c.end)]
    money = [c for c in numbers if c.label.startswith(("money", "percentage"))]
    digits = [c for c in numbers if c.text[:1].isdigit()]
    if money:
        weighted.append((25, f"contains a {money[0].label.split(':')[0]} ({money[0].text})"))
    elif digits:
        weighted.append((20, f"contains a number ({digits[0].text})"))
    elif numbers:
        weighted.append((15, f"contains a quantity ({numbers[0].text})"))
    if attribution is not None:
        weighted.append((20, f"attributed statement ({attribution.source} {attribution.cue})"))
    names = [t.text for i, t in enumerate(tokens) if t.cap and i > 0 and t.low != "i"]
    if names:
        weighted.append((10, f"names {names[0]}" + (" and others" if len(names) > 1 else "")))
    if "comparison" in kinds:
        weighted.append((20, f"comparison ({kinds['comparison'][0].text})"))
    if "credibility" in kinds:
        weighted.append((15, f"credibility cue ({kinds['credibility'][0].text})"))
    elif "hedge" in kinds:
        weighted.append((10, f"hedge ({kinds['hedge'][0].text})"))
    event = _EVENT.search(sentence)
    if event:
        weighted.append((10, f"reports an event ({event.group()})"))
    if sentence.rstrip().rstrip("\"'”’)»").endswith("?"):
        weighted.append((-35, "a question"))
    opinions = [" ".join(c.text.lower().split()) for c in kinds.get("opinion", [])]
    if any(o in _STRONG_OPINION for o in opinions):
        weighted.append((-25, f"opinion ({next(o for o in opinions if o in _STRONG_OPINION)})"))
    elif opinions:
        weighted.append((-15, f"prescriptive ({opinions[0]})"))
    if _HYPOTHETICAL.match(sentence):
        weighted.append((-15, "hypothetical"))
    if len(tokens) < 6:
        weighted.append((-15 if attribution else -30, "too short to hold much of a claim"))
    score = max(0, min(100, 30 + sum(weight for weight, _ in weighted)))
    ordered = sorted(weighted, key=lambda item: -abs(item[0]))
    return score, tuple(reason for _, reason in ordered)


# --- public ---------------------------------------------------------------------------------


def _foreign(words: str) -> re.Pattern[str]:
    phrases = [word.replace("_", " ") for word in words.split()]
    return re.compile(rf"(?<!\w)(?:{_alternation(phrases)})(?!\w)", re.IGNORECASE)


# Hedge and credibility cues of the other languages (text/_cue_words.py names the sources).
_FOREIGN = {
    language: (_foreign(_cue_words.CREDIBILITY[language]), _foreign(_cue_words.HEDGES[language]))
    for language in _cue_words.HEDGES
}
CUE_LANGUAGES = ("en", *sorted(_FOREIGN))  # languages whose sentences get cues
NO_ANALYSIS = Analysis(attribution=None, cues=(), score=0, reasons=())


def _foreign_analysis(sentence: str, language: str) -> Analysis:
    """Hedge and credibility cues only: attribution and the score are worked out for English."""
    credibility, hedge = _FOREIGN[language]
    cues = [
        Cue(
            kind,
            match.start(),
            match.end(),
            match.group(),
            f"{kind}: {' '.join(match.group().lower().split())}",
        )
        for kind, pattern in (("credibility", credibility), ("hedge", hedge))
        for match in pattern.finditer(sentence)
    ]
    return Analysis(attribution=None, cues=_without_overlaps(cues), score=0, reasons=())


def analyse(sentence: str, language: str | None = None) -> Analysis:
    """Find the attributed source, the cues and the check-worthiness score of one sentence.
    ``language`` (a code such as ``es``; English when not given): in a language of
    ``CUE_LANGUAGES`` other than English only hedge and credibility cues are found, in any other
    nothing."""
    if not isinstance(sentence, str):
        raise TypeError(f"analyse() takes a str, not {type(sentence).__name__}")
    code = (language or "en")[:2].lower()
    if code != "en":
        return _foreign_analysis(sentence, code) if code in _FOREIGN else NO_ANALYSIS
    tokens = _tokens(sentence)
    attribution = _attribution(sentence, tokens)
    verb_spans = _cue_span(sentence, attribution) if attribution is not None else []
    cues = _without_overlaps(_raw_cues(sentence, attribution, verb_spans))
    score, reasons = _score(sentence, tokens, attribution, cues)
    return Analysis(attribution=attribution, cues=cues, score=score, reasons=reasons)


def analyse_many(sentences: Iterable[str], language: str | None = None) -> list[Analysis]:
    """``analyse`` each sentence, in order."""
    return [analyse(sentence, language) for sentence in sentences]
