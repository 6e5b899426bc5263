"""A departure typed wrong (its day, its exit permission, the country of residence) is corrected by
the district on the departure's page, with the reason, under the rules it was recorded by. Before,
it stood for good: a country of residence typed wrong sent the reminders of a child on no
consular register to the embassy of that country, and the right embassy could not register it
(`post_of_another_country`)."""

import pytest

from consular import deadlines, services
from consular.models import Departure
from core.errors import ConflictError, Forbidden, RuleError
from core.models import AuditEvent, Reminder
from tests.adoption.conftest import adopt_abroad, ago
from tests.web.test_pages import login

pytestmark = pytest.mark.django_db


def _departed(case, child, post, *, stamped_ago=19):
    services.register_child(
        actor=None, child=child, post=post, number="US-5", registered_on=ago(20), passport_stamped_on=ago(stamped_ago)
    )
    return services.record_departure(
        actor=None,
        case=case,
        child=child,
        exit_permission_number="EP-5",
        exit_permission_on=ago(18),
        departed_on=ago(17),
        residence_country="US",
    )


def _correct(actor, case, child, **changes):
    values = {
        "exit_permission_number": "EP-5",
        "exit_permission_on": ago(18),
        "departed_on": ago(17),
        "residence_country": "US",
        "reason": "typed from the wrong file",
    }
    return services.correct_departure(actor=actor, case=case, child=child, **{**values, **changes})


def test_a_country_of_residence_typed_wrong_is_corrected_and_the_right_embassy_follows_the_child(
    users, district, court, us_post, gb_post
):
    case, child = adopt_abroad(district, court, in_force_ago=250)
    services.record_departure(  # from the paper records: the family lives in the United States
        actor=None,
        case=case,
        child=child,
        exit_permission_number="",
        exit_permission_on=None,
        departed_on=ago(240),
        residence_country="GB",
        historical=True,
    )
    deadlines.sweep_consular_deadlines()
    assert set(Reminder.objects.filter(done_at=None).values_list("consular_post_id", flat=True)) == {gb_post.pk}
    with pytest.raises(RuleError, match="post_of_another_country"):
        services.register_child(actor=None, child=child, post=us_post, number="US-9", registered_on=ago(1))

    _correct(
        users["guardianship"],
        case,
        child,
        exit_permission_number="",
        exit_permission_on=None,
        departed_on=ago(240),
        reason="the family lives in the United States",
    )
    departure = Departure.objects.get(child=child)
    assert (departure.residence_country, departure.historical) == ("US", True)
    assert set(Reminder.objects.filter(done_at=None).values_list("consular_post_id", flat=True)) == {us_post.pk}
    event = AuditEvent.objects.get(verb="correct_departure")
    assert (event.purpose, event.before and event.before["residence_country"]) == (
        "the family lives in the United States",
        "GB",
    )
    assert services.register_child(actor=None, child=child, post=us_post, number="US-9", registered_on=ago(1))


@pytest.mark.parametrize("days_after_the_stamp, refused", [(-1, "passport_stamp_missing"), (0, None), (1, None)])
def test_the_corrected_day_keeps_the_rules_of_the_departure(
    users, district, court, us_post, days_after_the_stamp, refused
):
    """The child leaves with the MFA stamp in its passport (¶61): a day corrected to before the
    stamp is refused, the day of it or after accepted."""
    case, child = adopt_abroad(district, court, in_force_ago=40)
    _departed(case, child, us_post, stamped_ago=19)
    day = ago(19 - days_after_the_stamp)
    if refused:
        with pytest.raises(RuleError) as refusal:
            _correct(users["guardianship"], case, child, departed_on=day, exit_permission_on=ago(25))
        assert [e.code for e in refusal.value.errors] == [refused]
        assert Departure.objects.get(child=child).departed_on == ago(17)
    else:
        _correct(users["guardianship"], case, child, departed_on=day, exit_permission_on=ago(25))
        assert Departure.objects.get(child=child).departed_on == day


def test_a_correction_is_refused_naming_the_rule_and_changes_nothing(users, district, court, us_post):
    case, child = adopt_abroad(district, court, in_force_ago=40)
    _other_case, other = adopt_abroad(district, court, in_force_ago=40, last_name="Other")
    _departed(case, child, us_post)
    refusals: list[tuple[type[RuleError], str, object, object, dict]] = [
        (Forbidden, "role_not_allowed", users["consular"], child, {}),
        (Forbidden, "out_of_scope", users["other_guardianship"], child, {}),
        (ConflictError, "not_departed", users["guardianship"], other, {}),
        (RuleError, "reason_required", users["guardianship"], child, {"reason": "typo"}),
        (RuleError, "future_date", users["guardianship"], child, {"departed_on": ago(-1)}),
        (RuleError, "exit_permission_missing", users["guardianship"], child, {"exit_permission_number": " "}),
        (RuleError, "invalid_country", users["guardianship"], child, {"residence_country": "XX"}),
    ]
    for error, code, actor, whose, changes in refusals:
        with pytest.raises(error) as refused:
            _correct(actor, case, whose, **changes)
        assert code in [e.code for e in refused.value.errors], code
    departure = Departure.objects.get(child=child)
    assert (departure.departed_on, departure.exit_permission_number, departure.residence_country) == (
        ago(17),
        "EP-5",
        "US",
    )
    assert not AuditEvent.objects.filter(verb="correct_departure").exists()


def test_the_departure_page_offers_the_correction_with_the_values_as_recorded(client, users, district, court, us_post):
    case, child = adopt_abroad(district, court, in_force_ago=40)
    _departed(case, child, us_post)
    url = f"/cases/{case.pk}/departure/"
    page = login(client, users["guardianship"]).get(url).content.decode()
    prefix = f"correct-{child.pk}"
    assert "Correct the departure, typed wrong" in page and 'value="EP-5"' in page
    assert f'name="{prefix}-departed_on" value="{ago(17).isoformat()}"' in page
    assert 'name="child"' not in page  # every child of the case departed: nothing left to record
    fields = {
        f"{prefix}-exit_permission_number": "EP-5",
        f"{prefix}-exit_permission_on": ago(18).isoformat(),
        f"{prefix}-departed_on": ago(16).isoformat(),
        f"{prefix}-residence_country": "US",
        "correct": str(child.pk),
    }
    refused = client.post(url, {**fields, f"{prefix}-reason": "typo"})
    assert refused.status_code == 400 and "Say why the departure is corrected" in refused.content.decode()
    done = client.post(url, {**fields, f"{prefix}-reason": "the day of the boarding pass"}, follow=True)
    assert done.redirect_chain == [(url, 302)] and "The departure is corrected." in done.content.decode()
    assert Departure.objects.get(child=child).departed_on == ago(16)
    assert client.post(url, {**fields, "correct": "999999"}).status_code == 404
