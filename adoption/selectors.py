"""Reads of adoption, scoped by the caller (core.scoping). Every view starts here."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from core.audit import Verb, history_of, note_read
from core.models import Role, User
from core.numbers import whole_number
from core.scoping import NOTHING, role_of, scope_of, territory_q
from registry import sealing
from registry.models import Child
from registry.selectors import name_q

from . import extensions
from .models import Applicant, Case, CaseApplicant, CaseChild, CaseDocument, CaseStatus, Consent, Contact


def case_scope_q(user: User, prefix: str = "") -> Q:
    territory = territory_q(user, district=f"{prefix}district")
    if territory is not None:
        return territory
    role = role_of(user)
    if role == Role.COURT:
        return Q(**{f"{prefix}referrals__court": user.court_id})
    if role == Role.CONSULAR and user.consular_post is not None:
        # the cases of children adopted into the post's country (the consular view shows a part of them)
        return Q(**{f"{prefix}status": CaseStatus.IN_FORCE, f"{prefix}receiving_country": user.consular_post.country})
    return NOTHING


def applicant_name_q(text: str) -> Q:
    """Applicants with every word of `text` in their last or first name, in any spelling, Cyrillic
    or Latin, as a child is found (their search key; no word, none)."""
    return name_q(text)


def case_search_q(text: str) -> Q:
    """A case by its number ("17", "#17") or its reference (a historical import's), a child's name
    (any spelling, Cyrillic or Latin; a sealed name never matches) or an applicant's name (every
    word in the last or the first name of one applicant, in any spelling). Each way is its own indexed
    query and the cases are those any of them finds: one query joining them all read every case
    of the country to find none (4.5 s at 1,000,000 children)."""
    words = text.split()
    if not words:
        return NOTHING
    number = whole_number(words[0].lstrip("#")) if len(words) == 1 else None
    applicant = applicant_name_q(text)
    ways = [  # unordered: a compound statement's parts may not be (SQLite)
        Case.objects.filter(case_ref__iexact=text.strip()).order_by().values("pk"),
        CaseChild.objects.filter(name_q(text, prefix="child__")).order_by().values("case_id"),
        CaseApplicant.objects.filter(applicant__in=Applicant.objects.filter(applicant)).order_by().values("case_id"),
    ]
    if number is not None:  # a case's number
        ways.append(Case.objects.filter(pk=number).order_by().values("pk"))
    return Q(pk__in=ways[0].union(*ways[1:]))


@scope_of(Case)
def cases_for(user: User) -> QuerySet[Case]:
    qs = Case.objects.all()
    if role_of(user) == Role.COURT:
        return qs.filter(pk__in=Case.objects.filter(case_scope_q(user)).values("pk"))
    return qs.filter(case_scope_q(user))


def of_child(qs: QuerySet[Case], child: Child) -> QuerySet[Case]:
    """The cases among `qs` that a child's record leads to: a sealed child's, only the case that
    adopted it. Its other cases (closed when it was adopted) do not show it (`Case.names`), and
    reached from it would name its birth family, the brothers and sisters they were for."""
    qs = qs.filter(child_links__child=child)
    return qs.filter(status=CaseStatus.IN_FORCE) if child.sealed_on is not None else qs  # Case.adopted_its_children


def with_sealed(qs: QuerySet[Case]) -> QuerySet[Case]:
    """Whether each case holds a sealed child (`Case.holds_a_sealed_child`), in the same query."""
    sealed = CaseChild.objects.filter(case=OuterRef("pk"), child__sealed_on__isnull=False)
    return qs.annotate(sealed_children=Exists(sealed))


def case_file(qs: QuerySet[Case]) -> QuerySet[Case]:
    """Everything the case file shows, in a fixed number of queries."""
    return (
        with_sealed(qs)
        .select_related("district", "decision", "decision__appeal", "hague")
        .prefetch_related(
            Prefetch("child_links", queryset=CaseChild.objects.select_related("child")),
            "applicant_links",
            "applicants__registrations",
            Prefetch("documents", queryset=CaseDocument.objects.select_related("applicant")),
            Prefetch("contacts", queryset=Contact.objects.select_related("applicant", "child")),
            Prefetch("consents", queryset=Consent.objects.select_related("child")),
            "domestic_searches",
            "referrals",
            "hearings",
        )
    )


def may_open_file(user: User, case: Case) -> bool:
    """Whether `user` may open what a case file hides while it holds a sealed child: it may open
    the identity of every sealed child of it (`registry.sealing.may_unseal`)."""
    return all(sealing.may_unseal(user, child) for child in _sealed_children(case))


def open_file(user: User, case: Case, purpose: str | None) -> bool:
    """Open what a case file hides while it holds a sealed child (the reasons of its withdrawals,
    its searches' notes, the names of the children in it) for this request, if `purpose` is given
    (None: not asked), as a child's identity is opened (`registry.sealing.unseal`: 403 for a role
    that may not open each sealed child of it, 400 for a purpose under 10 characters). The read of
    each sealed child and of the file is recorded with the purpose. Returns whether it is opened."""
    if purpose is None or not case.holds_a_sealed_child:
        return False
    for child in _sealed_children(case):
        sealing.unseal(user, child, purpose)
    note_read(case, purpose=purpose.strip())
    case.opened = True
    return True


def _sealed_children(case: Case) -> QuerySet[Child]:
    return Child.objects.filter(cases=case, sealed_on__isnull=False).order_by("id")


def children_who_left(case: Case) -> QuerySet[Child]:
    """The children who died before their adoption and left the case, which went on for their
    siblings (`services.close_cases_of_a_child_who_died`): the case links them no more, its trail
    names them."""
    ids = [event.before["child_id"] for event in history_of(case).filter(verb=Verb.CHILD_LEFT_CASE)]
    return Child.objects.filter(pk__in=ids).order_by("id")


@scope_of(Applicant)
def applicants_for(user: User) -> QuerySet[Applicant]:
    """A district or a region: the applicants its agencies recorded, and those other apps bring
    into it (`extensions.applicant_scopes`: a family of another district proposed one of its
    children); the ministry and the auditor: all; a court or a consular post: those of its cases."""
    territory = territory_q(user, district="district")
    if territory:  # a district's or a region's (Q() is the whole country's: nothing to add to it)
        # one list of ids (a UNION), read by the primary key: an OR of the territory and the others
        # would scan every applicant instead of the territory's index
        ids = Applicant.objects.filter(territory).values("pk")
        for brought in extensions.applicant_scopes:
            ids = ids.union(brought(user))
        return Applicant.objects.filter(pk__in=ids)
    if territory is not None:
        return Applicant.objects.filter(territory)
    return Applicant.objects.filter(
        pk__in=Applicant.objects.filter(case_scope_q(user, prefix="case_links__case__")).values("pk")
    )


@scope_of(Consent)
def consents_for(user: User) -> QuerySet[Consent]:
    return Consent.objects.filter(case__in=cases_for(user).values("pk"))
