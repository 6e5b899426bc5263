import pytest
from django.urls import reverse

from adoption import services as adoption_services
from core.dates import today
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


class Clock:
    """The service's clock (`timezone.now`, which the sessions' expiry reads), moved by hand."""

    def __init__(self, monkeypatch):
        from django.utils import timezone

        self.now = timezone.now()
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    def after(self, **delta):
        import datetime

        self.now += datetime.timedelta(**delta)


def signed_in(response) -> bool:
    return response.status_code == 200


def test_a_page_session_ends_after_thirty_minutes_without_a_request(client, users, monkeypatch):
    """RULES §9: a computer left signed in at a guardianship office shows children's records to
    whoever sits down. Each request moves the limit on; 30 minutes without one end the session
    (the day before: 29 minutes; the day of: 30)."""
    clock = Clock(monkeypatch)
    response = client.post(reverse("login"), {"username": users["guardianship"].username, "password": PASSWORD})
    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert cookie["max-age"] == "" and cookie["expires"] == ""  # it ends with the browser, too
    for _step in range(4):  # two hours of work, a request every 29 minutes
        clock.after(minutes=29)
        assert signed_in(client.get("/children/"))
    clock.after(minutes=30)
    response = client.get("/children/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_page_session_ends_twelve_hours_after_the_sign_in_however_busy(client, users, monkeypatch):
    clock = Clock(monkeypatch)
    client.post(reverse("login"), {"username": users["court"].username, "password": PASSWORD})
    assert signed_in(client.get("/cases/"))
    for _step in range(11 * 3 + 2):  # a request every 20 minutes: 11 h 40 min
        clock.after(minutes=20)
        assert signed_in(client.get("/cases/"))
    clock.after(minutes=19, seconds=59)  # 11:59:59 after the sign-in
    assert signed_in(client.get("/cases/"))
    clock.after(seconds=1)  # 12 hours
    response = client.get("/cases/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert "You were signed in for 12 hours" in client.get(response["Location"]).content.decode()
    assert not signed_in(client.get("/cases/"))  # signed out, not refused once
    client.post(reverse("login"), {"username": users["court"].username, "password": PASSWORD})
    assert signed_in(client.get("/cases/"))  # a new sign-in counts anew


def test_expired_sessions_are_deleted_by_beat(client, users, monkeypatch):
    from django.contrib.sessions.models import Session

    from core.tasks import clear_sessions

    clock = Clock(monkeypatch)
    client.force_login(users["ministry"])
    other = type(client)()
    other.force_login(users["auditor"])
    clock.after(minutes=20)
    assert signed_in(other.get("/audit/"))
    clock.after(minutes=15)  # the first session idle 35 minutes, the other 15
    clear_sessions()
    assert Session.objects.count() == 1
    assert signed_in(other.get("/audit/")) and not signed_in(client.get("/dashboard/"))


def test_a_form_sent_after_the_session_ended_leads_back_to_its_page_saying_nothing_was_saved(
    client, users, district, monkeypatch
):
    """A clerk fills in a hearing for 40 minutes and sends it: the session has ended. The sign-in
    page says that nothing was saved, and leads back to the case page, not to the form's action,
    which answers only POST (a blank 405 after signing in)."""
    from tests.adoption.conftest import make_applicant, make_child

    case = adoption_services.open_case(
        actor=None, children=[make_child(district)], applicants=[make_applicant(district)], opened_on=today()
    )
    clock = Clock(monkeypatch)
    client.post(reverse("login"), {"username": users["guardianship"].username, "password": PASSWORD})
    page = f"/cases/{case.pk}/"
    assert signed_in(client.get(page))
    clock.after(minutes=40)
    sent = client.post(f"/cases/{case.pk}/contacts/", {"on": "2026-01-01"}, HTTP_REFERER=f"http://testserver{page}")
    assert sent.status_code == 302 and sent["Location"] == f"{reverse('login')}?next={page}"
    sign_in = client.get(sent["Location"])
    assert "what you sent was not saved" in sign_in.content.decode()
    back = client.post(sent["Location"], {"username": users["guardianship"].username, "password": PASSWORD})
    assert back["Location"] == page and signed_in(client.get(page))
    assert not case.contacts.exists()
    # from another site, or with no page named: the home page
    clock.after(minutes=31)
    sent = client.post(f"/cases/{case.pk}/contacts/", {}, HTTP_REFERER="https://elsewhere.example/cases/1/")
    assert sent["Location"] == f"{reverse('login')}?next=/"
    # the API answers for itself
    assert client.post("/api/v1/children/", {}).status_code in (401, 403)


def test_each_user_changes_their_own_password_on_the_pages(client, api, users):
    """The password the ministry or `create_staff` gave a clerk is known to whoever gave it: the
    clerk changes it on the pages (the old one, the new one twice, the validators), the session
    goes on, the API tokens end, and the audit trail says so without the hash."""
    from core.models import AuditEvent

    user = users["consular"]
    token = api().post("/api/v1/auth/token/", {"username": user.username, "password": PASSWORD}).json()["token"]
    client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    elsewhere = type(client)()  # the same user, signed in on another computer
    elsewhere.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    page = client.get("/")
    assert f'href="{reverse("password")}"' in page.content.decode() and signed_in(elsewhere.get("/"))
    refused = [
        (
            {
                "old_password": "wrong password!",
                "new_password1": "a new long secret",
                "new_password2": "a new long secret",
            },
            "old_password",
        ),
        (
            {"old_password": PASSWORD, "new_password1": "a new long secret", "new_password2": "another long one"},
            "new_password2",
        ),
        ({"old_password": PASSWORD, "new_password1": "short", "new_password2": "short"}, "new_password2"),
        ({"old_password": PASSWORD, "new_password1": "password123", "new_password2": "password123"}, "new_password2"),
    ]
    for data, field in refused:
        response = client.post(reverse("password"), data)
        assert response.status_code == 400 and response.context["form"].errors[field], (data, field)
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert not AuditEvent.objects.filter(verb="change_own_password").exists()
    done = client.post(
        reverse("password"),
        {"old_password": PASSWORD, "new_password1": "a new long secret", "new_password2": "a new long secret"},
    )
    assert done.status_code == 302 and done["Location"] == "/"
    assert "Your password is changed." in client.get("/").content.decode()  # still signed in
    assert not signed_in(elsewhere.get("/"))  # the other computer is signed out
    user.refresh_from_db()
    assert user.check_password("a new long secret")
    event = AuditEvent.objects.get(verb="change_own_password")
    assert event.actor_id == user.pk and event.object_id == str(user.pk)
    assert "pbkdf2" not in str(event.before) + str(event.after) and user.password not in str(event.after)
    assert api().get("/api/v1/adopted-children/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 401
    client.logout()
    signed = client.post(reverse("login"), {"username": user.username, "password": "a new long secret"})
    assert signed.status_code == 302 and signed_in(client.get("/"))


def test_the_password_page_is_for_signed_in_users(client, db):
    from core.models import User

    response = client.get(reverse("password"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    client.force_login(User.objects.create_superuser("root", password=PASSWORD))  # of no role: the admin's form
    assert client.get(reverse("password")).status_code == 403
    assert client.post(reverse("password"), {"old_password": PASSWORD}).status_code == 403


@pytest.mark.parametrize(
    "language, short, common",
    [
        ("kk", "Құпиясөз тым қысқа: кемінде 10 таңба.", "ең жиі қолданылатындардың"),
        ("ru", "не менее 10 символов", "самых распространённых"),
    ],
)
def test_the_password_page_speaks_the_reader_s_language(client, users, language, short, common):
    """Django's Kazakh catalogue has none of the password rules' messages: the page answered a
    Kazakh reader in English."""
    client.force_login(users["court"])
    client.cookies["django_language"] = language
    page = client.get(reverse("password")).content.decode()
    assert "Your password" not in page and "Enter the same password" not in page
    sent = {"old_password": PASSWORD, "new_password1": "short", "new_password2": "short"}
    assert short in client.post(reverse("password"), sent).content.decode()
    sent = {"old_password": PASSWORD, "new_password1": "password123", "new_password2": "password123"}
    assert common in client.post(reverse("password"), sent).content.decode()


def test_guessing_the_current_password_on_the_password_page_locks_the_account(client, api, settings, users):
    """Someone at a computer left signed in may not try passwords on the password page for ever,
    to take the account beyond the session: each wrong current password counts as a failed
    sign-in, and the account locks as at the sign-in page."""
    user = users["regional"]
    client.force_login(user)
    wrong = {
        "old_password": "a guess of mine",
        "new_password1": "a new long secret",
        "new_password2": "a new long secret",
    }
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post(reverse("password"), wrong).status_code == 400
    assert client.post(reverse("password"), wrong).status_code in (403, 429)  # the last one locks
    right = dict(wrong, old_password=PASSWORD)
    assert client.post(reverse("password"), right).status_code in (403, 429)
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    locked = api().post("/api/v1/auth/token/", {"username": user.username, "password": PASSWORD})
    assert locked.status_code == 403 and locked.json()["errors"][0]["code"] == "locked_out"


@pytest.mark.parametrize(
    "language, says",
    [("en", "Too many wrong passwords"), ("ru", "Слишком много неверных паролей"), ("kk", "Қате құпиясөз тым көп")],
)
def test_a_locked_account_is_told_so_on_a_page_in_the_reader_s_language(client, settings, users, language, says):
    """After five wrong passwords the sign-in page answered a line of English text, with no page
    around it: a Kazakh or Russian reader could not tell what happened or what to do."""
    client.cookies["django_language"] = language
    wrong = {"username": users["court"].username, "password": "a guess of mine"}
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), wrong)
    locked = client.post(reverse("login"), dict(wrong, password=PASSWORD))
    page = locked.content.decode()
    assert locked.status_code == 429 and says in page
    assert f'<html lang="{language}"' in page and 'href="/accounts/login/"' in page  # the service's page
    assert "Account locked" not in page  # django-axes' own text
    assert "no-store" in locked["Cache-Control"]
