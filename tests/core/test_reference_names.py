"""Issue 20, complete kk/ru/en: the reference data (regions, districts, courts, consular posts)
is named in the reader's language, from core.reference; English where no name is given."""

import pytest
from django.utils.translation import override

from core.management.commands.seed_demo import load_reference_data
from core.models import ConsularPost, Court, District, Region
from core.reference import CITY_NAMES, CONSULATES, EMBASSIES, NAMES, REGIONS

pytestmark = pytest.mark.django_db


def test_every_reference_row_has_its_russian_and_kazakh_name():
    codes = {code for code, _name, districts in REGIONS} | {code for *_r, ds in REGIONS for code, _n in ds}
    assert set(NAMES) == codes and all(ru and kk for ru, kk in NAMES.values())
    assert {city for _country, city in EMBASSIES + CONSULATES} == set(CITY_NAMES)


def test_the_reference_data_is_named_in_the_readers_language():
    load_reference_data()
    district = District.objects.get(pk="KZ-71-ESI")
    court = Court.objects.get(district=district)
    post = ConsularPost.objects.get(country="RU", kind="embassy")
    with override("en"):
        assert (str(district), str(court), str(post)) == (
            "Yesil district (KZ-71)",
            "Specialised inter-district court for juvenile cases, Yesil district",
            "embassy Moscow (RU)",
        )
    with override("ru"):
        assert str(district) == "район Есиль (KZ-71)" and str(Region.objects.get(pk="KZ-10")) == "Абайская область"
        assert str(court) == "Специализированный межрайонный суд по делам несовершеннолетних, район Есиль"
        assert "Москва (RU)" in str(post)
    with override("kk"):
        assert str(district) == "Есіл ауданы (KZ-71)" and "Мәскеу (RU)" in str(post)
    District.objects.filter(pk=district.pk).update(names={})  # a district the ministry added: its own name
    with override("ru"):
        assert str(District.objects.get(pk=district.pk)) == "Yesil district (KZ-71)"


def test_a_page_names_the_district_in_russian(client, users):
    load_reference_data()
    client.force_login(users["guardianship"])
    page = client.get("/children/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert str(District.objects.get(pk=users["guardianship"].district_id).names["ru"]) in page
