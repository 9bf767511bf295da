"""Per-language rules on top of sentencex: which abbreviations do not end a sentence.

sentencex knows many abbreviations per language; these lists add the ones news copy uses that it
splits after (found with pySBD's golden rules and our own cases, tests/unit/test_segment_languages.py).
Three kinds, all compared lowercased:

- ``titles`` stand before a name: no boundary before a capitalised word ("Dr. Meier", "Sra. Gómez").
- ``before_number`` stand before a number: no boundary before a digit ("S. 225", "núm. 5").
- ``abbreviations`` (titles and the above included) do not end a sentence before a lowercase word
  ("z. B. ist", "p. ej. el", "т. е. в").

A single letter ("A. S. Puschkin", "z. B.") and a word with a dot inside ("m.in.", "т.е.") count as
abbreviations everywhere. English keeps its own, stricter rules (``_abbreviations.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from annotator.text import _abbreviations as abbr
from annotator.text._abbreviation_lists import PYSBD

# Languages with rules of their own (beyond sentencex's): the list and English.
SUPPORTED = ("en", "de", "fr", "es", "it", "pt", "nl", "pl", "ru", "uk")


# "у 2022 р. Він наголосив", "в 1999 г. Он", "5 тис. грн. Потім": the year or currency
# abbreviation after a number ends the sentence when a capitalised word follows (sentencex never
# splits after it).
_YEAR_STOP = re.compile(
    r"(?<=\d)\s?(?:(?:р|рр|г|гг)|(?:(?:тис|млн|млрд)\.?\s)?(?:грн|руб|коп|дол|долл))\."
    r"(\s+)(?=[А-ЯЁІЇЄҐ][а-яёіїєґ'’]+\b)"
)


@dataclass(frozen=True)
class Rules:
    language: str  # what the caller asked for, normalised ("pt"), or "" when unknown
    sentencex: str  # the code handed to sentencex
    english: bool = False
    titles: frozenset[str] = frozenset()
    before_number: frozenset[str] = frozenset()
    abbreviations: frozenset[str] = frozenset()
    never_first: frozenset[str] = field(default_factory=frozenset)
    # Boundaries sentencex misses: group 1 of each match is the space between two sentences.
    stops: re.Pattern[str] | None = None

    def is_abbreviation(self, word: str) -> bool:
        return len(word) == 1 or "." in word or word.lower() in self.abbreviations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.lower().split())


# fmt: off
_DATA: dict[str, dict[str, str]] = {
    "de": {
        # "Nr." stands before a name too ("Nr. Sieben"); "Fa. Müller", "Gebr. Grimm". Not "Dir."
        # or "Gen.": "Ich danke dir. Morgen ...", "Sie fanden das Gen. Es ...".
        "titles": "dr prof hr hrn fr frl st sr dipl ing med jur phil rer nat nr fa gebr hrsg "
                  "verf",
        "before_number": "nr s abs art bd kap tab abb ziff bzw ca",
        # Ours, and CLDR's German sentence-break suppressions (common/segments/de.xml) that are
        # no ordinary word ("Test.", "Best." left out), and the months.
        "abbreviations": "bzw usw etc ca vgl ggf ggfs evtl inkl zzgl exkl bspw sog tel kath evang "
                         "jh jhd mio mrd abs art bd str geb gest ehem allg bes erg urspr zt zb uvm "
                         "ua od mind max min insb lt gem ff vs entspr erw frz eigtl folg einh jahrh "
                         "std möbl tägl gesch hbf abt adr verh ausschl sek jew gek näml mtl röm adj "
                         "hpts gedr kfm proz verw amtl abw einschl jhrl beil ber hptst österr "
                         "schweiz schwäb südd engl lat griech ital span russ poln dt chr "
                         "jan feb febr märz apr jun jul aug sep sept okt nov dez",
    },
    "fr": {
        # Not "col" (a word: "le col. Il ..."); "p. ex." is kept by sentencex itself.
        "titles": "m mme mmes mlle mlles mm mr dr pr me mgr st ste gal cdt lt",
        "before_number": "n no p pp art chap vol fig t",
        "abbreviations": "etc cf ex env av apr vol chap art éd boul bd fig tél hab min max "
                         "c.-à-d ibid janv févr juil sept oct nov déc",
    },
    "es": {
        "titles": "sr sra srta sres sras dr dra lic ing prof ud uds vd vds dña d dª excmo excma "
                  "ilmo ilma sto sta gral cnel tte st",
        "before_number": "núm n nº pág págs p pp art cap vol fig tel",
        "abbreviations": "etc ej aprox pág págs núm art cap tel av avda cía dpto admón ntra ntro "
                         "vol fig aprox máx mín ene feb abr jun jul ago sept oct nov dic hab",
    },
    "it": {
        "titles": "sig sigg sig.ra sig.na dott dott.ssa prof avv ing arch on sen dr geom rag "
                  "mons don gen col cap ten magg mr",
        "before_number": "n nr pag pagg p art cap vol fig tel",
        "abbreviations": "ecc pag pagg art cap es ca tel vol fig ss sg c.a p.es cfr",
    },
    "pt": {
        "titles": "sr sra srta dr dra prof profa eng exmo exma sto sta gen cel",
        "before_number": "n nº núm pág págs p pp art cap vol fig tel",
        "abbreviations": "etc pág págs núm art cap ex tel av aprox obs séc vol fig dez jan fev "
                         "mar abr mai jun jul ago set out nov",
    },
    "nl": {
        "titles": "dhr mevr mw dr prof ir ing mr drs st",
        "before_number": "nr blz art hfst p",
        "abbreviations": "bijv bv enz etc ca nr blz zgn resp jl vnl evt incl excl",
    },
    "pl": {
        "titles": "dr prof hab inż mgr ks płk gen lek kpt mjr por św",
        "before_number": "nr str s art ust pkt poz godz",
        "abbreviations": "itd itp np tzn tj ok ul al ds godz r w tys mln mld zł nr str por wg "
                         "tzw jw ww dot ang łac gr wyd oprac red zob",
    },
    # Russian and Ukrainian: ranks and titles before a name ("ген. Петров", "полк. Петренко",
    # "ген.-лейт. Наєв"), and the abbreviations of the standard lists (ГОСТ 7.12-93; ДСТУ
    # 3582:2013, "Скорочення слів в українській мові у бібліографічному описі").
    "ru": {
        "titles": "г-н г-жа акад проф доц ген полк подполк лейт кап капт серж адм н",
        "before_number": "стр с рис табл гл ст п пп № т ч вып",
        "abbreviations": "г гг др пр см ср стр ул д кв им акад проф доц тыс млн млрд трлн руб коп "
                         "долл в вв н напр т е гр св о обл пос рис табл гл ст п пп англ лат нем "
                         "франц фр греч итал исп польск укр ред изд вып кн разд ч прил прим пер "
                         "пл дер оз р км кг см мм мин сек зам нач чл тел тов",
    },
    "uk": {
        "titles": "акад проф доц ген полк підполк лейт кап капт серж адм зв",
        "before_number": "стор с рис табл гл ст п пп № т ч вип розд",
        "abbreviations": "р рр т д п тис млн млрд трлн грн коп дол вул просп пров пл бульв буд "
                         "кв м смт сел обл р-н див напр порівн пор проф акад доц ім ст с рис "
                         "табл гл англ лат нім франц фр грец італ ісп пол рос укр св о оз зв ін "
                         "ред упор вид вип зб кн розд ч дод прим км кг см мм год хв сек зам заст "
                         "нач гол чл тел",
    },
}
# fmt: on

_ENGLISH_ABBREVIATIONS = abbr.KNOWN | _words(
    "etc al fig figs eq eqs ref refs ed eds vol vols esp resp dept govt corp ltd inc co jr sr "
    "ave blvd rd mins hrs misc"
)
# Words that cannot open a sentence, so a boundary before them is always wrong.
_ENGLISH_NEVER_FIRST = _words("of than")


def _build(language: str) -> Rules:
    if language == "en":
        return Rules(
            "en",
            "en",
            english=True,
            abbreviations=frozenset(_ENGLISH_ABBREVIATIONS),
            never_first=_ENGLISH_NEVER_FIRST,
        )
    data = _DATA.get(language)
    if data is None:
        return Rules(language, language or "en")
    titles = _words(data["titles"])
    before_number = _words(data["before_number"])
    return Rules(
        language,
        language,
        titles=titles,
        before_number=before_number,
        abbreviations=titles
        | before_number
        | _words(data["abbreviations"])
        | _words(PYSBD.get(language, "")),
        stops=_YEAR_STOP if language in ("ru", "uk") else None,
    )


_RULES = {language: _build(language) for language in SUPPORTED}
_CODE = re.compile(r"[a-z]{2,3}")


def normalise(language: str | None) -> str:
    """Return the primary ISO 639 subtag of ``language`` ("pt-BR" -> "pt"), or "" if none."""
    if not language:
        return ""
    code = re.split(r"[-_]", language.strip().lower(), maxsplit=1)[0]
    return code if _CODE.fullmatch(code) else ""


def rules_for(language: str | None) -> Rules:
    code = normalise(language)
    found = _RULES.get(code)
    if found is None:
        found = _RULES[code] = _build(code)
    return found


_LAST_WORD = re.compile(r"(?<![\w.])([^\W\d_][\w\-]*(?:\.[^\W\d_]+)*)\.\Z")
_INITIAL = re.compile(r"(?:\A|(?<=[\s.]))[^\W\d_]\.\Z")
# German ordinals: "am 12. Juni", "im 3. Jahrhundert" are no sentence end.
_ORDINAL = re.compile(r"(?<!\d)\d{1,2}\.\Z")
_GERMAN_AFTER_ORDINAL = _words(
    "Januar Februar März April Mai Juni Juli August September Oktober November Dezember "
    "Jahrhundert Jahrhunderts Jahrhunderten Jahrtausend Mal Platz Stock Klasse Liga Runde Auflage "
    "Lebensjahr Lebensjahres Weltkrieg Weltkriegs Bundesliga Spieltag Etage Kapitel Buch Quartal "
    "Halbjahr Jh Jhd"
)
# Words before a German ordinal: "der 35. Tagung", "am 3. Spieltag", "seit dem 4. Mal".
_GERMAN_BEFORE_ORDINAL = _words(
    "der die das dem den des am im vom zum zur beim ins ans ein eine einem einen einer eines "
    "seinem seiner seines ihrem ihrer ihres unserem unserer jeder jedem jeden jedes dieser diesem "
    "diesen dieses bis ab seit zum"
)
_WORD_BEFORE_ORDINAL = re.compile(r"(?<![\w.])([^\W\d_]+)\s+\d{1,2}\.\Z")
# German: sentencex never splits before a digit ("Panzer. 4600 Menschen"); after a word that is
# no abbreviation of the list we do (group 1 is the space; ``digit_stops`` checks the word).
DIGIT_STOP = re.compile(r"(?<=[^\W\d_]{2}\.)(\s+)(?=\d)")


def digit_stops(text: str, rules: Rules) -> list[re.Match[str]]:
    """Boundaries before a number that sentencex missed (German only; others split there)."""
    if rules.language != "de":
        return []
    found = []
    for stop in DIGIT_STOP.finditer(text):
        last = _LAST_WORD.search(text, max(0, stop.start() - 30), stop.start())
        if last is not None and len(last[1]) > 2 and not rules.is_abbreviation(last[1]):
            found.append(stop)
    return found


_FIRST = re.compile(r"[\"'“‘„«(\[]*(\w)")
_NEXT_WORD = re.compile(r"\w+")


def continues(
    text: str, previous_start: int, previous_end: int, start: int, end: int, rules: Rules
) -> bool:
    """Tell whether a boundary after an abbreviation of ``rules.language`` is wrong."""
    first = _FIRST.match(text, start, end)
    if first is None:
        return False
    if start == previous_end and text[previous_end - 2].isdigit():
        return True  # "1.Helado, 2.Carne, 3.Arroz": a list or a number, not a sentence end
    window = max(previous_start, previous_end - 16)
    if rules.language == "de" and _ORDINAL.search(text, window, previous_end):
        word = _NEXT_WORD.match(text, start, end)
        if word is not None and word[0].lower() in _GERMAN_AFTER_ORDINAL:
            return True
        # "auf der 35. Kommandeurstagung": an article or preposition before the number
        before = _WORD_BEFORE_ORDINAL.search(
            text, max(previous_start, previous_end - 24), previous_end
        )
        return before is not None and before[1].lower() in _GERMAN_BEFORE_ORDINAL
    last = _LAST_WORD.search(text, window, previous_end)
    if last is None:
        return False
    word = last[1].lower()
    if first[1].isdigit():
        return word in rules.before_number
    if first[1].isupper():
        return word in rules.titles or (
            last[1].isupper() and _INITIAL.search(text, window, previous_end) is not None
        )
    return False
