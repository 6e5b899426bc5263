"""A fact the user states by choosing it is never chosen for them: a select of the pages starts on
"---------" (core.forms.StatedChoiceField), so a form sent as it opened records nothing. Until
session 32 each started on its first option: the court's decision on "granted", the search for a
family in Kazakhstan on "no candidates in Kazakhstan" (which opens the child to a foreign
adoption), a family's answer to a proposal on "accepted" (which opens a case), a consent on
"notarised", a deregistration on "placed under guardianship". Nor is a date a rule reads, or who
attended a hearing: the user types and ticks them from the papers."""

import importlib

import pytest
from django import forms
from django.apps import apps
from django.conf import settings

from adoption import services
from adoption.models import Decision, DomesticSearch
from core.forms import StatedChoiceField
from databank import services as databank_services
from tests.adoption.conftest import adopt_abroad, ago, foreign_case, make_child  # noqa: F401  (fixture)
from tests.databank.test_databank import registered_family
from tests.web import crawl
from tests.web.test_pages import login

pytestmark = pytest.mark.django_db

# the choices that keep a default, and why
DEFAULTS = {
    ("adoption.web", "CaseForm", "kind"): "RULES v2 §1a and API.md: a case is `standard` unless stated otherwise",
    ("reports.web", "PolicyForm", "age_gap_applies_to"): "a new version of the policy: the one in effect, to edit",
}


def _form_classes():
    ours = [c.name for c in apps.get_app_configs() if c.path.startswith(str(settings.BASE_DIR))]
    for name in ours:
        try:
            importlib.import_module(f"{name}.web")
        except ModuleNotFoundError:
            continue
    seen, queue = set(), [forms.BaseForm]
    while queue:
        cls = queue.pop()
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.add(sub)
                queue.append(sub)
    return [cls for cls in seen if cls.__module__.split(".")[0] in ours]


def test_every_choice_a_page_asks_for_starts_unchosen():
    classes = _form_classes()
    chosen_for_the_user, asked = [], 0
    for cls in classes:
        for name, field in cls.base_fields.items():
            plain = isinstance(field, forms.ChoiceField) and not isinstance(
                field, (forms.ModelChoiceField, forms.MultipleChoiceField)
            )
            if not plain or not field.required or field.widget.is_hidden:
                continue
            asked += 1
            if (cls.__module__, cls.__name__, name) in DEFAULTS:
                continue
            unchosen = isinstance(field, StatedChoiceField) or next(iter(field.choices), ("x",))[0] == ""
            if not unchosen:  # a CountryField starts on "—"
                chosen_for_the_user.append(f"{cls.__module__}.{cls.__name__}.{name}")
    assert asked > 10, asked  # the forms were found
    assert not chosen_for_the_user, chosen_for_the_user


def _offered(client, url, action_ends):
    page = client.get(url).content.decode()
    (form,) = [f for f in crawl.forms_of(url, page) if f.action.endswith(action_ends)]
    return form.action, form.data()


def test_a_decision_sent_as_the_page_opened_decides_nothing(client, users, district, court):
    case, _child = adopt_abroad(district, court, referred_only=True)
    services.record_hearing(
        actor=None, case=case, on=ago(80), participants=["applicants", "guardianship", "procurator"], in_camera=True
    )
    login(client, users["court"])
    action, data = _offered(client, f"/cases/{case.pk}/", "/decision/")
    assert data["outcome"] == ""
    data["decided_on"] = ago(70).isoformat()
    refused = client.post(action, data)
    assert refused.status_code == 400 and "This field is required." in refused.content.decode()
    assert not Decision.objects.filter(case=case).exists()
    assert client.post(action, {**data, "outcome": "granted"}).status_code == 302
    assert Decision.objects.get(case=case).outcome == "granted"


def test_a_search_for_a_family_sent_as_the_page_opened_records_none(client, users, foreign_case):  # noqa: F811
    searches = DomesticSearch.objects.filter(case=foreign_case).count()
    login(client, users["guardianship"])
    action, data = _offered(client, f"/cases/{foreign_case.pk}/", "/domestic-search/")
    assert data["outcome"] == ""
    assert client.post(action, data).status_code == 400
    assert DomesticSearch.objects.filter(case=foreign_case).count() == searches
    assert (
        client.post(action, {**data, "outcome": "all_declined", "completed_on": ago(1).isoformat()}).status_code == 302
    )
    assert DomesticSearch.objects.filter(case=foreign_case).count() == searches + 1


# forms that edit a record show its stored dates (the date is already the user's)
EDITS = (
    "/correct-decision/",
    "/correct-in-force/",
    "/correct/",
)  # dates of a decision, its entry into force, a placement; a child's record
EDIT_PAGES = ("/dashboard/policy/", "/databank/families/")  # the policy in effect, a family's wishes
EDIT_FIELDS = "correct-"  # the fields of a correction beside the form that records (a departure's)
# dates that are no fact: the day a printed document judges the case on (`as_of`, today by
# default), and the day a new version of the policy takes effect (RULES §10: "default: the day of
# the change")
NOT_FACTS = ("as_of", "effective_from")
# selects that may come chosen: a referral goes to the district's court unless another is chosen,
# a post registers with itself (its only choice), a case is `standard` and a child a citizen of
# Kazakhstan unless stated otherwise (RULES §1, §1a), a departure goes to the country the case
# records the family in
CHOSEN = ("court", "post", "kind", "citizenship", "residence_country")


@pytest.mark.parametrize("role", ["guardianship", "regional", "ministry", "court", "consular"])
def test_no_form_of_the_pages_chooses_dates_a_fact_or_ticks_who_attended(client, users, district, court, role):
    """The pages' own selects start unchosen too (a family's answer was written into its page,
    "accepted" first). A date a rule reads (a certificate's validity, the two weeks of contact, the appeal term, a
    report on time or late) was filled in with today: a certificate a year old recorded without
    changing it passed as new. And a hearing came with the applicants, the agency and the
    procurator ticked, and in camera: the law's check of who attended passed on its own."""
    adopt_abroad(district, court)  # a child adopted into the US, on its post's register
    case, _child = adopt_abroad(district, court, referred_only=True, last_name="Lee")  # before the court
    services.record_hearing(
        actor=None, case=case, on=ago(80), participants=["applicants", "guardianship", "procurator"], in_camera=True
    )
    adopt_abroad(district, court, referred_only=True, last_name="Pak")  # a hearing to record
    waiting = make_child(district, last_name="Ospanova")  # a family to answer
    family = registered_family(district)
    databank_services.propose(actor=None, child=waiting, applicant=family, proposed_on=ago(1))
    login(client, users[role])
    filled, posted = [], 0
    for url, response in crawl.pages(client):
        if response.status_code != 200 or "text/html" not in response["Content-Type"]:
            continue
        for form in crawl.forms_of(url, response.content.decode()):
            if form.method != "post" or form.action.endswith(EDITS) or form.action.startswith("/i18n/"):
                continue
            posted += 1
            filled += [
                f"{form.action} {name}={value}"
                for name, kind, value in form.fields
                if not name.startswith(EDIT_FIELDS)
                and (
                    (kind == "date" and value and name not in NOT_FACTS)
                    or (kind == "select" and value and name not in CHOSEN and not form.action.startswith(EDIT_PAGES))
                    or (kind == "checkbox" and name in ("participants", "in_camera"))
                )
            ]
    assert posted, "the role's pages offer forms"
    assert not filled, filled
