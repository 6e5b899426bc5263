"""The ministry's reports (REPORTS.md), computed in the database and scoped by the caller.

An adoption is counted per child, in the period in which its decision entered into
force, by the category of its case. Every figure comes from an aggregate query; the
number of queries does not grow with the number of rows.
"""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import date
from typing import TYPE_CHECKING

from django.db import connections
from django.db.models import (
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear

from adoption.models import Adoption, CaseApplicant, CaseChild, MaritalStatus
from adoption.models import Case as AdoptionCase
from consular.deadlines import unregistered
from consular.models import ConsularRegistration
from core.countries import KZ
from core.dates import today
from core.models import User
from core.scoping import territory_q
from intercountry.facts import flags_of_cases, may_flag_between
from intercountry.flags import FLAGS
from registry import sealing
from registry.models import Child, ChildStatus, Level, RegisterEntry
from registry.selectors import placing_on

if TYPE_CHECKING:
    from typing import TypedDict

    from django_stubs_ext import WithAnnotations

    class Facts(TypedDict):
        """What adoptions_in_period annotates each adoption with: the facts its figures read."""

        age: int
        by_foreigner: bool
        relative: bool
        abroad: bool
        n_applicants: int
        unmarried_woman: bool

    WithFacts = QuerySet[WithAnnotations[Adoption, Facts]]

AGE_BANDS = [("0", 0, 0), ("1", 1, 1), ("2", 2, 2), ("3-5", 3, 5), ("6-9", 6, 9), ("10-13", 10, 13), ("14-17", 14, 17)]


def full_years(on: str, birth: str):
    """Full years between two date fields, in SQL; (month, day) before the birthday subtracts
    one, which also makes 29 February births a year older on 1 March (RULES §5)."""
    md = lambda f: ExtractMonth(f) * 100 + ExtractDay(f)  # noqa: E731
    return ExpressionWrapper(
        ExtractYear(on)
        - ExtractYear(birth)
        - Case(When(Q(_on_md__lt=F("_birth_md")), then=Value(1)), default=Value(0)),
        output_field=IntegerField(),
    ), {"_on_md": md(on), "_birth_md": md(birth)}


def counted(qs: QuerySet, user: User, region: str | None, *, district: str = "child__district") -> QuerySet:
    """What the caller may count: ministry and auditor national, a region its own; narrowed to
    `region` when asked. `district` is the path from the rows to their child's district."""
    territory = territory_q(user, district=district)
    if territory is None:
        return qs.none()
    qs = qs.filter(territory)
    return qs.filter(**{f"{district}__region": region}) if region else qs


def adoptions_in_period(user: User, start: date, end: date, region: str | None = None) -> WithFacts:
    """Children whose adoption entered into force in [start, end] (an `Adoption` stands granted: a
    grant, or a refusal reversed on appeal), with the facts every figure needs."""
    case = OuterRef("decision__case")
    applicants = CaseApplicant.objects.filter(case=case)
    age, helpers = full_years("decision__in_force_on", "child__birth_date")
    return (
        counted(Adoption.objects.all(), user, region)
        .filter(decision__in_force_on__gte=start, decision__in_force_on__lte=end)
        .annotate(**helpers)
        .annotate(
            age=age,
            by_foreigner=Exists(applicants.exclude(applicant__citizenship=KZ)),
            relative=Exists(CaseChild.objects.filter(case=case, child=OuterRef("child"), is_relative=True)),
            abroad=~Q(decision__case__receiving_country=""),
            n_applicants=Subquery(applicants.values("case").annotate(n=Count("id")).values("n")[:1]),
            unmarried_woman=Exists(
                applicants.filter(applicant__sex="F").exclude(applicant__marital_status=MaritalStatus.MARRIED)
            ),
        )
    )


def _facts(qs: WithFacts) -> tuple[str, tuple]:
    """The SQL of one row of facts per adoption (each per-case test evaluated once per row), with
    the columns the figures' conditions read."""
    facts = qs.values(
        "id",
        "age",
        "by_foreigner",
        "relative",
        "abroad",
        "n_applicants",
        "unmarried_woman",
        sex=F("child__sex"),
        region=F("child__district__region"),
        case_id=F("decision__case"),
        country=F("decision__case__receiving_country"),
        year=ExtractYear("decision__in_force_on"),
    )
    return facts.query.sql_with_params()


# Each figure of the adoptions report (REPORTS.md) as a condition on one adoption's facts (the
# columns of `_facts`): the counts and the drill-down links to the children behind them are both
# written from these conditions, so each figure has one definition, run in the database.
FIGURES: dict[str, str] = {
    "total": "1 = 1",
    "by_citizens": "NOT by_foreigner",
    "by_foreigners": "by_foreigner",
    "foreign.boys": "by_foreigner AND sex = 'M'",
    "foreign.girls": "by_foreigner AND sex = 'F'",
    "foreign.by_relatives_abroad": "by_foreigner AND relative AND abroad",
    "foreign.by_single_mothers": "by_foreigner AND n_applicants = 1 AND unmarried_woman",
    "foreign.age_under_1": "by_foreigner AND age = 0",
    "foreign.age_1": "by_foreigner AND age = 1",
    **{f"by_age.{label}": f"age BETWEEN {low} AND {high}" for label, low, high in AGE_BANDS},
}
# Foreign cases of two or more children adopted in the period: counted as cases, listed as their children.
SIBLING_CASES = "SELECT case_id FROM facts WHERE by_foreigner GROUP BY case_id HAVING count(*) >= 2"


def figure_counts(qs: WithFacts, by: tuple[str, ...]) -> dict[tuple, dict[str, int]]:
    """Every figure counted in each group of facts alike in the columns `by`, in one statement
    (the facts read once); "siblings" (the cases of SIBLING_CASES, whatever the group) with them."""
    sql, params = _facts(qs)
    columns = ", ".join(by)
    counts = ", ".join(f"count(*) FILTER (WHERE {condition})" for condition in FIGURES.values())
    with connections[qs.db].cursor() as cursor:
        cursor.execute(
            f"WITH facts AS ({sql}) SELECT {columns}, {counts}, (SELECT count(*) FROM ({SIBLING_CASES}) s) "
            f"FROM facts GROUP BY {columns}",
            params,
        )
        names = [*FIGURES, "siblings"]
        return {tuple(row[: len(by)]): dict(zip(names, row[len(by) :], strict=True)) for row in cursor.fetchall()}


def adoptions_report(user: User, start: date, end: date, region: str | None = None) -> dict:
    groups = figure_counts(adoptions_in_period(user, start, end, region), by=("region", "country"))
    count: Counter[str] = Counter()
    by_region: Counter[str] = Counter()
    by_country: Counter[str] = Counter()
    for (in_region, country), figures in groups.items():
        count.update(figures)
        by_region[in_region] += figures["total"]
        if country:  # abroad: the case names a receiving country
            by_country[country] += figures["total"]
    siblings = next(iter(groups.values()))["siblings"] if groups else 0
    return {
        "from": start,
        "to": end,
        "region": region,
        "total": count["total"],
        "by_citizens": count["by_citizens"],
        "by_foreigners": count["by_foreigners"],
        "foreign": {
            "boys": count["foreign.boys"],
            "girls": count["foreign.girls"],
            "cases_with_two_or_more_children": siblings,
            "by_relatives_abroad": count["foreign.by_relatives_abroad"],
            "by_single_mothers": count["foreign.by_single_mothers"],
            "age_under_1": count["foreign.age_under_1"],
            "age_1": count["foreign.age_1"],
        },
        "by_age": {label: count[f"by_age.{label}"] for label, _, _ in AGE_BANDS},
        "by_region": dict(sorted(by_region.items())),
        "by_receiving_country": dict(sorted(by_country.items())),
    }


def children_behind(
    user: User, start: date, end: date, figure: str, region: str | None = None
) -> QuerySet[Adoption] | None:
    """The adoptions counted in one figure of the adoptions report (None: no such figure)."""
    qs = adoptions_in_period(user, start, end, region)
    params: tuple = ()
    if figure in FIGURES:
        condition = FIGURES[figure]
    elif figure.startswith("by_region."):
        condition, params = "region = %s", (figure.removeprefix("by_region."),)
    elif figure.startswith("by_receiving_country."):
        condition, params = "abroad AND country = %s", (figure.removeprefix("by_receiving_country."),)
    elif figure == "foreign.cases_with_two_or_more_children":
        condition = f"case_id IN ({SIBLING_CASES})"
    else:
        return None
    sql, facts_params = _facts(qs)
    return qs.filter(
        pk__in=RawSQL(f"WITH facts AS ({sql}) SELECT id FROM facts WHERE {condition}", facts_params + params)
    )


def consular_registrations_report(user: User, as_of: date, region: str | None = None) -> dict:
    """Children on a consular register on `as_of` (registered on or before it, not transferred
    away by then), by the post's country."""
    qs = (
        counted(ConsularRegistration.objects.all(), user, region)
        .filter(registered_on__lte=as_of)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=as_of))
    )
    by_country = dict(
        qs.values_list("post__country").annotate(n=Count("child", distinct=True)).order_by("post__country")
    )
    return {"as_of": as_of, "region": region, "total": sum(by_country.values()), "by_country": by_country}


def unregistered_adoptions(user: User, as_of: date, region: str | None = None) -> QuerySet[Adoption]:
    """The adoptions of the unregistered-children safeguard (`consular.deadlines.unregistered`) the
    caller counts."""
    return unregistered(counted(Adoption.objects.all(), user, region), as_of)


def unregistered_children(user: User, as_of: date, region: str | None = None) -> list[dict]:
    """The rows of the unregistered-children report, oldest first, in one query of plain values:
    each adoption joined with its case's adopters (a row per adopter, in the order of their
    records), grouped here. The list can be long: no second query naming thousands of cases."""
    adopter = "decision__case__applicant_links__applicant__"
    rows = (
        unregistered_adoptions(user, as_of, region)
        .order_by("decision__in_force_on", "child_id", f"{adopter}id")
        .values_list(
            "child_id",
            "child__last_name",
            "child__first_name",
            "child__sealed_on",
            "child__birth_date",
            "child__district_id",
            "child__district__region_id",
            "decision__case_id",
            "decision__case__receiving_country",
            "decision__in_force_on",
            f"{adopter}last_name",
            f"{adopter}first_name",
            f"{adopter}citizenship",
            f"{adopter}residence_country",
        )
    )
    report = []
    fetched = list(rows)  # whole: a server-side cursor is never run in parallel
    for head, joined in itertools.groupby(fetched, key=lambda row: row[:10]):
        child_id, last, first, sealed_on, born, district, region_id, case_id, country, in_force_on = head
        report.append(
            {
                "child": child_id,
                **sealing.disclose_row(child_id, sealed_on, {"last_name": last, "first_name": first}),
                "birth_date": born,
                "district": district,
                "region": region_id,
                "case": case_id,
                "country": country,
                "in_force_on": in_force_on,
                "days_elapsed": (as_of - in_force_on).days,
                "adopters": [
                    f"{a_last} {a_first} ({citizenship}, lives in {residence})".strip()
                    for *_, a_last, a_first, citizenship, residence in joined
                    if a_last is not None  # a case with no adopter recorded: none listed
                ],
            }
        )
    return report


def registers_report(user: User, as_of: date, region: str | None = None) -> dict:
    """Children whose latest register entry on or before as_of is at each level, by region."""
    if as_of >= today():
        rows = current_levels(counted(Child.objects.all(), user, region, district="district"))
    else:
        rows = levels_on(counted(RegisterEntry.objects.all(), user, region), as_of)
    by_region: dict[str, dict[str, int]] = {}
    totals = dict.fromkeys(Level.values, 0)
    for region_code, level, n in rows:
        by_region.setdefault(region_code, dict.fromkeys(Level.values, 0))[level] = n
        totals[level] += n
    return {"as_of": as_of, "region": region, "total": totals, "by_region": dict(sorted(by_region.items()))}


def levels_on(entries: QuerySet[RegisterEntry], as_of: date):
    """(region, level, n) from the register history: each child's latest entry on or before
    as_of is the one in force that day (on <= as_of < ended_on)."""
    return placing_on(entries, as_of).values_list("child__district__region", "level").annotate(n=Count("*"))


def current_levels(children: QuerySet[Child]):
    """The same from each child's current state, for today or later: no entry is dated in the
    future, so the latest entry is the one the state was derived from (kept equal to the
    history by the services; `check_consistency` verifies it)."""
    return (
        children.filter(register_level__isnull=False)
        .exclude(status=ChildStatus.DEREGISTERED)  # an index-only scan
        .values_list("district__region", "register_level")
        .annotate(n=Count("*"))
    )


def intercountry_table(user: User, year: int, region: str | None = None) -> dict:
    """HCCH-style annual table: children sent abroad (foreign adoptions in force in `year`),
    by receiving country, sex and age band (under 1, 1-4, 5-9, 10 and over)."""
    qs = adoptions_in_period(user, date(year, 1, 1), date(year, 12, 31), region).filter(abroad=True)
    band = Case(
        When(age__lt=1, then=Value("under_1")),
        When(age__lte=4, then=Value("1-4")),
        When(age__lte=9, then=Value("5-9")),
        default=Value("10+"),
    )
    rows = (
        qs.annotate(band=band)
        .values_list("decision__case__receiving_country", "child__sex", "band")
        .annotate(n=Count("id"))
    )
    table: dict[str, dict] = {}
    for country, sex, band_label, n in rows:
        entry = table.setdefault(country, {"total": 0, "M": 0, "F": 0, "under_1": 0, "1-4": 0, "5-9": 0, "10+": 0})
        entry["total"] += n
        entry[sex] += n
        entry[band_label] += n
    return {
        "year": year,
        "region": region,
        "total": sum(e["total"] for e in table.values()),
        "by_receiving_country": dict(sorted(table.items())),
    }


# --- safeguards (RULES v2 §7b, §11.18) ----------------------------------------------------------


def safeguard_flags(user: User, start: date, end: date, region: str | None = None) -> list:
    """The red flags of the cases the caller may count whose evidence is dated in [start, end]
    (AGENCY_CONCENTRATION over the 12 months ending on `end`). A fixed number of queries."""
    cases = may_flag_between(counted(AdoptionCase.objects.all(), user, region, district="district"), start, end)
    return [flag for flag in flags_of_cases(cases, end) if start <= flag.on <= end]


def safeguards_report(user: User, start: date, end: date, region: str | None = None) -> dict:
    found = safeguard_flags(user, start, end, region)
    by_agency = Counter(str(f.agency) for f in found if f.agency is not None)
    return {
        "from": start,
        "to": end,
        "region": region,
        "total_flags": len(found),
        "total_cases": len({f.case for f in found}),
        "by_flag": {flag: sum(1 for f in found if f.flag == flag) for flag in FLAGS},
        "by_agency": dict(sorted(by_agency.items())),
        "by_receiving_country": dict(
            sorted(Counter(f.receiving_country for f in found if f.receiving_country).items())
        ),
        "by_region": dict(sorted(Counter(f.region for f in found).items())),
    }
