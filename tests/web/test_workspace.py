"""The annotation page and article list: claims, filters, progress, query count."""

import re

from sqlalchemy import event

from annotator.extensions import db
from annotator.services.annotations.annotations import annotate
from tests.conftest import csrf_from, login


def long_text(sentences: int) -> str:
    return "\n\n".join(
        f"Claim number {i} says the budget rose by {i} percent. It was reported on Monday."
        for i in range(sentences // 2)
    )


def count_queries(app, fn):
    statements = []

    def before(conn, cursor, statement, *args):
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        fn()
    finally:
        event.remove(engine, "before_cursor_execute", before)
    return [s for s in statements if s.lstrip().upper().startswith("SELECT")]


def test_page_loads_in_a_fixed_number_of_queries(app, client, make_article, reviewer):
    small, big = (
        make_article(text=long_text(10), title="Small"),
        make_article(text=long_text(200), title="Big"),
    )
    for article in (small, big):
        for sentence in article.sentences[::2]:
            annotate(
                sentence,
                {"verdict": "verified", "links": [{"url": "https://example.org/a"}]},
                actor=reviewer,
            )
    db.session.commit()
    login(client, reviewer)
    counts = []
    for article in (small, big):
        counts.append(len(count_queries(app, lambda a=article: client.get(f"/articles/{a.id}"))))
    assert counts[0] == counts[1], counts
    assert counts[1] <= 12, counts


def test_editing_a_claim_costs_the_same_queries_however_many_links_it_has(
    app, client, make_article, reviewer, admin
):
    from annotator.services import sources

    for n in range(3):  # each link rated by an entry of its own
        sources.create_source(
            {"name": f"Outlet {n}", "domains": [f"outlet{n}.com"], "credibility": "high"},
            actor=admin,
        )
    article = make_article()
    one, three = article.sentences[1], article.sentences[2]
    for sentence, links in ((one, 1), (three, 3)):
        annotate(
            sentence,
            {
                "verdict": "disputed",
                "links": [{"url": f"https://outlet{n}.com/story"} for n in range(links)],
            },
            actor=reviewer,
        )
    db.session.commit()
    login(client, reviewer)
    counts = [
        len(count_queries(app, lambda s=s: client.get(f"/articles/{article.id}?sentence={s.id}")))
        for s in (one, three)
    ]
    assert counts[0] == counts[1], counts
    page = client.get(f"/articles/{article.id}?sentence={three.id}").get_data(as_text=True)
    for n in range(3):  # the editor's rows say where each rating came from
        assert f"Registry: Outlet {n} rates it high" in page


def test_claims_narrower_than_a_sentence_and_several_per_sentence(client, make_article, reviewer):
    article = make_article()
    sentence = article.sentences[2]  # "Mayor Dana Okafor said it would cost $48 million."
    login(client, reviewer)
    url = f"/articles/{article.id}/sentences/{sentence.id}/annotation"
    page = client.get(f"/articles/{article.id}?sentence={sentence.id}").get_data(as_text=True)
    token = csrf_from(page)
    first = {"csrf_token": token, "verdict": "verified", "claim_text": "Mayor Dana Okafor"}
    client.post(url, data=first)
    page = client.get(f"/articles/{article.id}?sentence={sentence.id}&claim=new").get_data(
        as_text=True
    )
    assert "Claim 1: verified" in page
    client.post(url, data={"csrf_token": token, "verdict": "disputed", "claim_text": "$48 million"})
    page = client.get(f"/articles/{article.id}?sentence={sentence.id}").get_data(as_text=True)
    assert "Claim 1: verified" in page and "Claim 2: disputed" in page
    assert "[mixed]" in page
    exported = client.get(f"/export/download?format=csv&article={article.id}").get_data(
        as_text=True
    )
    assert ",Mayor Dana Okafor," in exported and ",$48 million," in exported
    wrong = client.post(
        url, data={"csrf_token": token, "verdict": "verified", "claim_text": "not in it"}
    )
    assert wrong.status_code == 422 and "do not occur in the sentence" in wrong.get_data(
        as_text=True
    )


def test_each_sentence_says_how_many_reviewers_annotated_it(
    client, make_article, make_user, reviewer
):
    article = make_article()
    s = sorted(article.sentences, key=lambda x: x.index)
    bob = make_user(username="bob")
    annotate(s[0], {"verdict": "verified"}, actor=reviewer)
    annotate(s[1], {"verdict": "unproven"}, actor=bob)
    annotate(s[2], {"verdict": "disputed"}, actor=reviewer)
    annotate(s[2], {"verdict": "verified"}, actor=bob)
    db.session.commit()
    login(client, reviewer)
    page = client.get(f"/articles/{article.id}").get_data(as_text=True)
    marks = dict(re.findall(r'id="s(\d+)".*?<span class="mark">([^<]*)</span>', page))
    assert [marks[str(x.id)] for x in s] == [
        " [verified] (1 reviewer)",
        " (1 reviewer)",  # someone else's claim: counted, but not the viewer's verdict
        " [disputed] (2 reviewers)",
        "",
        "",
    ]


def test_state_filter_and_next_unreviewed_without_javascript(client, make_article, reviewer):
    article = make_article()
    s = article.sentences
    annotate(s[0], {"verdict": "disputed"}, actor=reviewer)
    db.session.commit()
    login(client, reviewer)
    page = client.get(f"/articles/{article.id}?sentence={s[2].id}&state=disputed").get_data(
        as_text=True
    )
    hidden = re.findall(r'id="s(\d+)"[^>]*\shidden', page)
    assert (
        str(s[0].id) not in hidden and str(s[2].id) not in hidden
    )  # the match, and the current one
    assert str(s[1].id) in hidden
    page = client.get(f"/articles/{article.id}?sentence={s[0].id}").get_data(as_text=True)
    assert f'href="?sentence={s[1].id}#editor">Next unreviewed' in page


def test_article_list_progress_sort_and_next_article(client, make_article, reviewer):
    done = make_article(text="Only sentence here.", title="Alpha story")
    todo = make_article(text="First one. Second one.", title="Beta story")
    annotate(done.sentences[0], {"verdict": "verified"}, actor=reviewer)
    db.session.commit()
    login(client, reviewer)
    page = client.get("/?sort=progress").get_data(as_text=True)
    assert page.index("Beta story") < page.index("Alpha story")
    assert "1 of 1 reviewed" in page and "0 of 2 reviewed" in page
    assert f'href="/articles/{todo.id}">Next article to review: Beta story' in page
    page = client.get("/?sort=title&q=alpha").get_data(as_text=True)
    assert "Alpha story" in page and "Beta story</a></td>" not in page


def test_pages_and_assets_are_gzipped_for_browsers_that_accept_it(client, make_article, reviewer):
    import gzip

    article = make_article(text=long_text(60))
    login(client, reviewer)
    plain = client.get(f"/articles/{article.id}")
    packed = client.get(f"/articles/{article.id}", headers={"Accept-Encoding": "gzip, deflate"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert len(packed.data) < len(plain.data) / 3
    assert gzip.decompress(packed.data).decode().count('class="s ') == len(article.sentences)
    script = re.search(r'src="(/static/annotate\.js\?v=\w+)"', plain.get_data(as_text=True)).group(
        1
    )
    for _ in range(2):  # the second answer comes from the cache
        asset = client.get(script, headers={"Accept-Encoding": "gzip"})
        assert asset.headers["Content-Encoding"] == "gzip"
        assert b"Keyboard-first annotation page" in gzip.decompress(asset.data)
    exported = client.get("/export/download?format=csv", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in exported.headers  # streamed downloads are left alone


def test_kherson_page_suggests_sources_and_highlights_cues(client, make_article, reviewer):
    from tests.conftest import corpus_file

    text = corpus_file("kherson-withdrawal.txt").read_text(encoding="utf-8")
    article = make_article(text=text, title="Kherson")
    login(client, reviewer)
    by_text = {s.text: s for s in article.sentences}
    peskov = next(s for t, s in by_text.items() if "Dmitri Peskov, said" in t)
    page = client.get(f"/articles/{article.id}?sentence={peskov.id}").get_data(as_text=True)
    assert re.search(r'id="use-suggestion"[^>]*>\s*Dmitri Peskov\s*<', page)
    assert "Check-worthiness <strong>" in page
    milley = next(s for t, s in by_text.items() if "Milley" in t)
    page = client.get(f"/articles/{article.id}?sentence={milley.id}").get_data(as_text=True)
    assert re.search(r'id="use-suggestion"[^>]*>\s*[^<]*Milley\s*<', page)
    hedged = next(
        s for t, s in by_text.items() if "unproven" in t.lower() or "unverified" in t.lower()
    )
    page = client.get(f"/articles/{article.id}?sentence={hedged.id}").get_data(as_text=True)
    assert re.search(
        r'<mark class="cue cue-(hedge|credibility)"[^>]*>[Uu]n(proven|verified)</mark>', page
    )
    worthy = client.get(f"/articles/{article.id}?state=worthy").get_data(as_text=True)
    clutter = next(s for t, s in by_text.items() if t.startswith("You May Also Like"))
    assert re.search(rf'id="s{clutter.id}"[^>]*\shidden', worthy)


def test_admin_edits_the_text_and_sees_claims_that_lost_their_place(
    client, make_article, reviewer, admin
):
    article = make_article()
    kept = annotate(article.sentences[2], {"verdict": "disputed"}, actor=reviewer)
    gone = annotate(article.sentences[3], {"verdict": "unproven"}, actor=reviewer)
    db.session.commit()
    login(client, admin)
    assert client.get(f"/articles/{article.id}/edit").status_code == 200
    new_text = article.text.replace(
        "Critics claimed the real cost would be higher.", "Critics objected."
    )
    response = client.post(
        f"/articles/{article.id}/edit",
        data={"title": article.title, "text": new_text, "csrf_token": client.csrf},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "1 could not be placed" in page
    assert (
        "Annotations that lost their place (1)" in page
        and "“Critics claimed the real cost would be higher.”" in page
    )
    db.session.expire_all()
    assert kept.sentence.text == "Mayor Dana Okafor said it would cost $48 million."
    assert gone.lost_quote is not None and gone.deleted_at is None
    empty = client.post(
        f"/articles/{article.id}/edit",
        data={"title": article.title, "text": "", "csrf_token": client.csrf},
    )
    assert empty.status_code == 422
    reviewer_client = client.application.test_client()
    login(reviewer_client, reviewer)
    assert reviewer_client.get(f"/articles/{article.id}/edit").status_code == 403


def test_article_list_costs_the_same_queries_however_many_annotations(
    app, client, make_article, reviewer
):
    articles = [make_article(text=long_text(20), title=f"Story {i}") for i in range(3)]
    login(client, reviewer)
    db.session.expire_all()  # the test shares the request's session: load the user both times
    before = len(count_queries(app, lambda: client.get("/")))
    for article in articles:
        for sentence in article.sentences:
            annotate(sentence, {"verdict": "verified"}, actor=reviewer)
    db.session.commit()
    after = len(count_queries(app, lambda: client.get("/")))
    assert after == before
    assert "20 of 20 reviewed" in client.get("/").get_data(as_text=True)


def test_page_script_modules_are_versioned_and_take_their_urls_from_the_page(
    app, client, make_article, reviewer
):
    """Static files are cached for a year behind ?v=<hash>: a module fetched by a bare relative
    import would keep running last deploy's code beside this deploy's, so every module is listed
    with its version by the page, and the scripts name no path of their own."""
    import json
    from pathlib import Path

    article = make_article()
    login(client, reviewer)
    page = client.get(f"/articles/{article.id}").get_data(as_text=True)
    config = json.loads(re.search(r'id="workspace-config">(.*?)</script>', page, re.S).group(1))
    static = Path(app.static_folder)
    listed = {
        re.match(r"/static/([\w/]+\.js)\?v=\w{10}$", url).group(1) for url in config["modules"]
    }
    assert listed == {p.relative_to(static).as_posix() for p in static.glob("annotate/*.js")}
    for url in config["modules"]:
        assert f'<link rel="modulepreload" href="{url}">' in page
        with client.get(url) as response:
            assert response.status_code == 200
    assert config["urls"]["annotations"] == "/api/v1/annotations"
    for script in static.rglob("*.js"):
        code = script.read_text(encoding="utf-8")
        assert "/api/" not in code, f"{script.name} hard-codes an API path"
        assert not re.search(
            r"^\s*(import|export)\b[^(\n]*\bfrom\b|^\s*import\s*['\"]", code, re.M
        ), f"{script.name} imports a module by a path the page did not version"


def test_a_deleted_claim_is_listed_for_restoring_and_its_sentence_is_next_again(
    client, make_article, reviewer
):
    """Without JavaScript too: the deletion's message promises a way back, the page lists the
    claim with a Restore button, and "Next unreviewed" is offered again."""
    article = make_article()
    claims = [annotate(s, {"verdict": "verified"}, actor=reviewer) for s in article.sentences]
    db.session.commit()
    target = claims[2]
    login(client, reviewer)
    page = client.get(f"/articles/{article.id}?sentence={target.sentence_id}").get_data(True)
    assert "All sentences reviewed" in page and "Deleted claims" not in page
    deleted = client.post(
        f"/annotations/{target.id}/delete",
        data={"csrf_token": csrf_from(page)},
        follow_redirects=True,
    )
    page = deleted.get_data(as_text=True)
    assert "“Deleted claims” under the editor lists it" in page
    assert "Deleted claims (1)" in page
    assert f'action="/annotations/{target.id}/restore"' in page
    assert re.search(rf'id="next-open" href="\?sentence={target.sentence_id}', page)

    restored = client.post(
        f"/annotations/{target.id}/restore",
        data={"csrf_token": csrf_from(page)},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Claim restored." in restored and "Deleted claims" not in restored
    assert "All sentences reviewed" in restored
