import pytest

from core.models import AuditEvent, Policy

pytestmark = pytest.mark.django_db


def test_every_role_reads_the_policy_with_the_defaults_of_the_rules(api, users):
    body = api(users["court"]).get("/api/v1/policy/").json()
    assert body["primary_registration_days"] == 3
    assert body["escalate_to_regional_days"] == 30
    assert body["escalate_to_central_days"] == 30
    assert body["dossier_validity_months"] == 12
    assert body["health_certificate_validity_months"] == 12
    assert body["appeal_period_days"] == 15
    assert body["consular_registration_days"] == 30
    assert body["monitoring_grace_days"] == 30
    assert body["monitoring_schedule"] == {"first_years": 3, "first_every_months": 6, "then_every_months": 12}
    assert "tuberculosis" in body["barring_conditions"]


def test_only_the_ministry_changes_the_policy_and_the_change_is_audited(api, users):
    body = api(users["ministry"]).get("/api/v1/policy/").json()
    body["appeal_period_days"] = 30
    assert api(users["guardianship"]).put("/api/v1/policy/", body, format="json").status_code == 403
    assert Policy.current().appeal_period_days == 15
    response = api(users["ministry"]).put("/api/v1/policy/", body, format="json")
    assert response.status_code == 200
    assert Policy.current().appeal_period_days == 30
    event = AuditEvent.objects.get(verb="update_policy")
    assert (event.before["appeal_period_days"], event.after["appeal_period_days"]) == (15, 30)
    assert event.actor == users["ministry"]


def test_a_bad_policy_value_is_refused_naming_the_field_and_changes_nothing(api, users):
    body = api(users["ministry"]).get("/api/v1/policy/").json()
    body["dossier_validity_months"] = 0
    body["monitoring_schedule"] = {"first_years": 3}
    response = api(users["ministry"]).put("/api/v1/policy/", body, format="json")
    assert response.status_code == 400
    fields = {e["field"] for e in response.json()["errors"]}
    assert "dossier_validity_months" in fields
    assert any(f.startswith("monitoring_schedule") for f in fields)
    assert Policy.current().dossier_validity_months == 12
    assert not AuditEvent.objects.filter(verb="update_policy").exists()
