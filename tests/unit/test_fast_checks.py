"""Two checks every save runs on its body have a fast path for the usual input (a link in printable
ASCII, a JSON body with few brackets); generated inputs show they answer as the full check does."""

from __future__ import annotations

import json
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.importers.limits import _JSON_TOKENS, json_depth_exceeds
from annotator.text.domains import url_problem

SPACE_OR_CONTROL = "must not contain spaces or control characters."


def _has_space_or_control(url: str) -> bool:
    return any(unicodedata.category(ch) in ("Cc", "Zs", "Zl", "Zp") for ch in url)


@settings(max_examples=400)
@given(
    st.text(
        alphabet=st.sampled_from(
            list("ab/:.?=#%-_~")
            + [" ", "\t", "\x00", "\x7f", "\x85", "\xa0", "\u2028", "\u2029"]
            + ["\u3000", "é", "\u200b", "а"]
        ),
        max_size=30,
    )
)
def test_a_link_is_refused_for_spaces_and_control_characters_exactly_when_it_holds_one(path):
    url = f"https://example.org/{path}"
    assert (url_problem(url) == SPACE_OR_CONTROL) == _has_space_or_control(url)


def test_the_characters_a_link_must_not_hold():
    for bad in (" ", "\t", "\x00", "\x7f", "\x85", "\xa0", "\u2028", "\u2029", "\u3000"):
        assert url_problem(f"https://example.org/a{bad}b") == SPACE_OR_CONTROL, repr(bad)
    assert url_problem("https://example.org/caf%C3%A9?q=1#top") is None
    assert url_problem("https://example.org/café") is None  # not a space: allowed, as before


def _deeper_than(text: str, limit: int) -> bool:  # the full pass, without the shortcut
    depth = 0
    for match in _JSON_TOKENS.finditer(text):
        piece = match.group()
        depth += piece in ("[", "{")
        depth -= piece in ("]", "}")
        if depth > limit:
            return True
    return False


@settings(max_examples=400)
@given(st.text(alphabet=st.sampled_from(list('[]{}"\\a,:')), max_size=40), st.integers(0, 6))
def test_json_depth_answers_as_the_full_pass_does(text, limit):
    assert json_depth_exceeds(text, limit) == _deeper_than(text, limit)


def test_a_body_with_brackets_in_its_strings_is_not_too_deep_and_a_nested_one_is():
    shallow = json.dumps({"note": "[[[[[[[[[[[[[[[[ {{{{{{{{", "links": [{"url": "x"}]})
    assert not json_depth_exceeds(shallow, 3)
    assert json_depth_exceeds(json.dumps([[[[{"a": 1}]]]]), 4)
