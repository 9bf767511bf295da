"""Source registry: domains and matching, rating history, CSV, and the ratings evidence links get."""

from __future__ import annotations

import csv
import io
import socket

import pytest

from annotator.extensions import db
from annotator.models import EvidenceLink, Revision, Source, SourceDomain
from annotator.services import sources as svc
from annotator.services.annotations import annotations as annotation_service
from annotator.services.audit import history
from annotator.services.errors import Forbidden, Invalid
from annotator.services.serialize import annotation_data, source_data
from annotator.services.validation import Problems, url_problem
from annotator.text import domains
from tests.conftest import REUTERS, count

RT = {
    "name": "RT",
    "domains": "rt.com, russian.rt.com",
    "credibility": "low",
    "rationale": "State media.",
}


@pytest.fixture
def sentence(make_article):
    return make_article().sentences[1]


# ---- domains -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("reuters.com", "reuters.com"),
        ("WWW.Reuters.COM.", "reuters.com"),
        ("https://www.bbc.co.uk/news/world", "bbc.co.uk"),
        ("uk.reuters.com", "uk.reuters.com"),
        ("someone.blogspot.com", "someone.blogspot.com"),
        ("аpple.com", "xn--pple-43d.com"),  # Cyrillic "а": stored, and shown, in its real form
        ("bücher.de", "xn--bcher-kva.de"),
    ],
)
def test_domains_are_normalised(given: str, stored: str) -> None:
    assert domains.normalise_domain(given) == stored


@pytest.mark.parametrize(
    ("given", "says"),
    [
        ("com", "public suffix"),
        ("co.uk", "public suffix"),
        ("blogspot.com", "public suffix"),  # shared hosting: rate one blog, not all of them
        ("localhost", "known public suffix"),
        ("example.invalid", "known public suffix"),
        ("127.0.0.1", "IP address"),
        ("exa mple.com", "not a valid domain"),
        ("ex_ample.com", "not a valid domain"),
        ("xn--zz.com", "not a valid domain"),
        ("javascript://reuters.com", "http"),
        ("https://user:pw@reuters.com/", "user name or password"),
        ("a" * 64 + ".com", "not a valid domain"),
    ],
)
def test_bad_domains_are_refused_and_named(admin, given: str, says: str) -> None:
    with pytest.raises(Invalid) as caught:
        svc.create_source({**REUTERS, "domains": [given]}, actor=admin)
    db.session.rollback()
    assert set(caught.value.fields) == {"domains"}
    assert says in caught.value.fields["domains"]
    assert count(Source) == 0


def test_the_public_suffix_list_is_the_bundled_one_and_needs_no_network(monkeypatch) -> None:
    def no_network(*args, **kwargs):
        raise AssertionError("tried to reach the network")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    fresh = type(domains._extract)(
        cache_dir=None, suffix_list_urls=(), include_psl_private_domains=True
    )
    parts = fresh("forums.bbc.co.uk")
    assert (parts.subdomain, parts.domain, parts.suffix) == ("forums", "bbc", "co.uk")
    assert domains.registered_domain("uk.reuters.com") == "reuters.com"


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("ftp://reuters.com/x", "http:// or https://"),
        ("javascript:alert(1)", "http:// or https://"),
        ("https://me:secret@reuters.com/", "user name or password"),
        ("https://reuters.com/" + "a" * 2000, None),  # the length limit is Problems.url's
        ("https://xn--zz.com/", "internationalised domain name"),
        ("https://💩.la/", "internationalised domain name"),
    ],
)
def test_url_problems(url: str, problem: str | None) -> None:
    found = url_problem(url)
    assert (found is None) if problem is None else (problem in found)


def test_urls_over_2000_characters_are_refused() -> None:
    problems = Problems()
    assert problems.url("url", "https://reuters.com/" + "a" * 2000) is None
    assert "2,000" in problems["url"]


def test_urls_over_2000_bytes_are_refused_even_under_2000_characters() -> None:
    problems = Problems()
    assert problems.url("url", "https://example.org/" + "ж" * 1000) is None  # 2,020 bytes
    assert "bytes" in problems["url"] and "2,000" in problems["url"]
    assert Problems().url("url", "https://example.org/" + "ж" * 900) is not None


def test_internationalised_hosts_are_stored_in_punycode_and_others_untouched() -> None:
    problems = Problems()
    assert (
        problems.url("url", "https://аpple.com/login?x=ü") == "https://xn--pple-43d.com/login?x=ü"
    )
    assert problems.url("url", "https://Bücher.de:8080/") == "https://xn--bcher-kva.de:8080/"
    assert problems.url("url", "https://Example.org/A") == "https://Example.org/A"
    assert not problems


# ---- lookup ------------------------------------------------------------------------------


def test_a_rating_on_a_domain_covers_its_subdomains(reuters) -> None:
    for url in (
        "https://reuters.com/a",
        "https://www.reuters.com/a",
        "http://uk.reuters.com/a",
        "https://a.b.reuters.com/",
    ):
        assert svc.lookup(url) == reuters, url
    for url in (
        "https://reuters.com.evil.example/",
        "https://notreuters.com/",
        "https://reuters.co.uk/",
    ):
        assert svc.lookup(url) is None, url


def test_the_most_specific_entry_wins(admin, reuters) -> None:
    uk = svc.create_source(
        {"name": "Reuters UK", "domains": ["uk.reuters.com"], "credibility": "medium"}, actor=admin
    )
    db.session.commit()
    assert svc.lookup("https://uk.reuters.com/x") == uk
    assert svc.lookup("https://www.uk.reuters.com/x") == uk
    assert svc.lookup("https://www.reuters.com/x") == reuters


def test_a_look_alike_host_does_not_match_the_real_outlet(admin) -> None:
    apple = svc.create_source(
        {"name": "Apple", "domains": ["apple.com"], "credibility": "high"}, actor=admin
    )
    fake = svc.create_source(
        {"name": "Fake Apple", "domains": ["аpple.com"], "credibility": "low"}, actor=admin
    )
    db.session.commit()
    assert fake.domain_names == ["xn--pple-43d.com"]
    assert svc.lookup("https://apple.com/") == apple
    assert svc.lookup("https://аpple.com/") == fake
    assert svc.lookup("https://xn--pple-43d.com/") == fake


def test_retired_entries_rate_nothing(admin, reuters) -> None:
    svc.retire_source(reuters, actor=admin)
    db.session.commit()
    assert svc.lookup("https://www.reuters.com/") is None
    assert [s.name for s in svc.list_sources("reuters")] == [
        "Reuters"
    ]  # still listed, marked retired
    assert svc.list_sources("reuters", include_retired=False) == []


def test_search_finds_names_and_domains(admin, reuters) -> None:
    svc.create_source(RT, actor=admin)
    db.session.commit()
    assert [s.name for s in svc.list_sources("RUSSIAN.rt")] == ["RT"]
    assert [s.name for s in svc.list_sources("reut")] == ["Reuters"]
    assert svc.list_sources("100%_") == []


# ---- changes and history -----------------------------------------------------------------


def test_create_records_who_rated_it_and_a_revision(admin, reuters) -> None:
    assert (reuters.rated_by, reuters.credibility, reuters.domain_names) == (
        admin,
        "high",
        ["reuters.com"],
    )
    (revision,) = history("source", reuters.id)
    assert (revision.action, revision.actor_id, revision.before) == ("create", admin.id, None)
    assert revision.after["credibility"] == "high"


def test_a_rating_change_records_who_when_before_and_after(make_user, reuters) -> None:
    other = make_user("admin", "editor")
    first_rated = reuters.rated_at
    svc.update_source(
        reuters, {"credibility": "medium", "rationale": "Two retractions this year."}, actor=other
    )
    db.session.commit()
    assert (reuters.credibility, reuters.rated_by, reuters.rationale) == (
        "medium",
        other,
        "Two retractions this year.",
    )
    assert reuters.rated_at > first_rated
    change = history("source", reuters.id)[-1]
    assert (change.action, change.actor_id) == ("update", other.id)
    assert (change.before["credibility"], change.after["credibility"]) == ("high", "medium")
    assert change.after["rated_by"] == "editor"


def test_an_edit_that_changes_nothing_writes_no_revision(admin, reuters) -> None:
    svc.update_source(reuters, {"domains": "www.reuters.com", "credibility": "high"}, actor=admin)
    db.session.commit()
    assert len(history("source", reuters.id)) == 1


def test_retire_and_restore_are_recorded(admin, reuters) -> None:
    svc.retire_source(reuters, actor=admin)
    with pytest.raises(Invalid):
        svc.retire_source(reuters, actor=admin)
    svc.reinstate_source(reuters, actor=admin)
    db.session.commit()
    assert [r.action for r in history("source", reuters.id)] == ["create", "retire", "restore"]
    assert count(Source) == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"credibility": "excellent"}, "credibility"),
        ({"credibility": None}, "credibility"),
        ({"name": ""}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"name": "reuters"}, "name"),  # names are unique regardless of case
        ({"domains": []}, "domains"),
        ({"domains": [1, 2]}, "domains"),
        ({"domains": ["reuters.com"]}, "domains"),  # belongs to another entry
        ({"rationale": "x" * 5001}, "rationale"),
        ({"rated_by": "someone"}, "rated_by"),
    ],
)
def test_bad_changes_are_refused_and_change_nothing(admin, reuters, changes, field) -> None:
    rt = svc.create_source(RT, actor=admin)
    db.session.commit()
    before = source_data(rt)
    target = rt
    with pytest.raises(Invalid) as caught:
        svc.update_source(target, changes, actor=admin)
    db.session.rollback()
    assert field in caught.value.fields
    db.session.expire_all()
    assert source_data(db.session.get(Source, rt.id)) == before
    assert len(history("source", rt.id)) == 1


def test_reviewers_cannot_change_the_registry(reviewer, reuters) -> None:
    with pytest.raises(Forbidden):
        svc.create_source(RT, actor=reviewer)
    with pytest.raises(Forbidden):
        svc.update_source(reuters, {"credibility": "low"}, actor=reviewer)
    with pytest.raises(Forbidden):
        svc.retire_source(reuters, actor=reviewer)
    with pytest.raises(Forbidden):
        svc.import_sources_csv(
            b"name,domains,credibility,rationale\nX,x.com,low,\n", "x.csv", actor=reviewer
        )
    db.session.rollback()
    assert count(Source) == 1 and reuters.credibility == "high"


# ---- evidence links ----------------------------------------------------------------------


def test_a_new_link_takes_the_registry_rating(sentence, reviewer, reuters) -> None:
    ann = annotation_service.annotate(
        sentence,
        {
            "verdict": "verified",
            "links": [
                {"url": "https://www.reuters.com/world/x"},
                {"url": "https://uk.reuters.com/y", "credibility": "unknown"},
            ],
        },
        actor=reviewer,
    )
    db.session.commit()
    links = annotation_data(ann)["links"]
    assert [
        (link["credibility"], link["credibility_source"], link["source"]) for link in links
    ] == [
        ("high", "registry", "Reuters"),
        ("high", "registry", "Reuters"),  # the editor's blank "unknown" is no rating at all
    ]
    assert ann.links[0].source_id == reuters.id


def test_a_link_keeps_its_rating_when_the_registry_changes(
    sentence, admin, reviewer, reuters
) -> None:
    ann = annotation_service.annotate(
        sentence,
        {"verdict": "verified", "links": [{"url": "https://www.reuters.com/x"}]},
        actor=reviewer,
    )
    db.session.commit()
    svc.update_source(
        reuters, {"credibility": "low", "rationale": "Hypothetically downgraded."}, actor=admin
    )
    db.session.commit()
    db.session.expire_all()
    ann = db.session.get(type(ann), ann.id)
    assert annotation_data(ann)["links"][0]["credibility"] == "high"
    # Saving the annotation again with the link as the editor shows it keeps the saved rating.
    state = annotation_data(ann)
    annotation_service.update_annotation(
        ann,
        {"note": "Checked again.", "links": state["links"]},
        actor=reviewer,
        expected_version=ann.version,
    )
    db.session.commit()
    link = annotation_data(ann)["links"][0]
    assert (link["credibility"], link["credibility_source"], link["source"]) == (
        "high",
        "registry",
        "Reuters",
    )
    # A new link to the same outlet gets today's rating.
    annotation_service.update_annotation(
        ann,
        {"links": [*state["links"], {"url": "https://reuters.com/new"}]},
        actor=reviewer,
        expected_version=ann.version,
    )
    db.session.commit()
    assert [link.credibility for link in ann.links] == ["high", "low"]


def test_a_different_rating_needs_a_reason(sentence, reviewer, reuters) -> None:
    with pytest.raises(Invalid) as caught:
        annotation_service.annotate(
            sentence,
            {
                "verdict": "disputed",
                "links": [
                    {"url": "https://example.org/"},
                    {"url": "https://reuters.com/x", "credibility": "low"},
                ],
            },
            actor=reviewer,
        )
    db.session.rollback()
    assert list(caught.value.fields) == ["links[1].override_reason"]
    assert "Reuters" in caught.value.fields["links[1].override_reason"]
    assert count(EvidenceLink) == 0

    ann = annotation_service.annotate(
        sentence,
        {
            "verdict": "disputed",
            "links": [
                {
                    "url": "https://reuters.com/x",
                    "credibility": "low",
                    "override_reason": "Retracted story.",
                }
            ],
        },
        actor=reviewer,
    )
    db.session.commit()
    link = annotation_data(ann)["links"][0]
    assert link == {
        "url": "https://reuters.com/x",
        "title": "",
        "credibility": "low",
        "stance": None,
        "credibility_source": "reviewer",
        "override_reason": "Retracted story.",
        "source": "Reuters",
    }
    revision = db.session.scalars(db.select(Revision).where(Revision.entity == "annotation")).one()
    assert revision.after["links"][0]["override_reason"] == "Retracted story."


def test_a_whitespace_reason_is_no_reason(sentence, reviewer, reuters) -> None:
    with pytest.raises(Invalid) as caught:
        annotation_service.annotate(
            sentence,
            {
                "verdict": "disputed",
                "links": [
                    {
                        "url": "https://reuters.com/x",
                        "credibility": "medium",
                        "override_reason": "   ",
                    }
                ],
            },
            actor=reviewer,
        )
    db.session.rollback()
    assert "links[0].override_reason" in caught.value.fields


def test_links_without_a_registry_match_are_the_reviewers(sentence, reviewer, reuters) -> None:
    ann = annotation_service.annotate(
        sentence,
        {
            "verdict": "verified",
            "links": [
                {"url": "https://example.org/a"},
                {"url": "https://example.org/b", "credibility": "medium"},
            ],
        },
        actor=reviewer,
    )
    db.session.commit()
    assert [(link.credibility, link.credibility_source, link.source) for link in ann.links] == [
        ("unknown", "reviewer", None),
        ("medium", "reviewer", None),
    ]


def test_an_evidence_link_to_a_look_alike_is_saved_in_its_real_form(sentence, reviewer) -> None:
    ann = annotation_service.annotate(
        sentence,
        {"verdict": "verified", "links": [{"url": "https://аpple.com/press"}]},
        actor=reviewer,
    )
    db.session.commit()
    assert ann.links[0].url == "https://xn--pple-43d.com/press"


def test_an_overlong_reason_is_refused(sentence, reviewer, reuters) -> None:
    with pytest.raises(Invalid) as caught:
        annotation_service.annotate(
            sentence,
            {
                "verdict": "verified",
                "links": [
                    {
                        "url": "https://reuters.com/",
                        "credibility": "low",
                        "override_reason": "x" * 1001,
                    }
                ],
            },
            actor=reviewer,
        )
    db.session.rollback()
    assert "1,000" in caught.value.fields["links[0].override_reason"]


# ---- CSV ---------------------------------------------------------------------------------


GOOD_CSV = (
    b"name,domains,credibility,rationale\r\n"
    b'Reuters,"reuters.com, uk.reuters.com",high,Wire service\r\n'
    b"RT,rt.com,low,State media\r\n"
)


def test_import_creates_then_updates_by_name(admin) -> None:
    result = svc.import_sources_csv(GOOD_CSV, "desk.csv", actor=admin)
    db.session.commit()
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    assert svc.lookup("https://uk.reuters.com/").name == "Reuters"
    again = svc.import_sources_csv(
        GOOD_CSV.replace(b"low,State", b"medium,State"), "desk.csv", actor=admin
    )
    db.session.commit()
    assert (again.created, again.updated, again.unchanged) == (0, 1, 1)
    assert svc.lookup("https://rt.com/").credibility == "medium"


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"", "empty"),
        (b"Reuters,reuters.com,high,Wire\n", "line 1: the header row must name the columns"),
        (b"name,domains,rating,rationale\nReuters,reuters.com,high,\n", "missing: credibility"),
        (
            b"name,domains,credibility,rationale,colour\nR,r.com,high,,red\n",
            "unknown column 'colour'",
        ),
        (b"name,domains,credibility,rationale\n", "no rows"),
        (
            b"name,domains,credibility,rationale\nReuters,reuters.com,excellent,\n",
            "line 2: credibility",
        ),
        (b"name,domains,credibility,rationale\nA,a.com,high,\nB,com,low,\n", "line 3: domains"),
        (b"name,domains,credibility,rationale\nA,a.com,high,\nB,b.com,low\n", "line 3: 3 cells"),
        (b"name,domains,credibility,rationale\nA,a.com,high,\na,b.com,low,\n", "line 3: name"),
        (
            b"name,domains,credibility,rationale\nA,a.com,high,\nB,www.a.com,low,\n",
            "line 3: domains: a.com is also on line 2",
        ),
        (
            b'name,domains,credibility,rationale\nA,a.com,high,"oops\n',
            "line 2: unexpected end of data",
        ),
        (b"name,domains,credibility,rationale\nCaf\xe9,cafe.fr,high,\n", "line 2: not UTF-8"),
        (b"name,domains\x00,credibility\n", "NUL"),
    ],
)
def test_bad_csv_is_refused_whole_naming_the_line(admin, data: bytes, says: str) -> None:
    with pytest.raises(Invalid) as caught:
        svc.import_sources_csv(data, "desk.csv", actor=admin)
    db.session.rollback()
    assert "desk.csv" in caught.value.fields["file"]
    assert says in caught.value.fields["file"], caught.value.fields["file"]
    assert count(Source) == 0 and count(SourceDomain) == 0 and count(Revision) == 0


def test_export_is_spreadsheet_safe_and_imports_back(admin) -> None:
    svc.create_source(
        {
            "name": '=HYPERLINK("x")',
            "domains": ["evil.example.com"],
            "credibility": "low",
            "rationale": "+1 dodgy",
        },
        actor=admin,
    )
    svc.create_source(REUTERS, actor=admin)
    retired = svc.create_source(RT, actor=admin)
    svc.retire_source(retired, actor=admin)
    db.session.commit()
    text = svc.export_sources_csv()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["name", "domains", "credibility", "rationale", "rated_by", "rated_at"]
    assert [row[0] for row in rows[1:]] == [
        '\'=HYPERLINK("x")',
        "Reuters",
    ]  # retired entries are left out
    assert rows[1][3] == "'+1 dodgy"
    # Another desk imports it and gets the same entries.
    db.session.execute(db.delete(SourceDomain))
    db.session.execute(db.delete(Source))
    db.session.commit()
    result = svc.import_sources_csv(text.encode(), "shared.csv", actor=admin)
    db.session.commit()
    assert result.created == 2
    assert svc.lookup("https://evil.example.com/").name == '=HYPERLINK("x")'
    assert svc.lookup("https://evil.example.com/").rationale == "+1 dodgy"
