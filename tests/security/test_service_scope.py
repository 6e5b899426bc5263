"""Every write service checks its records' scope itself (core.errors.for_roles(scope=...)), with
the same rule as the reads (the selectors registered by `core.scoping.scope_of`). Enumerated:
a new service without roles, or with a record and no scope, fails here; then each service is
called by an allowed role of another territory on a record of this one, and must refuse it
(403 `out_of_scope`) with nothing written."""

import datetime
import importlib
import inspect

import pytest

from adoption import services as adoption_services
from consular import services as consular_services
from core.dates import today
from core.errors import Forbidden
from core.models import AuditEvent, Reminder
from databank.models import Proposal
from intercountry import services as intercountry_services
from registry import services as registry_services
from registry.models import DuplicateFlag
from tests.adoption.conftest import adopt_abroad, make_applicant, make_child

pytestmark = pytest.mark.django_db

MODULES = [
    "registry.services",
    "adoption.services",
    "consular.services",
    "intercountry.services",
    "databank.services",
    "core.services",
    "reports.services",
]
# Services that act on no record of a territory (national objects): the role check is the scope.
NATIONAL = {
    "update_policy",
    "update_citation",
    "create_staff",
    "start_import",
    "create_agency",
    "update_agency",
    "update_country",
    "change_own_password",  # the actor's own account
}
# Writers that are not services of a role: called by other services or by the system only (actor None).
INTERNAL = {
    "deregister_adopted",
    "seal_identity",
    "record_historical_adoption",
    "close_cases_of_a_child_who_died",  # in the transaction of registry.services.deregister (a death)
    "withdraw_proposals",  # in the transaction of registry.services.deregister (leaving the registers)
    "judge_again_after_a_placement",  # in the transaction of registry.services.correct_placement
    "record_death_after_adoption",  # by consular.services.record_death
    "correct_adoption_entry",  # by adoption.services.correct_in_force
    "create_reminders",
    "close_reminders",
    "send_reminder_emails",
    "run_import_job",
    "sweep_registers",
    "sweep_court_deadlines",
    "sweep_consular_deadlines",
}


def services():
    found = {}
    for module_name in MODULES:
        module = importlib.import_module(module_name)
        for name, fn in vars(module).items():
            if inspect.isfunction(fn) and fn.__module__ == module_name and not name.startswith("_"):
                found[name] = fn
    return found


def writers():
    """The public functions of the service modules that take an actor: the writes of a role."""
    return {
        name: fn
        for name, fn in services().items()
        if "actor" in inspect.signature(fn).parameters and name not in INTERNAL
    }


def test_every_write_service_declares_its_roles_and_its_scope():
    undeclared = [name for name, fn in writers().items() if not hasattr(fn, "roles")]
    assert undeclared == [], "a service of a role needs @for_roles (or @workflow.step)"
    unscoped = [name for name, fn in writers().items() if not fn.scope and name not in NATIONAL]
    assert unscoped == [], "a service acting on a record needs scope=(...)"


def test_every_scoped_service_refuses_a_record_outside_the_actors_scope(users, district, court, us_post):
    case, adopted = adopt_abroad(district, court, country="US")
    registration = consular_services.register_child(
        actor=None, child=adopted, post=us_post, number="R-1", registered_on=today() - datetime.timedelta(days=5)
    )
    child = make_child(district, last_name="Twin")
    make_child(district, last_name="Twin")
    applicant = make_applicant(district)
    open_case = adoption_services.open_case(actor=None, children=[child], applicants=[applicant], opened_on=today())
    consent = adoption_services.record_consent(actor=None, case=open_case, child=child, given_on=today())
    parental_consent = registry_services.record_parental_consent(
        actor=None,
        child=child,
        parent="mother",
        given_on=today(),
        form="notarised",
        document={"number": "N-1", "date": today(), "issued_by": "Notary"},
    )
    records = {
        "child": child,
        "district": district,
        "case": open_case,
        "flag": DuplicateFlag.objects.get(),
        "children": [child],
        "applicants": [applicant],
        "applicant": applicant,
        "parental_consent": parental_consent,
        "proposal": Proposal.objects.create(child=child, applicant=applicant, proposed_on=today()),
        "party": intercountry_services.add_party(
            actor=None, case=open_case, name="Fixer", country="KZ", role="facilitator"
        ),
        "relative_of": [child],
        "consent": consent,
        "registration": registration,
        "post": us_post,
        "reminder": Reminder.objects.create(
            kind="t", subject_type="child", subject_id=child.pk, due_on=today(), district=district
        ),
    }
    court_records = {"case": case}  # referred to the home court
    consular_records = {"child": adopted}  # adopted into the home post's country
    outsiders = {
        "guardianship": users["other_guardianship"],
        "regional": users["other_regional"],
        "court": users["other_court"],
        "consular": users["other_consular"],
    }
    checked = []
    for name, fn in sorted(writers().items()):
        if name in NATIONAL:
            continue
        role = next((r for r in fn.roles if r in outsiders), None)  # an allowed role that has a territory
        if role is None:
            continue  # the ministry's alone (the Hague steps): it sees every case
        outsider = outsiders[role]
        first = fn.scope[0]
        record = {"court": court_records, "consular": consular_records}.get(role, {}).get(first, records[first])
        before = AuditEvent.objects.count()
        with pytest.raises(Forbidden) as refusal:
            fn(actor=outsider, **{first: record})  # nothing else is needed: scope is checked first
        assert refusal.value.errors[0].code == "out_of_scope", (name, refusal.value.errors)
        assert AuditEvent.objects.count() == before, name
        checked.append(name)
    assert len(checked) >= 20, checked
