"""Articles in other languages: detected at import, split by their own rules, annotated end to end,
and re-segmented when an admin corrects the language."""

from __future__ import annotations

import json

import pytest

from annotator.extensions import db
from annotator.models import Article
from annotator.services.articles import articles
from annotator.services.exchange import imports
from tests.conftest import login

SPANISH = (
    "El alcalde se reunió ayer con Dña. Carmen López en la sede del partido. "
    "La reunión tuvo lugar en la Avda. de la Constitución, núm. 5. "
    "«Hemos llegado a un acuerdo. Los detalles se conocerán mañana», dijo el alcalde."
)
SPANISH_SENTENCES = [
    "El alcalde se reunió ayer con Dña. Carmen López en la sede del partido.",
    "La reunión tuvo lugar en la Avda. de la Constitución, núm. 5.",
    "«Hemos llegado a un acuerdo. Los detalles se conocerán mañana», dijo el alcalde.",
]
UKRAINIAN = (
    "Президент В. Зеленський заявив про це у 2022 р. Він наголосив на важливості допомоги "
    "партнерів. «Ми вистоїмо. Ми переможемо», — сказав він у зверненні."
)
UKRAINIAN_SENTENCES = [
    "Президент В. Зеленський заявив про це у 2022 р.",
    "Він наголосив на важливості допомоги партнерів.",
    "«Ми вистоїмо. Ми переможемо», — сказав він у зверненні.",
]


def sentences_of(article: Article) -> list[str]:
    return [article.text[s.start : s.end] for s in article.sentences]


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [(SPANISH, "es", SPANISH_SENTENCES), (UKRAINIAN, "uk", UKRAINIAN_SENTENCES)],
)
def test_batch_import_detects_the_language_and_splits_by_its_rules(
    app, admin, text, language, expected
):
    data = json.dumps({"title": "Noticia", "text": text}).encode()
    report = imports.import_sources(imports.sources_from_file(data, "news.jsonl"), actor=admin)
    assert [o.status for o in report.outcomes] == ["imported"]
    article = db.session.scalars(db.select(Article)).one()
    assert article.language == language
    assert sentences_of(article) == expected


def test_preview_splits_by_the_detected_language(app):
    source = imports.ImportItem("pasted text", {"title": "Noticia", "text": SPANISH})
    result = imports.preview(source)
    assert [s.text for s in result.sentences] == SPANISH_SENTENCES


def test_a_given_language_is_kept_and_an_unsure_one_stays_unknown(app, make_article):
    given = make_article(text=SPANISH, language="es-MX")
    assert given.language == "es-MX" and sentences_of(given) == SPANISH_SENTENCES
    unsure = make_article(text="Fine. Good.", title="Short")
    assert unsure.language is None and sentences_of(unsure) == ["Fine.", "Good."]


def test_a_language_that_is_no_code_is_refused_by_name(client, admin, token_for):
    response = client.post(
        "/api/v1/articles",
        headers=token_for(admin),
        json={"title": "Noticia", "text": SPANISH, "language": "Spanish please"},
    )
    assert response.status_code == 422
    assert "language" in response.get_json()["error"]["fields"]


@pytest.mark.parametrize(
    ("text", "expected"), [(SPANISH, SPANISH_SENTENCES), (UKRAINIAN, UKRAINIAN_SENTENCES)]
)
def test_new_user_imports_and_annotates_through_the_api(
    client, admin, reviewer, token_for, text, expected
):
    created = client.post(
        "/api/v1/articles", headers=token_for(admin), json={"title": "Noticia", "text": text}
    )
    assert created.status_code == 201, created.get_json()
    article = created.get_json()
    assert [s["text"] for s in article["sentences"]] == expected
    made = client.post(
        "/api/v1/annotations",
        headers=token_for(reviewer),
        json={"sentence_id": article["sentences"][2]["id"], "verdict": "unproven"},
    )
    assert made.status_code == 201, made.get_json()
    again = client.get(f"/api/v1/articles/{article['id']}", headers=token_for(reviewer))
    assert again.get_json()["language"] in ("es", "uk")


def test_correcting_the_language_resegments_and_keeps_annotations(
    client, admin, reviewer, token_for
):
    created = client.post(
        "/api/v1/articles",
        headers=token_for(admin),
        json={"title": "Noticia", "text": SPANISH, "language": "en"},
    )
    article = created.get_json()
    as_english = [s["text"] for s in article["sentences"]]
    assert as_english != SPANISH_SENTENCES  # English rules split after "Dña." and "Avda."
    target = next(s for s in article["sentences"] if s["text"].startswith("Carmen"))
    made = client.post(
        "/api/v1/annotations",
        headers=token_for(reviewer),
        json={"sentence_id": target["id"], "verdict": "verified", "note": "Seen at the office"},
    )
    assert made.status_code == 201
    patched = client.patch(
        f"/api/v1/articles/{article['id']}",
        headers=token_for(admin),
        json={"language": "es"},
    )
    assert patched.status_code == 200, patched.get_json()
    body = patched.get_json()
    assert body["language"] == "es"
    assert [s["text"] for s in body["sentences"]] == SPANISH_SENTENCES
    annotation = client.get(
        f"/api/v1/annotations/{made.get_json()['id']}", headers=token_for(reviewer)
    ).get_json()
    holder = next(s for s in body["sentences"] if s["id"] == annotation["sentence_id"])
    assert "Carmen López" in holder["text"] and annotation["note"] == "Seen at the office"


def test_workspace_names_the_language_and_marks_only_hedge_and_credibility_cues_outside_english(
    client, reviewer, make_article
):
    article = make_article(text=SPANISH, title="Noticia")
    login(client, reviewer)
    html = client.get(f"/articles/{article.id}").get_data(as_text=True)
    assert "Language: Spanish (es)" in html
    assert 'id="cues-other-language"' in html and 'id="worthiness"' not in html
    assert "Suggested:" not in html or 'id="suggestion" hidden' in html


def test_workspace_of_an_english_article_still_scores_its_sentences(client, reviewer, make_article):
    article = make_article(language="en")
    login(client, reviewer)
    html = client.get(f"/articles/{article.id}").get_data(as_text=True)
    assert "Language: English (en)" in html and 'id="worthiness"' in html


def test_admin_edit_page_changes_the_language(client, admin, make_article):
    article = make_article(text=SPANISH, title="Noticia", language="en")
    assert sentences_of(article) != SPANISH_SENTENCES
    token = login(client, admin)
    response = client.post(
        f"/articles/{article.id}/edit",
        data={"title": "Noticia", "text": SPANISH, "language": "es", "csrf_token": token},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert sentences_of(articles.get_article(article.id)) == SPANISH_SENTENCES


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [(SPANISH, "es", SPANISH_SENTENCES), (UKRAINIAN, "uk", UKRAINIAN_SENTENCES)],
)
def test_pasted_on_the_import_page_and_annotated_on_the_article_page(
    client, admin, reviewer, text, language, expected
):
    from tests.web.test_import_page import _confirm_form
    from tests.web.test_pages import post_annotation

    login(client, admin)
    preview = client.post(
        "/import/preview",
        data={
            "csrf_token": client.csrf,
            "source": "paste",
            "format": "auto",
            "title": "Noticia",
            "text": text,
        },
    )
    assert preview.status_code == 200
    form = _confirm_form(preview.get_data(as_text=True)) | {"action": "import"}
    assert client.post("/import/confirm", data=form).status_code == 302
    article = db.session.scalars(db.select(Article)).one()
    assert article.language == language and sentences_of(article) == expected

    client.post("/logout", data={"csrf_token": client.csrf})
    login(client, reviewer)
    response = post_annotation(client, article, article.sentences[2])
    assert response.status_code == 302
    page = client.get(f"/articles/{article.id}?sentence={article.sentences[2].id}")
    html = page.get_data(as_text=True)
    assert "[disputed]" in html and 'id="cues-other-language"' in html


def test_a_spanish_article_gets_its_hedges_marked_and_the_page_says_which_languages_have_cues(
    client, reviewer, make_article
):
    spanish = make_article(
        text="Titular\n\nEl vídeo muestra presuntamente a soldados en la ciudad.",
        title="Titular",
        language="es",
    )
    dutch = make_article(text="Kop\n\nDe video is vermoedelijk nep.", title="Kop", language="nl")
    login(client, reviewer)
    html = client.get(f"/articles/{spanish.id}?sentence={spanish.sentences[1].id}").get_data(
        as_text=True
    )
    assert '<mark class="cue cue-hedge" title="hedge: presuntamente">presuntamente</mark>' in html
    assert "Hedge and credibility cues are marked in Spanish" in html
    html = client.get(f"/articles/{dutch.id}").get_data(as_text=True)
    assert (
        "Cues are marked in English, German, Spanish, French, Portuguese, Ukrainian; "
        "this article is in Dutch (nl)"
    ) in html
