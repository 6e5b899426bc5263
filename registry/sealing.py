"""Secrecy of adoption: once a granted adoption is in force, the child's pre-adoption identity
is sealed. It is shown only to roles that need it, and only when the user states a purpose,
which the audit trail records with the read."""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.errors import Forbidden, RuleError
from core.models import Role, User

SEALED_FIELDS = ("last_name", "first_name", "patronymic", "birth_registration_number", "health_notes", "search_name")
MIN_PURPOSE = 10


def sealed_ids(child_ids) -> set[int]:
    """Which of these children have an adoption in force (one query)."""
    from .models import Child

    return set(Child.objects.filter(pk__in=list(child_ids), adoption__decision__in_force_on__isnull=False).values_list("pk", flat=True))


def may_unseal(user: User, child) -> bool:
    if user.role in (Role.MINISTRY, Role.AUDITOR):
        return True
    if user.role == Role.GUARDIANSHIP:
        return child.district_id == user.district_id
    if user.role == Role.COURT:
        return child.adoption.decision.court_id == user.court_id
    return False


def check_purpose(user: User, child, purpose: str) -> str:
    """The stated purpose, validated; refuses a role that may not see the sealed identity."""
    if not may_unseal(user, child):
        raise Forbidden("purpose", "sealed", _("The identity of an adopted child is sealed; your role may not open it."))
    purpose = (purpose or "").strip()
    if len(purpose) < MIN_PURPOSE:
        raise RuleError("purpose", "purpose_required", _("State why you need the sealed identity (at least 10 characters); it is recorded."))
    return purpose
