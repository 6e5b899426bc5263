import pytest
from django.core.management import call_command

from core.models import ConsularPost, Court, District, Policy, Region, Role, User
from core.reference import EMBASSIES

pytestmark = pytest.mark.django_db

SEED_COUNTRIES = {"US", "GB", "CA", "BE", "IL", "EG", "FR", "DE", "ES", "RU", "CH", "TR"}  # ¶60


def test_seed_demo_loads_every_region_the_embassies_and_one_user_per_role(capsys):
    call_command("seed_demo")
    assert Region.objects.count() == 20  # 17 oblasts and 3 cities of republican significance
    assert not Region.objects.filter(districts__isnull=True).exists()
    assert Court.objects.count() == District.objects.count()
    assert set(ConsularPost.objects.filter(kind="embassy").values_list("country", flat=True)) == SEED_COUNTRIES
    assert len(EMBASSIES) == 12
    assert sorted(User.objects.values_list("role", flat=True)) == sorted(Role.values)
    out = capsys.readouterr().out
    for role in Role.values:
        assert f"demo_{role}" in out
    assert Policy.current().subsistence_minimum == 43_407  # RULES v2 §1a: seed_demo sets a demo value


def test_reference_data_alone_sets_no_subsistence_minimum():
    call_command("seed_demo", no_users=True)
    assert Policy.current().subsistence_minimum is None  # the ministry's to set


def test_seed_demo_is_idempotent_and_prints_passwords_once(capsys):
    call_command("seed_demo")
    counts = [m.objects.count() for m in (Region, District, Court, ConsularPost, User)]
    capsys.readouterr()
    call_command("seed_demo")
    assert [m.objects.count() for m in (Region, District, Court, ConsularPost, User)] == counts
    assert "demo users exist" in capsys.readouterr().out


def test_regions_api_lists_districts(api, users):
    call_command("seed_demo", no_users=True)
    body = api(users["guardianship"]).get("/api/v1/regions/").json()
    astana = next(r for r in body if r["code"] == "KZ-71")
    assert {"code": "KZ-71-ESI", "name": "Yesil district"} in astana["districts"]
    posts = api(users["court"]).get("/api/v1/consular-posts/").json()
    assert {p["kind"] for p in posts} == {"embassy", "consulate"}
    courts = api(users["consular"]).get("/api/v1/courts/").json()
    assert set(courts[0]) == {"id", "name", "district"}
