"""What adoption adds to a child's record in the registry (registry.contributions): the court
sees the children of the cases referred to it and opens the sealed identity of the children it
gave in adoption; the child's timeline shows its cases and its adoption."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from core.audit import shows_events
from core.models import Role
from registry import contributions, sealing

from .models import GRANTED_DAY, GRANTS, Adoption, Applicant, Case, CaseChild, Decision


def court_children(user, prefix: str = "") -> Q:
    referred = CaseChild.objects.filter(case__referrals__court=user.court_id).values("child_id")
    return Q(**{f"{prefix}pk__in": referred})


def court_of_the_adoption(user, child) -> bool:
    return Adoption.objects.filter(child=child, decision__court=user.court_id).exists()


def case_events(child, user) -> list[dict]:
    from .selectors import of_child

    cases = of_child(Case.objects.all(), child).order_by("-id")
    if user.role == Role.COURT:
        cases = cases.filter(referrals__court=user.court_id).distinct()  # a court sees the cases referred to it
    events = [
        {
            "on": case.opened_on,
            "text": _("case opened: %(category)s, %(status)s")
            % {"category": case.get_category_display(), "status": case.get_status_display()},
            "case": case.pk,
        }
        for case in cases
    ]
    adoption = Adoption.objects.filter(child=child).select_related("decision__appeal").first()
    if adoption is not None:  # (a grant reversed on appeal has none; a refusal reversed has one)
        decision = adoption.decision
        events.append({"on": decision.decided_on, "text": decision.get_outcome_display()})
        appeal = getattr(decision, "appeal", None)
        if appeal is not None:
            events.append({"on": appeal.filed_on, "text": _("appeal filed")})
            if not appeal.pending:
                granted = decision.granted_on_appeal
                text = _("the adoption granted on appeal") if granted else appeal.get_outcome_display()
                events.append({"on": appeal.decided_on, "text": text})
        if decision.in_force_on:
            events.append({"on": decision.in_force_on, "text": _("in force on")})
    return events


def applicants_seen(user, ids) -> dict[int, str]:
    from .selectors import applicants_for

    applicants = applicants_for(user) if user else Applicant.objects.all()  # no user: a command or a test
    applicants = applicants.filter(pk__in=ids)
    fields = ("id", "last_name", "first_name", "citizenship", "residence_country")
    return {a.pk: a.label for a in applicants.only(*fields)}


def granted_on(child) -> list:
    """The days courts granted the child's adoption (`GRANTS`, `GRANTED_DAY`)."""
    decisions = Decision.objects.filter(case__child_links__child=child)
    return list(decisions.filter(GRANTS).values_list(GRANTED_DAY, flat=True))


CASE = "adoption.case"


def sealed_case_events(events):
    """The audit log shows the snapshots of a case holding a sealed child redacted as the child's
    own (`registry.sealing.audit_log_view`): what was typed in the file before the adoption (a
    withdrawal's reason, a search's notes) may name the child by its birth name."""
    ids = {e.subject_id for e in events if e.subject_type == CASE and e.subject_id.isdigit()}
    held = CaseChild.objects.filter(case_id__in=ids, child__sealed_on__isnull=False).values_list("case_id", flat=True)
    sealed = {(CASE, str(pk)) for pk in held}
    return lambda event, data: sealing.redact_event(data, event, sealed)


def register() -> None:
    from .services import close_cases_of_a_child_who_died, judge_again_after_a_placement

    contributions.death_hooks.append(close_cases_of_a_child_who_died)
    contributions.placement_hooks.append(judge_again_after_a_placement)
    contributions.applicant_lookups.append(applicants_seen)
    contributions.decision_dates.append(granted_on)
    contributions.child_scopes[Role.COURT] = court_children
    contributions.unsealers[Role.COURT] = court_of_the_adoption
    contributions.timeline_sources.append(case_events)
    shows_events(sealed_case_events)
