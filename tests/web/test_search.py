"""The search box (issue 20): children, cases and applicants in the user's scope by name (Cyrillic
or Latin), birth registration number, case number or consular registration number; a sealed
identity never matches; each record named is a read with its purpose."""

import datetime
import re

import pytest

from adoption import services as adoption_services
from consular import services as consular_services
from core.audit import reads_of_q
from core.models import AuditEvent
from registry import services as registry_services
from registry.models import Child
from tests.adoption.conftest import adopt_abroad, ago, make_applicant, make_child
from tests.web.test_pages import login


@pytest.fixture
def found(client, users):
    def found(role, text, **headers):
        response = login(client, users[role]).get("/search/", {"q": text}, **headers)
        assert response.status_code == 200
        return response.content.decode()

    return found


def test_a_child_by_name_in_either_script_or_by_birth_registration_number(found, district, users):
    child, _ = registry_services.create_child(
        actor=None,
        district=district,
        last_name="Жумабаева",
        first_name="Айгерим",
        sex="F",
        birth_date=datetime.date(2019, 4, 4),
        birth_registration_number="AB-771",
        identified_on=ago(30),
    )
    link = f'href="/children/{child.pk}/"'
    assert link in found("guardianship", "Жумабаева")
    assert link in found("guardianship", "zhumabaeva aigerim")  # the Latin spelling of the same name
    assert link in found("guardianship", "ab-771")  # the birth registration number, in any case
    assert link in found("ministry", "Жумабаева")  # national scope
    assert link not in found("other_guardianship", "Жумабаева")  # another district's agency: not in scope
    assert link not in found("guardianship", "Жумабаев Нурлан")  # every word must match
    assert "04.04.2019" in found("guardianship", "Жумабаева", HTTP_ACCEPT_LANGUAGE="ru")  # what tells two apart
    event = AuditEvent.objects.filter(reads_of_q(str(child.pk)), action="read", purpose="search").first()
    assert event is not None and event.object_type == "registry.child"


def test_an_applicant_by_name_even_with_no_case_yet(found, district, users):
    """A family on the register waiting for a child has no case: the search box, which found
    applicants only through their cases, did not find it at all (and its entry on the register
    was to be renewed on its page)."""
    waiting = make_applicant(district, citizenship="KZ", residence="KZ", last_name="Bekmukhambetova")
    link = f'href="/applicants/{waiting.pk}/"'
    assert link in found("guardianship", "bekmukhambetova")
    assert link in found("guardianship", "Bekmukhambetova Ann")  # every word, in the last or the first name
    assert link not in found("guardianship", "Bekmukhambetova Nurlan")
    assert link in found("ministry", "Bekmukhambetova")
    assert link not in found("other_guardianship", "Bekmukhambetova")  # another district's: not in scope
    assert link not in found("court", "Bekmukhambetova")  # a court: the applicants of its cases only
    event = AuditEvent.objects.filter(reads_of_q(str(waiting.pk)), action="read", purpose="search").first()
    assert event is not None and event.object_type == "adoption.applicant"


def test_an_applicant_by_name_in_either_script_as_a_child_is(found, district, court, us_post, users):
    """A foreign family is written in Latin, and a clerk may type its name as it sounds, in
    Cyrillic; a family of Kazakhstan may be written in Cyrillic and searched in Latin. Applicants
    were compared as typed ("Сара" did not find "Sarah"), unlike children."""
    sarah = make_applicant(district, last_name="Miller", first_name="Sarah")
    gulnara = make_applicant(district, citizenship="KZ", residence="KZ", last_name="Нурпеисова", first_name="Гульнара")
    for text, applicant in (("Миллер Сара", sarah), ("сара", sarah), ("Nurpeisova Gulnara", gulnara)):
        page = found("guardianship", text)
        assert f'href="/applicants/{applicant.pk}/"' in page, text
    assert f'href="/applicants/{sarah.pk}/"' not in found("guardianship", "Миллер Гульнара")  # one applicant's
    case, child = adopt_abroad(district, court, last_name="Скрытова", applicant_name="Kowalski")
    assert f'href="/cases/{case.pk}/"' in found("ministry", "Ковальски")  # the case, by an applicant's name
    assert f'href="/adopted/{child.pk}/"' in found("consular", "Ковальски")  # the post, the adopted child
    adoption_services.update_applicant(actor=None, applicant=sarah, last_name="Harris")  # a correction
    assert f'href="/applicants/{sarah.pk}/"' in found("guardianship", "Харрис")
    assert f'href="/applicants/{sarah.pk}/"' not in found("guardianship", "Miller Sarah")  # the old name, no more
    longest = make_applicant(district, last_name="Щ" * 100, first_name="Ж" * 100)  # a key of 401 characters
    assert f'href="/applicants/{longest.pk}/"' in found("guardianship", "Ж" * 100)


def test_a_case_by_number_or_by_an_applicants_or_a_childs_name(found, district, users):
    child = make_child(district, last_name="Омарова")
    couple = [make_applicant(district, last_name="Whitfield")]
    case = adoption_services.open_case(actor=None, children=[child], applicants=couple, opened_on=ago(10))
    link = f'href="/cases/{case.pk}/"'
    for text in (str(case.pk), f"#{case.pk}", "Whitfield", "omarova"):
        assert link in found("guardianship", text), text
    assert link not in found("other_guardianship", "Whitfield")
    assert link not in found("court", "Whitfield")  # not referred to this court: not in its scope
    page = found("guardianship", "Whitfield")
    assert "Омарова" in page and "Whitfield" in page  # the case named by its child, its applicants beside
    assert AuditEvent.objects.filter(reads_of_q(str(case.pk)), object_type="adoption.case", purpose="search").exists()


def test_a_word_with_a_digit_is_a_number_never_part_of_a_name(found, district, users):
    """ "BR-981676" keyed as a name is "br": it matched every name holding those letters (and read
    the whole register to find them)."""
    numbered = make_child(district, last_name="Ким", birth_registration_number="BR-981676")
    abramova = make_child(district, last_name="Абрамова")  # "br" in the name, no such number
    page = found("guardianship", "BR-981676")
    assert f'href="/children/{numbered.pk}/"' in page and f'href="/children/{abramova.pk}/"' not in page
    assert f'href="/children/{abramova.pk}/"' in found("guardianship", "абрамова")  # the name still finds her


def test_a_case_by_its_reference_in_any_case_or_by_one_applicant_holding_every_word(found, district, users):
    first = adoption_services.open_case(
        actor=None,
        children=[make_child(district)],
        applicants=[make_applicant(district, last_name="Whitfield", first_name="Anna")],
        opened_on=ago(10),
    )
    second = adoption_services.open_case(
        actor=None,
        children=[make_child(district)],
        applicants=[
            make_applicant(district, last_name="Whitfield", first_name="John"),
            make_applicant(district, last_name="Brown", first_name="Anna"),
        ],
        opened_on=ago(10),
    )
    both = found("guardianship", "whitfield anna")  # the words in one applicant's name, not across two
    assert f'href="/cases/{first.pk}/"' in both and f'href="/cases/{second.pk}/"' not in both
    first.case_ref = "HIST-2009-17"
    first.save(update_fields=["case_ref"])
    assert f'href="/cases/{first.pk}/"' in found("guardianship", "hist-2009-17")
    assert f'href="/cases/{second.pk}/"' in found("guardianship", str(second.pk))
    assert not re.search(r'href="/cases/\d+/"', found("guardianship", "9" * 30))  # no such case, and no error


def test_a_sealed_identity_never_matches_and_a_consular_number_names_the_child_by_number(
    found, district, court, us_post, users
):
    _case, child = adopt_abroad(district, court, last_name="Скрытова")
    Child.objects.filter(pk=child.pk).update(birth_registration_number="SEALED-55")  # recorded before the seal
    child.refresh_from_db()
    assert child.sealed_on is not None
    consular_services.register_child(actor=None, child=child, post=us_post, number="US-77-1", registered_on=ago(5))
    for role in ("guardianship", "ministry", "consular"):
        for text in ("Скрытова", "skrytova", "SEALED-55"):
            assert f"/{child.pk}/" not in found(role, text), (role, text)
    by_number = found("consular", "us-77-1")
    assert f'href="/adopted/{child.pk}/"' in by_number and f"#{child.pk}" in by_number  # "Adopted child #id"
    assert "Скрытова" not in by_number and "SEALED-55" not in by_number
    assert f"/adopted/{child.pk}/" not in found("other_consular", "US-77-1")  # another post's registration


def test_an_empty_query_finds_nothing_and_each_role_has_the_box(found, client, users):
    assert "Nothing found." in found("guardianship", "9" * 40)  # a number no record can have: no error
    assert login(client, users["guardianship"]).get("/cases/", {"q": "#" + "9" * 40}).status_code == 200
    page = found("court", "   ")
    assert "Nothing found." not in page and 'role="search"' in page
    for role in ("guardianship", "regional", "ministry", "court", "consular", "auditor"):
        home = login(client, users[role]).get("/").content.decode()
        assert 'action="/search/"' in home, role


def test_the_search_page_reads_in_a_constant_number_of_queries(client, users, district):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(client, users["guardianship"])
    client.get("/")  # the first page notes the user's language (one write, once)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/search/", {"q": "Константа"}).status_code == 200
        return len(captured)

    def one_more():
        child = make_child(district, last_name="Константа")
        adoption_services.open_case(
            actor=None, children=[child], applicants=[make_applicant(district, last_name="Константа")], opened_on=ago(3)
        )

    one_more()
    few = queries()
    for _ in range(3):
        one_more()
    assert queries() == few


def test_a_post_finds_the_child_of_the_family_at_its_door_by_an_adoptive_parents_name(
    found, client, district, court, us_post, users
):
    """A post reads no case file and a child it has not registered has no number yet: the family's
    name is how it finds the child (a sealed name still never matches); the other roles find the
    family's case by the same names."""
    _case, child = adopt_abroad(district, court, last_name="Скрытова", applicant_name="Miller")
    _other_case, other = adopt_abroad(district, court, last_name="Другая", applicant_name="Kowalski")
    assert child.sealed_on is not None
    searched = AuditEvent.objects.filter(reads_of_q(f"{child.pk}"), purpose="search")
    assert not searched.exists()
    for text in ("miller", "ANN MILLER-JONES", "Miller Ann"):
        page = found("consular", text)
        assert f'href="/adopted/{child.pk}/"' in page and f"#{child.pk}" in page, text
        assert "Miller Ann, Miller-Jones Ann" in page or "Miller-Jones Ann, Miller Ann" in page, text
        assert f'href="/adopted/{other.pk}/"' not in page, text  # Kowalski's child is not named so
    assert searched.count() == 3  # each search that named the child is a read of its record
    for text in ("Скрытова", "skrytova", "Miller Kowalski"):  # a sealed name; no one parent holds both words
        assert f"/adopted/{child.pk}/" not in found("consular", text), text
    assert f"/adopted/{child.pk}/" not in found("other_consular", "Miller")  # adopted into another country
    ministry = found("ministry", "Miller")
    assert "adoptive parent" not in ministry and f'href="/cases/{_case.pk}/"' in ministry  # the case, as before


def test_the_adopted_page_lists_the_children_named_so_with_their_adoptive_parents(
    client, district, court, us_post, users
):
    _case, child = adopt_abroad(district, court, last_name="Скрытова", applicant_name="Miller")
    _other_case, other = adopt_abroad(district, court, last_name="Другая", applicant_name="Kowalski")
    for role in ("consular", "ministry", "guardianship"):
        login(client, users[role])
        everyone = client.get("/adopted/").content.decode()
        assert f"/adopted/{child.pk}/" in everyone and f"/adopted/{other.pk}/" in everyone, role
        assert "Kowalski Ann" in everyone, role  # the adoptive parents' column
        named = client.get("/adopted/", {"q": " miller  "}).content.decode()
        assert f"/adopted/{child.pk}/" in named and f"/adopted/{other.pk}/" not in named, role
        assert 'value="miller"' in named, role  # the filter kept, spaces folded
        response = client.get("/adopted/", {"q": "kowalski", "due": "1"})
        assert response.context["query"] == "q=kowalski&due=1", role  # what the pager's links carry
        due = response.content.decode()
        assert f"/adopted/{other.pk}/" in due and f"/adopted/{child.pk}/" not in due, role  # both filters
        nobody = client.get("/adopted/", {"q": "Скрытова"}).content.decode()  # a sealed name never matches
        assert "No child adopted abroad is named so." in nobody and nobody.count("Скрытова") == 1, role  # the box
