"""Business-rule refusals raised by services and turned into 4xx by the API and the web UI.

Body shape (API.md "Errors"): {"errors": [{"field": ..., "code": ..., "message": ...}]}
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass

log = logging.getLogger("adoption.conflict")


@dataclass(frozen=True)
class FieldError:
    field: str | None
    code: str
    message: str

    def as_dict(self) -> dict:
        return {"field": self.field, "code": self.code, "message": str(self.message)}


class RuleError(Exception):
    """The request breaks a rule: 400, nothing is changed."""

    status = 400

    def __init__(self, field: str | None, code: str, message, *, extra: dict | None = None):
        self.errors = [FieldError(field, code, message)]
        self.extra = extra or {}
        super().__init__(f"{field}: {code}")

    @classmethod
    def many(cls, errors: list[FieldError], *, extra: dict | None = None) -> RuleError:
        error = cls(errors[0].field, errors[0].code, errors[0].message, extra=extra)
        error.errors = list(errors)
        return error

    def as_dict(self) -> dict:
        return {"errors": [e.as_dict() for e in self.errors], **self.extra}


def too_long(field: str | None, limit: int) -> FieldError:
    """A text longer than the `limit` characters of the column it is stored in."""
    from django.utils.translation import ngettext

    message = ngettext("At most %(limit)d character.", "At most %(limit)d characters.", limit) % {"limit": limit}
    return FieldError(field, "max_length", message)


class ConflictError(RuleError):
    """The request conflicts with the current state (e.g. a second granted decision): 409."""

    status = 409


class Forbidden(RuleError):
    """The caller's role may not take this action: 403."""

    status = 403


def refused_by_database(exc: Exception) -> None:
    """Log a write the database refused (an IntegrityError) by the constraint's name, never its
    values (they may name a child)."""
    cause = getattr(exc.__cause__, "diag", None)
    constraint = getattr(cause, "constraint_name", None) or type(exc).__name__
    log.warning("write refused by the database", extra={"constraint": constraint})


def conflict(exc: Exception) -> FieldError:
    """What a user is told when the database refused a write its service had checked (a record
    written by another request at the same moment, between the check and the write: the services
    hold what they check where it matters, this is the net under the rest); logged."""
    from django.utils.translation import gettext as _

    refused_by_database(exc)
    return FieldError(
        None, "conflict", _("Another change to the same record was saved at the same moment: reload and try again.")
    )


def not_future(field: str, value, errors: list[FieldError], *, on=None) -> None:
    """RULES §8: a date of something that happened cannot be in the future (after `on`, default
    today: a caller checking many rows reads the day once)."""
    from django.utils.translation import gettext as _

    from .dates import today

    if value is not None and value > (on or today()):
        errors.append(FieldError(field, "future_date", _("The date cannot be in the future.")))


def not_stale(record, version: int | None) -> None:
    """A correction is made on the version of `record` the user saw (`version`; None: not said):
    a record changed by someone else since is refused, 409, with the current version."""
    from django.utils.translation import gettext as _

    if version is not None and version != record.version:
        raise ConflictError(
            "version",
            "stale",
            _("This record was changed by someone else since you opened it; reload it."),
            extra={"current_version": record.version},
        )


def raise_errors(errors: list[FieldError]) -> None:
    """Refuse with every collected error at once (nothing has been written yet)."""
    if errors:
        raise RuleError.many(errors)


MIN_REASON = 5  # characters of the reason of a correction or a withdrawal


def reason_errors(reason: str, message) -> list[FieldError]:
    """The refusal (400 `reason_required` on `reason`, saying `message`) of the reason given for a
    correction or a withdrawal of a record entered by mistake, when it is shorter than MIN_REASON."""
    return [] if len(reason.strip()) >= MIN_REASON else [FieldError("reason", "reason_required", message)]


def actor_may(actor, *roles: str) -> None:
    """The actor's role must be one of `roles` (None is the system: imports, sweeps)."""
    if actor is not None and actor.role not in roles:
        from django.utils.translation import gettext as _

        raise Forbidden(None, "role_not_allowed", _("Your role may not take this action."))


def for_roles(*roles: str, scope: tuple[str, ...] = ()):
    """Decorate a service: only these roles may call it (403 otherwise), and only on records in
    the actor's scope: each argument named in `scope` (a record, or a list of records) must be
    one the actor may see (`core.scoping.in_scope`, the selectors' own rule), else 403
    `out_of_scope`, before anything is read or written. The system (actor None) may do anything.

    The roles stay on the service (`service.roles`) so that a view can refuse a forbidden
    role before it validates anything (`may`): deny first, then explain the input.
    """

    def decorate(service):
        @functools.wraps(service)
        def checked(*args, actor, **kwargs):
            actor_may(actor, *roles)
            if actor is not None:
                for name in scope:
                    require_in_scope(actor, name, kwargs.get(name))
            return service(*args, actor=actor, **kwargs)

        checked.roles, checked.scope = roles, scope  # type: ignore[attr-defined]  # read by may() and the pages
        return checked

    return decorate


def require_in_scope(actor, name: str, value) -> None:
    """403 `out_of_scope` on `name` unless the actor may see the record(s) `value` (None: nothing)."""
    from django.utils.translation import gettext as _

    from .scoping import in_scope

    records = [record for record in (value if isinstance(value, list | tuple) else [value]) if record is not None]
    if records and not in_scope(actor, records):
        raise Forbidden(name, "out_of_scope", _("This record is outside your district, region, court or post."))


def may(actor, service) -> None:
    """Views: refuse (403) a role the service does not allow, before validating the request."""
    actor_may(actor, *service.roles)
