"""Reads of the foundation, scoped by the caller."""

from django.db.models import QuerySet

from .models import Agency, AuditEvent, Citation, ConsularPost, Country, Court, District, Region, Reminder, Role, User
from .scoping import NOTHING, role_of, scope_of


@scope_of(Reminder)
def reminders_for(user: User, *, include_done: bool = False) -> QuerySet[Reminder]:
    """The reminders addressed to the user's organisation (national roles: all of them)."""
    qs = Reminder.objects.all()
    if not include_done:
        qs = qs.filter(done_at__isnull=True)
    match role_of(user):
        case Role.GUARDIANSHIP:
            return qs.filter(district=user.district_id)
        case Role.REGIONAL:
            return qs.filter(region=user.region_id)
        case Role.COURT:
            return qs.filter(court=user.court_id)
        case Role.CONSULAR:
            return qs.filter(consular_post=user.consular_post_id)
        case Role.MINISTRY | Role.AUDITOR:
            return qs
    return qs.filter(NOTHING)


def regions() -> QuerySet[Region]:
    return Region.objects.prefetch_related("districts")


def courts() -> QuerySet[Court]:
    return Court.objects.all()


def consular_posts() -> QuerySet[ConsularPost]:
    return ConsularPost.objects.all()


def audit_events() -> QuerySet[AuditEvent]:
    """Newest first; the auditor (procurator's office) sees all of it (ROLES.md)."""
    return AuditEvent.objects.select_related("actor").order_by("-id")


@scope_of(District)
def districts_for(user: User) -> QuerySet[District]:
    """The districts a user acts for: its own, its region's, all (national roles)."""
    match role_of(user):
        case Role.MINISTRY | Role.AUDITOR:
            return District.objects.all()
        case Role.GUARDIANSHIP:
            return District.objects.filter(pk=user.district_id)
        case Role.REGIONAL:
            return District.objects.filter(region=user.region_id)
    return District.objects.none()


@scope_of(ConsularPost)
def posts_for(user: User) -> QuerySet[ConsularPost]:
    """The consular posts a user acts for: a post its own, national roles all."""
    match role_of(user):
        case Role.MINISTRY | Role.AUDITOR:
            return ConsularPost.objects.all()
        case Role.CONSULAR if user.consular_post_id is not None:
            return ConsularPost.objects.filter(pk=user.consular_post_id)
    return ConsularPost.objects.none()


def citations() -> QuerySet[Citation]:
    Citation.seed()
    return Citation.objects.order_by("code")


def agencies() -> QuerySet[Agency]:
    return Agency.objects.prefetch_related("suspensions").order_by("name", "id")


def countries() -> QuerySet[Country]:
    return Country.objects.order_by("code")
