import pytest
from django.urls import reverse

from core.models import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"


def test_token_from_username_and_password_opens_the_api(api, users):
    response = api().post("/api/v1/auth/token/", {"username": users["ministry"].username, "password": PASSWORD})
    assert response.status_code == 200
    client = api()
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert client.get("/api/v1/regions/").status_code == 200


def test_wrong_password_gets_no_token(api, users):
    response = api().post("/api/v1/auth/token/", {"username": users["ministry"].username, "password": "nope"})
    assert response.status_code == 400
    assert "token" not in response.json()
    assert response.json()["errors"][0]["code"]


@pytest.mark.parametrize("path", ["/api/v1/regions/", "/api/v1/policy/", "/api/v1/reminders/", "/api/schema/"])
def test_anonymous_callers_are_refused(api, db, path):
    assert api().get(path).status_code == 401


def test_api_docs_send_anonymous_browsers_to_login_and_serve_logged_in_staff(client, users):
    assert client.get("/api/docs/").status_code == 302
    client.force_login(users["court"])
    page = client.get("/api/docs/").content.decode()
    assert "swagger" in page.lower() and "cdn" not in page.lower()  # assets are served locally


def test_login_page_and_healthz_are_open_to_anonymous(client, db):
    assert client.get(reverse("login")).status_code == 200
    assert client.get("/").status_code == 302  # to the login page


def test_repeated_wrong_passwords_lock_the_account_out(api, settings, db):
    user = UserFactory.create(role=Role.MINISTRY)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        api().post("/api/v1/auth/token/", {"username": user.username, "password": "wrong"})
    locked = api().post("/api/v1/auth/token/", {"username": user.username, "password": PASSWORD})
    assert locked.status_code == 403
    assert locked.json()["errors"][0]["code"] == "locked_out"


def test_web_login_with_session(client, users):
    response = client.post(reverse("login"), {"username": users["guardianship"].username, "password": PASSWORD})
    assert response.status_code == 302
    home = client.get("/")
    assert home.status_code == 200
    assert users["guardianship"].username in home.content.decode()


def test_a_username_longer_than_any_account_is_a_failed_login_on_every_path(api, client, users):
    """Found by the fuzzer: a 300-character username reached django-axes, whose record of the
    failed login (a 255-character column) could not be written: a 500 on the API's token, the
    login page and the admin's. The API now refuses it by name before any login is tried; the
    pages refuse the login, and axes records it under the first 255 characters."""
    from axes.models import AccessAttempt

    long_name = "a" * 300
    response = api().post("/api/v1/auth/token/", {"username": long_name, "password": "x"})
    assert response.status_code == 400
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [("username", "max_length")]
    assert not AccessAttempt.objects.exists()
    for login_page in (reverse("login"), reverse("admin:login")):
        page = client.post(login_page, {"username": long_name, "password": "x"})
        assert page.status_code == 200 and page.context["form"].errors
    assert AccessAttempt.objects.get().username == "a" * 255
    assert AccessAttempt.objects.get().failures_since_start == 2
