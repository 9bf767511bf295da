"""`annotator publish`: publish and withdraw from the command line, and write a static site."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from annotator.extensions import db
from annotator.services.annotations.annotations import annotate
from annotator.services.review.adjudication import adjudicate


def _adjudicated(make_article, admin, reviewer, title="Council approves flood barrier"):
    article = make_article(title=title)
    annotate(
        article.sentences[1],
        {"verdict": "verified", "note": "private reviewer note"},
        actor=reviewer,
    )
    adjudicate(article.sentences[1], "verified", "Minutes show it.", actor=admin)
    db.session.commit()
    return article


def test_publish_then_unpublish_by_id(runner, client, make_article, admin, reviewer) -> None:
    article = _adjudicated(make_article, admin, reviewer)
    result = runner.invoke(args=["publish", str(article.id)])
    assert result.exit_code == 0, result.output
    slug = result.output.split("/fact-checks/")[1].split()[0]
    assert client.get(f"/fact-checks/{slug}").status_code == 200
    result = runner.invoke(args=["publish", "--unpublish", str(article.id)])
    assert result.exit_code == 0 and "withdrawn" in result.output
    assert client.get(f"/fact-checks/{slug}").status_code == 410


def test_publish_refuses_what_cannot_be_published_and_keeps_the_rest(
    runner, make_article, admin, reviewer
) -> None:
    good = _adjudicated(make_article, admin, reviewer)
    bare = make_article(title="Nothing settled", text="Nothing settled\n\nA claim nobody judged.")
    result = runner.invoke(args=["publish", str(bare.id), "999999", str(good.id)])
    assert result.exit_code == 1
    assert f"Article {bare.id}: has no adjudicated claims yet" in result.output
    assert "Article 999999: There is no article #999999." in result.output
    assert f"Article {good.id}: published" in result.output
    assert runner.invoke(args=["publish"]).exit_code == 2


def test_static_site_opens_from_the_file_system(
    runner, make_article, admin, reviewer, tmp_path: Path
) -> None:
    listed = _adjudicated(make_article, admin, reviewer)
    hidden = _adjudicated(make_article, admin, reviewer, title="Quiet one")
    runner.invoke(args=["publish", str(listed.id)])
    runner.invoke(args=["publish", "--unlisted", str(hidden.id)])
    out = tmp_path / "site"
    result = runner.invoke(
        args=["publish", "--static", str(out), "--base-url", "https://checks.example/"]
    )
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert "index.html" in names and "feed.atom" in names and "public.css" in names
    pages = [n for n in names if n.endswith(".html") and n != "index.html"]
    assert len(pages) == 2
    index = (out / "index.html").read_text()
    assert "Quiet one" not in index
    # Every relative link of every page points at a file that is there.
    for name in names:
        if name.endswith(".html"):
            for href in _hrefs((out / name).read_text()):
                if "://" not in href and not href.startswith("#"):
                    assert (out / href.split("#")[0]).exists(), (name, href)
    page = (out / pages[0]).read_text()
    assert "private reviewer note" not in page and "https://checks.example/" in page
    # A withdrawn page disappears from the folder on the next write.
    runner.invoke(args=["publish", "--unpublish", str(listed.id)])
    runner.invoke(args=["publish", "--static", str(out)])
    assert len([p for p in out.glob("*.html") if p.name != "index.html"]) == 1


def _hrefs(html: str) -> list[str]:
    found: list[str] = []

    class Parser(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.extend(v for k, v in attrs if k in ("href", "src") and v)

    Parser().feed(html)
    return found
