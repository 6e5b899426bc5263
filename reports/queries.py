"""The ministry's reports (REPORTS.md), computed in the database and scoped by the caller."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Exists, OuterRef, QuerySet

from adoption.models import Adoption
from consular.models import ConsularRegistration
from consular.rules import UNREGISTERED_AFTER_DAYS
from core.models import User
from core.scoping import territory_q


def scoped_adoptions(user: User, region: str | None = None) -> QuerySet[Adoption]:
    """Adoptions the caller may count: ministry and auditor national, a region its own."""
    territory = territory_q(user, district="child__district")
    qs = Adoption.objects.filter(territory) if territory is not None else Adoption.objects.none()
    return qs.filter(child__district__region=region) if region else qs


def unregistered_children(user: User, as_of: date, region: str | None = None) -> QuerySet[Adoption]:
    """Foreign adoptions in force on or before as_of - 180 days with no consular registration
    dated on or before as_of (RULES §7, REPORTS.md): the safeguard against the sale of children."""
    registered = ConsularRegistration.objects.filter(child=OuterRef("child"), registered_on__lte=as_of)
    return (scoped_adoptions(user, region)
            .filter(decision__in_force_on__lte=as_of - timedelta(days=UNREGISTERED_AFTER_DAYS))
            .exclude(decision__case__receiving_country="")
            .exclude(Exists(registered))
            .select_related("child", "child__district", "decision", "decision__case")
            .prefetch_related("decision__case__applicants")
            .order_by("decision__in_force_on", "child_id"))
