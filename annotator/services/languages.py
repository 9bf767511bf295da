"""The interface language: each user's own choice and the desk's default (an admin setting)."""

from __future__ import annotations

from flask_babel import gettext as _

from annotator.extensions import db
from annotator.locales import available_locales
from annotator.models import User
from annotator.services import audit, guards
from annotator.services.desk import settings
from annotator.services.errors import Forbidden, Invalid

DESK_LOCALE = "locale"  # the DeskSetting holding the desk's default interface language


def desk_locale() -> str | None:
    """The desk's default interface language, or None when the admins chose none."""
    return settings.read(DESK_LOCALE).get(DESK_LOCALE)


def _checked(locale: str | None, field: str) -> str | None:
    if locale in (None, ""):
        return None
    if locale not in available_locales():
        raise Invalid(
            {field: _("must be one of %(locales)s.", locales=", ".join(available_locales()))}
        )
    return locale


def set_desk_locale(locale: str | None, *, actor: User) -> None:
    """Admins choose the desk's default interface language (None: each browser's own)."""
    guards.require_admin(actor, _("Only admins can change the desk's rules."))
    locale = _checked(locale, "locale")
    before = desk_locale()
    if before != locale:
        settings.write(
            {DESK_LOCALE: locale},
            actor=actor,
            before={DESK_LOCALE: before},
            after={DESK_LOCALE: locale},
        )


def set_user_locale(user: User, locale: str | None, *, actor: User) -> None:
    """A user chooses their own interface language (None: the desk's default)."""
    if actor.id != user.id and not actor.is_admin:
        raise Forbidden(_("You can change only your own language."))
    locale = _checked(locale, "locale")
    before = user.locale
    user.locale = locale
    db.session.flush()
    if before != locale:
        audit.record(
            "user",
            user.id,
            "update",
            actor=actor,
            before={"locale": before},
            after={"locale": locale},
        )
