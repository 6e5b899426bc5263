import pytest
from django.core.management import CommandError, call_command

from core.models import AuditEvent, Role, User

pytestmark = pytest.mark.django_db


def test_create_staff_gives_one_role_and_one_organisation(district, capsys):
    call_command("create_staff", "anna", role="guardianship", org=district.code)
    user = User.objects.get(username="anna")
    assert (user.role, user.district, user.region, user.court) == (Role.GUARDIANSHIP, district, None, None)
    out = capsys.readouterr().out
    assert "password:" in out
    password = out.split("password:")[1].strip()
    assert user.check_password(password)
    event = AuditEvent.objects.get(verb="create_staff", object_id=str(user.pk))
    assert event.after is not None and "password" not in event.after


@pytest.mark.parametrize(
    "role, org, field",
    [
        ("guardianship", None, "org"),  # needs a district
        ("guardianship", "NOPE", "org"),  # unknown district
        ("court", "not-a-number", "org"),
        ("ministry", "KZ-71", "org"),  # national role: no organisation
        ("wizard", None, "role"),
    ],
)
def test_create_staff_refuses_a_role_without_its_organisation(district, role, org, field):
    with pytest.raises(CommandError) as error:
        call_command("create_staff", "bob", role=role, org=org)
    assert field in str(error.value)
    assert not User.objects.filter(username="bob").exists()


def test_each_role_takes_its_kind_of_organisation(district, court, us_post):
    orgs = {"regional": district.region_id, "court": str(court.pk), "consular": str(us_post.pk), "auditor": None}
    for role, org in orgs.items():
        call_command("create_staff", f"u_{role}", role=role, org=org, password="long enough password")
        assert User.objects.get(username=f"u_{role}").organisation == (
            {"regional": district.region, "court": court, "consular": us_post}.get(role)
        )


def test_ministry_staff_manage_users_in_the_admin_but_cannot_raise_privileges(client, district):
    call_command("create_staff", "min", role="ministry", password="long enough password")
    client.force_login(User.objects.get(username="min"))
    assert client.get("/admin/core/user/").status_code == 200
    page = client.get("/admin/core/user/add/").content.decode()
    assert "is_superuser" not in page


def test_the_admin_sets_the_language_of_a_new_users_e_mails(client, district):
    """Before a user's first page (which notes the language they read), their reminders are
    e-mailed in the language the ministry sets in the admin."""
    from core.models import Reminder
    from core.services import reminder_recipients

    call_command("create_staff", "min", role="ministry", password="long enough password")
    call_command("create_staff", "officer", role="guardianship", org=district.code, password="long enough password")
    officer = User.objects.get(username="officer")
    client.force_login(User.objects.get(username="min"))
    page = client.get(f"/admin/core/user/{officer.pk}/change/").content.decode()
    assert '<select name="language"' in page and '<option value="kk">Қазақша</option>' in page
    User.objects.filter(pk=officer.pk).update(language="kk", email="officer@example.kz")
    reminder = Reminder(kind="register_escalation_due", subject_type="child", subject_id=1, district=district)
    assert reminder_recipients(reminder) == {"officer@example.kz": "kk"}
