"""WTForms for the pages. They check shape; services check the domain rules."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from annotator.fields import limit as most
from annotator.models import Credibility, Role, Stance, Verdict

# The words a menu shows for each stored value, in the page's language (lazy: read per request).
LABELS = {
    Verdict.VERIFIED: _l("Verified"),
    Verdict.UNPROVEN: _l("Unproven"),
    Verdict.DISPUTED: _l("Disputed"),
    Credibility.HIGH: _l("High"),
    Credibility.MEDIUM: _l("Medium"),
    Credibility.LOW: _l("Low"),
    Credibility.UNKNOWN: _l("Unknown"),
    Stance.SUPPORTS: _l("Supports"),
    Stance.REFUTES: _l("Refutes"),
    Stance.CONTEXT: _l("Context"),
    Role.ADMIN: _l("Admin"),
    Role.REVIEWER: _l("Reviewer"),
}
VERDICT_CHOICES = [(v.value, LABELS[v]) for v in Verdict]
CREDIBILITY_CHOICES = [(c.value, LABELS[c]) for c in Credibility]
STANCE_CHOICES = [("", "—")] + [(s.value, LABELS[s]) for s in Stance]
LINK_CREDIBILITY_CHOICES = [("", _l("From the registry"))] + CREDIBILITY_CHOICES
ROLE_CHOICES = [(r.value, LABELS[r]) for r in Role]


def attach_errors(form: Any, fields: dict[str, str], fallback: Any = None) -> None:
    """Show a service's field errors next to the form fields they name (``links[0].url`` goes to
    ``links``); errors naming no field of the form go to ``fallback``, if given."""
    for name, message in fields.items():
        field = getattr(form, name.split("[")[0].split(".")[0], None)
        if not hasattr(field, "errors"):
            field = fallback
        if field is not None:
            errors = list(field.errors) if isinstance(field.errors, list | tuple) else []
            field.errors = [*errors, message]


def options(pairs: list[tuple[str, str]]) -> list[SelectChoice]:
    """WTForms 3.3 wants SelectChoice objects; templates keep the plain pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


class LoginForm(FlaskForm):
    username = StringField(
        _l("Username"), validators=[DataRequired(), Length(max=most("user", "username"))]
    )
    password = PasswordField(
        _l("Password"), validators=[DataRequired(), Length(max=most("user", "password"))]
    )
    remember = BooleanField(_l("Keep me logged in on this computer"))


class ArticleForm(FlaskForm):
    title = StringField(_l("Title"), validators=[Optional(), Length(max=most("article", "title"))])
    text = TextAreaField(_l("Text"), validators=[DataRequired(message=_l("Text is required."))])
    url = StringField(_l("URL"), validators=[Optional(), Length(max=most("article", "url"))])
    outlet = StringField(
        _l("Outlet"), validators=[Optional(), Length(max=most("article", "outlet"))]
    )
    author = StringField(
        _l("Author"), validators=[Optional(), Length(max=most("article", "author"))]
    )
    published_at = StringField(
        _l("Published (YYYY-MM-DD)"),
        validators=[Optional(), Length(max=most("article", "published_at"))],
    )
    language = StringField(
        _l("Language"), validators=[Optional(), Length(max=most("article", "language"))]
    )
    force = BooleanField(_l("Import even if it looks like a duplicate"))


class LinkForm(Form):
    url = StringField(_l("Evidence URL"), validators=[Optional(), Length(max=most("link", "url"))])
    title = StringField(_l("Title"), validators=[Optional(), Length(max=most("link", "title"))])
    credibility = SelectField(
        _l("Credibility"), choices=options(LINK_CREDIBILITY_CHOICES), default=""
    )
    stance = SelectField(_l("Stance"), choices=options(STANCE_CHOICES), default="")
    override_reason = StringField(
        _l("Why differ from the registry"),
        validators=[Optional(), Length(max=most("link", "override_reason"))],
    )


class AnnotationForm(FlaskForm):
    annotation_id = HiddenField()
    version = HiddenField()
    span_start = HiddenField()
    span_end = HiddenField()
    claim_text = StringField(
        _l("Claim (optional: the exact words, if narrower than the sentence)"),
        validators=[Optional(), Length(max=2000)],
    )
    verdict = RadioField(_l("Verdict"), choices=options(VERDICT_CHOICES))
    attributed_to = StringField(
        _l("Attributed to"),
        validators=[Optional(), Length(max=most("annotation", "attributed_to"))],
    )
    note = TextAreaField(
        _l("Note"), validators=[Optional(), Length(max=most("annotation", "note"))]
    )
    links = FieldList(FormField(LinkForm), min_entries=1, max_entries=most("annotation", "links"))


class ButtonForm(FlaskForm):
    """An empty form: just the CSRF token for a POST button."""


class UserForm(FlaskForm):
    username = StringField(
        _l("Username"), validators=[DataRequired(), Length(max=most("user", "username"))]
    )
    password = PasswordField(
        _l("Password (12 characters or more; not a common one)"), validators=[DataRequired()]
    )
    role = SelectField(_l("Role"), choices=options(ROLE_CHOICES), default="reviewer")


class PasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(), Length(max=1000)]
    )
    password = PasswordField(
        _l("New password (12 characters or more; a few unrelated words work well)"),
        validators=[DataRequired(), Length(max=1000)],
    )
    confirm = PasswordField(_l("New password again"), validators=[DataRequired(), Length(max=1000)])
    revoke_tokens = BooleanField(_l("Also revoke my API tokens"))


class LanguageForm(FlaskForm):
    """The interface language: a user's own choice, or the desk's default (choices set per request)."""

    locale = SelectField(_l("Language of the pages"), choices=[], default="")


class TokenForm(FlaskForm):
    name = StringField(
        _l("What the token is for"), validators=[Optional(), Length(max=most("token", "name"))]
    )


class DeleteAnnotationForm(FlaskForm):
    version = IntegerField(validators=[Optional()])


class SourceForm(FlaskForm):
    """A source registry entry; the service normalises and checks the domains."""

    name = StringField(
        _l("Name"),
        validators=[
            DataRequired(message=_l("Name is required.")),
            Length(max=most("source", "name")),
        ],
    )
    domains = TextAreaField(
        _l("Domains (one per line or separated by commas; a domain covers its subdomains)"),
        validators=[
            DataRequired(message=_l("Give at least one domain, such as reuters.com.")),
            Length(max=20_000),
        ],
    )
    credibility = SelectField(
        _l("Credibility"), choices=options(CREDIBILITY_CHOICES), default="unknown"
    )
    rationale = TextAreaField(
        _l("Rationale (why this rating)"),
        validators=[Optional(), Length(max=most("source", "rationale"))],
    )


class SourceImportForm(FlaskForm):
    """Upload of a registry CSV: name,domains,credibility,rationale."""

    file = FileField(
        _l("CSV file"), validators=[FileRequired(message=_l("Choose a CSV file to import."))]
    )
