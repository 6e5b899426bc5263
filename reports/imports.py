"""`import_adoptions`: the years of adoptions kept in spreadsheets (REPORTS.md "Bulk import").

One row per child; rows sharing `case_ref` are one case. The whole file is validated first
(errors by line and column, nothing written); a valid file is written in one transaction
through the services of registry, adoption and consular. A case_ref already stored is
skipped, so importing a file twice changes nothing. Historical rows are facts: a row is not
refused because the live workflow would have required a step it lacks; such rows are flagged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.utils.translation import gettext as _

from adoption import rules as adoption_rules
from adoption import services as adoption_services
from adoption.models import Adoption, Applicant, Case, CaseApplicant, CaseChild, CaseStatus, Decision, MaritalStatus
from consular import services as consular_services
from consular.deadlines import settle_follow_up
from consular.models import ConsularRegistration, Departure
from core import copying
from core.audit import Verb
from core.countries import KZ, is_country
from core.dates import is_minor, today
from core.models import ConsularPost, District
from core.tabular import CellError, fits, parse_choice, parse_date, read_rows, require
from registry import services as registry_services
from registry.imports import ImportResult, flag_duplicates, one_at_a_time
from registry.models import Child, ChildStatus, DeregistrationReason, RegisterEntry, Sex
from registry.rules import name_key
from registry.services import Stored

COLUMNS = [
    "case_ref",
    "child_external_id",
    "child_last_name",
    "child_first_name",
    "child_sex",
    "child_birth_date",
    "district",
    "relative",
    "applicant1_sex",
    "applicant1_citizenship",
    "applicant1_residence_country",
    "applicant1_marital_status",
    "applicant2_sex",
    "applicant2_citizenship",
    "applicant2_residence_country",
    "applicant2_marital_status",
    "decided_on",
    "in_force_on",
    "departed_on",
    "residence_country",
    "consular_post_country",
    "consular_registered_on",
    "consular_number",
]
CASE_COLUMNS = [
    "district",
    "relative",
    "decided_on",
    "in_force_on",
    *[f"applicant{n}_{f}" for n in (1, 2) for f in ("sex", "citizenship", "residence_country", "marital_status")],
]


@dataclass
class ChildRow:
    line: int
    existing_child: Child | None
    child: dict
    departed_on: date | None
    residence_country: str
    consular_country: str
    consular_registered_on: date | None
    consular_number: str


@dataclass
class CaseGroup:
    case_ref: str
    line: int
    district: str
    relative: bool
    applicants: list[dict]
    decided_on: date
    in_force_on: date
    rows: list[ChildRow] = field(default_factory=list)


def _country(text: str, line: int, column: str, errors: list[CellError], *, required: bool) -> str:
    if not text:
        if required:
            errors.append(CellError(line, column, "required", _("A value is required.")))
        return ""
    if not is_country(text):
        errors.append(
            CellError(
                line, column, "invalid_country", _("%(code)s is not an ISO 3166 alpha-2 country code.") % {"code": text}
            )
        )
    return text


SEXES, MARITAL_STATUSES = Sex.values, MaritalStatus.values
# the columns stored as they are, each in its field (core.tabular.fits: no longer than it)
STORED_IN = {
    "case_ref": Case._meta.get_field("case_ref"),
    "child_last_name": Child._meta.get_field("last_name"),
    "child_first_name": Child._meta.get_field("first_name"),
    "consular_number": ConsularRegistration._meta.get_field("number"),
}


def _applicant(raw: dict, n: int, line: int, errors: list[CellError]) -> dict | None:
    prefix = f"applicant{n}_"
    if n == 2 and not any(raw[prefix + f] for f in ("sex", "citizenship", "residence_country", "marital_status")):
        return None  # applicant2_* empty: a single applicant
    return {
        "sex": parse_choice(raw[prefix + "sex"], SEXES, line, prefix + "sex", errors),
        "citizenship": _country(raw[prefix + "citizenship"], line, prefix + "citizenship", errors, required=True),
        "residence_country": _country(
            raw[prefix + "residence_country"], line, prefix + "residence_country", errors, required=True
        ),
        "marital_status": parse_choice(
            raw[prefix + "marital_status"], MARITAL_STATUSES, line, prefix + "marital_status", errors
        ),
    }


def validate(path: str | Path) -> tuple[list[CaseGroup], list[CellError]]:
    rows = read_rows(path, COLUMNS)
    districts = set(District.objects.values_list("code", flat=True))
    embassies = set(ConsularPost.objects.filter(kind=ConsularPost.Kind.EMBASSY).values_list("country", flat=True))
    named = {r["child_external_id"] for _, r in rows if r["child_external_id"]}
    children = {c.external_id: c for c in Child.objects.filter(external_id__in_array=named).select_related("district")}
    # what is stored already, by the case it belongs to: a row of that very case is skipped, not refused
    adopted = dict(
        Adoption.objects.filter(child__in=children.values()).values_list(
            "child__external_id", "decision__case__case_ref"
        )
    )
    numbers_taken = {
        (country, number): case_ref
        for country, number, case_ref in ConsularRegistration.objects.filter(
            post__kind=ConsularPost.Kind.EMBASSY, number__in_array={r["consular_number"] for _, r in rows}
        ).values_list("post__country", "number", "child__adoption__decision__case__case_ref")
    }
    now = today()
    number_seen: dict[tuple[str, str], int] = {}
    groups: dict[str, CaseGroup] = {}
    first_seen: dict[str, dict] = {}
    child_seen: dict[str, int] = {}
    errors: list[CellError] = []
    for line, raw in rows:
        e: list[CellError] = []
        case_ref = require(raw["case_ref"], line, "case_ref", e)
        fits(raw, STORED_IN, line, e)
        # columns describing the case must agree on every row of the case
        if case_ref in first_seen:
            for column in CASE_COLUMNS:
                if raw[column] != first_seen[case_ref][column]:
                    e.append(CellError(line, column, "differs_within_case", _("Differs from the case's first row.")))
        else:
            first_seen[case_ref] = raw
        external_id = raw["child_external_id"]
        existing = None
        if external_id:
            existing = children.get(external_id)
            if existing is None:
                e.append(
                    CellError(
                        line,
                        "child_external_id",
                        "unknown_child",
                        _("No child with this external number; leave it empty to create the child."),
                    )
                )
            elif adopted.get(external_id, case_ref) != case_ref:
                e.append(
                    CellError(line, "child_external_id", "already_adopted", _("This child already has an adoption."))
                )
            if external_id in child_seen:
                e.append(
                    CellError(
                        line,
                        "child_external_id",
                        "duplicate_in_file",
                        _("Also on line %(line)s.") % {"line": child_seen[external_id]},
                    )
                )
            child_seen.setdefault(external_id, line)
        child: dict[str, object] = {}
        birth = existing.birth_date if existing else parse_date(raw["child_birth_date"], line, "child_birth_date", e)
        if existing is None:
            child = {
                "last_name": require(raw["child_last_name"], line, "child_last_name", e),
                "first_name": require(raw["child_first_name"], line, "child_first_name", e),
                "sex": parse_choice(raw["child_sex"], SEXES, line, "child_sex", e),
                "birth_date": birth,
            }
        if raw["district"] not in districts:
            e.append(
                CellError(
                    line,
                    "district",
                    "unknown_district",
                    _("No district with code %(code)s.") % {"code": raw["district"]},
                )
            )
        elif existing and existing.district.code != raw["district"]:  # a case's children are in its district
            e.append(
                CellError(
                    line,
                    "district",
                    "not_the_childs_district",
                    _("This child is on the register of district %(code)s.") % {"code": existing.district.code},
                )
            )
        relative = parse_choice(raw["relative"], ["yes", "no"], line, "relative", e)
        applicants = [a for a in (_applicant(raw, 1, line, e), _applicant(raw, 2, line, e)) if a is not None]
        decided_on = parse_date(raw["decided_on"], line, "decided_on", e)
        in_force_on = parse_date(raw["in_force_on"], line, "in_force_on", e)
        departed_on = parse_date(raw["departed_on"], line, "departed_on", e, required=False)
        registered_on = parse_date(raw["consular_registered_on"], line, "consular_registered_on", e, required=False)
        residence = _country(raw["residence_country"], line, "residence_country", e, required=bool(departed_on))
        consular_country = _country(
            raw["consular_post_country"], line, "consular_post_country", e, required=bool(registered_on)
        )
        if consular_country and consular_country not in embassies:
            e.append(
                CellError(
                    line,
                    "consular_post_country",
                    "no_embassy",
                    _("No embassy of Kazakhstan in %(country)s is on record.") % {"country": consular_country},
                )
            )
        if registered_on and not raw["consular_number"]:
            e.append(CellError(line, "consular_number", "required", _("A consular registration needs its number.")))
        elif registered_on and consular_country:
            number = (consular_country, raw["consular_number"])
            if numbers_taken.get(number, case_ref) != case_ref:
                e.append(
                    CellError(
                        line, "consular_number", "number_taken", _("This post already used this registration number.")
                    )
                )
            elif number in number_seen:
                e.append(
                    CellError(
                        line,
                        "consular_number",
                        "duplicate_in_file",
                        _("Also on line %(line)s.") % {"line": number_seen[number]},
                    )
                )
            number_seen.setdefault(number, line)
        for column, value in (
            ("decided_on", decided_on),
            ("in_force_on", in_force_on),
            ("departed_on", departed_on),
            ("consular_registered_on", registered_on),
        ):
            if value and value > now:
                e.append(
                    CellError(line, column, "future_date", _("A historical record cannot be dated in the future."))
                )
        if decided_on and in_force_on and in_force_on < decided_on:
            e.append(
                CellError(
                    line, "in_force_on", "before_decision", _("A decision cannot enter into force before it was made.")
                )
            )
        if birth and decided_on:
            if birth > decided_on:
                e.append(
                    CellError(
                        line, "child_birth_date", "born_after_decision", _("The child was born after the decision.")
                    )
                )
            elif not is_minor(birth, decided_on):
                e.append(
                    CellError(
                        line, "child_birth_date", "not_a_minor", _("The child was 18 or older when the court decided.")
                    )
                )
        for column, value in (("departed_on", departed_on), ("consular_registered_on", registered_on)):
            if value and in_force_on and value < in_force_on:
                e.append(
                    CellError(
                        line, column, "before_in_force", _("This date is before the adoption entered into force.")
                    )
                )
        errors.extend(e)
        if e:
            continue
        assert decided_on and in_force_on  # required: missing, they are errors above
        group = groups.setdefault(
            case_ref, CaseGroup(case_ref, line, raw["district"], relative == "yes", applicants, decided_on, in_force_on)
        )
        group.rows.append(
            ChildRow(
                line, existing, child, departed_on, residence, consular_country, registered_on, raw["consular_number"]
            )
        )
    if errors:
        return [], errors
    return list(groups.values()), []


def flags_of(group: CaseGroup, row: ChildRow, texts: dict[str, str]) -> list[str]:
    """What the live workflow would have demanded and the record lacks (imported, but flagged);
    `texts`: `flag_texts()`."""
    abroad = any(a["residence_country"] != KZ for a in group.applicants)
    flags = []  # (the file has no exit-permission columns: their absence is not flagged)
    if row.departed_on and not row.consular_registered_on:
        flags.append("departed_unregistered")
    elif row.departed_on and row.consular_registered_on and row.consular_registered_on > row.departed_on:
        flags.append("registered_after_departure")
    if abroad and not row.consular_registered_on:
        flags.append("abroad_unregistered")
    if row.departed_on and not abroad and row.residence_country and row.residence_country != KZ:
        flags.append("departed_living_in_kz")
    return [texts["line"] % {"line": row.line, "case": group.case_ref, "flag": texts[flag]} for flag in flags]


def flag_texts() -> dict[str, str]:
    """The flags' texts in the reader's language, translated once per import, not once per row."""
    return {
        "line": _("line %(line)s (%(case)s): %(flag)s"),
        "departed_unregistered": _("departed with no consular registration"),
        "registered_after_departure": _("consular registration after departure"),
        "abroad_unregistered": _("foreign adoption with no consular registration"),
        "departed_living_in_kz": _("departure abroad although the applicants live in Kazakhstan"),
    }


@one_at_a_time
def import_adoptions(
    path: str | Path, *, dry_run: bool = False, progress: Callable[[int, int], None] | None = None
) -> ImportResult:
    groups, errors = validate(path)
    result = ImportResult(rows=sum(len(g.rows) for g in groups), errors=errors, dry_run=dry_run)
    if errors or dry_run:
        return result
    existing = set(
        Case.objects.filter(case_ref__in_array=[g.case_ref for g in groups]).values_list("case_ref", flat=True)
    )
    districts = {d.code: d for d in District.objects.all()}
    embassies = {p.country: p for p in ConsularPost.objects.filter(kind=ConsularPost.Kind.EMBASSY)}
    new = [g for g in groups if g.case_ref not in existing]
    result.skipped = result.rows - sum(len(g.rows) for g in new)
    # On PostgreSQL, the cases of children new to the service are written set by set; a case naming
    # a child already stored goes through the services (it ends the child's register entries, closes
    # its other cases and reminders), as everything does on the embedded SQLite.
    set_based = copying.available()
    by_sets = [g for g in new if set_based and all(r.existing_child is None for r in g.rows)]
    one_by_one = [g for g in new if not (set_based and all(r.existing_child is None for r in g.rows))]
    done, texts = result.skipped, flag_texts()
    copying.begin_bulk()
    created: list[tuple[Stored, int]] = []
    for batch in _batches(by_sets):
        created += _write_set_based(batch, embassies)
        done += _created(batch, result, texts)
        if progress:
            progress(done, result.rows)
    _flag_duplicates(created)
    for group in one_by_one:
        _write_case(group, districts[group.district], embassies)
        done += _created([group], result, texts)
        if progress:
            progress(done, result.rows)
    if new:  # as the hourly task would: the history's settled follow-ups leave the queues' reads
        if result.created >= ANALYZE_AFTER:  # a history, not a few cases: the planner must see it
            copying.analyze(Decision, Case, Adoption, Child, Departure, ConsularRegistration)
        settle_follow_up()
    if progress and not new:
        progress(result.rows, result.rows)
    return result


def _created(groups: list[CaseGroup], result: ImportResult, texts: dict[str, str]) -> int:
    rows = sum(len(g.rows) for g in groups)
    result.created += rows
    result.flagged.extend(flag for g in groups for row in g.rows for flag in flags_of(g, row, texts))
    return rows


ANALYZE_AFTER = 1_000  # rows: fresh statistics after an import this large (2 s at 1,000,000 children)
SET_BATCH = 2_000  # rows per set-based write: a few statements per table each, progress between


def _batches(groups: list[CaseGroup]) -> list[list[CaseGroup]]:
    """Whole cases, about SET_BATCH rows a batch."""
    batches: list[list[CaseGroup]] = []
    size = SET_BATCH
    for group in groups:
        if size + len(group.rows) > SET_BATCH:
            batches.append([])
            size = 0
        batches[-1].append(group)
        size += len(group.rows)
    return batches


def _write_case(group: CaseGroup, district: District, embassies: dict) -> None:
    """One case through the services, as a clerk would record it (the embedded SQLite; a case
    naming a child already stored)."""
    children = []
    for row in group.rows:
        if row.existing_child is not None:
            children.append(row.existing_child)
        else:
            # Historical records do not say when the child was identified: the decision is the earliest date we know.
            child, _warnings = registry_services.create_child(
                actor=None, district=district, identified_on=group.decided_on, **row.child
            )
            children.append(child)
    applicants = [
        adoption_services.create_applicant(actor=None, district=district, last_name="", first_name="", **a)
        for a in group.applicants
    ]
    case = adoption_services.open_case(
        actor=None,
        children=children,
        applicants=applicants,
        opened_on=group.decided_on,
        relative_of=children if group.relative else [],
        case_ref=group.case_ref,
        historical=True,
    )
    adoption_services.record_historical_adoption(
        actor=None, case=case, decided_on=group.decided_on, in_force_on=group.in_force_on
    )
    for row, child in zip(group.rows, children, strict=True):
        if row.consular_registered_on:
            consular_services.register_child(
                actor=None,
                child=child,
                post=embassies[row.consular_country],
                number=row.consular_number,
                registered_on=row.consular_registered_on,
                historical=True,
            )
        if row.departed_on:
            consular_services.record_departure(
                actor=None,
                case=case,
                child=child,
                exit_permission_number="",
                exit_permission_on=None,
                departed_on=row.departed_on,
                residence_country=row.residence_country,
                historical=True,
            )


STAGE_ROW = [
    ("child_id", "bigint"),
    ("case_id", "bigint"),
    ("last_name", "text"),
    ("first_name", "text"),
    ("sex", "text"),
    ("birth_date", "date"),
    ("district_id", "text"),
    ("search_name", "text"),
    ("is_relative", "boolean"),
    ("decided_on", "date"),
    ("in_force_on", "date"),
    ("post_id", "bigint"),
    ("number", "text"),
    ("registered_on", "date"),
    ("departed_on", "date"),
    ("residence_country", "text"),
]
STAGE_CASE = [
    ("case_id", "bigint"),
    ("decision_id", "bigint"),
    ("case_ref", "text"),
    ("district_id", "text"),
    ("category", "text"),
    ("receiving_country", "text"),
    ("decided_on", "date"),
    ("in_force_on", "date"),
]
STAGE_APPLICANT = [
    ("applicant_id", "bigint"),
    ("case_id", "bigint"),
    ("district_id", "text"),
    ("sex", "text"),
    ("citizenship", "text"),
    ("residence_country", "text"),
    ("marital_status", "text"),
]


def _flag_duplicates(children: list[tuple[Stored, int]]) -> None:
    """The duplicate search of the children the file's cases created set by set, as `_write_case`
    gives it one case at a time: each child against the unsealed children stored before the file
    and its own case's children before it (the earlier cases' are sealed by then)."""
    case_of = {stored.pk: case_id for stored, case_id in children}
    new = [stored for stored, _case_id in children]
    flag_duplicates(new, lambda child, other: case_of.get(other, case_of[child]) == case_of[child], among=new)


def _write_set_based(groups: list[CaseGroup], embassies: dict) -> list[tuple[Stored, int]]:
    """PostgreSQL: what `_write_case` writes for these groups (children new to the service), table
    by table: the rows are staged with their ids (COPY) and each table is one INSERT ... SELECT or
    UPDATE, with the same audit events as the services (tests/reports/test_import_adoptions.py
    compares the two ways row by row); the children created, with their cases, for the duplicate search."""
    rows = [(group, row) for group in groups for row in group.rows]
    child_ids = copying.new_ids(Child, len(rows))
    case_ids = copying.new_ids(Case, len(groups))
    decision_ids = copying.new_ids(Decision, len(groups))
    applicant_ids = iter(copying.new_ids(Applicant, sum(len(g.applicants) for g in groups)))
    case_of = {group.case_ref: pk for group, pk in zip(groups, case_ids, strict=True)}
    stage_rows, stage_cases, stage_applicants = [], [], []
    for (group, row), child_id in zip(rows, child_ids, strict=True):
        c = row.child
        post = embassies[row.consular_country].pk if row.consular_registered_on else None
        stage_rows.append(
            (
                child_id,
                case_of[group.case_ref],
                c["last_name"].strip(),
                c["first_name"].strip(),
                c["sex"],
                c["birth_date"],
                group.district,
                name_key(c["last_name"], c["first_name"], ""),
                group.relative,
                group.decided_on,
                group.in_force_on,
                post,
                row.consular_number if post else None,
                row.consular_registered_on,
                row.departed_on,
                row.residence_country,
            )
        )
    for group, case_id, decision_id in zip(groups, case_ids, decision_ids, strict=True):
        facts = [
            adoption_rules.ApplicantFacts(0, a["sex"], None, a["citizenship"], a["residence_country"])
            for a in group.applicants
        ]
        stage_cases.append(
            (
                case_id,
                decision_id,
                group.case_ref,
                group.district,
                adoption_rules.derive_category(facts, relative=group.relative),
                adoption_rules.receiving_country(facts),
                group.decided_on,
                group.in_force_on,
            )
        )
        for a in group.applicants:
            stage_applicants.append(
                (
                    next(applicant_ids),
                    case_id,
                    group.district,
                    a["sex"],
                    a["citizenship"],
                    a["residence_country"],
                    a["marital_status"],
                )
            )
    copying.copy_into_temp("import_row", STAGE_ROW, stage_rows)
    copying.copy_into_temp("import_case", STAGE_CASE, stage_cases)
    copying.copy_into_temp("import_applicant", STAGE_APPLICANT, stage_applicants)

    # create_child (identified on the decision's date: see _write_case); its duplicate search follows
    # for the whole file (`_flag_duplicates`). Each child is written once, as its adoption leaves it
    # (sealed, off the registers); its events show the states the services pass it through (CHILD_*).
    copying.insert_select(
        Child,
        {
            "id": "s.child_id",
            **{name: f"s.{name}" for name in ("last_name", "first_name", "sex", "birth_date", "district_id")},
            "identified_on": "s.decided_on",
            "citizenship": ("%s", [KZ]),
            "sealed_on": "s.in_force_on",  # seal_identity
            "search_name": "''",
            "status": ("%s", [ChildStatus.DEREGISTERED]),  # deregister
            "deregistered_on": "s.in_force_on",
            "deregistration_reason": ("%s", [DeregistrationReason.ADOPTED]),
        },
        "FROM import_row s ORDER BY s.child_id",
    )
    copying.audit_created(Child, child_ids, Verb.CREATE_CHILD, after=CHILD_CREATED, join=BY_ROW)
    # create_applicant
    copying.insert_select(
        Applicant,
        {
            "id": "a.applicant_id",
            **{
                name: f"a.{name}"
                for name in ("district_id", "sex", "citizenship", "residence_country", "marital_status")
            },
        },
        "FROM import_applicant a ORDER BY a.applicant_id",
    )
    copying.audit_created(Applicant, [a[0] for a in stage_applicants], Verb.CREATE_APPLICANT)
    # open_case: the case, its children and applicants
    copying.insert_select(
        Case,
        {
            "id": "k.case_id",
            "case_ref": "k.case_ref",
            "district_id": "k.district_id",
            "opened_on": "k.decided_on",
            "category": "k.category",
            "receiving_country": "k.receiving_country",
            "historical": "true",
            "status": ("%s", [CaseStatus.IN_FORCE]),  # set_in_force, below
            "version": "2",  # opened at 1, and set in force
        },
        "FROM import_case k ORDER BY k.case_id",
    )
    copying.insert_select(
        CaseChild,
        {"case_id": "s.case_id", "child_id": "s.child_id", "is_relative": "s.is_relative"},
        "FROM import_row s ORDER BY s.child_id",
        returning="1",
    )
    copying.insert_select(
        CaseApplicant,
        {"case_id": "a.case_id", "applicant_id": "a.applicant_id"},
        "FROM import_applicant a ORDER BY a.applicant_id",
        returning="1",
    )
    copying.audit_created(Case, case_ids, Verb.OPEN_CASE, after=OPEN_CASE_AFTER)
    # record_historical_adoption: the granted decision in force, an adoption per child
    copying.insert_select(
        Decision,
        {
            "id": "k.decision_id",
            "case_id": "k.case_id",
            "district_id": "k.district_id",
            "outcome": ("%s", [Decision.Outcome.GRANTED]),
            "decided_on": "k.decided_on",
            "in_force_on": "k.in_force_on",
        },
        "FROM import_case k ORDER BY k.decision_id",
    )
    copying.insert_select(
        Adoption,
        {"child_id": "s.child_id", "decision_id": "k.decision_id"},
        "FROM import_row s JOIN import_case k ON k.case_id = s.case_id ORDER BY s.child_id",
        returning="1",
    )
    copying.audit_created(
        Decision, decision_ids, Verb.RECORD_HISTORICAL_ADOPTION, subject=("adoption.case", "r.case_id")
    )
    # the adoption takes effect: the case in force, each child's identity sealed, the child off the registers
    copying.audit_passed(Case, case_ids, Verb.SET_IN_FORCE, before=CASE_OPENED)
    copying.audit_passed(Child, child_ids, Verb.SEAL_IDENTITY, before=CHILD_CREATED, after=CHILD_SEALED, join=BY_ROW)
    entries = copying.insert_select(
        RegisterEntry,
        {
            "child_id": "s.child_id",
            "level": ("%s", [RegisterEntry.DEREGISTERED]),
            "on": "s.in_force_on",
            "reason": ("%s", [DeregistrationReason.ADOPTED]),
        },
        "FROM import_row s ORDER BY s.child_id",
    )
    copying.audit_created(
        RegisterEntry, [pk for (pk,) in entries], Verb.DEREGISTER, subject=("registry.child", "r.child_id")
    )
    copying.audit_passed(Child, child_ids, Verb.DEREGISTER, before=CHILD_SEALED)
    # register_child (historical) and record_departure (historical)
    registrations = copying.insert_select(
        ConsularRegistration,
        {
            "child_id": "s.child_id",
            "post_id": "s.post_id",
            "number": "s.number",
            "registered_on": "s.registered_on",
            "historical": "true",
        },
        "FROM import_row s WHERE s.registered_on IS NOT NULL ORDER BY s.child_id",
    )
    copying.audit_created(
        ConsularRegistration,
        [pk for (pk,) in registrations],
        Verb.REGISTER_CHILD_AT_CONSULATE,
        subject=("registry.child", "r.child_id"),
    )
    departures = copying.insert_select(
        Departure,
        {
            "case_id": "s.case_id",
            "child_id": "s.child_id",
            "departed_on": "s.departed_on",
            "residence_country": "s.residence_country",
            "historical": "true",
        },
        "FROM import_row s WHERE s.departed_on IS NOT NULL ORDER BY s.child_id",
    )
    copying.audit_created(
        Departure, [pk for (pk,) in departures], Verb.RECORD_DEPARTURE, subject=("registry.child", "r.child_id")
    )
    return [(Stored(s[0], s[4], s[5], s[7], "", s[6]), s[1]) for s in stage_rows]


# The states an imported child passes through in the services, over its stored row `r` (written as
# the last step leaves it) and its staged row `s` (BY_ROW): created (on no register, its name
# searchable), then sealed (seal_identity), then off the registers (deregister: the stored row).
# Each is one `||` of the stored row (each costs as much as the row's to_jsonb).
BY_ROW = "JOIN import_row s ON s.child_id = r.id"
_ON_REGISTERS = "'status', %s::text, 'deregistered_on', NULL, 'deregistration_reason', ''"
CHILD_SEALED = (f"to_jsonb(r) || jsonb_build_object({_ON_REGISTERS})", [ChildStatus.REGISTERED])
CHILD_CREATED = (
    f"to_jsonb(r) || jsonb_build_object({_ON_REGISTERS}, 'sealed_on', NULL, 'search_name', s.search_name)",
    [ChildStatus.REGISTERED],
)
# and an imported case: opened, then in force (set_in_force: the stored row)
_OPEN = "'status', %s::text, 'version', r.version - 1"
CASE_OPENED = (f"to_jsonb(r) || jsonb_build_object({_OPEN})", [CaseStatus.OPEN])
# open_case's event names the case's children, applicants and the children the applicants are related to
OPEN_CASE_AFTER = (
    f"""to_jsonb(r) || jsonb_build_object({_OPEN},
    'children', (SELECT jsonb_agg(l.child_id ORDER BY l.child_id) FROM adoption_casechild l WHERE l.case_id = r.id),
    'applicants',
    (SELECT jsonb_agg(l.applicant_id ORDER BY l.applicant_id) FROM adoption_caseapplicant l WHERE l.case_id = r.id),
    'relative_of', COALESCE(
        (SELECT jsonb_agg(l.child_id ORDER BY l.child_id) FROM adoption_casechild l WHERE l.case_id = r.id AND l.is_relative),
        '[]'::jsonb
    )
)""",
    [CaseStatus.OPEN],
)
