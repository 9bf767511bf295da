"""Abbreviations of English news copy that sentencex does not know, or knows only in part.

Each pattern answers one question about a boundary sentencex proposed between a sentence that
ends at ``end`` and one that starts at ``start`` (see docs/segmentation.md, "Corrections").
"""

from __future__ import annotations

import re

# Titles and place prefixes written before a name: never the last word of a sentence.
# "St." is left out: it is also "Street", which often ends one ("He lives on Main St.").
# fmt: off
TITLES = [
    "Adm", "Amb", "Atty", "Brig", "Capt", "Cmdr", "Col", "Comdr", "Cpl", "Det", "Dr", "Drs", "Fr",
    "Ft", "Gen", "Gens", "Gov", "Govs", "Hon", "Insp", "Lt", "Maj", "Messrs", "Mmes", "Mr", "Mrs",
    "Ms", "Msgr", "Mt", "Pfc", "Pres", "Prof", "Pvt", "Rep", "Reps", "Rev", "Rt", "Sen", "Sens",
    "Sgt", "Spc", "Supt",
]
# Abbreviations that stand before a number: "No. 5", "Jan. 5", "p. 55", "approx. 300".
BEFORE_NUMBER = [
    "No", "Nos", "Vol", "Vols", "Art", "Arts", "Fig", "Figs", "Ch", "Sec", "Secs", "p", "pp",
    "para", "approx", "est", "ca",
    "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec",
]
# Abbreviations that cannot end a sentence whatever follows.
NEVER_FINAL = ["vs", "v", "cf", "viz", "approx", "incl", "e.g", "i.e"]
# What may follow "a.m." or "p.m." inside the same sentence ("10 a.m. Tuesday", "9 p.m. EST").
AFTER_CLOCK = [
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
    "Mon", "Tue", "Tues", "Wed", "Thu", "Thurs", "Fri", "Sat", "Sun",
    "ET", "EST", "EDT", "CT", "CST", "CDT", "MT", "MST", "MDT", "PT", "PST", "PDT",
    "GMT", "UTC", "BST", "CET", "CEST", "EET", "EEST", "IST", "JST", "local",
]
# fmt: on
# Every abbreviation above, lowercased: a word that is one of these does not end a sentence
# just because a title follows it.
KNOWN = {word.lower() for word in TITLES + BEFORE_NUMBER + NEVER_FINAL} | {"st", "co", "inc"}
# The longest of them: a sentence ending in a longer run of letters cannot end in one.
LONGEST = max(len(word) for word in [*TITLES, *BEFORE_NUMBER, *NEVER_FINAL, "a.m"])


def _alternatives(words: list[str]) -> str:
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


# A sentence ending in one of these probably goes on: always after a title or "vs.", when a
# number follows after "No." or "Jan.", when a weekday or time zone follows after "a.m.".
NOT_FINAL = re.compile(
    rf"(?<![\w.])(?:(?P<title>{_alternatives(TITLES)})|(?i:(?P<never>{_alternatives(NEVER_FINAL)}))"
    rf"|(?P<number>{_alternatives(BEFORE_NUMBER)})|(?i:(?P<clock>[ap]\.m)))\.\Z"
)
CLOCK_FOLLOWER = re.compile(rf"(?:{_alternatives(AFTER_CLOCK)})\b")
DIGIT_START = re.compile(r"[\"'“‘(\[]?\d")
# "... in May. Lt. Col. Vindman testified." sentencex keeps this as one sentence; a word that is
# not itself an abbreviation, a full stop, then a title and a capitalised name is a boundary.
STOP_BEFORE_TITLE = re.compile(rf"[.!?][\"'”’)\]]*(\s+)(?=(?:{_alternatives(TITLES)})\.\s+[A-Z])")
LAST_WORD = re.compile(r"(?<![\w.])[^\W\d_]{2,}\Z")
# Frequent first words of English sentences that are never a name: after a title they mean the
# title ended a sentence ("I saw the Dr. He was kind").
_STARTS = (
    "The A An He She It They We I You This That These Those There His Her Its Their Our My Your"
)
SENTENCE_STARTS = frozenset(
    f"{_STARTS} But And So Then If When While After Before As In On At For To By From With Of".split(
        " "
    )
)
