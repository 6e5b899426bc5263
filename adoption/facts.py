"""Load a case's facts once, in a fixed number of queries, into `rules.CaseFacts`.

Every record is loaded whatever its date; the rules ignore those dated after
`as_of`. The number of queries does not grow with children, documents or contacts.
"""

from __future__ import annotations

from django.db.models import Min, Prefetch

from core.models import Policy
from registry.models import Child, ChildStatus, GroundDocument
from registry.rules import Entry, GroundFact

from . import rules
from .models import Applicant, Case, CaseChild, CaseDocument, Consent, Contact, DomesticSearch


def load_case_facts(case: Case) -> rules.CaseFacts:
    links = list(case.child_links.all())
    child_ids = [link.child_id for link in links]
    relative = {link.child_id: link.is_relative for link in links}

    children = Child.objects.filter(pk__in=child_ids).prefetch_related(
        "register_entries",
        Prefetch("grounds__documents", queryset=GroundDocument.objects.all()),
    ).order_by("id")
    siblings = {}
    through = Child.siblings.through
    on_register = through.objects.filter(
        from_child_id__in=child_ids, to_child__status=ChildStatus.REGISTERED, to_child__register_level__isnull=False
    ).exclude(to_child_id__in=child_ids).values_list("from_child_id", "to_child_id")
    for child_id, sibling_id in on_register:
        siblings.setdefault(child_id, []).append(sibling_id)

    child_facts = tuple(
        rules.ChildFacts(
            id=child.pk,
            birth_date=child.birth_date,
            is_relative=relative[child.pk],
            entries=tuple(Entry(e.level, e.on, e.reason) for e in sorted(child.register_entries.all(), key=lambda e: (e.on, e.id))),
            grounds=tuple(GroundFact(g.parent, g.ground, tuple((d.kind, d.date) for d in g.documents.all())) for g in child.grounds.all()),
            siblings_on_register=tuple(sorted(siblings.get(child.pk, ()))),
        )
        for child in children
    )
    applicants = tuple(
        rules.ApplicantFacts(a.pk, a.sex, a.birth_date, a.citizenship, a.residence_country, a.marital_status,
                             a.foreign_register_number, a.foreign_registered_on)
        for a in Applicant.objects.filter(case_links__case=case).order_by("id")
    )
    documents = tuple(
        rules.DocumentFacts(d.kind, d.issued_on, d.applicant_id, d.issuer_licence, d.licence_valid_until, tuple(d.conditions or ()))
        for d in CaseDocument.objects.filter(case=case)
    )
    contacts = tuple(rules.ContactFacts(c.applicant_id, c.child_id, c.on) for c in Contact.objects.filter(case=case))
    consents = tuple(rules.ConsentFacts(c.child_id, c.given_on, c.withdrawn_on) for c in Consent.objects.filter(case=case))
    searches = tuple(DomesticSearch.objects.filter(case=case).values_list("completed_on", flat=True))
    others = tuple(
        rules.OtherCaseFacts(
            id=link.case_id, child_id=link.child_id, category=link.case.category, opened_on=link.case.opened_on,
            referred_on=link.referred_on, decided_on=getattr(getattr(link.case, "decision", None), "decided_on", None),
            outcome=getattr(getattr(link.case, "decision", None), "outcome", ""), closed_on=link.case.closed_on,
        )
        for link in CaseChild.objects.filter(child_id__in=child_ids).exclude(case=case)
        .select_related("case", "case__decision").annotate(referred_on=Min("case__referrals__on"))
    )
    policy = Policy.current()
    return rules.CaseFacts(
        id=case.pk, category=case.category, opened_on=case.opened_on, children=child_facts, applicants=applicants,
        documents=documents, contacts=contacts, consents=consents, domestic_searches=searches, other_cases=others,
        policy=rules.PolicyFacts(policy.dossier_validity_months, policy.health_certificate_validity_months,
                                 tuple(policy.barring_conditions or ())),
    )


def eligibility(case: Case, as_of) -> rules.Eligibility:
    return rules.evaluate(load_case_facts(case), as_of)
