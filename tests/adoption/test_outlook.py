"""What the engine says of each open case, kept for the district's work queue (adoption.outlook):
recomputed after every write to the case's file or a child's record, and by the daily sweep; the
queue lists the case on the day it may be referred, at the horizon's boundary."""

import datetime

import pytest

from adoption import outlook, services
from adoption.models import Case, Outlook
from adoption.rules import right_arises
from registry import services as registry_services
from tests.adoption.conftest import ago, complete_file, make_applicant, make_child
from tests.web.test_work import lines

pytestmark = pytest.mark.django_db


def open_foreign_case(district, *, central_days_ago=200, complete=True):
    child = make_child(district, central_days_ago=central_days_ago, last_name="Ожидаемая")
    couple = [make_applicant(district, last_name="Grey"), make_applicant(district, sex="M", last_name="Grey-Lee")]
    case = services.open_case(actor=None, children=[child], applicants=couple, opened_on=ago(100))
    if complete:
        complete_file(case, [child], couple)
    return case, child


def on_the_foreign_register(couple, *, registered_ago, holds_days):
    """Each applicant on the foreign citizens' register (the ministry's) from `registered_ago` days
    ago through `holds_days` from today, the next one a day longer."""
    for n, applicant in enumerate(couple):
        services.register_applicant(
            actor=None,
            applicant=applicant,
            register="foreign_adopters",
            number=f"FA-{n}",
            registered_on=ago(registered_ago),
            valid_until=ago(-holds_days - n),
        )


def case_lines(api, users, **params):
    return [line for line in lines(api, users["guardianship"], **params) if line["kind"].startswith("case_")]


def test_a_case_waiting_for_its_three_months_is_listed_on_the_day_it_may_be_referred(api, users, district):
    case, child = open_foreign_case(district, central_days_ago=80)
    allowed = right_arises(ago(80), 3)  # the day after the three months expire (RULES §5)
    outlook.refresh(Case.objects.filter(pk=case.pk))
    kept = Outlook.objects.get(case=case)
    assert (kept.eligible, kept.waiting, kept.due_on) == (False, True, allowed)
    assert kept.blocking == [["CENTRAL_REGISTER_WAIT", allowed.isoformat()]]
    days = (allowed - ago(0)).days
    [line] = case_lines(api, users, days=days)  # on the horizon's last day
    assert (line["kind"], line["due_on"], line["late"]) == ("case_waiting", allowed.isoformat(), False)
    assert "Three months on the central register" in line["title"] and "Ожидаемая" in line["subject"]
    assert line["url"] == f"/cases/{case.pk}/" and "Grey" in line["people"]
    assert case_lines(api, users, days=days - 1) == []  # a day shorter: not yet
    assert kept.district_id == case.district_id  # kept beside it for the district's index
    elsewhere = lines(api, users["other_guardianship"], days=days)
    assert [line for line in elsewhere if line["kind"].startswith("case_")] == []  # another district's queue
    # the engine's own boundary: the day before it still waits, on the day it is eligible
    assert outlook.outlook_of(case, allowed - datetime.timedelta(days=1)).waiting
    on_the_day = outlook.outlook_of(case, allowed)
    assert on_the_day.eligible and on_the_day.due_on == allowed and on_the_day.blocking == []


def test_a_write_to_the_file_or_to_a_childs_record_recomputes_it(
    api, users, district, court, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case, child = open_foreign_case(district, complete=False)
    kept = Outlook.objects.get(case=case)  # opened: computed once the transaction committed
    assert not kept.eligible and not kept.waiting and kept.due_on == ago(0)
    assert "APPLICATION_FILED" in [code for code, _day in kept.blocking]
    with django_capture_on_commit_callbacks(execute=True):
        complete_file(case, [child], list(case.applicants.all()))
    assert Outlook.objects.get(case=case).eligible
    [line] = case_lines(api, users)
    assert line["kind"] == "case_eligible" and line["due_on"] == ago(0).isoformat() and not line["late"]
    # a write to the child's record (registry) touches the case too: its ground withdrawn
    ground = child.grounds.get()
    with django_capture_on_commit_callbacks(execute=True):
        registry_services.withdraw_ground(actor=None, child=child, ground=ground, reason="the wrong document")
    kept = Outlook.objects.get(case=case)
    assert not kept.eligible and "CHILD_ADOPTABLE" in [code for code, _day in kept.blocking]
    [line] = case_lines(api, users)
    assert line["kind"] == "case_blocked" and "The child may be adopted" in line["title"]
    # referred to a court, it leaves the district's lines (the court's queue has it)
    with django_capture_on_commit_callbacks(execute=True):
        registry_services.add_ground(
            actor=None,
            child=child,
            parent="both",
            ground="parents_unknown",
            documents=[{"kind": "certificate", "number": "C-2", "date": ago(1), "issued_by": "Police"}],
        )
        services.refer_to_court(actor=None, case=case, court=court, on=ago(0))
    assert not Outlook.objects.filter(case=case).exists() and case_lines(api, users) == []


@pytest.mark.parametrize("holds_days, told", [(29, True), (30, False)])
def test_the_queue_says_when_the_familys_entry_on_the_register_runs_out_within_its_horizon(
    api, users, district, django_capture_on_commit_callbacks, holds_days, told
):
    """A family's entry ran out while its case waited, and the queue said so only once it had: the
    case then failed ADOPTER_REGISTERED. The line says it before, when the entry runs out within
    the queue's days (through the 29th day: it runs out on the 30th, the horizon's last)."""
    with django_capture_on_commit_callbacks(execute=True):
        child = make_child(district, last_name="Ожидаемая")
        couple = [
            # on the register 365 days from its entry: through `holds_days` days from today
            make_applicant(
                district, citizenship="KZ", residence="KZ", last_name="Abenova", registered_ago=365 - holds_days
            ),
            make_applicant(district, citizenship="KZ", residence="KZ", sex="M", last_name="Abenov", registered_ago=100),
        ]
        case = services.open_case(actor=None, children=[child], applicants=couple, opened_on=ago(100))
        complete_file(case, [child], couple, foreign=False)
    through = ago(-holds_days)
    kept = Outlook.objects.get(case=case)
    assert (kept.district_entries_through, kept.ministry_entries_through) == (through, None)  # the sooner of the two
    [line] = case_lines(api, users)
    assert line["kind"] == "case_eligible"
    said = f"The entries on the registers of adopters hold through {through.isoformat()}: record the new ones before."
    assert (line["title"] == f"Eligible: the case may be referred to a court. {said}") is told
    # hers runs out first: the line links her page, where the district records the new one
    assert line["steps"] == ([{"text": "Abenova Ann", "url": f"/applicants/{couple[0].pk}/"}] if told else [])
    on_the_day = outlook.outlook_of(case, through)  # the engine's boundary: the last day, then the day after
    assert on_the_day.eligible and on_the_day.district_entries_through == through
    after = outlook.outlook_of(case, through + datetime.timedelta(days=1))  # the day after: blocked, nothing holds
    assert not after.eligible and after.district_entries_through is None


@pytest.mark.parametrize("holds_days, told", [(29, True), (30, False)])
def test_the_ministry_is_told_when_a_foreign_familys_entry_runs_out_and_the_district_who_renews_it(
    api, users, district, django_capture_on_commit_callbacks, holds_days, told
):
    """The district's line told it to record the new entries of a foreign family, which the
    ministry keeps (a district filing one is refused), and the ministry's queue said nothing: the
    case then failed FOREIGN_ADOPTER_REGISTERED. The ministry's queue lists the case by the
    entry's last day within its horizon, and the district's line says the ministry renews it."""
    with django_capture_on_commit_callbacks(execute=True):
        child = make_child(district, central_days_ago=200, last_name="Ожидаемая")
        couple = [  # their v1 entries long expired; each on the register through a day of its own
            make_applicant(district, last_name="Grey", registered_ago=800),
            make_applicant(district, sex="M", last_name="Grey-Lee", registered_ago=800),
        ]
        on_the_foreign_register(couple, registered_ago=100, holds_days=holds_days)  # the wife's runs out first
        case = services.open_case(actor=None, children=[child], applicants=couple, opened_on=ago(100))
        complete_file(case, [child], couple)
    through = ago(-holds_days)
    kept = Outlook.objects.get(case=case)
    assert (kept.district_entries_through, kept.ministry_entries_through) == (None, through)
    assert kept.ministry_entries_of == [couple[0].pk]  # the wife's runs out first: hers to renew
    [line] = case_lines(api, users)
    assert line["kind"] == "case_eligible"
    assert "record the new ones before" not in line["title"] and line["steps"] == []  # not the district's to record
    said = (
        "Eligible: the case may be referred to a court. The entries the ministry keeps (foreign citizens, citizens"
        f" living abroad) hold through {through.isoformat()}: the ministry records the new ones."
    )
    assert (line["title"] == said) is told
    ministry = [line for line in lines(api, users["ministry"]) if line["kind"] == "register_entries_ending"]
    if told:
        assert [(line["due_on"], line["url"], line["late"]) for line in ministry] == [
            (through.isoformat(), f"/cases/{case.pk}/", False)
        ]
        assert ministry[0]["title"] == (
            f"The entries on the registers of adopters hold through {through.isoformat()}: record the new ones before."
        )
        assert "Grey" in ministry[0]["people"]
        # the line opens the case; the applicant whose entry runs out first, the page it is recorded on
        assert ministry[0]["steps"] == [{"text": "Grey Ann", "url": f"/applicants/{couple[0].pk}/"}]
    else:
        assert ministry == []


def test_a_missing_entry_the_ministry_keeps_is_the_ministrys_line_until_it_records_it(
    api, users, district, django_capture_on_commit_callbacks
):
    """A foreign family not on the register (their v1 entry ran out) blocked the case, and only
    the district, which may not file the entry, was told. The ministry's queue lists it as a step
    (never late) until the ministry records the entry; a resident citizens' missing entry stays
    the district's alone."""
    with django_capture_on_commit_callbacks(execute=True):
        child = make_child(district, central_days_ago=200, last_name="Ожидаемая")
        couple = [  # v1 entries of 800 days ago: twelve months, long over
            make_applicant(district, last_name="Grey", registered_ago=800),
            make_applicant(district, sex="M", last_name="Grey-Lee", registered_ago=800),
        ]
        case = services.open_case(actor=None, children=[child], applicants=couple, opened_on=ago(100))
        complete_file(case, [child], couple)
        citizens_child = make_child(district, last_name="Ожидающая")
        citizens = [
            make_applicant(district, citizenship="KZ", residence="KZ", last_name="Abenova", registered_ago=800),
            make_applicant(district, citizenship="KZ", residence="KZ", sex="M", last_name="Abenov"),
        ]
        citizens_case = services.open_case(
            actor=None, children=[citizens_child], applicants=citizens, opened_on=ago(100)
        )
        complete_file(citizens_case, [citizens_child], citizens, foreign=False)
    kept = Outlook.objects.get(case=case)
    assert kept.blocking == [["FOREIGN_ADOPTER_REGISTERED", None]]
    assert (kept.ministry_entries_through, kept.ministry_entries_missing) == (None, True)
    assert not Outlook.objects.get(case=citizens_case).ministry_entries_missing
    district_says = {line["url"]: line["title"] for line in case_lines(api, users)}
    assert district_says[f"/cases/{case.pk}/"].endswith(
        ". The ministry records the missing entries of foreign citizens and citizens living abroad."
    )
    assert "ministry" not in district_says[f"/cases/{citizens_case.pk}/"]

    def ministry_lines():
        return [
            (line["due_on"], line["url"], line["late"], line["title"], [step["url"] for step in line["steps"]])
            for line in lines(api, users["ministry"])
            if line["kind"].startswith("register_entries")
        ]

    missing = (ago(0).isoformat(), f"/cases/{case.pk}/", False, "Not on the register of adopters: record the entry")
    # each applicant not on it, linked to the page the entry is recorded on
    assert ministry_lines() == [(*missing, [f"/applicants/{couple[0].pk}/", f"/applicants/{couple[1].pk}/"])]
    with django_capture_on_commit_callbacks(execute=True):  # the wife's recorded: the husband's is left
        on_the_foreign_register(couple[:1], registered_ago=1, holds_days=364)
    assert ministry_lines() == [(*missing, [f"/applicants/{couple[1].pk}/"])]
    with django_capture_on_commit_callbacks(execute=True):
        on_the_foreign_register(couple[1:], registered_ago=1, holds_days=364)
    assert Outlook.objects.get(case=case).eligible
    assert ministry_lines() == []


def test_a_new_entry_on_a_register_of_adopters_recomputes_the_applicants_open_cases(
    api, users, district, django_capture_on_commit_callbacks
):
    """An applicant's entry that ran out fails the case; a new one recorded (on the applicant, not
    the case's file) left the queue saying "blocked" until the next day's sweep."""
    with django_capture_on_commit_callbacks(execute=True):
        child = make_child(district, last_name="Ожидаемая")
        couple = [
            make_applicant(district, citizenship="KZ", residence="KZ", last_name="Abenova", registered_ago=800),
            make_applicant(district, citizenship="KZ", residence="KZ", sex="M", last_name="Abenov"),
        ]
        case = services.open_case(actor=None, children=[child], applicants=couple, opened_on=ago(100))
        complete_file(case, [child], couple, foreign=False)
    assert Outlook.objects.get(case=case).blocking == [["ADOPTER_REGISTERED", None]]
    [line] = case_lines(api, users)  # the district's to record: it says so, and links her page
    assert line["title"].endswith(". An entry on the registers of adopters is missing: record it.")
    assert line["steps"] == [{"text": "Abenova Ann", "url": f"/applicants/{couple[0].pk}/"}]
    with django_capture_on_commit_callbacks(execute=True):
        services.register_applicant(
            actor=None,
            applicant=couple[0],
            register="prospective_adopters",
            number="PA-2",
            registered_on=ago(1),
            valid_until=ago(-729),
        )
    assert Outlook.objects.get(case=case).eligible
    [line] = case_lines(api, users)
    assert line["kind"] == "case_eligible" and line["steps"] == []


def test_the_daily_sweep_recomputes_the_stalest_first(district):
    first, _ = open_foreign_case(district)
    second, _ = open_foreign_case(district)
    outlook.refresh(Case.objects.filter(pk=first.pk), on=ago(1))  # yesterday's answer
    assert not Outlook.objects.filter(case=second).exists()  # none yet (no commit in this test)
    assert outlook.refresh_stale(batch=1) == 1  # the case with none comes first
    assert Outlook.objects.get(case=second).as_of == ago(0)
    assert Outlook.objects.get(case=first).as_of == ago(1)
    assert outlook.refresh_stale() == 1 and Outlook.objects.get(case=first).as_of == ago(0)
    assert outlook.refresh_stale() == 0  # nothing stale left today


def test_the_ministrys_entries_page_links_each_applicant_and_reads_in_constant_queries(
    client, users, district, django_capture_on_commit_callbacks
):
    """The ministry records a foreign family's entry on the applicant's page: its line links
    there, by name, for each applicant whose entry runs out first; one case or three, the page
    reads in the same number of queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.web.test_pages import login

    def foreign_family_case(name, holds_days):
        with django_capture_on_commit_callbacks(execute=True):
            child = make_child(district, central_days_ago=200, last_name="Ожидаемая")
            couple = [
                make_applicant(district, last_name=name, registered_ago=800),
                make_applicant(district, sex="M", last_name=f"{name}-Lee", registered_ago=800),
            ]
            on_the_foreign_register(couple, registered_ago=100, holds_days=holds_days)
            case = services.open_case(actor=None, children=[child], applicants=couple, opened_on=ago(100))
            complete_file(case, [child], couple)
        return couple

    first = foreign_family_case("Grey", 10)
    login(client, users["ministry"])
    client.get("/work/", {"what": "entries"})
    with CaptureQueriesContext(connection) as few:
        page = client.get("/work/", {"what": "entries"}).content.decode()
    assert f'record the new ones before.<br><a href="/applicants/{first[0].pk}/">Grey Ann</a></td>' in page
    assert f"/applicants/{first[1].pk}/" not in page  # his entry holds a day longer
    others = [foreign_family_case(f"Green{i}", 11 + i) for i in range(2)]
    with CaptureQueriesContext(connection) as many:
        page = client.get("/work/", {"what": "entries"}).content.decode()
    assert page.count('data-kind="register_entries_ending"') == 3
    assert all(f'<a href="/applicants/{couple[0].pk}/">' in page for couple in others)
    assert len(many) == len(few), [q["sql"][:100] for q in many.captured_queries]
