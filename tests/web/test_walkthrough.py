"""Each role's daily work from the pages alone, in Russian and in Kazakh (issue 20), in a real
browser with the accessibility check: the guardianship agency reads its queue, records a new child
up to a ground of adoptability and refers an eligible case, printing its conclusion for the court;
the court clerk takes the oldest referral from the queue to an entry into force, which asks for a
confirmation; the consular post registers a child adopted into its country and records a
monitoring report, printing the registration certificate; the auditor filters the audit trail.
Selectors name fields and sections, never English words; every message awaited is the
application's own, translated into the language of the run."""

import datetime

import pytest
from django.utils import translation

from adoption import services as adoption_services
from adoption.models import Decision
from consular.models import ConsularRegistration, MonitoringReport
from core.dates import today
from core.management.commands.seed_demo import load_reference_data
from core.models import ConsularPost, Court, District, Role
from registry import services as registry_services
from registry.models import Child
from tests.adoption.conftest import adopt_abroad, complete_file, make_applicant, make_child
from tests.factories import UserFactory
from tests.web.conftest import CHROMIUM
from tests.web.test_browser import accessible, code_in, hear, login, printed, snap

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is installed by .ci/run"),
]


def ago(days):
    return today() - datetime.timedelta(days=days)


def in_language(browser, base, user, language):
    """Sign in and choose the language in the header, as the user would."""
    page = login(browser, base, user)
    with page.expect_navigation():
        page.select_option("#language", language)
    assert page.locator("html").get_attribute("lang") == language
    return page


def queue(page, base):
    """The work queue's lines, in the page's order: (kind, its text)."""
    page.goto(f"{base}/work/")
    rows = page.locator("tr[data-kind]")
    return [(rows.nth(i).get_attribute("data-kind"), rows.nth(i).inner_text()) for i in range(rows.count())]


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_each_role_does_its_days_work_from_the_pages(browser, live_server, language):
    load_reference_data()
    district = District.objects.get(pk="KZ-71-ESI")
    court = Court.objects.filter(district=district).earliest("id")
    post = ConsularPost.objects.get(country="US", kind="embassy")
    users = {
        "guardianship": UserFactory.create(role=Role.GUARDIANSHIP, district=district),
        "court": UserFactory.create(role=Role.COURT, court=court),
        "consular": UserFactory.create(role=Role.CONSULAR, consular_post=post),
        "auditor": UserFactory.create(role=Role.AUDITOR),
        "regional": UserFactory.create(role=Role.REGIONAL, region=district.region),
        "ministry": UserFactory.create(role=Role.MINISTRY),
    }
    base = live_server.url

    def said(message: str) -> str:
        with translation.override(language):
            return translation.gettext(message)

    # what the day finds: a child adopted into the US 200 days ago (not yet on the post's register),
    # a foreign case eligible today, a case referred 90 days ago, a child identified 10 days ago
    # and not yet on the primary register
    _adopted_case, adopted = adopt_abroad(district, court, in_force_ago=200, last_name="Бекова", applicant_name="Doe")
    referred, referred_child = adopt_abroad(
        district, court, in_force_ago=40, last_name="Сапарова", applicant_name="Roe", referred_only=True
    )
    child = make_child(district, last_name="Нурланова")
    couple = [make_applicant(district, last_name="Brown"), make_applicant(district, sex="M", last_name="Brown-Lee")]
    eligible = adoption_services.open_case(actor=None, children=[child], applicants=couple, opened_on=ago(100))
    complete_file(eligible, [child], couple)
    registry_services.create_child(
        actor=None,
        district=district,
        last_name="Ерланов",
        first_name="Арман",
        sex="M",
        birth_date=datetime.date(2022, 3, 3),
        identified_on=ago(10),
    )

    # --- the guardianship agency ------------------------------------------------------------------
    page = in_language(browser, base, users["guardianship"], language)
    lines = queue(page, base)
    # soonest first: the registration at the post (due 170 days ago), the primary entry due 7 days
    # ago, the case eligible today (the engine's answer, kept since its last write)
    assert [kind for kind, _text in lines[:3]] == [
        "consular_registration_due",
        "register_escalation_due",
        "case_eligible",
    ], lines
    assert (
        said("Not on a consular register: ask the post and the adoptive parents") in lines[0][1]
        and said("late") in lines[0][1]
    )
    assert "Ерланов" in lines[1][1] and said("Place on the primary register") in lines[1][1]
    assert "Нурланова" in lines[2][1] and "Brown" in lines[2][1]
    assert said("Eligible: the case may be referred to a court") in lines[2][1] and said("late") not in lines[2][1]
    accessible(page)
    snap(page, "work-district")

    # --- the region and the ministry: the same child adopted abroad and on no consular register, late ---
    for role in ("regional", "ministry"):
        overseer = in_language(browser, base, users[role], language)
        lines = queue(overseer, base)
        late = [text for kind, text in lines if kind == "consular_registration_due"]
        assert late and said("late") in late[0], lines
        accessible(overseer)
        snap(overseer, f"work-{role}")

    page.goto(f"{base}/children/new/")
    page.fill("#id_last_name", "Омарова")
    page.fill("#id_first_name", "Айша")
    page.select_option("#id_sex", "F")
    page.fill("#id_birth_date", "2021-05-05")
    page.fill("#id_identified_on", ago(3).isoformat())
    page.click("main form button[type=submit]")
    page.wait_for_selector(f"text={said('Child recorded.')}")
    new = Child.objects.get(last_name="Омарова")
    page.fill("#register-placed_on", ago(2).isoformat())
    page.click("section[aria-labelledby=place] button")
    page.wait_for_selector(f"text={said('Placed on the register.')}")
    grounds = page.locator("section[aria-labelledby=grounds]")
    grounds.locator("#ground-parent").select_option("both")
    grounds.locator("#ground-ground").select_option("parents_unknown")
    grounds.locator("#ground-kind").select_option("certificate")
    grounds.locator("#ground-number").fill("C-21")
    grounds.locator("#ground-date").fill(ago(2).isoformat())
    grounds.locator("#ground-issued_by").fill("Полиция")
    grounds.locator(f"form[action='/children/{new.pk}/grounds/'] button").click()
    page.wait_for_selector(f"text={said('Ground recorded.')}")
    assert new.grounds.count() == 1 and new.register_entries.count() == 1
    accessible(page)
    # the header's search box finds her again by the Latin spelling of her name
    page.fill("#header-q", "omarova aisha")
    page.click("form.search button")
    page.wait_for_selector(f"a[href='/children/{new.pk}/']")
    accessible(page)
    snap(page, "search")

    page.goto(f"{base}/cases/{eligible.pk}/")
    page.wait_for_selector(f"text={said('Eligible on this date.')}")
    page.locator("#referral-court").select_option(str(court.pk))
    page.fill("#referral-on", ago(0).isoformat())
    page.click("section[aria-labelledby=form-referral] button")
    page.wait_for_selector(f"text={said('Referred to the court.')}")
    text = printed(page, "conclusion")
    assert str(eligible.pk) in text and "CENTRAL_REGISTER_WAIT" in text and code_in(text)
    accessible(page)

    # --- the court clerk ------------------------------------------------------------------------
    clerk = in_language(browser, base, users["court"], language)
    lines = queue(clerk, base)
    # the civil registry's record of the adoption in force 200 days ago, then the referrals, oldest first
    assert [kind for kind, _text in lines] == ["civil_registration_due", "hearing_due", "hearing_due"], lines
    assert "Сапарова" in lines[1][1] and "Нурланова" in lines[2][1]
    assert said("Referred: record the hearing once held") in lines[1][1]
    accessible(clerk)
    snap(clerk, "work-court")
    clerk.click("tr[data-kind=hearing_due] >> nth=0 >> a")
    clerk.wait_for_url(f"{base}/cases/{referred.pk}/")
    text = printed(clerk, "eligibility")  # before the hearing, the certificate of eligibility on the day
    assert str(referred.pk) in text and code_in(text)
    hear(clerk, ago(89), "section[aria-labelledby=form-hearing]")
    clerk.wait_for_selector(f"text={said('Hearing recorded.')}")
    clerk.select_option("#decision-outcome", "granted")
    clerk.fill("#decision-decided_on", ago(88).isoformat())
    clerk.click("section[aria-labelledby=form-decision] button")
    clerk.wait_for_selector(f"text={said('Decision recorded.')}")
    expected = adoption_services.expected_in_force_on(Decision.objects.get(case=referred))
    assert clerk.locator("#in-force-in_force_on").input_value() == ""  # never pre-filled
    clerk.fill("#in-force-in_force_on", expected.isoformat())
    clerk.click("section[aria-labelledby=form-in-force] button")
    clerk.wait_for_selector(f"text={said('Tick to confirm: this cannot be undone from this page.')}")
    assert Decision.objects.get(case=referred).in_force_on is None  # nothing recorded without the tick
    clerk.check("#in-force-confirm")
    clerk.click("section[aria-labelledby=form-in-force] button")
    clerk.wait_for_selector(f"text={said('Entry into force recorded.')}")
    referred_child.refresh_from_db()
    assert (referred_child.status, referred_child.deregistration_reason) == ("deregistered", "adopted")
    accessible(clerk)

    # --- the consular post ----------------------------------------------------------------------
    consul = in_language(browser, base, users["consular"], language)
    lines = queue(consul, base)
    assert lines[0][0] == "consular_registration_due" and said("late") in lines[0][1]
    snap(consul, "work-consular")
    consul.click("tr[data-kind] >> nth=0 >> a")
    consul.wait_for_url(f"{base}/adopted/{adopted.pk}/")
    consul.fill("#id_number", "US-2026-0042")
    consul.fill("#id_registered_on", ago(1).isoformat())
    consul.click("section[aria-labelledby=register] button")
    consul.wait_for_selector(f"text={said('The child is on the consular register.')}")
    first_due = consul.locator("#id_due_on option").nth(1)  # after "---------": nothing is chosen for the post
    assert "-" not in first_due.inner_text()  # the date as the language writes it, not ISO
    consul.select_option("#id_due_on", index=1)
    consul.fill("#id_received_on", ago(0).isoformat())
    consul.fill("#id_summary", "Ребёнок здоров, ходит в школу.")
    consul.click("section[aria-labelledby=report] button")
    consul.wait_for_selector(f"text={said('Monitoring report recorded.')}")
    assert ConsularRegistration.objects.filter(child=adopted, number="US-2026-0042").exists()
    assert MonitoringReport.objects.filter(child=adopted).count() == 1
    text = printed(consul, "registration")
    assert "US-2026-0042" in text and "Бекова" not in text and code_in(text)  # a sealed name is never printed
    accessible(consul)

    # --- the auditor ----------------------------------------------------------------------------
    auditor = in_language(browser, base, users["auditor"], language)
    auditor.goto(f"{base}/audit/")
    auditor.select_option("#id_object_type", "registry.child")
    auditor.fill("#id_object_id", str(adopted.pk))
    auditor.select_option("#id_action", "read")
    auditor.click("main form button[type=submit]:not([name=format])")
    auditor.wait_for_selector("tr[data-event]")
    readers = auditor.locator("table.audit tbody").inner_text()
    # who read the child's file: the post that registered it, the court whose queue named it
    assert users["consular"].username in readers and users["court"].username in readers
    assert "Бекова" not in auditor.content()
    accessible(auditor)
