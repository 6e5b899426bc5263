"""API tokens (API.md v2, Auth): a new token per login, stored hashed, expiring after
TOKEN_TTL_HOURS; logout revokes it; a password change or a deactivation revokes every token of
the user. Lockout (axes) per account and per address."""

import datetime

import pytest
from django.utils import timezone
from knox.models import AuthToken

from core.models import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"


def login(api, username, password=PASSWORD, address="10.0.0.1"):
    return api().post("/api/v1/auth/token/", {"username": username, "password": password}, REMOTE_ADDR=address)


def with_token(api, token):
    client = api()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_each_login_gives_a_new_token_valid_for_the_ttl_and_stored_hashed(api, users, settings):
    assert settings.TOKEN_TTL_HOURS == 12
    before = timezone.now()
    first, second = login(api, users["ministry"].username).json(), login(api, users["ministry"].username).json()
    assert first["token"] != second["token"]
    expiry = datetime.datetime.fromisoformat(first["expiry"].replace("Z", "+00:00"))
    assert before + datetime.timedelta(hours=12) <= expiry <= timezone.now() + datetime.timedelta(hours=12)
    stored = AuthToken.objects.filter(user=users["ministry"])
    assert stored.count() == 2 and not stored.filter(digest__contains=first["token"]).exists()
    assert with_token(api, first["token"]).get("/api/v1/regions/").status_code == 200


def test_a_token_is_refused_once_it_expires(api, users):
    token = login(api, users["ministry"].username).json()["token"]
    instance = AuthToken.objects.get(user=users["ministry"])
    instance.expiry = timezone.now() + datetime.timedelta(seconds=30)  # the last moments of its life
    instance.save()
    assert with_token(api, token).get("/api/v1/regions/").status_code == 200
    instance.expiry = timezone.now() - datetime.timedelta(seconds=1)  # a second past
    instance.save()
    refused = with_token(api, token).get("/api/v1/regions/")
    assert refused.status_code == 401
    assert not AuthToken.objects.filter(user=users["ministry"]).exists()


def test_logout_revokes_the_callers_token_only(api, users):
    one, other = (
        login(api, users["ministry"].username).json()["token"],
        login(api, users["ministry"].username).json()["token"],
    )
    assert with_token(api, one).post("/api/v1/auth/logout/").status_code == 204
    assert with_token(api, one).get("/api/v1/regions/").status_code == 401
    assert with_token(api, other).get("/api/v1/regions/").status_code == 200
    assert api().post("/api/v1/auth/logout/").status_code == 401


def test_a_password_change_revokes_every_token_of_the_user(api, users):
    user = users["court"]
    tokens = [login(api, user.username).json()["token"] for _ in range(2)]
    untouched = login(api, users["ministry"].username).json()["token"]
    user.set_password("another long password 42")
    user.save()
    assert [with_token(api, t).get("/api/v1/regions/").status_code for t in tokens] == [401, 401]
    assert with_token(api, untouched).get("/api/v1/regions/").status_code == 200
    user.first_name = "Renamed"  # any other change keeps the tokens
    user.save()
    fresh = login(api, user.username, "another long password 42").json()["token"]
    user.first_name = "Again"
    user.save()
    assert with_token(api, fresh).get("/api/v1/regions/").status_code == 200


def test_a_password_reset_in_the_admin_revokes_the_tokens(api, client, users):
    token = login(api, users["court"].username).json()["token"]
    client.force_login(UserFactory.create(role=Role.MINISTRY, is_staff=True, is_superuser=True))
    response = client.post(
        f"/admin/core/user/{users['court'].pk}/password/",
        {"password1": "a fresh long password 77", "password2": "a fresh long password 77", "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    assert with_token(api, token).get("/api/v1/regions/").status_code == 401


def test_a_deactivation_revokes_every_token_of_the_user(api, users):
    user = users["regional"]
    token = login(api, user.username).json()["token"]
    user.is_active = False
    user.save()
    assert with_token(api, token).get("/api/v1/regions/").status_code == 401
    assert not AuthToken.objects.filter(user=user).exists()


def test_lockout_is_per_account_whatever_the_address(api, settings):
    user = UserFactory.create(role=Role.MINISTRY)
    for i in range(settings.AXES_FAILURE_LIMIT):
        login(api, user.username, "wrong", address=f"10.0.1.{i}")  # a different address each time
    locked = login(api, user.username, address="10.0.2.200")  # the right password from yet another address
    assert locked.status_code == 403 and locked.json()["errors"][0]["code"] == "locked_out"


def test_lockout_is_per_address_whatever_the_account(api, settings):
    accounts = [UserFactory.create(role=Role.MINISTRY) for _ in range(settings.AXES_FAILURE_LIMIT + 1)]
    for user in accounts[:-1]:
        login(api, user.username, "wrong", address="10.0.3.3")  # one try per account, all from one address
    assert login(api, accounts[-1].username, address="10.0.3.3").status_code == 403
    assert login(api, accounts[-1].username, address="10.0.3.4").status_code == 200  # another address is not locked


def test_admin_changes_deletions_and_password_resets_are_audited(client, users):
    from core.models import AuditEvent

    admin_user = UserFactory.create(role=Role.MINISTRY, is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    victim = UserFactory.create(role=Role.AUDITOR)
    client.post(
        f"/admin/core/user/{victim.pk}/password/",
        {"password1": "a fresh long password 77", "password2": "a fresh long password 77", "usable_password": "true"},
    )
    reset = AuditEvent.objects.get(verb="admin_password_reset", object_id=str(victim.pk))
    assert reset.actor == admin_user and "pbkdf2" not in str(reset.after) and "md5" not in str(reset.after)
    response = client.post(f"/admin/core/user/{victim.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    deleted = AuditEvent.objects.get(verb="admin_delete", object_id=str(victim.pk))
    assert deleted.before is not None
    assert (
        deleted.action == "delete"
        and deleted.before["username"] == victim.username
        and "password" not in deleted.before
    )
    others = [UserFactory.create(role=Role.AUDITOR) for _ in range(2)]
    client.post(
        "/admin/core/user/", {"action": "delete_selected", "_selected_action": [u.pk for u in others], "post": "yes"}
    )
    assert set(AuditEvent.objects.filter(verb="admin_delete").values_list("object_id", flat=True)) == {
        str(u.pk) for u in [victim, *others]
    }
