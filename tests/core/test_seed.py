import pytest
from django.core.management import call_command

from core.models import ConsularPost, Court, District, Policy, Region, Role, User
from core.reference import EMBASSIES

pytestmark = pytest.mark.django_db

SEED_COUNTRIES = {"US", "GB", "CA", "BE", "IL", "EG", "FR", "DE", "ES", "RU", "CH", "TR"}  # ¶60


def test_seed_demo_loads_every_region_the_embassies_and_one_user_per_role(capsys):
    call_command("seed_demo")
    assert Region.objects.count() == 20  # 17 oblasts and 3 cities of republican significance
    assert not Region.objects.filter(districts__isnull=True).exists()
    assert Court.objects.count() == District.objects.count()
    assert set(ConsularPost.objects.filter(kind="embassy").values_list("country", flat=True)) == SEED_COUNTRIES
    assert len(EMBASSIES) == 12
    assert sorted(User.objects.values_list("role", flat=True)) == sorted(Role.values)
    out = capsys.readouterr().out
    for role in Role.values:
        assert f"demo_{role}" in out
    assert Policy.current().subsistence_minimum == 43_407  # RULES v2 §1a: seed_demo sets a demo value


def test_reference_data_alone_sets_no_subsistence_minimum():
    call_command("seed_demo", no_users=True)
    assert Policy.current().subsistence_minimum is None  # the ministry's to set


def test_seed_demo_is_idempotent_and_prints_passwords_once(capsys):
    call_command("seed_demo")
    counts = [m.objects.count() for m in (Region, District, Court, ConsularPost, User)]
    capsys.readouterr()
    call_command("seed_demo")
    assert [m.objects.count() for m in (Region, District, Court, ConsularPost, User)] == counts
    assert "demo users exist" in capsys.readouterr().out


def test_regions_api_lists_districts(api, users):
    call_command("seed_demo", no_users=True)
    body = api(users["guardianship"]).get("/api/v1/regions/").json()
    astana = next(r for r in body if r["code"] == "KZ-71")
    assert {"code": "KZ-71-ESI", "name": "Yesil district"} in astana["districts"]
    posts = api(users["court"]).get("/api/v1/consular-posts/").json()
    assert {p["kind"] for p in posts} == {"embassy", "consulate"}
    courts = api(users["consular"]).get("/api/v1/courts/").json()
    assert set(courts[0]) == {"id", "name", "district"}


def test_seed_demo_cases_gives_each_demo_user_work_once_and_prints_no_name(capsys, django_capture_on_commit_callbacks):
    """The demo had no child: its court clerk had nothing to hear, its consul no one to register.
    `seed_demo_cases` writes a few records through the services, each at a step that is some role's work."""
    from adoption.models import Case
    from core import work
    from core.dates import today
    from registry.models import Child

    call_command("seed_demo")
    with django_capture_on_commit_callbacks(execute=True):  # the open case's outlook, once the demo commits
        call_command("seed_demo_cases")
    kinds = {
        user.role: {item.kind for item in work.queue(user, today()).items}
        for user in User.objects.filter(username__startswith="demo_")
    }
    assert kinds == {
        Role.GUARDIANSHIP: {
            "register_escalation_due",
            "consular_registration_due",
            "case_eligible",
            "proposal_answer_due",
        },
        Role.REGIONAL: {"register_escalation_due", "consular_registration_due"},
        Role.MINISTRY: {"hague_certificate_due", "consular_registration_due", "register_entries_ending"},
        Role.COURT: {"hearing_due", "civil_registration_due"},
        Role.CONSULAR: {"consular_registration_due"},
        Role.AUDITOR: set(),
    }
    out = capsys.readouterr().out
    assert "demo records:" in out and "case #" in out
    for child in Child.objects.all():  # a demo's output may be pasted anywhere: numbers, not names
        assert child.last_name not in out
    counts = Child.objects.count(), Case.objects.count()
    assert counts == (7, 4)
    # the databank's: a family proposed the boy on the primary register, whose wishes fit no other
    # child (the foreign family's case is still eligible: the line above)
    from databank import facts as databank_facts
    from databank.models import Proposal

    proposal = Proposal.objects.get()
    assert proposal.answer == "pending" and f"applicant #{proposal.applicant_id}" in out
    fitting = {
        child.pk
        for child in Child.objects.filter(register_level__isnull=False)
        if databank_facts.matches_of(child, today())[1]
    }
    assert fitting == {proposal.child_id}
    # the resident family's entries run out within the queue's days: the district's line links
    # each spouse's page, where it records the new entries
    district = User.objects.get(username="demo_guardianship")
    [renew] = [item for item in work.queue(district, today()).items if item.steps]
    assert "record the new ones before" in renew.title and [text for text, _url in renew.steps] == [
        "Sadykov Erlan",
        "Sadykova Aigerim",
    ]

    call_command("seed_demo_cases")
    assert (Child.objects.count(), Case.objects.count(), Proposal.objects.count()) == (*counts, 1)
    assert "none written" in capsys.readouterr().out


def test_seed_demo_cases_before_seed_demo_says_what_to_run():
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="run `manage.py seed_demo` first"):
        call_command("seed_demo_cases")


def test_seed_demo_cases_refused_by_the_rules_says_why_and_writes_nothing():
    """A database whose policy the demo's families do not meet (a subsistence minimum above their
    income): the command stops with the rule, not a traceback, and leaves no half of the demo."""
    from django.core.management import CommandError

    from registry.models import Child

    call_command("seed_demo")
    Policy.objects.filter(effective_from=None).update(subsistence_minimum=10_000_000)
    with pytest.raises(CommandError, match="ADOPTER_NOT_BARRED"):
        call_command("seed_demo_cases")
    assert not Child.objects.exists()
