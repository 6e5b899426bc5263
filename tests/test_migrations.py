"""An existing database migrates to the law in force (issue 17): a database of version 1 (cases,
adoptions, grounds of the v1 shape) is migrated forward; existing cases are `standard`, children
KZ citizens, the policy one version with no lower bound, court decisions in force on their date,
consent grounds consent records where the date allows; and check_consistency still passes."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from adoption.models import Applicant, Case, CaseDocument, Decision
from adoption.selectors import applicant_name_q
from core.models import Citation, Policy
from registry.models import Child, GroundDocument, ParentalConsent
from tests.adoption.conftest import adopt_abroad, ago, make_child

V1 = [("core", "0004_auditevent_object_ids"), ("registry", "0007_choices_known"), ("adoption", "0005_choices_known")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_a_version_1_database_migrates_to_the_law_in_force(district, court):
    case, adopted = adopt_abroad(district, court)
    waiting = make_child(district, last_name="Waiting")
    Policy.current()
    # what version 1 could not hold goes before going back to it (the documents of RULES v2 §1a)
    v1_kinds = ["application", "financial_solvency", "family_situation", "health_report", "moral_qualities"]
    CaseDocument.objects.exclude(kind__in=[*v1_kinds, "medical_certificate"]).delete()

    old = migrate(V1)
    OldGround, OldDocument = old.get_model("registry", "Ground"), old.get_model("registry", "GroundDocument")
    OldPolicy = old.get_model("core", "Policy")
    OldPolicy.objects.update(appeal_period_days=15)
    birth = Child.objects.values_list("birth_date", flat=True).get(pk=waiting.pk)

    def ground(parent, code, kind, date):
        record = OldGround.objects.create(child_id=waiting.pk, parent=parent, ground=code)
        OldDocument.objects.create(ground=record, kind=kind, number=f"{code}-1", date=date, issued_by="Agency")

    ground("mother", "parental_consent", "consent", birth + datetime.timedelta(days=40))  # becomes a record
    ground("father", "parental_consent", "consent", birth - datetime.timedelta(days=100))  # before the birth: not
    ground("both", "deprived_of_parental_rights", "court_decision", birth + datetime.timedelta(days=300))

    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    assert set(Case.objects.values_list("kind", flat=True)) == {"standard"}
    assert set(Child.objects.values_list("citizenship", flat=True)) == {"KZ"}
    assert list(Policy.objects.values_list("effective_from", "appeal_period_months")) == [(None, 1)]
    decision = Decision.objects.get(case=case)
    assert decision.final_form_on == decision.decided_on
    assert decision.district_id == case.district_id  # the copy the territory's follow-ups are read by
    court_decision = GroundDocument.objects.get(kind="court_decision")
    assert court_decision.in_force_on == court_decision.date
    assert list(ParentalConsent.objects.values_list("child_id", "parent", "given_on", "form", "names_applicants")) == [
        (waiting.pk, "mother", birth + datetime.timedelta(days=40), "guardianship_agency", None)
    ]
    assert Citation.objects.get(code="CENTRAL_REGISTER_WAIT").basis == "MFA art. 76(2), art. 101(3)"
    out = __import__("io").StringIO()
    call_command("check_consistency", stdout=out)  # raises on a problem
    assert "consistent" in out.getvalue()
    assert f"child #{waiting.pk} is no consent record" in out.getvalue()  # the father's, listed


@pytest.mark.django_db(transaction=True)
def test_the_applicants_recorded_before_their_search_key_are_keyed_and_found(district):
    """Migration 0024 keys the applicants already recorded (an imported adopter has no name, and
    no key), so a family recorded before it is found in either script as a new one is."""
    old = migrate([("adoption", "0023_outlook_entries_of")])
    OldApplicant = old.get_model("adoption", "Applicant")
    person = {"sex": "F", "citizenship": "KZ", "residence_country": "KZ", "district_id": district.pk}
    named = OldApplicant.objects.create(last_name="Нурпеисова", first_name="Гульнара", **person)
    unnamed = OldApplicant.objects.create(last_name="", first_name="", **person)
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    assert Applicant.objects.get(pk=named.pk).search_name == "nurpeisova gulnara"
    assert Applicant.objects.get(pk=unnamed.pk).search_name == ""
    assert list(Applicant.objects.filter(applicant_name_q("Nurpeisova")).values_list("pk", flat=True)) == [named.pk]


@pytest.mark.django_db(transaction=True)
def test_a_child_adopted_from_a_placement_before_the_fix_is_recorded_as_adopted(district, court):
    """Registry 0014: a child whose adoption entered into force while it was off the registers for
    a guardianship kept that reason; it is recorded as adopted from the entry into force, audited."""
    from core.models import AuditEvent
    from registry.models import RegisterEntry

    case, child = adopt_abroad(district, court, in_force_ago=20)
    in_force = case.decision.in_force_on
    placed = in_force - datetime.timedelta(days=30)
    # as the entry into force left it: the guardianship's deregistration, no adoption's (written on
    # today's schema, which check_consistency reads, then taken back to 0013 and migrated again)
    RegisterEntry.objects.filter(child=child, reason="adopted").delete()
    RegisterEntry.objects.filter(child=child, ended_on=in_force).update(ended_on=placed)  # the last placement
    RegisterEntry.objects.create(child=child, level="deregistered", on=placed, reason="guardianship")
    Child.objects.filter(pk=child.pk).update(deregistered_on=placed, deregistration_reason="guardianship")
    errors = __import__("io").StringIO()
    with pytest.raises(CommandError):
        call_command("check_consistency", stdout=__import__("io").StringIO(), stderr=errors)
    assert errors.getvalue() == f"child #{child.pk} adopted (in force) but deregistered for another reason\n"
    migrate([("registry", "0013_search_name_text")])
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    child.refresh_from_db()
    assert (child.deregistration_reason, child.deregistered_on) == ("adopted", in_force)
    last = list(child.register_entries.order_by("on", "id").values_list("level", "reason", "ended_on"))[-2:]
    assert last == [("deregistered", "guardianship", in_force), ("deregistered", "adopted", None)]
    events = AuditEvent.objects.filter(subject_type="registry.child", subject_id=str(child.pk), actor_role="system")
    assert sorted(events.filter(purpose__contains="placement").values_list("object_type", "action")) == [
        ("registry.child", "update"),
        ("registry.registerentry", "create"),
    ]
    out = __import__("io").StringIO()
    call_command("check_consistency", stdout=out)
    assert "consistent" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_the_reminders_to_enter_a_refusal_into_force_are_closed(district, court):
    """Adoption 0026: a refused decision's reminder to record its entry into force, which no page
    could answer, is done; a granted decision's stays open."""
    from adoption import services
    from core.models import Reminder

    refused, _child = adopt_abroad(district, court, referred_only=True)
    participants = ["applicants", "guardianship", "procurator"]
    services.record_hearing(actor=None, case=refused, on=ago(80), participants=participants, in_camera=True)
    services.record_decision(actor=None, case=refused, outcome="refused", decided_on=ago(79))
    granted, _child = adopt_abroad(district, court, in_force=False, last_name="Park")
    migrate([("adoption", "0025_appeal_pending")])
    for case in (refused, granted):
        Reminder.objects.create(kind="decision_in_force_due", subject_type="case", subject_id=case.pk, due_on=ago(40))
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    done = dict(Reminder.objects.values_list("subject_id", "done_at"))
    assert done[refused.pk] is not None and done[granted.pk] is None


@pytest.mark.django_db(transaction=True)
def test_the_cases_of_a_child_who_died_close(district, court):
    """Adoption 0028: a child's death closed none of its cases (until session 45). Its open case
    closes, its grant not in force lapses and closes its case, a sibling's grant stands; each
    change has its event by the system, and check_consistency reports them before, not after.
    Adoption 0029: the sister who died leaves the case that goes on for the other (session 50), and
    the cases that closed with their only child keep it."""
    import io

    from adoption import services
    from adoption.models import Adoption
    from core.models import AuditEvent, Reminder
    from registry.models import RegisterEntry
    from tests.adoption.conftest import make_applicant

    granted, dead = adopt_abroad(district, court, in_force=False)
    lonely = make_child(district, last_name="Lone")
    open_case = services.open_case(
        actor=None, children=[lonely], applicants=[make_applicant(district, last_name="Other")], opened_on=ago(50)
    )
    sisters, _child = adopt_abroad(district, court, in_force=False, last_name="Park")
    sister = make_child(district, last_name="Parkova")
    sisters.child_links.create(child=sister)
    Adoption.objects.create(child=sister, decision=sisters.decision)
    Reminder.objects.create(kind="decision_in_force_due", subject_type="case", subject_id=granted.pk, due_on=ago(40))
    for child in (dead, lonely, sister):  # the deaths, recorded as before: off the registers, and nothing else
        RegisterEntry.objects.filter(child=child, ended_on__isnull=True).update(ended_on=ago(3))
        RegisterEntry.objects.create(child=child, level="deregistered", on=ago(3), reason="died")
        Child.objects.filter(pk=child.pk).update(
            status="deregistered",
            register_level=None,
            level_since=None,
            deregistered_on=ago(3),
            deregistration_reason="died",
        )
    migrate([("adoption", "0027_child_died")])
    errors = io.StringIO()
    with pytest.raises(CommandError):
        call_command("check_consistency", stdout=io.StringIO(), stderr=errors)
    assert f"case #{open_case.pk} still open for child #{lonely.pk}, who died" in errors.getvalue()
    assert f"child #{sister.pk} died, and its adoption granted not in force stands" in errors.getvalue()

    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    closed = {pk: (reason, on) for pk, reason, on in Case.objects.values_list("pk", "closed_reason", "closed_on")}
    assert closed[open_case.pk] == ("child_died", ago(3))
    assert closed[granted.pk] == ("child_died", ago(3))
    assert closed[sisters.pk] == ("", None)  # the other sister's adoption stands
    assert set(Adoption.objects.values_list("child_id", flat=True)) == {_child.pk}
    assert list(sisters.child_links.values_list("child_id", flat=True)) == [_child.pk]
    assert list(Case.objects.get(pk=granted.pk).child_links.values_list("child_id", flat=True)) == [dead.pk]
    assert Reminder.objects.get(subject_id=granted.pk).done_at is not None
    events = AuditEvent.objects.filter(actor_role="system", purpose__contains="death")
    assert sorted(events.values_list("verb", "subject_id")) == sorted(
        [
            ("adoption_lapsed", str(granted.pk)),
            ("adoption_lapsed", str(sisters.pk)),
            ("child_left_case", str(sisters.pk)),
            ("close_case", str(granted.pk)),
            ("close_case", str(open_case.pk)),
        ]
    )
    out = io.StringIO()
    call_command("check_consistency", stdout=out)
    assert "consistent" in out.getvalue()
