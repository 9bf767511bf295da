"""The interface's language: chosen by the user, else the desk, else the browser; what it changes."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from flask import Flask, render_template_string

from annotator.extensions import db
from annotator.models import User
from annotator.services import languages
from tests.conftest import PASSWORD, csrf_from, login


def html_tag(response) -> str:  # noqa: ANN001
    return re.search(r"<html[^>]*>", response.get_data(as_text=True)).group(0)


def set_locale(user: User, locale: str | None) -> None:
    languages.set_user_locale(user, locale, actor=user)
    db.session.commit()


def set_desk(admin: User, locale: str | None) -> None:
    languages.set_desk_locale(locale, actor=admin)
    db.session.commit()


def test_english_when_nothing_chooses_another(client) -> None:  # noqa: ANN001
    response = client.get("/login")
    assert html_tag(response) == '<html lang="en" dir="ltr">'
    assert "Log in" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("header", "lang", "direction"),
    [
        ("es-ES,es;q=0.9,en;q=0.5", "es", "ltr"),
        ("pt-BR", "pt", "ltr"),
        ("ar-JO,ar;q=0.8", "ar", "rtl"),
        ("uk,ru;q=0.7", "uk", "ltr"),
        ("sv-SE,sv;q=0.9", "en", "ltr"),  # no Swedish catalog: English
    ],
)
def test_the_browser_language_is_the_best_shipped_match(client, header, lang, direction) -> None:  # noqa: ANN001
    response = client.get("/login", headers={"Accept-Language": header})
    assert html_tag(response) == f'<html lang="{lang}" dir="{direction}">'


def test_the_user_setting_wins_over_the_desk_which_wins_over_the_browser(
    client,
    make_user,
    admin,  # noqa: ANN001
) -> None:
    user = make_user("reviewer", "lucia")
    french = {"Accept-Language": "fr"}
    assert 'lang="fr"' in html_tag(client.get("/login", headers=french))
    set_desk(admin, "de")
    assert 'lang="de"' in html_tag(client.get("/login", headers=french))
    login(client, user)
    page = client.get("/account", headers=french)
    assert 'lang="de"' in html_tag(page) and "Ihr Konto" in page.get_data(as_text=True)
    set_locale(user, "es")
    page = client.get("/account", headers=french)
    assert html_tag(page) == '<html lang="es" dir="ltr">'
    assert "Su cuenta" in page.get_data(as_text=True)
    set_locale(user, None)  # back to the desk's
    assert 'lang="de"' in html_tag(client.get("/account", headers=french))
    set_desk(admin, None)  # and back to the browser's
    assert 'lang="fr"' in html_tag(client.get("/account", headers=french))


def test_a_user_chooses_arabic_on_the_account_page(client, reviewer) -> None:  # noqa: ANN001
    token = login(client, reviewer)
    page = client.get("/account").get_data(as_text=True)
    assert (
        '<option value="ar">العربية</option>' in page
        and '<option value="es">Español</option>' in page
    )
    response = client.post(
        "/account/language", data={"locale": "ar", "csrf_token": token}, follow_redirects=True
    )
    assert html_tag(response) == '<html lang="ar" dir="rtl">'
    html = response.get_data(as_text=True)
    assert "حُفظت اللغة." in html  # the confirmation is already in the new language
    assert "حسابك" in html and "Your account" not in html
    db.session.refresh(reviewer)
    assert reviewer.locale == "ar"


def test_a_language_that_is_not_shipped_is_refused(client, reviewer) -> None:  # noqa: ANN001
    token = login(client, reviewer)
    response = client.post(
        "/account/language", data={"locale": "xx", "csrf_token": token}, follow_redirects=True
    )
    assert "Choose one of the languages offered." in response.get_data(as_text=True)
    db.session.refresh(reviewer)
    assert reviewer.locale is None
    with pytest.raises(Exception, match="must be one of"):
        languages.set_user_locale(reviewer, "xx", actor=reviewer)


def test_an_admin_sets_the_desk_language_on_the_desk_rules_page(client, admin, make_user) -> None:  # noqa: ANN001
    token = login(client, admin)
    response = client.post(
        "/desk/settings",
        data={"csrf_token": token, "open_unassigned": "y", "locale": "es"},
        follow_redirects=True,
    )
    assert html_tag(response) == '<html lang="es" dir="ltr">'
    assert "Reglas de la redacción guardadas." in response.get_data(as_text=True)
    assert languages.desk_locale() == "es"
    other = make_user("reviewer", "nadia")
    fresh = client.application.test_client()
    login(fresh, other)
    assert 'lang="es"' in html_tag(fresh.get("/account"))


def test_a_flash_message_in_spanish(client, reviewer) -> None:  # noqa: ANN001
    spanish = {"Accept-Language": "es"}
    token = csrf_from(client.get("/login", headers=spanish).get_data(as_text=True))
    response = client.post(
        "/login",
        data={"username": reviewer.username, "password": "wrong" + PASSWORD, "csrf_token": token},
        headers=spanish,
    )
    assert response.status_code == 401
    assert "Usuario o contraseña incorrectos, o la cuenta está desactivada." in response.get_data(
        as_text=True
    )


def test_a_form_error_in_spanish(client, reviewer) -> None:  # noqa: ANN001
    token = login(client, reviewer)
    set_locale(reviewer, "es")
    response = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "password": "", "confirm": "", "csrf_token": token},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Este campo es obligatorio." in html  # WTForms' own message, in Spanish
    assert "Nueva contraseña (12 caracteres o más" in html  # the label too


def test_an_api_error_in_spanish(client, reviewer, token_for) -> None:  # noqa: ANN001
    headers = {**token_for(reviewer), "Accept-Language": "es"}
    response = client.get("/api/v1/nowhere", headers=headers)
    assert response.status_code == 404
    assert response.get_json()["error"] == {
        "code": "not_found",
        "message": "No hay nada en esta dirección.",
        "fields": {},
    }
    set_locale(reviewer, "es")
    response = client.post(
        "/api/v1/annotations",
        data="[]",
        headers={**token_for(reviewer), "Content-Type": "text/plain"},
    )
    assert response.status_code == 415
    assert response.get_json()["error"]["message"].startswith("Envíe el cuerpo de la solicitud")


@pytest.mark.parametrize(
    ("locale", "number", "long_date"),
    [
        ("en", "1,234,567.5", "March 5, 2026"),
        ("es", "1.234.567,5", "5 de marzo de 2026"),
        ("de", "1.234.567,5", "5. März 2026"),
        ("fr", "1\u202f234\u202f567,5", "5 mars 2026"),
        ("uk", "1\u00a0234\u00a0567,5", "5 березня 2026\u202fр."),
    ],
)
def test_numbers_and_dates_follow_the_locale(app: Flask, locale, number, long_date) -> None:  # noqa: ANN001
    with app.test_request_context(headers={"Accept-Language": locale}):
        text = render_template_string(
            "{{ 1234567.5 | number }}|{{ day | date('long') }}", day=date(2026, 3, 5)
        )
    assert text == f"{number}|{long_date}"


def test_an_arabic_article_is_right_to_left_in_an_english_interface(
    client, reviewer, make_article
) -> None:  # noqa: ANN001
    article = make_article(
        text="قال الوزير إن اللقاح آمن.\n\nولم يقدم دليلًا.", title="اللقاح", language="ar"
    )
    login(client, reviewer)
    html = client.get(f"/articles/{article.id}").get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in html
    assert re.search(r'<div id="sentences" data-article="\d+" lang="ar" dir="rtl">', html)
    assert html.count('<p class="para" dir="auto">') == 2
    assert '<blockquote id="current-text" lang="ar" dir="rtl">' in html


def test_the_page_scripts_get_their_strings_in_the_page_language(
    client, reviewer, make_article
) -> None:  # noqa: ANN001
    article = make_article()
    login(client, reviewer)
    english = client.get(f"/articles/{article.id}").get_data(as_text=True)
    assert 'id="i18n"' not in english  # English needs no catalog
    set_locale(reviewer, "es")
    html = client.get(f"/articles/{article.id}").get_data(as_text=True)
    strings = json.loads(
        re.search(r'<script type="application/json" id="i18n">(.*?)</script>', html).group(1)
    )
    assert strings["Saving…"] == "Guardando…"
    assert strings["Saved sentence {n} as {verdict}."] == "Frase {n} guardada como {verdict}."
    assert strings["verified"] == "verificado"


def test_public_pages_speak_the_desk_language_and_say_so_in_claimreview(
    client,
    admin,
    make_article,
    reviewer,  # noqa: ANN001
) -> None:
    from annotator.services import publishing
    from annotator.services.annotations.annotations import annotate
    from annotator.services.review.adjudication import adjudicate

    article = make_article(language="en")
    first = article.sentences[1]
    annotate(first, {"verdict": "verified"}, actor=reviewer)
    adjudicate(first, "verified", "The minutes record the vote.", actor=admin)
    db.session.commit()
    pub = publishing.publish(article, actor=admin)
    db.session.commit()
    set_desk(admin, "fr")
    response = client.get(f"/fact-checks/{pub.slug}", headers={"Accept-Language": "es"})
    html = response.get_data(as_text=True)
    assert html_tag(response) == '<html lang="fr" dir="ltr">'  # the desk's, not the reader's
    assert "Les affirmations" in html and "Vérifié" in html
    reviews = [
        json.loads(block)
        for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    ]
    assert reviews and all(r["inLanguage"] == "fr" for r in reviews)
    assert reviews[0]["reviewRating"]["alternateName"] == "Vérifié"
    assert reviews[0]["itemReviewed"]["inLanguage"] == "en"
