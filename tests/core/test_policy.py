import datetime

import pytest

from core.dates import today
from core.models import AuditEvent, Policy
from tests.adoption.conftest import foreign_case  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db
D = datetime.date


def test_every_role_reads_the_policy_with_the_defaults_of_the_rules(api, users):
    body = api(users["court"]).get("/api/v1/policy/").json()
    assert body["primary_registration_days"] == 3
    assert body["escalate_to_regional_days"] == 30
    assert body["escalate_to_central_days"] == 30
    assert body["dossier_validity_months"] == 12
    assert body["health_certificate_validity_months"] == 12
    assert body["adopter_certificate_validity_months"] == 12
    assert body["appeal_period_months"] == 1  # RULES v2 §6 replaces appeal_period_days
    assert "appeal_period_days" not in body
    assert body["subsistence_minimum"] is None  # no default: the ministry sets it (RULES v2 §1a)
    assert (body["bar_unmarried_men"], body["age_gap_applies_to"]) == (True, "unmarried")
    assert (body["foreign_register_validity_months"], body["birth_date_change_max_months"]) == (12, 6)
    assert body["consular_registration_days"] == 30
    assert body["monitoring_grace_days"] == 30
    assert body["monitoring_schedule"] == {"first_years": 3, "first_every_months": 6, "then_every_months": 12}
    assert "tuberculosis" in body["barring_conditions"]
    assert body["effective_from"] is None  # the first version has no lower bound (§11.15)


def test_only_the_ministry_changes_the_policy_and_the_change_is_audited(api, users):
    change = {"appeal_period_months": 2}
    assert api(users["guardianship"]).put("/api/v1/policy/", change, format="json").status_code == 403
    assert Policy.current().appeal_period_months == 1
    response = api(users["ministry"]).put("/api/v1/policy/", change, format="json")
    assert response.status_code == 200 and response.json()["effective_from"] == today().isoformat()
    assert Policy.current().appeal_period_months == 2
    event = AuditEvent.objects.get(verb="update_policy")
    assert event.after is not None
    assert event.after["appeal_period_months"] == 2 and event.after["effective_from"] == today().isoformat()
    assert event.before is None  # a new version, inserted
    assert event.actor == users["ministry"]


def test_a_bad_policy_value_is_refused_naming_the_field_and_changes_nothing(api, users):
    body = {"dossier_validity_months": 0, "monitoring_schedule": {"first_years": 3}, "age_gap_applies_to": "some"}
    response = api(users["ministry"]).put("/api/v1/policy/", body, format="json")
    assert response.status_code == 400
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"dossier_validity_months", "age_gap_applies_to"} <= fields
    assert any(f.startswith("monitoring_schedule") for f in fields)
    assert Policy.current().dossier_validity_months == 12
    assert not AuditEvent.objects.filter(verb="update_policy").exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("consular_registration_days", 0),
        ("consular_registration_days", 1),  # the lowest allowed
        ("dossier_validity_months", 3650),  # the highest allowed
        ("dossier_validity_months", 3651),
        ("agency_share_alert", 101),
        ("subsistence_minimum", 0),
        ("barring_conditions", ["alcoholism", "not a code"]),
        ("barring_conditions", ["c"] * 51),
        # 0 months between reports: the schedule would never reach the end of its first period
        ("monitoring_schedule", {"first_years": 3, "first_every_months": 0, "then_every_months": 12}),
        ("monitoring_schedule", {"first_years": 19, "first_every_months": 6, "then_every_months": 12}),
        ("monitoring_schedule", {"first_years": 3, "first_every_months": 6}),
    ],
)
def test_the_policy_service_holds_the_bounds_whoever_calls_it(users, field, value):
    """The bounds are the model's validators: the API's serializer and the policy page take them
    over, and `update_policy` checks them itself, so a caller past both (a script, a task) cannot
    store a value out of them either."""
    from core.errors import RuleError
    from core.services import update_policy

    allowed = value in (1, 3650)
    if allowed:
        assert getattr(update_policy(actor=users["ministry"], **{field: value}), field) == value
        return
    before = Policy.current()
    with pytest.raises(RuleError) as refused:
        update_policy(actor=users["ministry"], **{field: value})
    assert [e.field for e in refused.value.errors] == [field]
    assert getattr(Policy.current(), field) == getattr(before, field)
    assert not AuditEvent.objects.filter(verb="update_policy").exists()


def test_versions_hold_from_their_effective_date_and_a_put_copies_the_rest(api, users):
    """RULES v2 §10, §11.15: as_of D answers the version in effect on D; a PUT may name some
    parameters and inserts a version at its date, leaving later versions as they are."""
    ministry = api(users["ministry"])
    later = {"effective_from": "2030-01-01", "dossier_validity_months": 6}
    assert ministry.put("/api/v1/policy/", later, format="json").status_code == 200  # future dates are allowed
    earlier = {"effective_from": "2024-03-01", "subsistence_minimum": 45_000}
    assert ministry.put("/api/v1/policy/", earlier, format="json").status_code == 200  # a past date, inserted
    answer = lambda day: ministry.get("/api/v1/policy/", {"as_of": day}).json()  # noqa: E731
    assert answer("2024-02-29")["subsistence_minimum"] is None  # the day before: the first version
    assert answer("2024-03-01")["subsistence_minimum"] == 45_000  # the day of
    assert answer("2029-12-31")["dossier_validity_months"] == 12
    assert answer("2030-01-01")["dossier_validity_months"] == 6
    assert answer("2030-01-01")["subsistence_minimum"] is None  # the later version was left as it was
    assert Policy.on(D(2024, 3, 1)).barring_conditions == Policy.on(D(2020, 1, 1)).barring_conditions  # copied
    again = {"effective_from": "2024-03-01", "subsistence_minimum": 46_000}
    assert ministry.put("/api/v1/policy/", again, format="json").status_code == 200  # the same date: changed
    assert Policy.objects.count() == 3 and answer("2024-06-01")["subsistence_minimum"] == 46_000
    event = AuditEvent.objects.filter(verb="update_policy").last()
    assert event and event.before and event.after
    assert (event.before["subsistence_minimum"], event.after["subsistence_minimum"]) == (45_000, 46_000)
    assert ministry.get("/api/v1/policy/", {"as_of": "2024-02-30"}).status_code == 400


def test_the_ministry_corrects_a_citation_and_every_check_cites_it(api, users, foreign_case):  # noqa: F811
    ministry, court = api(users["ministry"]), api(users["court"])
    listed = {c["code"]: c["basis"] for c in court.get("/api/v1/citations/").json()}
    assert listed["CENTRAL_REGISTER_WAIT"] == "MFA art. 76(2), art. 101(3)"  # seeded with RULES.md's texts
    correction = {"basis": "CMF art. 84(2)"}
    assert court.patch("/api/v1/citations/CENTRAL_REGISTER_WAIT/", correction, format="json").status_code == 403
    assert ministry.patch("/api/v1/citations/CENTRAL_REGISTER_WAIT/", {"basis": " "}, format="json").status_code == 400
    assert ministry.patch("/api/v1/citations/CENTRAL_REGISTER_WAIT/", correction, format="json").status_code == 200
    checks = api(users["guardianship"]).get(f"/api/v1/cases/{foreign_case.pk}/eligibility/").json()["checks"]
    assert next(c for c in checks if c["code"] == "CENTRAL_REGISTER_WAIT")["basis"] == "CMF art. 84(2)"
    event = AuditEvent.objects.get(verb="update_citation")
    assert event.before and event.after
    assert (event.before["basis"], event.after["basis"], event.actor) == (
        "MFA art. 76(2), art. 101(3)",
        "CMF art. 84(2)",
        users["ministry"],
    )
