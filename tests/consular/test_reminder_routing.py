"""A child's open follow-up reminders go to the post that follows the child now: the one it is
registered with, else the embassy of its country of residence (`deadlines.route_to_post`). They
were routed once, when made, so that after a transfer a missing report was asked of the post that
no longer held the registration, and could not record it, while the new post was never told."""

from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.utils import timezone

from consular import deadlines, services
from core.models import ConsularPost, Reminder
from tests.adoption.conftest import adopt_abroad, ago
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _open(child):
    """(kind, post, whether e-mailed) of the child's open reminders."""
    found = Reminder.objects.filter(subject_id=child.pk, done_at=None)
    return [
        (kind, post, emailed is not None)
        for kind, post, emailed in found.values_list("kind", "consular_post_id", "emailed_at")
    ]


def test_a_transfer_takes_the_childs_open_reminders_to_the_new_post(users, district, court, us_post):
    _case, child = adopt_abroad(district, court, in_force_ago=250)  # the 6-month report overdue
    embassy = services.register_child(actor=None, child=child, post=us_post, number="US-1", registered_on=ago(200))
    deadlines.sweep_consular_deadlines()
    Reminder.objects.update(emailed_at=timezone.now())
    assert _open(child) == [(deadlines.MONITORING_REMINDER, us_post.pk, True)]
    consulate = ConsularPost.objects.create(country="US", city="New York", kind="consulate")
    moved = services.transfer_registration(
        actor=None, registration=embassy, post=consulate, number="NY-1", registered_on=ago(3)
    )
    assert _open(child) == [(deadlines.MONITORING_REMINDER, consulate.pk, False)]  # e-mailed to the new post
    services.withdraw_registration(
        actor=UserFactory.create(role="consular", consular_post=consulate),
        child=child,
        registration=moved,
        reason="the family did not move",
    )
    assert [post for _kind, post, _emailed in _open(child)] == [us_post.pk]  # the transfer undone


def test_a_registration_at_a_consulate_and_its_withdrawal_move_the_reminders(users, district, court, us_post):
    _case, child = adopt_abroad(district, court, in_force_ago=250)
    deadlines.sweep_consular_deadlines()  # unregistered: the embassy of the country is asked
    assert sorted(_open(child)) == [
        (deadlines.REGISTRATION_REMINDER, us_post.pk, False),
        (deadlines.MONITORING_REMINDER, us_post.pk, False),
    ]
    consulate = ConsularPost.objects.create(country="US", city="New York", kind="consulate")
    registration = services.register_child(actor=None, child=child, post=consulate, number="NY-1", registered_on=ago(1))
    assert _open(child) == [(deadlines.MONITORING_REMINDER, consulate.pk, False)]
    services.withdraw_registration(actor=None, child=child, registration=registration, reason="the wrong child")
    assert sorted(_open(child)) == [
        (deadlines.REGISTRATION_REMINDER, us_post.pk, False),
        (deadlines.MONITORING_REMINDER, us_post.pk, False),
    ]


def test_a_departure_from_the_records_sends_them_to_the_embassy_of_the_country_of_residence(
    users, district, court, us_post, gb_post
):
    """A child adopted by a family of the United States, living in the United Kingdom (its
    departure, entered from the paper records, says so), on no consular register: the embassy in
    London is asked for its registration and its reports, not the one in Washington."""
    case, child = adopt_abroad(district, court, in_force_ago=250)
    deadlines.sweep_consular_deadlines()
    assert {post for _kind, post, _emailed in _open(child)} == {us_post.pk}
    services.record_departure(
        actor=None,
        case=case,
        child=child,
        exit_permission_number="",
        exit_permission_on=None,
        departed_on=ago(240),
        residence_country="GB",
        historical=True,
    )
    assert sorted(_open(child)) == [
        (deadlines.REGISTRATION_REMINDER, gb_post.pk, False),
        (deadlines.MONITORING_REMINDER, gb_post.pk, False),
    ]


def test_the_migration_routes_the_reminders_left_with_a_post_that_no_longer_follows_the_child(
    district, court, us_post, gb_post
):
    """A database of session 47 holds reminders made before a transfer: the migration sends those
    to the post that follows each child now, and leaves the others as they were."""
    _case, moved = adopt_abroad(district, court, in_force_ago=250)
    _other_case, stayed = adopt_abroad(district, court, in_force_ago=250, last_name="Lee")
    for child in (moved, stayed):
        services.register_child(actor=None, child=child, post=us_post, number=f"US-{child.pk}", registered_on=ago(200))
    deadlines.sweep_consular_deadlines()
    consulate = ConsularPost.objects.create(country="US", city="New York", kind="consulate")
    services.transfer_registration(
        actor=None, registration=moved.consular_registrations.get(), post=consulate, number="NY-1", registered_on=ago(3)
    )
    Reminder.objects.update(consular_post=us_post, emailed_at=timezone.now())  # as made before session 48
    import_module("consular.migrations.0007_route_open_reminders").route(django_apps, None)
    assert _open(moved) == [(deadlines.MONITORING_REMINDER, consulate.pk, False)]
    assert _open(stayed) == [(deadlines.MONITORING_REMINDER, us_post.pk, True)]  # untouched: not e-mailed again
