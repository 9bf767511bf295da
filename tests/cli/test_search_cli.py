"""`annotator search` and `annotator reindex`."""

from __future__ import annotations

import json

from annotator.extensions import db


def test_search_prints_results_and_json(runner, make_article) -> None:
    make_article(text="Levee\n\nUnproven footage showed the levee breaking.", title="Levee")
    result = runner.invoke(args=["search", '"unproven footage"'])
    assert result.exit_code == 0, result.output
    assert "[sentence " in result.output and "Unproven footage showed" in result.output
    lines = runner.invoke(args=["search", "--json", "levee"]).output.strip().splitlines()
    items = [json.loads(line) for line in lines if line.startswith("{")]
    assert {item["kind"] for item in items} >= {"article", "sentence"}


def test_search_refuses_a_query_with_a_sentence(runner) -> None:
    result = runner.invoke(args=["search", "--", "-footage"])  # "--": a query may start with "-"
    assert result.exit_code == 1 and "not only what to leave out" in result.output


def test_reindex_rebuilds_what_was_lost(runner, make_article) -> None:
    make_article(text="Levee\n\nThe levee held.", title="Levee")
    db.session.execute(db.text("DELETE FROM search_index"))
    db.session.commit()
    assert "0 result" in runner.invoke(args=["search", "levee"]).output
    result = runner.invoke(args=["reindex"])
    assert result.exit_code == 0 and "1 articles, 2 sentences" in result.output
    assert "[sentence " in runner.invoke(args=["search", "levee"]).output


def test_reindex_shows_its_progress(runner, make_article) -> None:
    make_article(text="Levee\n\nThe levee held.", title="Levee")
    result = runner.invoke(args=["reindex"])
    assert result.exit_code == 0
    assert "Search index: step 1 of" in result.output and "Claims index" in result.output
