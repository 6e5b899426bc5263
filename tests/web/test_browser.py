"""The whole story in a real browser (Playwright driving Debian's Chromium), with an
accessibility check (axe-core) on every main page.

A guardianship user records a child and opens a foreign case; the eligibility panel shows
the central-register wait pending with its date; with time moved past it the case is
referred; the court clerk records hearing and decision, the decision cannot enter into force
before the appeal term expires, and an upheld appeal puts it in force; the consular officer
registers the child; the ministry dashboard shows the adoption. A user of another district
gets 404. And a stepparent adoption (RULES v2 §1a): no register, the mother's consent recorded
on the child's page, the court gives the child a new name, the civil registry's record.
"""

import datetime
import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.db import connections
from django.utils import translation
from playwright.sync_api import expect

from adoption import services as adoption_services
from adoption.models import Decision
from adoption.rules import DOSSIER_REPORTS, INCOME_EVIDENCE, right_arises
from core.dates import today
from core.management.commands.seed_demo import load_reference_data
from core.models import Agency, ConsularPost, Court, District, Policy, Role
from registry import services as registry_services
from registry.models import Child
from reports.models import ImportJob
from reports.services import run_import_job
from tests.adoption.conftest import adopt_abroad, make_applicant, make_child
from tests.conftest import SHARED
from tests.factories import UserFactory
from tests.web.conftest import CHROMIUM
from tests.web.test_safeguard_page import fee_to_a_fixer

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is installed by .ci/run"),
]
PASSWORD = "correct horse battery"
SCREENSHOTS = os.environ.get("SCREENSHOTS_DIR")


def accessible(page):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    serious = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
    assert serious == [], [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in serious]


def snap(page, name):
    """Screenshots for docs/screenshots (SCREENSHOTS_DIR=docs/screenshots), in English and Russian,
    switching the language with the header's selector as a user would, then back to the page's own."""
    if not SCREENSHOTS:
        return
    folder = Path(SCREENSHOTS)
    folder.mkdir(parents=True, exist_ok=True)
    own = page.locator("html").get_attribute("lang")
    for language in ("en", "ru"):
        with page.expect_navigation():
            page.select_option("#language", language)
        page.screenshot(path=str(folder / f"{name}-{language}.png"), full_page=True)
    if own != "ru":
        with page.expect_navigation():
            page.select_option("#language", own)


def login(browser, base, user):
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    return page


def hear(page, on, section="section:has(h2:text('Record a hearing'))") -> None:
    """Record a hearing on the case page: its date, and who attended ticked from the minutes."""
    hearing = page.locator(section)
    hearing.locator("#hearing-on").fill(on.isoformat())
    for who in ("applicants", "guardianship", "procurator"):
        hearing.locator(f"input[name=participants][value={who}]").check()
    hearing.locator("#hearing-in_camera").check()
    hearing.locator("button").click()


def printed(page, kind: str) -> str:
    """Print the document of `kind` (printing.documents.KINDS) from the page's "Documents to print"
    (a download) and read the PDF's text."""
    from pypdf import PdfReader

    with page.expect_download() as download:
        page.click(f"section[aria-labelledby=print] button[formaction$='/print/{kind}/']")
    path = download.value.path()
    assert download.value.suggested_filename.endswith(".pdf")
    if SCREENSHOTS and shutil.which("pdftoppm"):  # docs/screenshots: the first page as an image (poppler-utils)
        name = f"print-{download.value.suggested_filename.split('-')[0]}-{page.locator('html').get_attribute('lang')}"
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", path, f"{SCREENSHOTS}/{name}"],
            check=True,
        )
    return "\n".join(p.extract_text() for p in PdfReader(path).pages)


def code_in(text: str) -> str:
    import re

    found = re.search(r"\b[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}\b", text)
    assert found, text
    return found.group(0)


def ago(days):
    return today() - datetime.timedelta(days=days)


def who_may_adopt(case, applicants):
    """RULES v2 §1a's evidence, recorded through the services (the page's own form is used below)."""
    Policy.objects.update_or_create(effective_from=None, defaults={"subsistence_minimum": 50_000})
    if len(applicants) == 2:
        adoption_services.add_document(
            actor=None,
            case=case,
            kind="marriage_certificate",
            named_applicants=[a.pk for a in applicants],
            issued_on=datetime.date(2010, 5, 5),
            issuer="Civil registry",
        )
    for applicant in applicants:
        for kind in INCOME_EVIDENCE:
            adoption_services.add_document(
                actor=None,
                case=case,
                kind=kind,
                applicant=applicant,
                issued_on=ago(20),
                issuer="Authority",
                amount=500_000 if kind == "income_statement" else None,
            )


def test_the_whole_story_in_a_browser(browser, live_server, monkeypatch):
    load_reference_data()
    district = District.objects.get(pk="KZ-71-ESI")
    court = Court.objects.filter(district=district).earliest("id")
    us_post = ConsularPost.objects.get(country="US", kind="embassy")
    users = {
        "guardianship": UserFactory.create(role=Role.GUARDIANSHIP, district=district),
        "regional": UserFactory.create(role=Role.REGIONAL, region=district.region),
        "ministry": UserFactory.create(role=Role.MINISTRY),
        "court": UserFactory.create(role=Role.COURT, court=court),
        "consular": UserFactory.create(role=Role.CONSULAR, consular_post=us_post),
        "stranger": UserFactory.create(role=Role.GUARDIANSHIP, district=District.objects.get(pk="KZ-75-ALM")),
        "auditor": UserFactory.create(role=Role.AUDITOR),
    }
    base = live_server.url

    # --- the guardianship agency records the child, its primary entry and a ground ---------
    page = login(browser, base, users["guardianship"])
    accessible(page)
    snap(page, "home")
    page.goto(f"{base}/children/new/")
    accessible(page)
    page.fill("#id_last_name", "Ахметова")
    page.fill("#id_first_name", "Дана")
    page.select_option("#id_sex", "F")
    page.fill("#id_birth_date", "2021-05-05")
    page.fill("#id_identified_on", ago(200).isoformat())
    page.click("text=Save")
    page.wait_for_selector("text=Child recorded.")
    child = Child.objects.get(last_name="Ахметова")
    page.fill("#register-placed_on", ago(199).isoformat())
    page.click("section:has(h2:text('Place on a register')) button")
    page.wait_for_selector("text=Placed on the register.")
    ground = page.locator("section:has(h2:text('Grounds of adoptability'))")
    ground.locator("#ground-parent").select_option("both")
    ground.locator("#ground-ground").select_option("parents_unknown")
    ground.locator("#ground-kind").select_option("certificate")
    ground.locator("#ground-number").fill("C-17")
    ground.locator("#ground-date").fill(ago(198).isoformat())
    ground.locator("#ground-issued_by").fill("Police department")
    ground.locator("button").click()
    page.wait_for_selector("text=Ground recorded.")
    accessible(page)
    snap(page, "child")

    # the region and the ministry climb the registers (their own pages are tested elsewhere)
    registry_services.place_on_register(actor=users["regional"], child=child, level="regional", placed_on=ago(100))
    registry_services.place_on_register(actor=users["ministry"], child=child, level="central", placed_on=ago(30))
    couple = [
        adoption_services.create_applicant(
            actor=users["guardianship"],
            district=district,
            last_name=n,
            first_name="Smith",
            sex=s,
            birth_date=datetime.date(1982, 1, 1),
            citizenship="US",
            residence_country="US",
            marital_status="married",
            foreign_register_number=f"FR-{n}",
            foreign_registered_on=ago(90),
        )
        for n, s in (("John", "M"), ("Mary", "F"))
    ]

    # --- the guardianship agency opens the foreign case in the browser ---------------------
    # from the child's page, the child chosen; the couple found by their name, among 20,000
    page.goto(f"{base}/children/{child.pk}/")
    page.click("text=Open a case for this child")
    page.wait_for_selector(f"input[name=children][value='{child.pk}']:checked")
    page.fill("#id_find", "Smith")
    page.press("#id_find", "Enter")  # Enter in the search box finds: nothing is opened yet
    page.wait_for_selector(f"input[name=applicants][value='{couple[0].pk}']")
    accessible(page)
    assert page.is_checked(f"input[name=children][value='{child.pk}']")  # the choice made is kept
    for applicant in couple:
        page.check(f"input[name=applicants][value='{applicant.pk}']")
    page.fill("#id_opened_on", ago(25).isoformat())
    page.click("text=Save")
    page.wait_for_selector("text=Case opened.")
    case = child.cases.get()
    assert case.category == "foreigner"
    adoption_services.add_document(
        actor=None, case=case, kind="application", issued_on=ago(20), issuer="the applicants"
    )
    # --- the ministry keeps the register of accredited agencies (RULES v2 §7a) -----------------
    ministry = login(browser, base, users["ministry"])
    ministry.goto(f"{base}/dashboard/agencies/")
    ministry.fill("#id_new-name", "Open Arms Adoptions")
    ministry.select_option("#id_new-country", "US")
    ministry.fill("#id_new-accreditation_number", "KZ-ACC-2024-07")
    ministry.fill("#id_new-accredited_from", ago(400).isoformat())
    ministry.fill("#id_new-accredited_until", ago(-400).isoformat())
    ministry.click("section:has(h2:text('Register an agency')) button")
    ministry.wait_for_selector("text=Agency registered.")
    accessible(ministry)
    snap(ministry, "agencies")
    ministry.goto(f"{base}/dashboard/countries/")
    assert "United States" in ministry.content()
    accessible(ministry)
    agency = Agency.objects.get(accreditation_number="KZ-ACC-2024-07")
    for kind in DOSSIER_REPORTS:
        adoption_services.add_document(
            actor=None, case=case, kind=kind, issued_on=ago(20), issuer="Open Arms", agency=agency
        )
    for applicant in couple:
        adoption_services.add_document(
            actor=None, case=case, kind="medical_certificate", applicant=applicant, issued_on=ago(20), issuer="Clinic"
        )
        adoption_services.record_contact(actor=None, case=case, applicant=applicant, child=child, on=ago(24))
        adoption_services.record_contact(actor=None, case=case, applicant=applicant, child=child, on=ago(5))
    adoption_services.record_domestic_search(actor=None, case=case, completed_on=ago(20), outcome="no_candidates")
    who_may_adopt(case, couple)

    # --- the ministry, as Central Authority, records the Hague steps on the case page -------------
    ministry.goto(f"{base}/cases/{case.pk}/")
    hague = ministry.locator("section:has(h2:text('Steps of the Hague Convention'))")
    hague.locator("#hague-art15_report_received_on").fill(ago(18).isoformat())
    hague.locator("#hague-art16_report_sent_on").fill(ago(17).isoformat())
    hague.locator("#hague-art17_agreement_on").fill(ago(16).isoformat())
    hague.locator("button").click()
    ministry.wait_for_selector("text=Hague steps recorded.")

    # --- the guardianship agency records who acted and was paid -----------------------------------
    page.goto(f"{base}/cases/{case.pk}/parties/")
    page.fill("#id_party-name", "Open Arms Adoptions")
    page.select_option("#id_party-country", "US")
    page.select_option("#id_party-role", "agency")
    page.select_option("#id_party-agency", str(agency.pk))
    page.click("section:has(h2:text('Record a party')) button")
    page.wait_for_selector("text=Party recorded.")
    page.fill("#id_party-name", "A local helper")
    page.select_option("#id_party-country", "KZ")
    page.select_option("#id_party-role", "facilitator")
    page.click("section:has(h2:text('Record a party')) button")
    page.wait_for_selector("text=Party recorded.")
    helper = case.parties.get(role="facilitator")
    page.select_option("#id_fee-party", str(helper.pk))
    page.fill("#id_fee-amount", "1500")
    page.fill("#id_fee-currency", "USD")
    page.fill("#id_fee-paid_on", ago(15).isoformat())
    page.select_option("#id_fee-purpose", "placement")
    page.click("section:has(h2:text('Record a fee')) button")
    page.wait_for_selector("text=Fee recorded.")
    accessible(page)

    # --- the eligibility panel: the central-register wait is pending, with its date ---------
    allowed = right_arises(ago(30), 3)
    page.goto(f"{base}/cases/{case.pk}/")
    wait = page.locator("tr[data-check=CENTRAL_REGISTER_WAIT]")
    assert "pending" in wait.inner_text() and allowed.isoformat() in wait.inner_text()
    assert page.locator("text=Not eligible on this date.").is_visible()
    assert page.locator("section:has(h2:text('Refer to a court')) button").is_disabled()
    # the facilitator paid for placement is a red flag, with its evidence, next to the checks
    assert page.locator("li[data-flag=INTERMEDIARY_NOT_ACCREDITED]").is_visible()
    accessible(page)
    snap(page, "case")

    # --- time moves past the wait: the case is referred ----------------------------------------
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: allowed)
    page.goto(f"{base}/cases/{case.pk}/")
    assert page.locator("text=Eligible on this date.").is_visible()
    page.locator("#referral-court").select_option(str(court.pk))
    page.locator("#referral-on").fill(allowed.isoformat())
    page.locator("section:has(h2:text('Refer to a court')) button").click()
    page.wait_for_selector("text=Referred to the court.")
    # the agency prints its conclusion for the court: a real PDF naming the case, its checks and its code
    text = printed(page, "conclusion")
    assert f"#{case.pk}" in text and "CENTRAL_REGISTER_WAIT" in text and "in the interests of the child" in text
    accessible(page)

    # --- the court clerk: hearing and decision ---------------------------------------------
    clerk = login(browser, base, users["court"])
    # the clerk's work queue names the referred case's child and applicants and opens the case
    clerk.click("header >> text=Work queue")
    line = clerk.locator("tr[data-kind=hearing_due]")
    assert "Ахметова" in line.inner_text() and "Referred: record the hearing once held" in line.inner_text()
    accessible(clerk)
    line.locator("a").click()
    clerk.wait_for_url(f"{base}/cases/{case.pk}/")
    # before the hearing the clerk prints the certificate of eligibility on the day
    text = printed(clerk, "eligibility")
    assert f"#{case.pk}" in text and "PERSONAL_CONTACT" in text and "every requirement of the law" in text
    hear(clerk, allowed)
    clerk.wait_for_selector("text=Hearing recorded.")
    decision = clerk.locator("section:has(h2:text('Record the decision'))")
    decision.locator("#decision-outcome").select_option("granted")
    decision.locator("#decision-decided_on").fill(allowed.isoformat())
    decision.locator("#decision-in_force_on").fill(allowed.isoformat())  # the same day: the appeal term runs
    decision.locator("button").click()
    # an entry into force is irreversible: without the tick nothing is recorded
    clerk.wait_for_selector("text=Tick to confirm: this cannot be undone from this page.")
    assert not Decision.objects.filter(case=case).exists()
    decision = clerk.locator("section:has(h2:text('Record the decision'))")
    assert decision.locator("#decision-in_force_on").input_value() == allowed.isoformat()  # what was typed stays
    decision.locator("#decision-confirm").check()
    decision.locator("button").click()
    clerk.wait_for_selector("text=The appeal term runs until the day before")
    decision = clerk.locator("section:has(h2:text('Record the decision'))")
    decision.locator("#decision-in_force_on").fill("")
    decision.locator("button").click()
    clerk.wait_for_selector("text=Decision recorded.")
    assert f'expected in force on <time datetime="{right_arises(allowed, 1)}">' in clerk.content()
    appeal = clerk.locator("section:has(h2:text('Record the appeal'))")
    appeal.locator("#appeal-outcome").select_option("upheld")
    appeal.locator("#appeal-filed_on").fill(allowed.isoformat())
    appeal.locator("#appeal-decided_on").fill(allowed.isoformat())
    appeal.locator("#appeal-confirm").check()  # its outcome is not undone from the page
    appeal.locator("button").click()  # filed and decided today: upheld, the decision is in force today
    clerk.wait_for_selector("text=Appeal recorded.")
    assert f'in force on <time datetime="{allowed}">' in clerk.content() and "decision upheld" in clerk.content()
    accessible(clerk)
    child.refresh_from_db()
    assert (child.status, child.deregistration_reason) == ("deregistered", "adopted")

    # --- the consular officer in Washington registers the child ----------------------------
    consul = login(browser, base, users["consular"])
    consul.goto(f"{base}/adopted/")
    consul.click(f"a[href='/adopted/{child.pk}/']")
    consul.fill("#id_number", "US-2026-0001")
    consul.fill("#id_registered_on", allowed.isoformat())
    consul.click("section:has(h2:text('Place on the consular register')) button")
    consul.wait_for_selector("text=The child is on the consular register.")
    accessible(consul)
    snap(consul, "consular")
    text = printed(consul, "registration")
    assert "US-2026-0001" in text and "Ахметова" not in text  # the sealed identity is never printed
    text = printed(consul, "schedule")
    assert "График мониторинга для усыновителей" in text  # the parents' copy in English and Russian
    # whoever holds the paper checks its code, without an account
    verifier = browser.new_context(locale="en-US").new_page()
    verifier.goto(f"{base}/verify/")
    verifier.fill("#code", code_in(text))
    verifier.click("button:text('Check')")
    verifier.wait_for_selector("text=Issued by this service")
    assert "Monitoring schedule for the adoptive parents" in verifier.content()
    accessible(verifier)

    # --- the ministry issues the certificate of HC93 art. 23; the dashboard shows the adoption ---
    ministry = login(browser, base, users["ministry"])
    ministry.goto(f"{base}/cases/{case.pk}/")
    certificate = ministry.locator("section:has(h2:text('Certificate of conformity (HC93 art. 23)'))")
    certificate.locator("#hague-certificate-number").fill("KZ-HC23-0001")
    certificate.locator("#hague-certificate-issued_on").fill(allowed.isoformat())
    certificate.locator("button").click()
    ministry.wait_for_selector("text=Certificate recorded.")
    assert "KZ-HC23-0001" in ministry.content()
    ministry.goto(f"{base}/dashboard/")
    row = ministry.locator(f"#by-year ~ table tr:has(td:text-is('{allowed.year}'))")
    assert row.inner_text().split() == [str(allowed.year), "1", "0", "1"]
    accessible(ministry)
    snap(ministry, "dashboard")

    # --- another district cannot open the child's page --------------------------------------
    stranger = login(browser, base, users["stranger"])
    response = stranger.goto(f"{base}/children/{child.pk}/")
    assert response.status == 404
    assert "Not found" in stranger.content()  # the application's own page, in its layout
    accessible(stranger)

    # --- the auditor: who read the child's record, from the audit page's filters ---------------
    auditor = login(browser, base, users["auditor"])
    auditor.click("text=Audit trail")
    auditor.select_option("#id_object_type", "registry.child")
    auditor.fill("#id_object_id", str(child.pk))
    auditor.select_option("#id_action", "read")
    auditor.click("button:text('Show')")
    auditor.wait_for_selector("tr[data-event]")
    readers = auditor.locator("table.audit tbody").inner_text()
    assert users["consular"].username in readers and users["stranger"].username not in readers  # 404: no read
    assert "Ахметова" not in auditor.content()  # the sealed birth name never shows, here neither
    accessible(auditor)
    snap(auditor, "audit")


def test_a_stepparent_adoption_in_a_browser(browser, live_server, monkeypatch):
    """RULES v2 §1a: a stepfather adopts his wife's son; no register entry, the mother's consent
    is the ground for her and the father is unknown; the court gives the boy his stepfather's name."""
    load_reference_data()
    district = District.objects.get(pk="KZ-71-ESI")
    court = Court.objects.filter(district=district).earliest("id")
    guardianship = UserFactory.create(role=Role.GUARDIANSHIP, district=district)
    base = live_server.url
    child, _ = registry_services.create_child(
        actor=None,
        district=district,
        last_name="Серикова",
        first_name="Арман",
        sex="M",
        birth_date=datetime.date(2019, 3, 3),
        identified_on=ago(60),
    )
    registry_services.add_ground(
        actor=None,
        child=child,
        parent="father",
        ground="parents_unknown",
        documents=[{"kind": "birth_registration", "number": "BR-7", "date": ago(60), "issued_by": "Registry"}],
    )
    stepfather = adoption_services.create_applicant(
        actor=None,
        district=district,
        last_name="Нурланов",
        first_name="Ерлан",
        sex="M",
        birth_date=datetime.date(1988, 8, 8),
        citizenship="KZ",
        residence_country="KZ",
        marital_status="married",
    )

    page = login(browser, base, guardianship)
    # the databank: a registered family's wishes fit a boy on a register; the district sees it on his page
    waiting = adoption_services.create_applicant(
        actor=None,
        district=district,
        last_name="Омарова",
        first_name="Айгуль",
        sex="F",
        birth_date=datetime.date(1985, 4, 4),
        citizenship="KZ",
        residence_country="KZ",
        marital_status="single",
    )
    adoption_services.register_applicant(
        actor=None,
        applicant=waiting,
        register="prospective_adopters",
        number="PA-77",
        registered_on=ago(100),
        valid_until=ago(-265),
    )
    page.goto(f"{base}/databank/families/{waiting.pk}/")
    page.fill("#id_age_max", "10")
    page.click("text=Save")
    page.wait_for_selector("text=Wishes saved.")
    accessible(page)
    listed, _ = registry_services.create_child(  # a boy on the primary register: in the databank
        actor=None,
        district=district,
        last_name="Ахметов",
        first_name="Дамир",
        sex="M",
        birth_date=datetime.date(2020, 5, 5),
        identified_on=ago(50),
    )
    registry_services.place_on_register(actor=None, child=listed, level="primary", placed_on=ago(48))
    page.goto(f"{base}/children/{listed.pk}/")
    page.click("text=Families for the child")
    # a click does not wait for the next page: wait for the row (a timeout fails the test)
    page.wait_for_selector(f"tr[data-family='{waiting.pk}']", state="visible")
    accessible(page)
    # the stepson is on no register (RULES v2 §1a): no family is proposed him
    page.goto(f"{base}/children/{child.pk}/matches/")
    page.wait_for_selector("text=The child is on no register today: no family is proposed.")
    assert page.locator("tr[data-family]").count() == 0
    # the mother's consent, for the adoption by her husband, on the child's page
    page.goto(f"{base}/children/{child.pk}/")
    consent = page.locator("section:has(h2:text('Consents of parents and guardians'))")
    consent.locator("#consent-parent").select_option("mother")
    consent.locator("#consent-given_on").fill(ago(30).isoformat())
    consent.locator("#consent-form").select_option("notarised")
    consent.locator("#consent-names_applicants").fill(str(stepfather.pk))
    consent.locator("#consent-number").fill("N-2026-77")
    consent.locator("#consent-date").fill(ago(30).isoformat())
    consent.locator("#consent-issued_by").fill("Notary Akhmetov")
    consent.locator("button:text('Save')").click()
    page.wait_for_selector("text=Consent recorded.")
    accessible(page)

    # the case, kind stepparent
    page.goto(f"{base}/cases/new/?children={child.pk}")
    page.select_option("#id_kind", "stepparent")
    page.fill("#id_find", "нурланов")  # any case, Cyrillic
    page.click("button[value=find]")
    page.wait_for_selector(f"input[name=applicants][value='{stepfather.pk}']")
    page.check(f"input[name=applicants][value='{stepfather.pk}']")
    assert page.input_value("#id_kind") == "stepparent"  # what was chosen before the search is kept
    page.fill("#id_opened_on", ago(25).isoformat())
    page.click("text=Save")
    page.wait_for_selector("text=Case opened.")
    case = child.cases.get()
    assert case.kind == "stepparent" and case.category == "resident_citizen"
    for kind in ("application", "stepparent_proof", "medical_certificate", *INCOME_EVIDENCE):
        form = page.locator("section:has(h2:text('Add a document'))")
        form.locator("#documents-kind").select_option(kind)
        if kind != "application":
            form.locator("#documents-applicant").select_option(str(stepfather.pk))
        if kind == "income_statement":
            form.locator("#documents-amount").fill("400000")
        form.locator("#documents-issued_on").fill(ago(20).isoformat())
        form.locator("#documents-issuer").fill("Authority")
        form.locator("button").click()
        page.wait_for_selector("text=Document recorded.")
    Policy.objects.update_or_create(effective_from=None, defaults={"subsistence_minimum": 50_000})
    page.goto(f"{base}/cases/{case.pk}/")
    assert page.locator("text=Eligible on this date.").is_visible(), page.locator("#eligibility ~ table").inner_text()
    for code, status in (("SPOUSE_CONSENT", "pass"), ("ADOPTER_REGISTERED", "not applicable")):
        assert status in page.locator(f"tr[data-check={code}]").inner_text()
    accessible(page)
    snap(page, "case-stepparent")
    # the stepfather's page, from the case file: his birth date typed a day off is corrected there
    page.click("section[aria-labelledby=file] >> text=Нурланов Ерлан")
    page.wait_for_selector("h2#registers")
    page.click("text=Correct the record")
    page.fill("#correct-birth_date", "1988-08-09")
    page.click("section[aria-labelledby=facts] button[type=submit]")
    page.wait_for_selector("text=Record corrected.")
    stepfather.refresh_from_db()
    assert stepfather.birth_date == datetime.date(1988, 8, 9) and stepfather.version == 2
    accessible(page)
    page.click("#changes summary")  # who changed the record
    snap(page, "applicant")
    page.click(f"a[href='/cases/{case.pk}/']")
    page.wait_for_selector("text=Eligible on this date.")
    page.locator("#referral-court").select_option(str(court.pk))
    page.locator("#referral-on").fill(ago(10).isoformat())
    page.locator("section:has(h2:text('Refer to a court')) button").click()
    page.wait_for_selector("text=Referred to the court.")

    # the court: a hearing, the decision with a new surname, in force after the appeal term
    clerk = login(browser, base, UserFactory.create(role=Role.COURT, court=court))
    clerk.goto(f"{base}/cases/{case.pk}/")
    hear(clerk, ago(9))
    clerk.wait_for_selector("text=Hearing recorded.")
    decision = clerk.locator("section:has(h2:text('Record the decision'))")
    decision.locator("#decision-outcome").select_option("granted")
    decision.locator("#decision-decided_on").fill(ago(8).isoformat())
    decision.locator("#decision-new_last_name").fill("Нурланов")
    decision.locator("button").click()
    clerk.wait_for_selector("text=Decision recorded.")
    # the final form was made the next day: the clerk corrects it, and the appeal term runs from it
    correction = clerk.locator('section:has(h2:text("Correct the decision\'s dates"))')
    assert correction.locator("#correct-decision-final_form_on").input_value() == ago(8).isoformat()
    correction.locator("#correct-decision-final_form_on").fill(ago(7).isoformat())
    correction.locator("#correct-decision-reason").fill("The final form was made the next day")
    correction.locator("button").click()
    clerk.wait_for_selector("text=Decision corrected.")
    assert f'expected in force on <time datetime="{right_arises(ago(7), 1)}">' in clerk.content()
    accessible(clerk)
    snap(clerk, "case-decision-corrected")
    in_force = right_arises(ago(7), 1)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: in_force)
    clerk.goto(f"{base}/cases/{case.pk}/")
    in_force_form = clerk.locator("section:has(h2:text('Entry into force'))")
    assert in_force_form.locator("#in-force-in_force_on").input_value() == ""  # typed, never offered
    in_force_form.locator("#in-force-in_force_on").fill(in_force.isoformat())
    in_force_form.locator("#in-force-confirm").check()
    in_force_form.locator("button").click()
    clerk.wait_for_selector("text=Entry into force recorded.")
    registration = clerk.locator("section:has(h2:text('Civil registration of the adoption'))")
    registration.locator("#civil-registration-number").fill("AZ-2026-118")
    registration.locator("#civil-registration-office").fill("Civil registry office of Yesil district")
    registration.locator("#civil-registration-registered_on").fill(in_force.isoformat())
    registration.locator("button").click()
    clerk.wait_for_selector("text=Civil registration recorded.")
    assert "AZ-2026-118" in clerk.content()
    accessible(clerk)

    # the boy is known by his new name; the old one is sealed
    page.goto(f"{base}/children/{child.pk}/")
    heading = page.locator("h1").inner_text()
    assert "Нурланов Арман" in heading and "Серикова" not in page.content()
    child.refresh_from_db()
    assert (child.last_name, child.birth_identity["last_name"]) == ("Нурланов", "Серикова")


@pytest.mark.parametrize("width", [390, 1280])
def test_the_main_pages_fit_the_screen_without_sideways_scrolling(browser, live_server, width):
    """Issue 20: on a phone (390 px) and a laptop (1280 px) no main page scrolls sideways; a wide
    table scrolls inside its own box."""
    load_reference_data()
    district = District.objects.get(pk="KZ-71-ESI")
    court = Court.objects.filter(district=district).earliest("id")
    users = {
        "guardianship": UserFactory.create(role=Role.GUARDIANSHIP, district=district),
        "ministry": UserFactory.create(role=Role.MINISTRY),
        "court": UserFactory.create(role=Role.COURT, court=court),
        "auditor": UserFactory.create(role=Role.AUDITOR),
    }
    far, _warnings = (
        registry_services.create_child(  # the registers' figures name its region, the longest name there is
            actor=None,
            district=District.objects.get(pk="KZ-27-ORA"),
            last_name="Орлова",
            first_name="Алия",
            sex="F",
            birth_date=datetime.date(2019, 5, 5),
            identified_on=ago(20),
        )
    )
    registry_services.place_on_register(actor=None, child=far, level="primary", placed_on=ago(19))
    for i in range(3):
        registry_services.create_child(
            actor=users["guardianship"],
            district=district,
            last_name=f"Длиннофамильная-Константинопольская{i}",
            first_name="Александра",
            sex="F",
            birth_date=datetime.date(2019, 5, 5),
            identified_on=ago(20 + i),
        )
    pages = {
        "guardianship": [
            "/",
            "/work/",
            "/children/",
            "/cases/",
            "/children/new/",
            "/databank/families/",
            "/search/?q=Длиннофамильная",
        ],
        "ministry": ["/dashboard/", "/dashboard/policy/", "/dashboard/agencies/", "/dashboard/countries/"],
        "court": ["/", "/work/", "/cases/"],
        "auditor": ["/audit/", "/dashboard/safeguards/", "/adopted/?unregistered=1"],
    }
    case, adopted = adopt_abroad(district, court, in_force_ago=200)  # on no consular register: the safeguard's
    fee_to_a_fixer(case, adopted.identified_on)  # a red flag: the statistics' drill-down has a line
    wide = []
    for role, paths in pages.items():
        page = login(browser, live_server.url, users[role])
        page.set_viewport_size({"width": width, "height": 900})
        for path in paths:
            page.goto(f"{live_server.url}{path}")
            scroll, client = page.evaluate(
                "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            if scroll > client:
                culprits = page.evaluate(
                    "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > "
                    "document.documentElement.clientWidth).slice(0, 3).map(e => e.tagName + '.' + e.className)"
                )
                wide.append((role, path, scroll, client, culprits))
    assert wide == []
    if width == 1280:  # on a laptop the dashboard's figures are all in sight, in its longest language too
        page = login(browser, live_server.url, users["ministry"])
        page.set_viewport_size({"width": width, "height": 900})
        with page.expect_navigation():
            page.select_option("#language", "ru")
        page.goto(f"{live_server.url}/dashboard/")
        cut = page.evaluate(
            "[...document.querySelectorAll('.card')].filter(c => c.scrollWidth > c.clientWidth)"
            ".map(c => c.getAttribute('aria-labelledby'))"
        )
        assert cut == []


def a_clerk_and_a_case(child_name: str, applicant_name: str):
    """A guardianship clerk of Esil and a case of the district opened five days ago."""
    load_reference_data()
    district = District.objects.get(pk="KZ-71-ESI")
    user = UserFactory.create(role=Role.GUARDIANSHIP, district=district)
    child = make_child(district, last_name=child_name)
    case = adoption_services.open_case(
        actor=None, children=[child], applicants=[make_applicant(district, last_name=applicant_name)], opened_on=ago(5)
    )
    return user, case, child


def test_a_case_page_prints_its_file_without_the_controls(browser, live_server):
    """Issue 20: printed from the browser, a case page is the file (the eligibility on the day, the
    children, the applicants, the documents), not the header, the action forms or the buttons."""
    from pypdf import PdfReader

    user, case, _child = a_clerk_and_a_case("Печатнова", "Printer")
    page = login(browser, live_server.url, user)
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    assert page.locator("section.action").count() > 0 and page.locator("header.top").is_visible()
    page.emulate_media(media="print")
    assert page.locator("header.top").is_hidden() and page.locator("section.action").first.is_hidden()
    assert page.locator("section[aria-labelledby=eligibility]").is_visible()
    assert page.locator("section[aria-labelledby=file]").is_visible()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(page.pdf())).pages)
    assert "Печатнова" in text and "Printer" in text and "CENTRAL_REGISTER_WAIT" in text
    assert "Log out" not in text and "Refer to the court" not in text  # no header, no action


def test_an_upload_s_page_follows_its_import_in_the_page_s_language(browser, live_server):
    """The ministry uploads a file on the import page; its page follows the job (the script polls
    the API) and names each status in the page's language, then shows the result."""
    load_reference_data()
    sample = (SHARED / "samples" / "children.csv").read_text(encoding="utf-8").replace("<district code>", "KZ-71-ESI")
    page = login(browser, live_server.url, UserFactory.create(role=Role.MINISTRY))
    with page.expect_navigation():
        page.select_option("#language", "ru")
    page.goto(f"{live_server.url}/dashboard/import/")
    accessible(page)
    page.select_option("#id_kind", "children")
    page.set_input_files(
        "#id_file", files=[{"name": "children.csv", "mimeType": "text/csv", "buffer": sample.encode()}]
    )
    with page.expect_navigation():
        page.click("form.card button[type=submit]")
    job = ImportJob.objects.get()
    with translation.override("ru"):
        label = {status: str(status.label) for status in ImportJob.Status}
    expect(page.locator("#state")).to_have_text(label[ImportJob.Status.PENDING])
    accessible(page)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING)  # a worker took it
    expect(page.locator("#state")).to_have_text(
        label[ImportJob.Status.RUNNING], timeout=10_000
    )  # the next poll, in Russian
    with page.expect_navigation(timeout=10_000):  # the page reloads once the job has finished
        run_import_job(job.pk)
    expect(page.locator("#state")).to_have_text(label[ImportJob.Status.DONE])
    assert Child.objects.count() == 2 and "2/2" in page.locator("#count").inner_text()


def test_after_logout_the_back_button_shows_no_record(live_server, monkeypatch):
    """RULES §9, pages: a guardianship office shares its computers. After a user logs out, the
    browser's Back button must not bring a child's record or a case file back from its cache (the
    pages answer `Cache-Control: no-store`): it asks the server, which answers with the login page.
    (The secrecy matrix holds the header on every page and operation, and the forms' autocomplete.)"""
    user, case, child = a_clerk_and_a_case("Кэшева", "Cached")
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # as the `browser` fixture
    with sync_playwright() as p:
        # Playwright turns off the back/forward cache, which a user's Chromium keeps pages in
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox"], ignore_default_args=["--disable-back-forward-cache"]
        )
        try:
            back_after_logout(login(browser, live_server.url, user), live_server.url, case, child)
        finally:
            browser.close()
            connections.close_all()


def back_after_logout(page, base, case, child):
    for path in (f"/cases/{case.pk}/", f"/children/{child.pk}/"):
        page.goto(f"{base}{path}")
        expect(page.locator("main")).to_contain_text("Кэшева")
    with page.expect_navigation():
        page.click("header form[action='/accounts/logout/'] button")
    for _step in range(2):  # the child's page, then the case file
        page.go_back(wait_until="commit")  # a page restored from the cache fires no "load"
        expect(page.locator("#id_username")).to_be_visible()
        assert "Кэшева" not in page.content() and "Cached" not in page.content()


def test_an_upload_s_page_goes_to_the_sign_in_once_the_session_has_ended(browser, live_server):
    """An upload's page polls its job while the job waits for a worker. Once the user's session has
    ended (idle, or logged out in another tab), the poll is refused: the page must go to the sign-in
    rather than keep asking, with the last figures on the screen, for as long as it is left open."""
    from django.contrib.sessions.models import Session

    page = login(browser, live_server.url, UserFactory.create(role=Role.MINISTRY))
    job = ImportJob.objects.create(kind=ImportJob.Kind.CHILDREN, status=ImportJob.Status.PENDING)
    page.goto(f"{live_server.url}/dashboard/import/{job.pk}/")
    expect(page.locator("#state")).to_have_text("waiting for a worker")
    Session.objects.all().delete()  # the session ends on the server, as after 30 idle minutes
    page.wait_for_url("**/accounts/login/**", timeout=10_000)  # the next poll, refused, reloads the page
    expect(page.locator("#id_username")).to_be_visible()
