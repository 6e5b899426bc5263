"""Every figure of every report, for a synthetic national history of several thousand children,
against counts computed here from the generated rows (REPORTS.md definitions)."""

import io
from collections import Counter
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from adoption.models import Case
from bench.history import generate, write_csv
from core.management.commands.seed_demo import load_reference_data
from core.models import AuditEvent, District
from registry.models import Child
from reports.renderers import flatten

pytestmark = pytest.mark.django_db
N_CHILDREN = 3000
BANDS = [("0", 0, 0), ("1", 1, 1), ("2", 2, 2), ("3-5", 3, 5), ("6-9", 6, 9), ("10-13", 10, 13), ("14-17", 14, 17)]


@pytest.fixture(scope="module")
def history(django_db_setup, django_db_blocker, tmp_path_factory):
    """Imported once for the module, through the real command; removed at the end."""
    with django_db_blocker.unblock():
        load_reference_data()
        districts = [(d.code, d.region_id) for d in District.objects.all()]
        rows = generate(N_CHILDREN, districts)
        path = write_csv(rows, tmp_path_factory.mktemp("history") / "adoptions.csv")
        call_command("import_adoptions", str(path), stdout=io.StringIO())
        yield rows, path
        from django.core.management import call_command as flush

        flush("flush", "--no-input", verbosity=0)


def expected_adoptions(rows, start, end, region=None):
    period = [r for r in rows if start <= r.in_force_on <= end and (region is None or r.region == region)]
    foreign = [r for r in period if r.by_foreigner]
    per_case = Counter(r.case_ref for r in foreign)
    return {
        "total": len(period),
        "by_citizens": sum(not r.by_foreigner for r in period),
        "by_foreigners": len(foreign),
        "foreign": {
            "boys": sum(r.sex == "M" for r in foreign),
            "girls": sum(r.sex == "F" for r in foreign),
            "cases_with_two_or_more_children": sum(n >= 2 for n in per_case.values()),
            "by_relatives_abroad": sum(r.relative and r.receiving_country != "" for r in foreign),
            "by_single_mothers": sum(
                len(r.applicants) == 1 and r.applicants[0][0] == "F" and r.applicants[0][3] != "married"
                for r in foreign
            ),
            "age_under_1": sum(r.age == 0 for r in foreign),
            "age_1": sum(r.age == 1 for r in foreign),
        },
        "by_age": {label: sum(low <= r.age <= high for r in period) for label, low, high in BANDS},
        "by_region": dict(sorted(Counter(r.region for r in period).items())),
        "by_receiving_country": dict(
            sorted(Counter(r.receiving_country for r in period if r.receiving_country).items())
        ),
    }


@pytest.mark.parametrize(
    "start, end",
    [
        (date(2021, 1, 1), date(2021, 12, 31)),
        (date(2019, 1, 1), date(2024, 12, 31)),
        (date(2020, 2, 29), date(2020, 3, 1)),
    ],
)
def test_adoptions_report_matches_independent_counts(api, users, history, start, end):
    rows, _ = history
    body = api(users["ministry"]).get("/api/v1/reports/adoptions/", {"from": start, "to": end}).json()
    expected = expected_adoptions(rows, start, end)
    assert {k: body[k] for k in expected} == expected


def test_the_history_is_big_and_varied_enough_to_mean_something(history):
    rows, _ = history
    assert len(rows) >= N_CHILDREN and Child.objects.count() == len(rows)
    foreign = [r for r in rows if r.by_foreigner]
    assert len(foreign) > 500 and sum(not r.by_foreigner for r in rows) > 1000
    assert Counter(Counter(r.case_ref for r in rows).values())[2] > 20  # sibling cases
    assert sum(bool(r.relative and r.receiving_country) for r in rows) > 50
    assert sum(len(r.applicants) == 1 for r in rows) > 200


def test_a_region_sees_its_own_figures_and_the_ministry_can_ask_for_one(api, users, history):
    rows, _ = history
    start, end = date(2019, 1, 1), date(2024, 12, 31)
    region = users["regional"].region_id
    own = api(users["regional"]).get("/api/v1/reports/adoptions/", {"from": start, "to": end}).json()
    assert own["total"] == expected_adoptions(rows, start, end, region)["total"] > 0
    asked = (
        api(users["ministry"]).get("/api/v1/reports/adoptions/", {"from": start, "to": end, "region": region}).json()
    )
    assert asked["by_age"] == expected_adoptions(rows, start, end, region)["by_age"]
    assert api(users["guardianship"]).get("/api/v1/reports/adoptions/", {"from": start, "to": end}).status_code == 403


@pytest.mark.parametrize("as_of", [date(2020, 6, 30), date(2022, 12, 31), date(2024, 6, 1)])
def test_consular_registrations_and_unregistered_children_match(api, users, history, as_of):
    rows, _ = history
    registered = Counter(
        r.consular_country for r in rows if r.consular_registered_on and r.consular_registered_on <= as_of
    )
    body = api(users["ministry"]).get("/api/v1/reports/consular-registrations/", {"as_of": as_of}).json()
    assert (body["total"], body["by_country"]) == (sum(registered.values()), dict(sorted(registered.items())))
    unregistered = sorted(
        r.case_ref
        for r in rows
        if r.receiving_country
        and r.in_force_on <= as_of - timedelta(days=180)
        and not (r.consular_registered_on and r.consular_registered_on <= as_of)
    )
    report = api(users["ministry"]).get("/api/v1/reports/unregistered-children/", {"as_of": as_of}).json()
    assert report["total"] == len(unregistered)
    refs = {pk: ref or "" for pk, ref in Case.objects.values_list("pk", "case_ref")}
    assert sorted(refs[r["case"]] for r in report["results"]) == unregistered


def test_xlsx_and_csv_hold_the_same_numbers_as_json(api, users, history):
    client = api(users["ministry"])
    params = {"from": "2019-01-01", "to": "2024-12-31"}
    body = client.get("/api/v1/reports/adoptions/", params).json()
    expected = {
        name: value for name, value in flatten(body) if not name.startswith("links.") and isinstance(value, int)
    }
    response = client.get("/api/v1/reports/adoptions/", {**params, "format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    from_xlsx = {name: value for name, value in sheet.iter_rows(min_row=2, values_only=True) if name in expected}
    assert from_xlsx == expected
    csv_lines = client.get("/api/v1/reports/adoptions/", {**params, "format": "csv"}).content.decode().splitlines()
    from_csv = dict(line.split(",", 1) for line in csv_lines[1:])
    assert {k: int(from_csv[k]) for k in expected} == expected


def test_report_query_counts_do_not_grow_with_rows(api, users, history):
    client = api(users["ministry"])
    counts = []
    # a short period and the whole history, both with rows in every report (the prefetch of
    # adopters runs only when there are rows to prefetch for)
    for start, end in ((date(2019, 1, 1), date(2020, 3, 31)), (date(2019, 1, 1), date(2024, 12, 31))):
        for path, params in (
            ("adoptions", {"from": start, "to": end}),
            ("consular-registrations", {"as_of": end}),
            ("unregistered-children", {"as_of": end}),
            ("registers", {"as_of": end}),
        ):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(f"/api/v1/reports/{path}/", params).status_code == 200
            counts.append((path, len(queries)))
    half = len(counts) // 2
    assert counts[:half] == counts[half:], counts


def test_importing_the_same_file_twice_changes_nothing(history):
    rows, path = history
    before = (Child.objects.count(), Case.objects.count(), AuditEvent.objects.count())
    out = io.StringIO()
    call_command("import_adoptions", str(path), stdout=out)
    assert f"0 created, {len(rows)} already present" in out.getvalue()
    assert (Child.objects.count(), Case.objects.count(), AuditEvent.objects.count()) == before


def test_publication_suppresses_small_numbers(api, users, history):
    body = (
        api(users["ministry"])
        .get("/api/v1/reports/adoptions/", {"from": "2021-01-01", "to": "2021-12-31", "publish": 1})
        .json()
    )
    raw = api(users["ministry"]).get("/api/v1/reports/adoptions/", {"from": "2021-01-01", "to": "2021-12-31"}).json()
    for name, value in flatten(raw):
        if isinstance(value, int) and 1 <= value <= 4 and not name.startswith("links"):
            assert dict(flatten(body))[name] == "<5"
    assert body["total"] == raw["total"]  # large numbers are published as they are


def test_every_figure_links_to_the_children_behind_it(api, users, history):
    client = api(users["ministry"])
    body = client.get("/api/v1/reports/adoptions/", {"from": "2019-01-01", "to": "2024-12-31"}).json()
    for figure in body["links"]:  # every figure (a count of children) against the children listed behind it
        listed = client.get(body["links"][figure]).json()
        value = dict(flatten(body))[figure]
        assert listed["total"] == value, figure
    region = next(iter(body["by_region"]))
    behind = client.get(
        "/api/v1/reports/adoptions/children/",
        {"from": "2019-01-01", "to": "2024-12-31", "figure": f"by_region.{region}"},
    ).json()
    assert behind["total"] == body["by_region"][region]
    country = next(iter(body["by_receiving_country"]))
    behind = client.get(
        "/api/v1/reports/adoptions/children/",
        {"from": "2019-01-01", "to": "2024-12-31", "figure": f"by_receiving_country.{country}"},
    ).json()
    assert behind["total"] == body["by_receiving_country"][country]


def test_hcch_annual_table(api, users, history):
    rows, _ = history
    sent = [r for r in rows if r.receiving_country and r.in_force_on.year == 2022]
    table = api(users["ministry"]).get("/api/v1/reports/intercountry/", {"year": 2022}).json()
    assert table["total"] == len(sent)
    us = [r for r in sent if r.receiving_country == "US"]
    assert table["by_receiving_country"].get("US", {}).get("total", 0) == len(us)
    assert table["by_receiving_country"].get("US", {}).get("under_1", 0) == sum(r.age == 0 for r in us)
