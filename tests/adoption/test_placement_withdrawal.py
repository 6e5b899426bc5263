"""A placement on the regional or central register made by mistake (the wrong child, a level it
was not to reach) is withdrawn by the role of that level, with the reason (session 49). Until
then it stood for good: a child placed on the central register by mistake had its three months
before an adoption abroad running, and its case passed the wait as if it had been there."""

import datetime

import pytest

from adoption import services as adoption_services
from adoption.deadlines import CENTRAL_WAIT_REMINDER, sweep_court_deadlines
from adoption.facts import eligibility
from adoption.models import Case, Referral
from core.dates import right_arises, today
from core.errors import ConflictError, Forbidden, RuleError
from core.models import AuditEvent, Reminder
from intercountry.facts import flags_of_cases
from registry import services
from registry.deadlines import ESCALATION_REMINDER
from registry.models import Child, Level, RegisterEntry
from tests.adoption.conftest import ago, hear_and_decide, make_child
from tests.web.test_pages import login

pytestmark = pytest.mark.django_db


def wait_status(case, on):
    return next(c for c in eligibility(case, on).checks if c.code == "CENTRAL_REGISTER_WAIT").status


def test_a_central_placement_of_the_wrong_child_is_withdrawn_and_its_wait_no_longer_runs(api, users, foreign_case):
    child = foreign_case.children.get()  # regional 250 days ago, central 200 days ago
    assert wait_status(foreign_case, today()) == "pass"
    sweep_court_deadlines()  # "the three months expired": the district may refer
    waited = Reminder.objects.get(kind=CENTRAL_WAIT_REMINDER, subject_id=foreign_case.pk)

    entry = services.withdraw_placement(actor=users["ministry"], child=child, reason="  placed the wrong twin  ")
    child = Child.objects.get(pk=child.pk)
    assert (child.register_level, child.level_since, child.status) == ("regional", ago(250), "registered")
    entry.refresh_from_db()
    assert entry.withdrawn_at is not None and entry.withdrawn_reason == "placed the wrong twin"
    assert list(RegisterEntry.objects.filter(child=child).values_list("level", "ended_on")) == [
        ("primary", ago(250)),
        ("regional", None),  # it holds again
    ]
    assert wait_status(foreign_case, today()) != "pass"
    waited.refresh_from_db()
    assert waited.done_at is not None  # the wait it announced no longer runs
    # the escalation to the central register is owed again, from the regional placement
    assert Reminder.objects.filter(kind=ESCALATION_REMINDER, subject_id=child.pk, done_at=None).exists()
    events = AuditEvent.objects.filter(verb="withdraw_placement")
    assert sorted(events.values_list("object_type", flat=True)) == ["registry.child", "registry.registerentry"]
    withdrawn = events.get(object_type="registry.registerentry")
    assert withdrawn.before is not None and withdrawn.after is not None
    assert (withdrawn.before["withdrawn_reason"], withdrawn.after["withdrawn_reason"]) == ("", "placed the wrong twin")

    # the API's history is of the entries that stand; the page marks the one withdrawn
    history = api(users["ministry"]).get(f"/api/v1/children/{child.pk}/register/").json()
    assert [e["level"] for e in history] == ["primary", "regional"]

    # placed anew on the central register: the three months run from that day
    services.place_on_register(actor=users["ministry"], child=child, level="central", placed_on=ago(0))
    ends = right_arises(ago(0), 3)
    assert wait_status(foreign_case, ends - datetime.timedelta(days=1)) == "pending"
    assert wait_status(foreign_case, ends) == "pass"


def test_a_referral_that_counted_on_the_withdrawn_placement_is_judged_again(users, court, foreign_case):
    adoption_services.refer_to_court(actor=None, case=foreign_case, court=court, on=ago(10))
    services.withdraw_placement(
        actor=users["ministry"], child=foreign_case.children.get(), reason="the region's request was for another"
    )
    referral = Referral.objects.get(case=foreign_case)
    assert referral.eligible_since == ago(9)  # not eligible on the referral's day
    flagged = flags_of_cases(Case.objects.filter(pk=foreign_case.pk), today())
    assert [f.detail for f in flagged if f.flag == "RUSHED_CASE"] == [
        f"Referred to the court on {ago(10).isoformat()}, before every check had passed."
    ]


def test_a_placement_is_withdrawn_only_by_its_levels_role_with_a_reason_before_a_decision(
    users, district, foreign_case, court
):
    child = make_child(district)  # central 200 days ago
    for role in ("guardianship", "regional"):  # the central register is the ministry's
        with pytest.raises(Forbidden):
            services.withdraw_placement(actor=users[role], child=child, reason="placed by mistake")
    with pytest.raises(RuleError) as unreasoned:
        services.withdraw_placement(actor=users["ministry"], child=child, reason=" ")
    assert [(e.field, e.code) for e in unreasoned.value.errors] == [("reason", "reason_required")]

    primary = make_child(district, last_name="Primary", level="primary")
    with pytest.raises(ConflictError) as first:  # the primary placement: a deregistration, not a withdrawal
        services.withdraw_placement(actor=users["regional"], child=primary, reason="placed by mistake")
    assert [(e.field, e.code) for e in first.value.errors] == [("level", "not_withdrawable")]

    adoption_services.refer_to_court(actor=None, case=foreign_case, court=court, on=ago(3))
    hear_and_decide(foreign_case, actor=users["court"])
    granted = foreign_case.children.get()
    with pytest.raises(RuleError) as decided:
        services.withdraw_placement(actor=users["ministry"], child=granted, reason="placed by mistake")
    assert [(e.field, e.code) for e in decided.value.errors] == [("level", "after_decision")]

    for untouched in (child, granted):
        assert Child.objects.get(pk=untouched.pk).register_level == "central"
    assert not RegisterEntry.with_withdrawn.filter(withdrawn_at__isnull=False).exists()
    assert not AuditEvent.objects.filter(verb="withdraw_placement").exists()


def test_the_region_withdraws_a_regional_placement_from_the_childs_page(client, users, district):
    child = make_child(district, last_name="Regional", level="regional")  # regional 250 days ago
    login(client, users["regional"])
    url = f"/children/{child.pk}/"
    page = client.get(url).content.decode()
    regional = Level.REGIONAL.label
    assert f"Withdraw the placement on the {regional} register, made by mistake" in page
    login(client, users["guardianship"])
    assert "Withdraw the placement" not in client.get(url).content.decode()  # not the district's level

    login(client, users["regional"])
    unticked = client.post(f"{url}register/withdraw/", {"reason": "the wrong child of the list"})
    assert unticked.status_code == 400 and "Tick to confirm" in unticked.content.decode()
    assert Child.objects.get(pk=child.pk).register_level == "regional"
    done = client.post(f"{url}register/withdraw/", {"reason": "the wrong child of the list", "confirm": "on"})
    assert done.status_code == 302
    assert Child.objects.get(pk=child.pk).register_level == "primary"
    page = client.get(url).content.decode()
    assert f"placed on the register: {regional} (withdrawn: the wrong child of the list)" in page
    assert "Withdraw the placement" not in page  # the region's level is no longer the child's
