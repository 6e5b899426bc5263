"""The staff pages with Django's test client: each role's pages, scope, and forms that keep
what the user typed and show each error next to its field."""

import datetime
import re

import pytest
from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format

from adoption.models import Referral
from core.dates import today
from registry import services as registry_services
from registry.models import Child
from tests.adoption.conftest import adopt_abroad, ago, make_child
from tests.web import crawl

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "role, pages",
    [
        (
            "guardianship",
            ["/", "/children/", "/children/new/", "/cases/", "/cases/new/", "/applicants/new/", "/adopted/"],
        ),
        ("regional", ["/", "/children/", "/cases/", "/dashboard/", "/adopted/"]),
        (
            "ministry",
            ["/", "/children/", "/cases/", "/dashboard/", "/dashboard/policy/", "/dashboard/import/", "/adopted/"],
        ),
        ("court", ["/", "/children/", "/cases/"]),
        ("consular", ["/", "/adopted/"]),
        ("auditor", ["/", "/children/", "/cases/", "/dashboard/", "/adopted/"]),
    ],
)
def test_each_role_opens_its_pages(client, users, role, pages):
    login(client, users[role])
    for page in pages:
        assert client.get(page).status_code == 200, page


@pytest.mark.parametrize("role", ["guardianship", "regional", "ministry", "court", "consular", "auditor"])
def test_every_link_a_page_offers_opens_for_the_role(client, users, district, court, role):
    """From the home page, each link of each page reached (up to three of each shape, e.g.
    /children/N/) answers the role: a page never offers what the role may not open (the child's
    page offered a court the databank's families page, which answered 403). Walked in Russian, each
    page's forms are also read as a Russian user reads them: a date field shows its date (a
    browser's date input takes only 2024-02-29; the policy page wrote 03.12.2026, so the field
    was empty and the form refused), no field is labelled in English (the policy page's
    numbers were labelled by their model field names), and no code is written into the text (a
    case's dossier read "нет заключения financial_solvency"). Every date picker offers the dates
    the service accepts, 1900-2199 (core.dates). Each id is on one element of the page and each
    label points to one (the child's page had the ground's and the consent's forms both write
    `id_number`: the label of one focused the other's field, and a screen reader read it so)."""
    adopt_abroad(district, court)  # a child adopted into the US: its case referred to the court, its post's
    adopt_abroad(district, court, referred_only=True, last_name="Lee")  # a case before the court
    refused, unreadable, ambiguous, seen = [], [], [], set()
    login(client, users[role])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    for url, response in crawl.pages(client):
        seen.add(url)
        if response.status_code >= 400:
            refused.append((url, response.status_code))
        if response.status_code != 200 or "text/html" not in response["Content-Type"]:
            continue
        page = response.content.decode()
        ids = re.findall(r'\sid="([^"]+)"', page)
        ambiguous += [(url, "twice", i) for i in sorted({i for i in ids if ids.count(i) > 1})]
        ambiguous += [(url, "label for", i) for i in re.findall(r'<label[^>]*\sfor="([^"]+)"', page) if i not in ids]
        for tag in re.findall(r'<input[^>]*type="date"[^>]*>', page):
            value = re.search(r'value="([^"]*)"', tag)
            if value and not re.fullmatch(r"\d{4}-\d\d-\d\d", value.group(1)):
                unreadable.append((url, tag))
            if 'min="1900-01-01"' not in tag or 'max="2199-12-31"' not in tag:  # the picker offers what is taken
                unreadable.append((url, tag))
        for label in re.findall(r"<label[^>]*>\s*([^<]+?)\s*<", page):
            if re.fullmatch(r"[A-Za-z][A-Za-z ,.()*-]*", label) and " " in label:  # English words, untranslated
                unreadable.append((url, label))
        # the text read, without codes shown as codes, what is typed, and the audit log's values as stored
        shown = re.sub(r"<(script|style|code|textarea|ins|del)[^>]*>.*?</\1>|<[^>]*>", " ", page, flags=re.S)
        for code in re.findall(r"\b[a-z]+(?:_[a-z]+)+\b", shown):  # a code in the text: financial_solvency
            unreadable.append((url, code))
    assert len(seen) >= 4 and not refused, refused  # the consular post: home, queue, its children, a child
    assert not unreadable, unreadable
    assert not ambiguous, ambiguous


@pytest.mark.parametrize(
    "role, page",
    [
        ("consular", "/children/"),
        ("court", "/dashboard/"),
        ("guardianship", "/dashboard/policy/"),
        ("regional", "/dashboard/import/"),
        ("court", "/children/new/"),
    ],
)
def test_pages_a_role_may_not_use_answer_403(client, users, role, page):
    response = login(client, users[role]).get(page)
    assert response.status_code == 403
    # the application's own page, in its layout and language, not a bare "403 Forbidden"
    assert "Not allowed" in response.content.decode() and 'href="/"' in response.content.decode()


def test_a_missing_page_is_the_applications_own_in_russian(client, users):
    login(client, users["guardianship"])
    response = client.get("/children/999999/", HTTP_ACCEPT_LANGUAGE="ru")
    page = response.content.decode()
    assert response.status_code == 404 and "Не найдено" in page and 'lang="ru"' in page


def test_a_child_page_of_another_district_is_404(client, users, district, court, make_child_web):
    child = make_child_web()
    assert login(client, users["other_guardianship"]).get(f"/children/{child.pk}/").status_code == 404
    assert login(client, users["guardianship"]).get(f"/children/{child.pk}/").status_code == 200


def test_a_refused_form_keeps_what_was_typed_and_shows_the_error_by_its_field(client, users):
    login(client, users["guardianship"])
    response = client.post(
        "/children/new/",
        {
            "last_name": "Сериков",
            "first_name": "Алмаз",
            "sex": "M",
            "birth_date": "2024-05-05",
            "identified_on": "2024-05-01",
        },
    )
    page = response.content.decode()
    assert response.status_code == 400 and Child.objects.count() == 0  # refused: a 4xx, nothing saved
    assert 'value="Сериков"' in page and 'value="2024-05-05"' in page
    birth_field = page.index('id="id_birth_date"')
    error = page.index("The birth date is after the date the child was identified.")
    assert birth_field < error < page.index('id="id_birth_registration_number"')  # right after its field


def test_the_eligibility_panel_and_the_referral_button(client, users, district, court, foreign_case):
    login(client, users["guardianship"])
    page = client.get(f"/cases/{foreign_case.pk}/").content.decode()
    assert "Eligible on this date." in page and 'data-check="CENTRAL_REGISTER_WAIT"' in page
    early = client.get(f"/cases/{foreign_case.pk}/", {"as_of": ago(150).isoformat()}).content.decode()
    assert "Not eligible on this date." in early and "disabled" in early
    response = client.post(f"/cases/{foreign_case.pk}/referral/", {"court": court.pk, "on": ago(1).isoformat()})
    assert response.status_code == 302 and Referral.objects.count() == 1


def test_the_dashboard_shows_the_reports(client, users, district, court, us_post):
    from consular import services as consular_services
    from core.models import Region

    adopt_abroad(district, court, in_force_ago=200)
    _case, registered = adopt_abroad(district, court, in_force_ago=30, last_name="Abroad")
    consular_services.register_child(actor=None, child=registered, post=us_post, number="US-1", registered_on=ago(10))
    make_child(district)  # on the registers
    Region.objects.filter(pk="KZ-71").update(names={"ru": "город Астана"})
    page = login(client, users["ministry"]).get("/dashboard/").content.decode()
    assert "<svg" in page and "format=xlsx" in page
    assert "<strong>1</strong> foreign adoptions in force for 180 days or more" in page
    # each country and region by its name in the reader's language, not only by its code
    assert "United States</text>" in page and "Astana <small" in page
    client.post("/i18n/setlang/", {"language": "ru", "next": "/"})
    page = client.get("/dashboard/").content.decode()
    assert "Соединённые штаты</text>" in page and "город Астана <small" in page


def test_the_language_switcher_translates_the_pages(client, users):
    login(client, users["guardianship"])
    client.post("/i18n/setlang/", {"language": "ru", "next": "/"})
    assert "Дети" in client.get("/children/").content.decode()
    client.post("/i18n/setlang/", {"language": "kk", "next": "/"})
    assert 'lang="kk"' in client.get("/children/").content.decode()


def test_the_timeline_is_in_date_order(client, users, make_child_web, days_ago):
    from registry import services

    child = make_child_web(identified_on=days_ago(30))
    services.place_on_register(actor=None, child=child, level="primary", placed_on=days_ago(29))
    services.add_ground(
        actor=None,
        child=child,
        parent="both",
        ground="parents_unknown",
        documents=[{"kind": "certificate", "number": "C-1", "date": days_ago(28), "issued_by": "Police"}],
    )
    page = login(client, users["guardianship"]).get(f"/children/{child.pk}/").content.decode()
    timeline = page[page.index('<ol class="timeline">') : page.index("</ol>", page.index('<ol class="timeline">'))]
    dates = __import__("re").findall(r'<time datetime="(\d{4}-\d\d-\d\d)"', timeline)
    assert dates == sorted(dates) and len(dates) == 3
    assert 'value="adopted"' not in page  # the deregistration form does not offer "adopted"


def test_the_ministry_sets_a_policy_version_from_a_date_on_its_page(client, users):
    from core.models import Policy

    login(client, users["ministry"])
    current = Policy.current()
    form = {name: getattr(current, name) for name in Policy.SCALARS if getattr(current, name) is not None}
    form |= {
        "barring_conditions": ", ".join(current.barring_conditions),
        **current.monitoring_schedule,
        "subsistence_minimum": 45_000,
        "effective_from": "2025-01-01",
    }
    form["bar_unmarried_men"] = "on"
    response = client.post("/dashboard/policy/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Policy.on(datetime.date(2024, 12, 31)).subsistence_minimum is None  # the day before
    assert Policy.on(datetime.date(2025, 1, 1)).subsistence_minimum == 45_000
    assert "In effect from" in client.get("/dashboard/policy/").content.decode()


def test_the_policy_page_lists_every_version_and_what_each_changed(client, users):
    """A version set for a later date is kept when today's parameters are changed (RULES §11.15):
    the ministry sees it on the page, upcoming, beside the one in effect and what each changed."""
    from core.models import Policy
    from core.services import update_policy

    login(client, users["ministry"])
    Policy.current()  # the first version, from the start
    later = today() + datetime.timedelta(days=30)
    update_policy(actor=users["ministry"], effective_from=today(), subsistence_minimum=45_000)
    update_policy(
        actor=users["ministry"],
        effective_from=later,
        proposal_answer_days=14,
        monitoring_schedule={"first_years": 3, "first_every_months": 6, "then_every_months": 24},
    )
    page = client.get("/dashboard/policy/").content.decode()
    rows = re.findall(r"<tr data-version=.*?</tr>", page, re.S)
    assert len(rows) == 3
    first, today_s, upcoming = rows
    assert "from the start" in first and "in effect" not in first
    assert f'datetime="{today().isoformat()}"' in today_s and "in effect" in today_s
    assert "Subsistence minimum" in today_s and "<del>—</del> → <ins>45000</ins>" in today_s
    assert f'datetime="{later.isoformat()}"' in upcoming and "upcoming" in upcoming
    assert "<del>10</del> → <ins>14</ins>" in upcoming and "Days to answer a proposal" in upcoming
    assert "<del>12</del> → <ins>24</ins>" in upcoming  # the schedule's months afterwards
    assert "Subsistence minimum" not in upcoming  # copied from the version before: no change


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("consular_registration_days", 0),  # the API's bounds: 1 to 3650 days or months
        ("dossier_validity_months", 3651),
        ("agency_share_alert", 101),  # per cent
        ("fee_ceiling_usd", 0),
        ("barring_conditions", "alcoholism, <b>drunk</b>"),  # codes, as the API's
        ("first_every_months", 0),
    ],
)
def test_the_policy_page_refuses_what_the_api_refuses_and_changes_nothing(client, users, field, value):
    """The page and the API write the same parameters: a value out of the API's bounds is refused
    on the page too, naming the field (0 days for a consular registration made every adoption
    abroad overdue on its first day)."""
    from core.models import AuditEvent, Policy

    login(client, users["ministry"])
    current = Policy.current()
    form = {name: getattr(current, name) for name in Policy.SCALARS if getattr(current, name) is not None}
    form |= {
        "barring_conditions": ", ".join(current.barring_conditions),
        **current.monitoring_schedule,
        "effective_from": today().isoformat(),
        field: value,
    }
    response = client.post("/dashboard/policy/", form)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert Policy.current() == current and Policy.current().updated_at == current.updated_at
    assert not AuditEvent.objects.filter(verb="update_policy").exists()


def test_a_resident_applicant_is_recorded_with_the_districts_register_entry(client, users):
    from adoption.models import AdopterRegistration, Applicant

    login(client, users["guardianship"])
    person = {
        "last_name": "Омарова",
        "first_name": "Айгуль",
        "sex": "F",
        "birth_date": "1985-04-04",
        "citizenship": "KZ",
        "residence_country": "KZ",
        "marital_status": "single",
        "register_number": "PA-2026-14",
        "registered_on": ago(30).isoformat(),
    }
    refused = client.post("/applicants/new/", person)  # no end date: nothing is recorded
    assert refused.status_code == 400 and "A registration needs its number" in refused.content.decode()
    assert not Applicant.objects.exists()
    person["valid_until"] = ago(-335).isoformat()
    assert client.post("/applicants/new/", person).status_code == 302
    entry = AdopterRegistration.objects.get()
    assert (entry.applicant.citizenship, entry.register, entry.number) == ("KZ", "prospective_adopters", "PA-2026-14")


def test_each_role_is_offered_only_its_own_register_level_at_its_step(client, users, make_child_web):
    child = make_child_web()
    page = login(client, users["guardianship"]).get(f"/children/{child.pk}/").content.decode()
    assert 'type="hidden" name="level" value="primary"' in page and '<select name="level"' not in page
    assert "Place on a register" not in login(client, users["regional"]).get(f"/children/{child.pk}/").content.decode()
    placed = make_child_web(on_register=("primary",))
    assert (
        "Place on a register"
        not in login(client, users["guardianship"]).get(f"/children/{placed.pk}/").content.decode()
    )
    regional = login(client, users["regional"]).get(f"/children/{placed.pk}/").content.decode()
    assert 'type="hidden" name="level" value="regional"' in regional


def test_a_consular_officer_is_offered_only_the_own_post(client, users, district, court, us_post, gb_post):
    _case, child = adopt_abroad(district, court)
    page = login(client, users["consular"]).get(f"/adopted/{child.pk}/").content.decode()
    select = page.split('name="post"')[1].split("</select>")[0]
    assert f'value="{us_post.pk}"' in select and f'value="{gb_post.pk}"' not in select
    other_post = client.post(
        f"/adopted/{child.pk}/", {"post": gb_post.pk, "number": "X-1", "registered_on": ago(1).isoformat()}
    )
    assert other_post.status_code == 400 and not child.consular_registrations.exists()


def test_a_consulates_officer_finds_the_own_post_chosen(client, district, court, us_post):
    """The form chose the country's embassy, which a consulate's officer may not pick: the post
    was left at "---------" and every registration at a consulate began by choosing it."""
    from core.models import ConsularPost, Role
    from tests.factories import ConsularPostFactory, UserFactory

    consulate = ConsularPostFactory.create(country="US", city="New York", kind=ConsularPost.Kind.CONSULATE)
    _case, child = adopt_abroad(district, court)
    page = login(client, UserFactory.create(role=Role.CONSULAR, consular_post=consulate)).get(f"/adopted/{child.pk}/")
    select = page.content.decode().split('name="post"')[1].split("</select>")[0]
    assert f'<option value="{consulate.pk}" selected>' in select and "---------" not in select


def test_a_registration_is_transferred_from_the_page_when_the_family_moves(client, users, district, court, us_post):
    """The post holding the registration (or the ministry) transfers it to the post of the family's
    new home, confirmed. The new post, which sees only its own registrations, was offered a form
    to register the child again, which the service refused ("transfer the registration instead")
    with nothing on the page to do it."""
    from consular import services as consular_services
    from consular.models import ConsularRegistration
    from core.models import ConsularPost, Role
    from tests.factories import ConsularPostFactory, UserFactory

    consulate = ConsularPostFactory.create(country="US", city="New York", kind=ConsularPost.Kind.CONSULATE)
    new_york = UserFactory.create(role=Role.CONSULAR, consular_post=consulate)
    _case, child = adopt_abroad(district, court)
    old = consular_services.register_child(actor=None, child=child, post=us_post, number="W-1", registered_on=ago(30))
    page = login(client, new_york).get(f"/adopted/{child.pk}/").content.decode()
    assert "a transfer to yours is recorded by that post or by the ministry" in page
    assert 'name="number"' not in page and "W-1" not in page  # no form, and not the other post's number
    listed = client.get("/adopted/").content.decode()  # the list said "not registered"
    assert "at another post" in listed and "not registered" not in listed and "W-1" not in listed
    assert login(client, users["guardianship"]).get(f"/adopted/{child.pk}/").status_code == 200
    assert 'name="transfer"' not in client.get(f"/adopted/{child.pk}/").content.decode()  # a district does not
    assert 'id="transfer"' in login(client, users["ministry"]).get(f"/adopted/{child.pk}/").content.decode()
    page = login(client, users["consular"]).get(f"/adopted/{child.pk}/").content.decode()
    select = page.split('id="transfer"')[1].split('name="post"')[1].split("</select>")[0]
    assert f'value="{consulate.pk}"' in select and f'value="{us_post.pk}"' not in select  # any post but its own
    form = {"transfer": "1", "post": consulate.pk, "number": "NY-7", "registered_on": ago(2).isoformat()}
    unconfirmed = client.post(f"/adopted/{child.pk}/", form)
    assert unconfirmed.status_code == 400 and "Tick to confirm" in unconfirmed.content.decode()
    future = client.post(f"/adopted/{child.pk}/", {**form, "registered_on": ago(-1).isoformat(), "confirm": "on"})
    assert future.status_code == 400 and "The date cannot be in the future." in future.content.decode()
    before = client.post(f"/adopted/{child.pk}/", {**form, "registered_on": ago(31).isoformat(), "confirm": "on"})
    assert before.status_code == 400 and "The new registration cannot precede the old one." in before.content.decode()
    assert ConsularRegistration.objects.filter(child=child).count() == 1  # refused: nothing changed
    done = client.post(f"/adopted/{child.pk}/", {**form, "confirm": "on"}, follow=True).content.decode()
    assert "The registration is transferred to consulate New York (US)." in done
    assert "Now on the consular register of another post." in done and 'name="transfer"' not in done
    assert 'id="report"' not in done  # the reports are the new post's now (the service refused the old one's)
    old.refresh_from_db()
    assert (old.ended_on, old.transferred_to.post, old.transferred_to.number) == (ago(2), consulate, "NY-7")
    page = login(client, new_york).get(f"/adopted/{child.pk}/").content.decode()
    assert "NY-7" in page and 'id="transfer"' in page and "consular register of another post" not in page  # its own
    assert 'id="report"' in page
    listed = client.get("/adopted/").content.decode()
    assert "NY-7" in listed and "at another post" not in listed
    listed = login(client, users["consular"]).get("/adopted/").content.decode()  # the old post's, ended
    assert "W-1" in listed and "at another post" in listed and "NY-7" not in listed


def test_the_cases_list_names_children_and_applicants_and_searches_them(client, users, district, court):
    from adoption import services as adoption_services
    from tests.adoption.conftest import make_applicant, make_child

    child = make_child(district, last_name="Жумабаева")
    applicant = make_applicant(district, last_name="Peterson")
    case = adoption_services.open_case(actor=None, children=[child], applicants=[applicant], opened_on=ago(5))
    sealed_case, sealed = adopt_abroad(district, court, last_name="Секретова")
    login(client, users["guardianship"])

    def found(q):
        page = client.get("/cases/", {"q": q}).content.decode()
        return {int(pk) for pk in re.findall(r'<tr data-case="(\d+)"', page)}, page

    listed, page = found("")
    assert {case.pk, sealed_case.pk} <= listed and "Жумабаева Yulia" in page and "Peterson Ann" in page
    assert "Секретова" not in page and f"Adopted child #{sealed.pk}" in page  # sealed: never the birth name
    assert found("zhumabaeva")[0] == {case.pk}  # typed in Latin
    assert found("Peters")[0] == {case.pk}
    assert found(f"#{case.pk}")[0] == {case.pk}
    assert found("Секретова")[0] == set()  # a sealed name never matches


def test_a_likely_duplicate_is_shown_before_the_child_is_saved(client, users, make_child_web, other_district):
    same = make_child_web(last_name="Серикова", first_name="Дана", sex="F", birth_date=datetime.date(2020, 2, 2))
    elsewhere = make_child_web(
        last_name="Serikova", first_name="Dana", sex="F", birth_date=datetime.date(2020, 2, 2), district_=other_district
    )
    login(client, users["guardianship"])
    typed = {
        "last_name": "Serikova",  # the same child typed in Latin
        "first_name": "Dana",
        "sex": "F",
        "birth_date": "2020-02-02",
        "identified_on": ago(3).isoformat(),
        "citizenship": "KZ",
    }
    before = Child.objects.count()
    shown = client.post("/children/new/", typed)
    page = shown.content.decode()
    assert shown.status_code == 200 and Child.objects.count() == before  # nothing saved yet
    assert "This child may already be recorded" in page and f'href="/children/{same.pk}/"' in page
    assert f'href="/children/{elsewhere.pk}/"' not in page and "recorded in another district" in page  # not named
    assert 'value="Serikova"' in page  # what was typed stays
    saved = client.post("/children/new/", {**typed, "different": "1"})
    assert saved.status_code == 302 and Child.objects.count() == before + 1


def test_countries_are_picked_by_name_in_the_readers_language_and_a_typed_code_is_refused(client, users):
    """Citizenship was a 2-letter text box: "USA" silently became "US"."""
    from adoption.models import Applicant

    login(client, users["guardianship"])
    page = client.get("/applicants/new/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert '<option value="US">Соединённые штаты</option>' in page
    assert '<option value="stateless">' in page and '<option value="KZ">Казахстан</option>' in page
    person = {
        "last_name": "Brown",
        "first_name": "Ann",
        "sex": "F",
        "birth_date": "1985-04-04",
        "citizenship": "USA",
        "residence_country": "US",
    }
    refused = client.post("/applicants/new/", person)
    assert refused.status_code == 400 and "Select a valid choice" in refused.content.decode()
    assert not Applicant.objects.exists()
    assert client.post("/applicants/new/", person | {"citizenship": "US"}).status_code == 302
    assert Applicant.objects.get().citizenship == "US"


def test_a_medical_certificate_lists_conditions_from_the_policys_checklist(client, users, foreign_case):
    from adoption.models import CaseDocument

    login(client, users["guardianship"])
    page = client.get(f"/cases/{foreign_case.pk}/").content.decode()
    assert 'type="checkbox" name="conditions" value="tuberculosis"' in page and "tuberculosis</label>" in page
    applicant = foreign_case.applicants.first()
    form = {
        "kind": "medical_certificate",
        "applicant": applicant.pk,
        "issued_on": ago(1).isoformat(),
        "issuer": "Clinic",
    }
    assert (
        client.post(f"/cases/{foreign_case.pk}/documents/", form | {"conditions": ["tuberculosis"]}).status_code == 302
    )
    assert CaseDocument.objects.filter(conditions=["tuberculosis"]).count() == 1
    unknown = client.post(f"/cases/{foreign_case.pk}/documents/", form | {"conditions": ["flu"]})
    assert unknown.status_code == 400 and CaseDocument.objects.filter(issued_on=ago(1)).count() == 1


def test_every_form_of_a_case_names_its_applicants_and_children(client, users, district):
    """A guardianship agency records a contact or a consent by choosing people by name: the models'
    own names are their numbers alone ("applicant #12", kept out of names for the logs)."""
    from adoption import services as adoption_services
    from tests.adoption.conftest import complete_file, make_applicant

    child = make_child(district, birth_days_ago=11 * 365)  # of an age to consent: the page offers the form
    couple = [make_applicant(district), make_applicant(district, sex="M", last_name="Smith-Jones")]
    foreign_case = adoption_services.open_case(actor=None, children=[child], applicants=couple, opened_on=ago(100))
    complete_file(foreign_case, [child], couple)
    login(client, users["guardianship"])
    page = client.get(f"/cases/{foreign_case.pk}/").content.decode()
    wife, husband = foreign_case.applicants.order_by("id")
    child = foreign_case.children.get()
    for step in ("documents", "contacts"):
        for applicant in (wife, husband):
            assert re.search(
                rf'id="{step}-applicant".*?<option value="{applicant.pk}">{applicant.name} \(US/US\) #{applicant.pk}<',
                page,
                re.S,
            ), (step, applicant.name)
    for step in ("documents", "contacts", "consents"):
        assert re.search(
            rf'id="{step}-child".*?<option value="{child.pk}">{child.last_name} {child.first_name}<', page, re.S
        )
    assert f">applicant #{wife.pk}<" not in page and f">child #{child.pk}<" not in page


def test_a_parents_consent_names_the_applicants_it_is_limited_to(client, users, district, other_district):
    """The agency types the applicants' numbers (a district keeps thousands: no list to choose from);
    the record names them, and a number the agency does not see is refused."""
    from adoption.models import Applicant
    from registry.models import ParentalConsent
    from tests.adoption.conftest import make_applicant, make_child

    child = make_child(district)
    stepfather = make_applicant(district, citizenship="KZ", residence="KZ", sex="M", last_name="Omarov")
    elsewhere = make_applicant(other_district, last_name="Elsewhere")
    login(client, users["guardianship"])
    consent = {
        "parent": "mother",
        "given_on": ago(3).isoformat(),
        "form": "notarised",
        "number": "N-1",
        "date": ago(3).isoformat(),
        "issued_by": "Notary",
    }
    refused = client.post(f"/children/{child.pk}/consents/", consent | {"names_applicants": f"#{elsewhere.pk}"})
    assert refused.status_code == 400 and not ParentalConsent.objects.exists()
    saved = client.post(f"/children/{child.pk}/consents/", consent | {"names_applicants": f"#{stepfather.pk}"})
    assert saved.status_code == 302 and ParentalConsent.objects.get().names_applicants == [stepfather.pk]
    page = client.get(f"/children/{child.pk}/").content.decode()
    assert f"for applicants Omarov Ann (KZ/KZ) #{stepfather.pk}" in page
    assert Applicant.objects.get(pk=elsewhere.pk).last_name not in page


def test_a_sealed_childs_consent_names_its_applicants_by_number_only(client, users, district, court):
    from registry.models import ParentalConsent

    case, child = adopt_abroad(district, court)
    wife = case.applicants.order_by("id").first()
    ParentalConsent.objects.create(
        child=child,
        parent="mother",
        given_on=child.birth_date,
        form="notarised",
        names_applicants=[wife.pk],
        document_number="N-9",
        document_date=child.birth_date,
        document_issued_by="Notary",
    )
    page = login(client, users["guardianship"]).get(f"/children/{child.pk}/").content.decode()
    found = re.search(r'<h2 id="consents">.*?</ul>', page, re.S)
    assert found
    consents = found.group(0)
    assert f"for applicants #{wife.pk}" in consents and wife.last_name not in consents and "N-9" not in consents


def test_closing_a_case_is_offered_empty_and_needs_the_tick(client, users, foreign_case):
    login(client, users["guardianship"])
    page = client.get(f"/cases/{foreign_case.pk}/").content.decode()
    assert "Close the case: the applicants withdrew" in page
    closing = page[page.index('id="form-withdraw"') :].split("</section>")[0]
    found = re.search(r'<input[^>]*name="on"[^>]*>', closing)
    assert found
    on = found.group(0)
    assert " required" in on and " value=" not in on  # never pre-filled
    url = f"/cases/{foreign_case.pk}/withdraw/"
    refused = client.post(url, {"on": ago(1).isoformat()})
    assert refused.status_code == 400 and "Tick to confirm" in refused.content.decode()
    foreign_case.refresh_from_db()
    assert foreign_case.status != "closed"
    assert client.post(url, {"on": ago(1).isoformat(), "confirm": "on"}).status_code == 302
    foreign_case.refresh_from_db()
    assert (foreign_case.status, foreign_case.closed_reason, foreign_case.closed_on) == ("closed", "withdrawn", ago(1))


def test_the_agency_records_a_departure_from_the_case_of_a_foreign_adoption_in_force(
    client, users, district, court, us_post, foreign_case
):
    from consular import services as consular_services
    from consular.models import Departure

    case, child = adopt_abroad(district, court, country="US")
    consular_services.register_child(
        actor=None, child=child, post=us_post, number="US-1", registered_on=ago(5), passport_stamped_on=ago(4)
    )
    login(client, users["guardianship"])
    assert (
        f'href="/cases/{case.pk}/departure/">Departure of the child abroad<'
        in client.get(f"/cases/{case.pk}/").content.decode()
    )
    assert "/departure/" not in client.get(f"/cases/{foreign_case.pk}/").content.decode()  # not decided
    url = f"/cases/{case.pk}/departure/"
    page = client.get(url).content.decode()
    assert '<option value="US" selected>' in page and "Adopted child #" in page  # the sealed child by its number
    form = {"child": child.pk, "exit_permission_on": ago(3).isoformat(), "departed_on": ago(2).isoformat()}
    refused = client.post(url, form | {"residence_country": "US"})
    assert refused.status_code == 400 and "This field is required" in refused.content.decode()
    assert not Departure.objects.exists()
    done = client.post(url, form | {"residence_country": "US", "exit_permission_number": "EP-7"})
    assert done.status_code == 302, re.findall(r"errorlist[^>]*>(.*?)</ul>", done.content.decode(), re.S)
    assert Departure.objects.get().exit_permission_number == "EP-7"
    login(client, users["court"])
    assert client.get(url).status_code == 403


def _ids(page: str) -> list[str]:
    return re.findall(r'\sid="([^"]+)"', page)


def test_every_id_on_a_case_page_is_given_once(client, users, court, foreign_case, make_child_web):
    """The case page shows several steps' forms at once (a label points to one field only)."""
    login(client, users["guardianship"])
    page = client.get(f"/cases/{foreign_case.pk}/").content.decode()
    assert page.count("<form") > 3 and 'id="documents-issued_on"' in page and 'id="contacts-on"' in page
    assert " · 400,000.00 KZT" in page  # an income statement's sum, grouped as English writes it
    assert [i for i in set(_ids(page)) if _ids(page).count(i) > 1] == []
    client.post(f"/cases/{foreign_case.pk}/referral/", {"court": court.pk, "on": ago(1).isoformat()})
    login(client, users["court"])
    heard = {"on": ago(0).isoformat(), "participants": ["applicants", "guardianship", "procurator"]}
    assert client.post(f"/cases/{foreign_case.pk}/hearing/", heard | {"in_camera": "on"}).status_code == 302
    page = client.get(f"/cases/{foreign_case.pk}/").content.decode()
    assert 'id="decision-decided_on"' in page and 'id="hearing-on"' in page
    assert [i for i in set(_ids(page)) if _ids(page).count(i) > 1] == []


def test_the_home_page_names_each_reminders_record_and_what_it_asks(client, users, district, court):
    """Issue 20: the reminders and the recent cases say what is due and whom it is about, in the
    reader's language, never a code or a number alone (a sealed child stays "Adopted child #id")."""
    from adoption import services as adoption_services
    from core.models import Reminder
    from tests.adoption.conftest import make_applicant, make_child

    child = make_child(district, last_name="Жумабаева")
    applicant = make_applicant(district, last_name="Peterson")
    case = adoption_services.open_case(actor=None, children=[child], applicants=[applicant], opened_on=ago(5))
    _sealed_case, sealed = adopt_abroad(district, court, last_name="Секретова")
    for kind, subject_type, subject in [
        ("register_escalation_due", "child", child.pk),
        ("consular_registration_due", "child", sealed.pk),
        ("proposal_no_answer", "case", case.pk),
    ]:
        Reminder.objects.create(
            kind=kind, subject_type=subject_type, subject_id=subject, due_on=ago(1), district=district
        )
    page = login(client, users["guardianship"]).get("/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    reminders = page.split('id="reminders"')[1].split("</section>")[0]
    assert "семья не ответила на предложение" in reminders and "proposal_no_answer" not in reminders
    assert "Жумабаева Yulia" in reminders and f"Усыновлённый ребёнок #{sealed.pk}" in reminders
    assert "Секретова" not in page
    recent = page.split('id="recent"')[1].split("</section>")[0]
    assert "Жумабаева Yulia</a> · Peterson Ann" in recent


def test_the_home_page_has_one_reminder_line_per_record_and_kind_on_its_first_due_date(
    client, users, district, court, us_post
):
    """A child with three monitoring reports overdue is one line on the post's home page, on the
    first one's date, saying how many (three lines each were 50 rows of a page about 4 children)."""
    from core.models import Reminder

    _case, child = adopt_abroad(district, court, last_name="Ким")
    for kind, days in [
        ("monitoring_report_overdue", 30),
        ("monitoring_report_overdue", 200),
        ("monitoring_report_overdue", 400),
        ("consular_registration_due", 10),
    ]:
        Reminder.objects.create(
            kind=kind, subject_type="child", subject_id=child.pk, due_on=ago(days), consular_post=us_post
        )
    page = login(client, users["consular"]).get("/").content.decode()
    reminders = page.split('id="reminders"')[1].split("</section>")[0]
    rows = reminders.split("<tr>")[2:]
    assert len(rows) == 2
    assert ago(400).isoformat() in rows[0] and "monitoring report overdue" in rows[0] and "3 reminders" in rows[0]
    assert ago(10).isoformat() in rows[1] and "consular registration due" in rows[1] and "reminders" not in rows[1]
    ru = client.get("/", HTTP_ACCEPT_LANGUAGE="ru").content.decode().split('id="reminders"')[1]
    assert "3 напоминания" in ru


def test_the_dashboards_filters_select_the_figures_and_the_downloads_alike(client, users, district, court):
    adopt_abroad(district, court, in_force_ago=200)
    login(client, users["ministry"])
    since = ago(200).isoformat()
    page = client.get("/dashboard/", {"from": since, "to": ago(0).isoformat(), "as_of": ago(100).isoformat()})
    html = page.content.decode()
    assert page.status_code == 200
    assert f"/api/v1/reports/adoptions/?from={since}&amp;to={ago(0).isoformat()}&amp;format=csv" in html
    assert f"/api/v1/reports/registers/?as_of={ago(100).isoformat()}&amp;format=xlsx" in html
    assert "<strong>0</strong> foreign adoptions in force for 180 days or more" in html  # 100 days ago: not yet 180
    year = ago(200).year  # the adoption entered into force 200 days ago: in the first period, not the next
    assert f"<tr><td>{year}</td><td>1</td>" in html
    later = client.get("/dashboard/", {"from": ago(199).isoformat(), "to": ago(0).isoformat()}).content.decode()
    assert f"<tr><td>{ago(199).year}</td><td>0</td>" in later
    region = district.region_id
    by_region = client.get("/dashboard/", {"region": region}).content.decode()
    assert f"region={region}" in by_region and f'<option value="{region}" selected>' in by_region
    backwards = client.get("/dashboard/", {"from": ago(0).isoformat(), "to": ago(1).isoformat()})
    assert backwards.status_code == 400 and "The period ends before it starts." in backwards.content.decode()
    assert client.get("/dashboard/", {"region": "XX"}).status_code == 400  # no such region: named, nothing shown
    regional = login(client, users["regional"]).get("/dashboard/").content.decode()
    assert 'name="region"' not in regional  # a region's staff see their own only


def test_the_new_case_page_lists_only_the_chosen_and_the_found(client, users, district, other_district):
    """A district keeps tens of thousands of children and applicants: the page lists those chosen
    and those its search finds (a name, any case, or a number), never the whole district, nor
    what is outside the user's scope; a search keeps what was chosen and opens nothing."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from adoption.models import Case
    from tests.adoption.conftest import make_applicant, make_child

    alpha, beta = make_child(district, last_name="Alphaeva"), make_child(district, last_name="Betaeva")
    elsewhere = make_child(other_district, last_name="Alphaeva")
    petrov = make_applicant(district, last_name="Petrov")
    make_applicant(district, last_name="Omarov")
    login(client, users["guardianship"])
    page = client.get("/cases/new/").content.decode()
    assert "Alphaeva" not in page and "Petrov" not in page and 'name="find"' in page
    page = client.get(f"/cases/new/?children={alpha.pk}&children={elsewhere.pk}").content.decode()
    assert re.search(rf'value="{alpha.pk}"[^>]*checked', page) and "Betaeva" not in page
    assert f'value="{elsewhere.pk}"' not in page  # another district's child, even by its number
    found = client.post("/cases/new/", {"action": "find", "find": "petROV", "children": [alpha.pk], "kind": "standard"})
    page = found.content.decode()
    assert found.status_code == 200 and "Petrov" in page and "Omarov" not in page and "errorlist" not in page
    assert re.search(rf'value="{alpha.pk}"[^>]*checked', page) and not Case.objects.exists()
    assert f'value="{beta.pk}"' in client.get(f"/cases/new/?find=%23{beta.pk}").content.decode()  # by number
    with CaptureQueriesContext(connection) as few:
        client.get("/cases/new/?find=eva")
    for n in range(5):
        make_child(district, last_name=f"Moreeva{n}")
    with CaptureQueriesContext(connection) as more:
        page = client.get("/cases/new/?find=eva").content.decode()
    assert len(more) == len(few) and "Moreeva4" in page
    opened = client.post(
        "/cases/new/",
        {"find": "", "kind": "standard", "children": [alpha.pk], "applicants": [petrov.pk], "opened_on": "2026-11-01"},
    )
    assert opened.status_code == 302 and list(Case.objects.get().children.all()) == [alpha]


def test_pages_name_countries_in_the_readers_language(client, users, district, court):
    """A country is shown by its name (the API keeps the code): the adopted-abroad list, the case
    page's applicants, their printed file; a citizenship `stateless` is a word."""
    case, _child = adopt_abroad(district, court, country="DE")
    case.applicants.update(citizenship="stateless")
    login(client, users["guardianship"])
    assert "<td>Germany</td>" in client.get("/adopted/").content.decode()
    assert "Stateless / Germany" in client.get(f"/cases/{case.pk}/").content.decode()
    client.post("/i18n/setlang/", {"language": "ru", "next": "/"})
    assert "<td>Германия</td>" in client.get("/adopted/").content.decode()
    assert "Лицо без гражданства / Германия" in client.get(f"/cases/{case.pk}/").content.decode()
    child = case.children.first()
    assert (
        "<td>Казахстан</td>"
        in client.get(f"/children/{child.pk}/", {"purpose": "a court's request 2-1"}).content.decode()
    )


def test_an_adopter_of_an_imported_history_is_named_by_number(client, users, district, court):
    """The history's rows carry no adopter's name (reports.imports): the home page, the case page
    and the work queue name such an applicant by number, never by an empty name."""
    from adoption.models import Applicant

    case, _child = adopt_abroad(district, court)
    case.applicants.update(last_name="", first_name="")
    first, second = sorted(case.applicants.values_list("pk", flat=True))
    login(client, users["guardianship"])
    home = client.get("/").content.decode()
    assert f"Applicant #{first}, Applicant #{second}" in home and " · , · " not in home
    assert (
        f'<li><a href="/applicants/{first}/">Applicant #{first}</a> · '
        in client.get(f"/cases/{case.pk}/").content.decode()
    )
    assert Applicant.objects.get(pk=first).name == f"Applicant #{first}"
    client.post("/i18n/setlang/", {"language": "ru", "next": "/"})
    assert f"Заявитель #{first}" in client.get("/").content.decode()


def test_a_decided_case_s_page_judges_its_eligibility_on_the_day_of_the_decision(client, users, district, court):
    """An adoption in force: its child is on no register today, so "today" every check of the
    register fails and the page opened on "Not eligible on this date." over a wall of failures,
    to a court clerk reading a lawful adoption. It opens on the day of the decision, says so, and
    any other day can still be asked for."""
    case, _child = adopt_abroad(district, court, in_force_ago=40)
    decided_on = case.decision.decided_on
    login(client, users["court"])
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert f'id="as_of" name="as_of" value="{decided_on.isoformat()}"' in page
    assert "Eligible on this date." in page and "the day of the decision" in page
    asked = client.get(f"/cases/{case.pk}/", {"as_of": today().isoformat()}).content.decode()
    assert f'value="{today().isoformat()}"' in asked and "Not eligible on this date." in asked
    assert "the day of the decision" not in asked
    open_case = adopt_abroad(district, court, referred_only=True, last_name="Lee")[0]
    login(client, users["guardianship"])
    before = client.get(f"/cases/{open_case.pk}/").content.decode()  # no decision: today
    assert f'id="as_of" name="as_of" value="{today().isoformat()}"' in before


def test_the_dashboards_countries_are_in_order_of_their_children_then_by_name(
    client, users, district, court, us_post, gb_post
):
    """The consular registrations by country came in the order of the countries' codes, which
    on a page of names reads as no order at all (Belgium, Canada, Switzerland, Germany...): the
    largest first, then by name."""
    from consular import services as consular_services

    for n, (country, post) in enumerate([("US", us_post), ("US", us_post), ("GB", gb_post)]):
        _case, child = adopt_abroad(district, court, country=country, in_force_ago=100, last_name=f"Kim{n}")
        consular_services.register_child(actor=None, child=child, post=post, number=f"N-{n}", registered_on=ago(90))
    page = login(client, users["ministry"]).get("/dashboard/").content.decode()
    countries = page.split('aria-labelledby="by-country"')[1].split("</section>")[0]
    assert countries.index("United States") < countries.index("United Kingdom")


def test_the_home_pages_reminder_lines_are_the_open_reminders_grouped_read_a_batch_at_a_time(
    users, district, monkeypatch
):
    """The lines (read soonest first a few at a time, then counted) are the open reminders grouped
    by kind and record, on the first one's date, in the order of those dates."""
    import random

    from core.models import Reminder
    from reports import web as reports_web

    monkeypatch.setattr(reports_web, "REMINDERS_READ", 3)  # batches smaller than a record's reminders
    monkeypatch.setattr(reports_web, "REMINDER_LINES", 4)
    rng = random.Random(7)
    made = {
        (rng.choice(["register_escalation_due", "central_wait_ends"]), rng.randint(1, 8), rng.randint(0, 60))
        for _ in range(60)
    }
    for kind, subject, days in made:
        Reminder.objects.create(
            kind=kind, subject_type="child", subject_id=subject, due_on=ago(days), district=district
        )
    Reminder.objects.filter(pk__in=Reminder.objects.order_by("?").values("pk")[:10]).update(done_at=timezone.now())
    groups: dict = {}
    for r in Reminder.objects.filter(done_at__isnull=True).order_by("due_on", "id"):
        groups.setdefault((r.kind, r.subject_type, r.subject_id), [r.due_on, 0])[1] += 1
    expected = [(*key, due_on, n) for key, (due_on, n) in list(groups.items())[:4]]
    lines = reports_web._reminder_lines(users["guardianship"])
    assert [(r.kind, r.subject_type, r.subject_id, r.due_on, r.reminders) for r in lines] == expected
    assert any(n > 1 for *_key, n in expected)  # a record with several reminders, read across batches


def test_a_childs_consent_withdrawn_is_recorded_on_the_case_page_and_the_case_may_not_go_on(
    client, users, district, court
):
    """A child of 10 or more who changed their mind (MFA art. 84) could have the withdrawal
    recorded only through the API: the case page recorded a consent and never its end, and the
    case went on to the court on a consent the child had taken back."""
    from adoption import services as adoption_services
    from adoption.facts import eligibility
    from adoption.models import Consent
    from core.models import AuditEvent
    from tests.adoption.conftest import complete_file, make_applicant

    child = make_child(district, birth_days_ago=11 * 365, last_name="Consenting")
    family = [make_applicant(district), make_applicant(district, sex="M", last_name="Smith-Jones")]
    case = adoption_services.open_case(actor=None, children=[child], applicants=family, opened_on=ago(100))
    complete_file(case, [child], family)
    consent = adoption_services.record_consent(actor=None, case=case, child=child, given_on=ago(30))
    assert eligibility(case, today()).eligible
    url = f"/cases/{case.pk}/withdraw-consent/"

    page = login(client, users["court"]).get(f"/cases/{case.pk}/").content.decode()
    assert f'action="{url}"' not in page  # the guardianship agency's step
    page = login(client, users["guardianship"]).get(f"/cases/{case.pk}/").content.decode()
    assert f'action="{url}"' in page and "Consenting Yulia · given on" in page
    events = AuditEvent.objects.filter(verb="withdraw_consent").count()
    for bad, says in (
        ({"consent": consent.pk, "on": ago(31).isoformat()}, "before it was given"),  # the day before
        ({"consent": consent.pk, "on": (today() + datetime.timedelta(days=1)).isoformat()}, "future"),
        ({"consent": consent.pk + 1000, "on": ago(1).isoformat()}, "Select a valid choice"),
    ):
        refused = client.post(url, bad)
        assert refused.status_code == 400 and says in refused.content.decode(), bad
    assert Consent.objects.get(pk=consent.pk).withdrawn_on is None
    assert AuditEvent.objects.filter(verb="withdraw_consent").count() == events

    assert (
        client.post(url, {"consent": consent.pk, "on": ago(30).isoformat()}).status_code == 302
    )  # the day it was given
    assert Consent.objects.get(pk=consent.pk).withdrawn_on == ago(30)
    assert AuditEvent.objects.filter(verb="withdraw_consent").count() == events + 1
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "The withdrawal of the consent is recorded." in page and f'action="{url}"' not in page  # none left
    assert [c.code for c in eligibility(case, today()).failing()] == ["CHILD_CONSENT"]


@pytest.mark.parametrize("turns_ten", [1, 0, -1])  # the child is 10 tomorrow, today, since yesterday
def test_the_case_page_offers_the_evidence_of_a_check_only_where_the_check_applies(client, users, district, turns_ten):
    """A resident family's case page offered the foreigners' personal contact and search for a
    family in Kazakhstan, and every case page a child's consent for a child of four: forms a
    guardianship officer had to read past on most cases, and records no check would ever read."""
    from adoption import services as adoption_services
    from tests.adoption.conftest import complete_file, make_applicant

    now = today()
    tenth_birthday = now + datetime.timedelta(days=turns_ten)
    if (tenth_birthday.month, tenth_birthday.day) == (2, 29):
        pytest.skip("no child born ten years before a 29 February has it as a birthday")
    child = make_child(district, birth_days_ago=(now - tenth_birthday.replace(year=tenth_birthday.year - 10)).days)
    foreign = [make_applicant(district), make_applicant(district, sex="M", last_name="Smith-Jones")]
    resident = [
        make_applicant(district, citizenship="KZ", residence="KZ", last_name="Abenova"),
        make_applicant(district, citizenship="KZ", residence="KZ", sex="M", last_name="Abenov"),
    ]
    shown, listed = {}, {}
    for family in (foreign, resident):
        case = adoption_services.open_case(actor=None, children=[child], applicants=family, opened_on=ago(100))
        complete_file(case, [child], family, foreign=family is foreign)
        page = login(client, users["guardianship"]).get(f"/cases/{case.pk}/").content.decode()
        shown[family is foreign] = {
            step for step in ("contacts", "consents", "domestic-search") if f'action="/cases/{case.pk}/{step}/"' in page
        }
        listed[family is foreign] = {step for step, title in TITLES.items() if f"<h3>{title}</h3>" in page}
        adoption_services.withdraw_case(actor=None, case=case, on=now)
    ten = {"consents"} if turns_ten <= 0 else set()
    assert shown[True] == {"contacts", "domestic-search"} | ten
    assert shown[False] == ten
    assert listed == shown  # the file lists what it asks for (none recorded here)


TITLES = {
    "contacts": "Personal contacts",
    "consents": "Consents",
    "domestic-search": "Search for a family in Kazakhstan",
}


def test_the_case_file_lists_the_records_of_a_check_that_does_not_apply_when_there_are(client, users, district):
    """An imported history, or a consent recorded before the rule read a child's age, is never
    hidden: only an empty list is left out."""
    from adoption import services as adoption_services
    from adoption.models import Contact
    from tests.adoption.conftest import complete_file, make_applicant

    child = make_child(district)
    family = [make_applicant(district, citizenship="KZ", residence="KZ", last_name="Abenova")]
    case = adoption_services.open_case(actor=None, children=[child], applicants=family, opened_on=ago(100))
    complete_file(case, [child], family, foreign=False)
    Contact.objects.create(case=case, applicant=family[0], child=child, on=ago(50))
    page = login(client, users["guardianship"]).get(f"/cases/{case.pk}/").content.decode()
    assert "<h3>Personal contacts</h3>" in page and f'action="/cases/{case.pk}/contacts/"' not in page
    assert "<h3>Consents</h3>" not in page


def test_a_childs_record_is_corrected_on_its_page_and_a_correction_made_meanwhile_is_kept(
    client, users, district, court, other_district
):
    """A guardianship officer could record a child on the pages but never correct the record: a
    birth date typed wrong (every age check reads it), a birth registration number that came later
    and the health notes typed on the first day (never shown again) could be changed only through
    the API. The child's page now offers the record as stored, to correct."""
    from core.models import AuditEvent
    from tests.adoption.conftest import adopt_abroad

    child = make_child(district, last_name="Correctable")
    first_entry = child.register_entries.order_by("on").first().on
    assert first_entry == child.identified_on
    url = f"/children/{child.pk}/"
    login(client, users["regional"])
    assert f'action="{url}correct/"' not in client.get(url).content.decode()
    assert client.post(f"{url}correct/", {}).status_code == 403
    login(client, users["guardianship"])
    page = client.get(url).content.decode()
    (form,) = [f for f in crawl.forms_of(url, page) if f.action == f"{url}correct/"]
    offered = form.data()
    assert offered["last_name"] == "Correctable" and offered["birth_date"] == child.birth_date.isoformat()
    assert offered["version"] == str(child.version)
    events = AuditEvent.objects.filter(verb="update_child").count()

    sent = client.post(form.action, offered, follow=True)  # sent as it opened: nothing to write
    assert "Nothing was changed." in sent.content.decode()
    assert AuditEvent.objects.filter(verb="update_child").count() == events

    after_entry = {**offered, "identified_on": (first_entry + datetime.timedelta(days=1)).isoformat()}
    refused = client.post(form.action, after_entry | {"birth_registration_number": "BR-77"})
    assert refused.status_code == 400 and "The child was on a register before this date." in refused.content.decode()
    assert 'value="BR-77"' in refused.content.decode()  # what was typed is kept
    child.refresh_from_db()
    assert child.identified_on == first_entry and child.birth_registration_number == ""

    before_entry = {**offered, "identified_on": (first_entry - datetime.timedelta(days=1)).isoformat()}
    corrected = before_entry | {"birth_registration_number": "BR-77", "health_notes": "Asthma, mild"}
    assert client.post(form.action, corrected).status_code == 302
    child.refresh_from_db()
    assert (
        child.identified_on == first_entry - datetime.timedelta(days=1) and child.birth_registration_number == "BR-77"
    )
    assert child.version == int(offered["version"]) + 1
    event = AuditEvent.objects.filter(verb="update_child").latest("id")
    assert event.before is not None and event.before["birth_registration_number"] == ""
    assert event.actor == users["guardianship"]
    page = client.get(url).content.decode()
    assert "Record corrected." in page and "Asthma, mild" in page and "BR-77" in page

    # the form as it was opened before that correction: someone else changed the record meanwhile
    stale = client.post(form.action, {**offered, "identified_on": first_entry.isoformat(), "first_name": "Julia"})
    assert stale.status_code == 400 and "changed by someone else" in stale.content.decode()
    child.refresh_from_db()
    assert child.first_name == "Yulia" and child.version == int(offered["version"]) + 1
    # the day of the first register entry, on the version now shown
    on_the_day = {**corrected, "identified_on": first_entry.isoformat(), "version": child.version}
    assert client.post(form.action, on_the_day).status_code == 302
    child.refresh_from_db()
    assert child.identified_on == first_entry

    elsewhere = make_child(other_district, last_name="Elsewhere")  # another district's child is not found
    assert client.post(f"/children/{elsewhere.pk}/correct/", offered).status_code == 404
    assert Child.objects.get(pk=elsewhere.pk).version == elsewhere.version

    # a sealed identity is not offered, and a form posted for it says nothing of what is stored: a
    # name that matched would otherwise have answered "nothing was changed"
    _case, adopted = adopt_abroad(district, court, last_name="Sealed")
    assert f'action="/children/{adopted.pk}/correct/"' not in client.get(f"/children/{adopted.pk}/").content.decode()
    guessed = {**offered, "last_name": "Sealed", "first_name": "Yulia", "birth_date": adopted.birth_date.isoformat()}
    for guess in (guessed, {**guessed, "last_name": "Other"}):
        answer = client.post(f"/children/{adopted.pk}/correct/", guess | {"version": adopted.version})
        assert answer.status_code == 400 and "sealed: it cannot be changed here" in answer.content.decode()
    adopted.refresh_from_db()
    assert adopted.last_name == "Sealed" and AuditEvent.objects.filter(verb="update_child").count() == events + 2


def test_an_applicants_entry_on_the_register_is_renewed_on_the_applicants_page(client, users, district, other_district):
    """An entry on the register of adopters runs out (CMF art. 89): a family whose entry expired
    while its case waited failed ADOPTER_REGISTERED, and the pages had nowhere to record the new
    entry (only the applicant's first, with the applicant). The applicant's page shows the record,
    the entries and whether each is in force, and offers the register's keeper a new entry."""
    from adoption import services as adoption_services
    from adoption.facts import eligibility
    from adoption.models import AdopterRegistration
    from tests.adoption.conftest import complete_file, make_applicant

    child = make_child(district)
    couple = [
        make_applicant(district, citizenship="KZ", residence="KZ", last_name="Abenova", registered_ago=800),
        make_applicant(district, citizenship="KZ", residence="KZ", sex="M", last_name="Abenov"),
    ]
    case = adoption_services.open_case(actor=None, children=[child], applicants=couple, opened_on=ago(100))
    complete_file(case, [child], couple, foreign=False)
    assert [c.code for c in eligibility(case, today()).failing()] == ["ADOPTER_REGISTERED"]  # ran out 435 days ago
    wife = couple[0]
    url = f"/applicants/{wife.pk}/"

    for role in ("regional", "ministry", "court"):  # they read it; the district's agency keeps its register
        page = login(client, users[role]).get(url)
        assert page.status_code == (404 if role == "court" else 200), role  # the court: no case of it there
        assert f'action="{url}register/"' not in page.content.decode()
    assert login(client, users["ministry"]).post(f"{url}register/", {}).status_code == 403
    page = login(client, users["guardianship"]).get(f"/cases/{case.pk}/").content.decode()
    assert f'href="{url}"' in page  # from the case file
    page = client.get(url).content.decode()
    assert "not in force today" in page and f'href="/cases/{case.pk}/"' in page
    assert f'action="{url}register/"' in page and "register of citizens wishing to adopt" in page

    entries = AdopterRegistration.objects.count()
    for bad, says in (
        ({"number": "PA-2", "registered_on": ago(10), "valid_until": ago(11)}, "cannot end before it starts"),
        ({"number": "PA-2", "registered_on": today() + datetime.timedelta(days=1), "valid_until": ago(-400)}, "future"),
        ({"number": "", "registered_on": ago(10), "valid_until": ago(-355)}, "This field is required."),
    ):
        refused = client.post(f"{url}register/", bad)
        assert refused.status_code == 400 and says in refused.content.decode(), bad
    assert AdopterRegistration.objects.count() == entries

    # valid through the day it was made (the day of): recorded, the case still waits for today's entry
    assert (
        client.post(f"{url}register/", {"number": "PA-2", "registered_on": ago(10), "valid_until": ago(10)}).status_code
        == 302
    )
    assert [c.code for c in eligibility(case, today()).failing()] == ["ADOPTER_REGISTERED"]
    done = client.post(
        f"{url}register/", {"number": "PA-3", "registered_on": ago(1), "valid_until": ago(-729)}, follow=True
    )
    assert "Entry on the register recorded." in done.content.decode()
    assert re.findall(r'data-registration="(\d+)">[^<]*<span class="status status-pass">', done.content.decode()) == [
        str(AdopterRegistration.objects.get(number="PA-3").pk)
    ]  # the new entry alone is in force today
    assert eligibility(case, today()).eligible
    assert AdopterRegistration.objects.filter(applicant=wife).latest("id").created_by == users["guardianship"]

    foreigner = make_applicant(district, last_name="Smith")  # the ministry keeps the foreign citizens' register
    assert (
        f'action="/applicants/{foreigner.pk}/register/"'
        not in client.get(f"/applicants/{foreigner.pk}/").content.decode()
    )
    assert client.post(f"/applicants/{foreigner.pk}/register/", {}).status_code == 403
    page = login(client, users["ministry"]).get(f"/applicants/{foreigner.pk}/").content.decode()
    assert (
        "register of foreign citizens wishing to adopt" in page
        and f'action="/applicants/{foreigner.pk}/register/"' in page
    )

    elsewhere = make_applicant(other_district, citizenship="KZ", residence="KZ", last_name="Elsewhere")
    assert login(client, users["guardianship"]).get(f"/applicants/{elsewhere.pk}/").status_code == 404


@pytest.mark.parametrize("back, in_force", [(0, True), (1, False)])  # registered 12 months ago, or a day before
def test_the_applicants_page_says_through_which_day_the_first_foreign_entry_holds(
    client, users, district, back, in_force
):
    """The foreign citizens' register's first entry, kept on the applicant (its number and date),
    counts for `foreign_register_validity_months` (§11.6): the page showed its date alone, so an
    entry that had run out read as one in force, and FOREIGN_ADOPTER_REGISTERED failed with
    nothing on the page to say why."""
    from adoption.models import Applicant
    from core.dates import add_months
    from tests.adoption.conftest import make_applicant

    foreigner = make_applicant(district, last_name="Smith")
    registered = add_months(today(), -12) - datetime.timedelta(days=back)
    Applicant.objects.filter(pk=foreigner.pk).update(foreign_registered_on=registered)
    through = add_months(registered, 12)  # the rule's valid_through, twelve months by default
    if (through == today()) is not in_force:
        pytest.skip("today is 29 February: twelve months after a day of last year is never today")
    page = login(client, users["ministry"]).get(f"/applicants/{foreigner.pk}/").content.decode()
    entry = re.search(r'<li data-registration="v1">(.*?)</li>', page, re.S)
    assert entry is not None, page
    assert f"{date_format(registered)} – {date_format(through)}" in entry.group(1)
    assert ("status-pass" in entry.group(1), "status-fail" in entry.group(1)) == (in_force, not in_force)


def test_the_case_file_gives_the_first_foreign_entry_its_dates_as_the_other_entries(
    client, users, district, foreign_case
):
    """The case file named the first foreign entry by its number alone, the other entries with
    their dates: the day it holds through is the one FOREIGN_ADOPTER_REGISTERED counts."""
    from adoption.rules import first_foreign_entry

    page = login(client, users["guardianship"]).get(f"/cases/{foreign_case.pk}/").content.decode()
    entries = re.findall(r'<span data-registration="v1">(.*?)</span>', page, re.S)
    expected = [
        first_foreign_entry(a.foreign_register_number, a.foreign_registered_on, 12)
        for a in foreign_case.applicants.all()
    ]
    assert len(entries) == 2
    for entry, dates in zip(entries, expected, strict=True):
        assert dates is not None
        assert f"FR-77 ({date_format(dates[0])} – {date_format(dates[1])})" in entry


def test_an_applicants_record_is_corrected_on_the_applicants_page(client, users, district, other_district):
    """The agency that recorded an applicant corrects the record on the applicant's page, a fact
    that bars adopting learnt since included (CMF art. 91); another agency, the ministry and a
    court read it and are not offered it."""
    from adoption.models import Applicant
    from core.models import AuditEvent
    from tests.adoption.conftest import make_applicant

    wife = make_applicant(district, citizenship="KZ", residence="KZ", last_name="Abenova")
    url = f"/applicants/{wife.pk}/"
    page = login(client, users["ministry"]).get(url).content.decode()
    assert f'action="{url}correct/"' not in page
    assert client.post(f"{url}correct/", {}).status_code == 403
    page = login(client, users["guardianship"]).get(url).content.decode()
    (form,) = [f for f in crawl.forms_of(url, page) if f.action == f"{url}correct/"]
    offered = form.data()
    assert offered["last_name"] == "Abenova" and offered["citizenship"] == "KZ" and offered["version"] == "1"
    events = AuditEvent.objects.filter(verb="update_applicant").count()
    assert "Nothing was changed." in client.post(form.action, offered, follow=True).content.decode()
    refused = client.post(form.action, {**offered, "birth_date": (today() + datetime.timedelta(days=1)).isoformat()})
    assert refused.status_code == 400 and "future" in refused.content.decode()
    assert AuditEvent.objects.filter(verb="update_applicant").count() == events

    barred = {**offered, "barring_facts": ["removed_as_guardian"], "first_name": "Aigul"}
    assert client.post(form.action, barred).status_code == 302
    wife.refresh_from_db()
    assert (wife.barring_facts, wife.first_name, wife.version) == (["removed_as_guardian"], "Aigul", 2)
    page = client.get(url).content.decode()
    assert "Record corrected." in page and "removed as a guardian for failing the duties" in page
    changes = re.search(r'<details id="changes">(.*?)</details>', page, re.S)
    assert changes is not None and users["guardianship"].username in changes.group(1).split("</li>")[0]
    assert "applicant&#x27;s record corrected" in changes.group(1)
    stale = client.post(form.action, {**offered, "first_name": "Aigerim"})  # the form as opened before
    assert stale.status_code == 400 and "changed by someone else" in stale.content.decode()
    assert Applicant.objects.get(pk=wife.pk).first_name == "Aigul"

    elsewhere = make_applicant(other_district, citizenship="KZ", residence="KZ", last_name="Elsewhere")
    assert client.post(f"/applicants/{elsewhere.pk}/correct/", offered).status_code == 404


def test_the_childs_page_says_who_changed_the_record_and_when(client, users, district, court):
    """`GET /children/{id}/history/` gives every change and who made it; the page gave the dates
    of what happened, never who wrote it: after a correction, the agency could not see who had
    changed the birth date. Each change is listed by what it was and who (no value: a sealed
    child's list says no more than that)."""
    child = make_child(district, last_name="Historied")
    registry_services.update_child(actor=users["guardianship"], child=child, health_notes="asthma")
    page = login(client, users["regional"]).get(f"/children/{child.pk}/").content.decode()
    listed = re.search(r'<details id="changes">(.*?)</details>', page, re.S)
    assert listed is not None
    rows = re.findall(r"<li>(.*?)</li>", listed.group(1), re.S)
    assert "child&#x27;s record corrected" in rows[0] and users["guardianship"].username in rows[0]  # newest first
    assert "child recorded" in rows[-1] and "the system" in rows[-1]  # the test's services write as no one
    assert "asthma" not in listed.group(1)  # what it changed is the record's, not the list's


def test_a_childs_consent_is_asked_of_the_children_of_ten_or_more_only(client, users, district):
    """MFA art. 84: the consent of a child of 10 or more. Brothers of 11 and 4 in one case: the
    form chose between both, and the four-year-old's consent, which no check reads, was recorded."""
    from adoption import services as adoption_services
    from adoption.models import Consent
    from tests.adoption.conftest import complete_file, make_applicant

    older = make_child(district, birth_days_ago=11 * 365, last_name="Older")
    younger = make_child(district, birth_days_ago=4 * 365, last_name="Younger")
    couple = [make_applicant(district), make_applicant(district, sex="M", last_name="Smith-Jones")]
    case = adoption_services.open_case(actor=None, children=[older, younger], applicants=couple, opened_on=ago(100))
    complete_file(case, [older, younger], couple)
    page = login(client, users["guardianship"]).get(f"/cases/{case.pk}/").content.decode()
    select = re.search(r'<select name="child"[^>]*id="consents-child".*?</select>', page, re.S)
    assert select is not None and f'value="{older.pk}"' in select.group(0)
    assert f'value="{younger.pk}"' not in select.group(0)
    refused = client.post(f"/cases/{case.pk}/consents/", {"child": younger.pk, "given_on": ago(1).isoformat()})
    assert refused.status_code == 400 and not Consent.objects.filter(child=younger).exists()
    assert (
        client.post(f"/cases/{case.pk}/consents/", {"child": older.pk, "given_on": ago(1).isoformat()}).status_code
        == 302
    )


def test_a_child_on_no_register_yet_is_said_to_be_identified_not_registered(client, users, district):
    """The status read "registered" ("на учёте") beside the register "—" until the district placed
    the child; the API keeps `registered` (API.md)."""
    child, _ = registry_services.create_child(
        actor=None,
        district=district,
        last_name="Новенькая",
        first_name="Айым",
        sex="F",
        birth_date=datetime.date(2021, 3, 3),
        identified_on=today() - datetime.timedelta(days=1),
    )
    login(client, users["guardianship"])
    for page in (f"/children/{child.pk}/", "/children/"):
        assert "identified, on no register yet" in client.get(page).content.decode(), page
    registry_services.place_on_register(actor=None, child=child, level="primary", placed_on=today())
    for page in (f"/children/{child.pk}/", "/children/"):
        shown = client.get(page).content.decode()
        assert "identified, on no register yet" not in shown and ">registered<" in shown, page
