"""A consular registration recorded by mistake (the wrong child, post, number or date) is withdrawn
by its post or the ministry, with the reason: it stays in the child's history, marked, and nothing
else reads it. The child is on no consular register again (its reminder and the ministry's report
of the unregistered say so), or, for a transfer recorded by mistake, on the register it was
transferred from. Before, a registration on the wrong child stood for good: that child read
"registered" in every list and report, and no reminder asked for its real registration."""

import pytest

from adoption import services as adoption_services
from adoption import workflow
from adoption.models import Decision
from consular import deadlines, selectors, services
from consular.models import ConsularRegistration
from core import work
from core.dates import today
from core.errors import ConflictError, Forbidden, RuleError
from core.models import AuditEvent, ConsularPost, Reminder
from tests.adoption.conftest import adopt_abroad, ago
from tests.consular.test_follow_up_settled import registered_and_departed
from tests.factories import UserFactory
from tests.web.test_pages import login

pytestmark = pytest.mark.django_db


def _register(child, post, number="US-77", days_ago=10):
    return services.register_child(actor=None, child=child, post=post, number=number, registered_on=ago(days_ago))


REGISTRATION_DUE = "consular_registration_due"


def _queued(user) -> set[tuple[str, int]]:
    return {(item.kind, item.record[1]) for item in work.queue(user, today()).items if item.record}


def _unregistered(api, users):
    report = api(users["ministry"]).get("/api/v1/reports/unregistered-children/").json()
    return [row["child"] for row in report["results"]]


def test_a_registration_of_the_wrong_child_is_withdrawn_and_the_child_is_due_again(
    api, users, district, court, us_post
):
    _case, wrong = adopt_abroad(district, court, in_force_ago=200, last_name="Wrong")
    _other_case, right = adopt_abroad(district, court, in_force_ago=200, last_name="Right")
    deadlines.sweep_consular_deadlines()
    registration = _register(wrong, us_post)  # the number of the other child's papers
    assert Reminder.objects.get(subject_id=wrong.pk, kind=deadlines.REGISTRATION_REMINDER).done_at is not None
    assert wrong.pk not in _unregistered(api, users)
    assert "a consular registration" in [str(what) for _on, what in workflow.followed(wrong.adoption.decision)]

    services.withdraw_registration(
        actor=users["consular"], child=wrong, registration=registration, reason=" the other child's papers "
    )
    registration.refresh_from_db()
    assert registration.withdrawn_reason == "the other child's papers" and registration.ended_on is None
    assert selectors.on_a_consular_register([wrong.pk]) == set()
    assert wrong.pk in _unregistered(api, users)  # the ministry's safeguard counts the child again
    reminder = Reminder.objects.get(subject_id=wrong.pk, kind=deadlines.REGISTRATION_REMINDER)
    assert (reminder.done_at, reminder.done_by, reminder.emailed_at) == (None, None, None)  # e-mailed again
    assert "a consular registration" not in [str(what) for _on, what in workflow.followed(wrong.adoption.decision)]
    event = AuditEvent.objects.get(verb="withdraw_consular_registration")
    assert event.actor == users["consular"] and event.after is not None
    assert (event.object_id, event.subject_id, event.after["withdrawn_reason"]) == (
        str(registration.pk),
        str(wrong.pk),
        "the other child's papers",
    )
    listed = api(users["consular"]).get("/api/v1/consular-registrations/").json()
    assert registration.pk not in [row["id"] for row in listed["results"]]

    # its number is the right child's, and the wrong child is registered under its own
    assert _register(right, us_post).number == "US-77"
    assert _register(wrong, us_post, number="US-78").child_id == wrong.pk
    assert ConsularRegistration.with_withdrawn.filter(child=wrong).count() == 2


@pytest.mark.parametrize("in_force_ago, reminded", [(29, False), (30, True)])
def test_a_withdrawn_registration_is_reminded_from_the_thirtieth_day(
    users, district, court, us_post, in_force_ago, reminded
):
    """Withdrawn before its reminder was due, a registration leaves none to open: the sweep makes
    it on the 30th day after the entry into force, as for a child never registered; while the
    registration stood, the same sweep made none."""
    _case, child = adopt_abroad(district, court, in_force_ago=in_force_ago)
    registration = _register(child, us_post, days_ago=in_force_ago - 5)
    deadlines.sweep_consular_deadlines()
    assert not Reminder.objects.filter(kind=deadlines.REGISTRATION_REMINDER).exists()
    services.withdraw_registration(
        actor=users["ministry"], child=child, registration=registration, reason="wrong child"
    )
    deadlines.sweep_consular_deadlines()
    found = list(Reminder.objects.filter(kind=deadlines.REGISTRATION_REMINDER, done_at=None).values_list("subject_id"))
    assert found == ([(child.pk,)] if reminded else [])


def test_a_transfer_recorded_by_mistake_is_undone(users, district, court, us_post):
    _case, child = adopt_abroad(district, court, in_force_ago=100)
    embassy = _register(child, us_post, days_ago=60)
    consulate = ConsularPost.objects.create(country="US", city="New York", kind="consulate")
    moved = services.transfer_registration(
        actor=users["consular"], registration=embassy, post=consulate, number="NY-1", registered_on=ago(5)
    )
    with pytest.raises(ConflictError, match="already_ended"):  # the latest first
        services.withdraw_registration(actor=users["ministry"], child=child, registration=embassy, reason="moved?")
    new_york = UserFactory.create(role="consular", consular_post=consulate)
    services.withdraw_registration(actor=new_york, child=child, registration=moved, reason="the family did not move")
    embassy.refresh_from_db()
    assert (embassy.ended_on, embassy.transferred_to) == (None, None)  # active again
    assert list(ConsularRegistration.objects.filter(child=child)) == [embassy]
    undone = AuditEvent.objects.get(verb="undo_consular_transfer")
    assert undone.object_id == str(embassy.pk) and undone.after is not None and undone.after["ended_on"] is None
    assert not Reminder.objects.filter(kind=deadlines.REGISTRATION_REMINDER, done_at=None).exists()
    assert (
        services.transfer_registration(  # and the number given by mistake is free again
            actor=users["consular"], registration=embassy, post=consulate, number="NY-1", registered_on=ago(1)
        ).number
        == "NY-1"
    )


def test_a_withdrawal_is_refused_naming_the_rule_and_changes_nothing(users, district, court, us_post):
    _case, child = adopt_abroad(district, court, in_force_ago=100)
    _other_case, other = adopt_abroad(district, court, in_force_ago=100, last_name="Other")
    registration = _register(child, us_post)
    consulate = ConsularPost.objects.create(country="US", city="New York", kind="consulate")
    refusals = [
        (Forbidden, "role_not_allowed", users["guardianship"], child, "wrong child"),
        (Forbidden, "out_of_scope", users["other_consular"], child, "wrong child"),  # another country's post
        (Forbidden, "not_your_post", UserFactory.create(role="consular", consular_post=consulate), child, "wrong"),
        (RuleError, "reason_required", users["consular"], child, " typo "),
        (RuleError, "not_of_child", users["consular"], other, "wrong child"),
    ]
    for error, code, actor, whose, reason in refusals:
        with pytest.raises(error) as refused:
            services.withdraw_registration(actor=actor, child=whose, registration=registration, reason=reason)
        assert [e.code for e in refused.value.errors] == [code]
    registration.refresh_from_db()
    assert registration.withdrawn_at is None
    assert not AuditEvent.objects.filter(verb="withdraw_consular_registration").exists()
    services.withdraw_registration(actor=users["consular"], child=child, registration=registration, reason="wrong")
    with pytest.raises(ConflictError, match="already_withdrawn"):
        services.withdraw_registration(actor=users["consular"], child=child, registration=registration, reason="wrong")


def test_the_childs_page_withdraws_the_registration_and_shows_it_struck_out(client, users, district, court, us_post):
    _case, child = adopt_abroad(district, court, in_force_ago=100)
    registration = _register(child, us_post)
    url = f"/adopted/{child.pk}/"
    for role in ("auditor", "guardianship", "other_consular"):  # readers, or another country's post
        assert "Withdraw a registration recorded by mistake" not in login(client, users[role]).get(url).content.decode()
    page = login(client, users["consular"]).get(url).content.decode()
    assert (
        "Withdraw a registration recorded by mistake" in page and "The child is then on no consular register." in page
    )
    asked = {"reason": "the papers of another child", "withdraw_registration": "1"}
    unconfirmed = client.post(url, asked)
    assert unconfirmed.status_code == 400 and "Tick to confirm" in unconfirmed.content.decode()
    done = client.post(url, {**asked, "confirm": "on"}, follow=True)
    page = done.content.decode()
    assert done.redirect_chain == [(url, 302)] and "The registration is withdrawn." in page
    assert "<del>" in page and "the papers of another child" in page and "not on a consular register" in page
    assert "Place on the consular register" in page  # the right registration is recorded anew
    registration.refresh_from_db()
    assert registration.withdrawn_at is not None
    again = client.post(url, {**asked, "confirm": "on"}, follow=True)  # a second tab: nothing left to withdraw
    assert "No consular registration of the child at your post is active to withdraw." in again.content.decode()
    history = login(client, users["guardianship"]).get(f"/children/{child.pk}/").content.decode()
    assert "US-77 (withdrawn: the papers of another child)" in history


def test_a_registration_withdrawn_after_the_departure_is_due_again_in_the_posts_queue(users, district, court, us_post):
    """The child left, its follow-up settled (nothing more before the reports), and then its only
    registration is found to be the wrong one: until session 50 the decision stayed settled, which
    the queues no longer read, and no post's queue asked for the child's registration."""
    case, child = adopt_abroad(district, court, in_force_ago=200)
    adoption_services.issue_hague_certificate(actor=None, case=case, number="C-1", issued_on=ago(190))
    registered_and_departed(case, child, us_post, "77")
    registration = ConsularRegistration.objects.get(child=child)
    deadlines.settle_follow_up()
    assert Decision.objects.get(case=case).follow_up_settled
    assert (REGISTRATION_DUE, child.pk) not in _queued(users["consular"])

    services.withdraw_registration(actor=users["consular"], child=child, registration=registration, reason="wrong")
    assert not Decision.objects.get(case=case).follow_up_settled
    assert (REGISTRATION_DUE, child.pk) in _queued(users["consular"])
    deadlines.settle_follow_up()  # the sweep does not settle it again while the child is on no register
    assert not Decision.objects.get(case=case).follow_up_settled
    services.register_child(actor=None, child=child, post=us_post, number="US-78", registered_on=ago(1))
    deadlines.settle_follow_up()
    assert Decision.objects.get(case=case).follow_up_settled
    assert (REGISTRATION_DUE, child.pk) not in _queued(users["consular"])
