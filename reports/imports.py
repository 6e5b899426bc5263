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

from django.db import transaction
from django.utils.translation import gettext as _

from adoption import services as adoption_services
from adoption.models import Adoption, Case, MaritalStatus
from consular import services as consular_services
from core.countries import KZ, is_country
from core.dates import is_minor, today
from core.models import ConsularPost, District
from core.tabular import CellError, parse_choice, parse_date, read_rows, require
from registry import services as registry_services
from registry.imports import ImportResult
from registry.models import Child, Sex

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


def _applicant(raw: dict, n: int, line: int, errors: list[CellError]) -> dict | None:
    prefix = f"applicant{n}_"
    if n == 2 and not any(raw[prefix + f] for f in ("sex", "citizenship", "residence_country", "marital_status")):
        return None  # applicant2_* empty: a single applicant
    return {
        "sex": parse_choice(raw[prefix + "sex"], Sex.values, line, prefix + "sex", errors),
        "citizenship": _country(raw[prefix + "citizenship"], line, prefix + "citizenship", errors, required=True),
        "residence_country": _country(
            raw[prefix + "residence_country"], line, prefix + "residence_country", errors, required=True
        ),
        "marital_status": parse_choice(
            raw[prefix + "marital_status"], MaritalStatus.values, line, prefix + "marital_status", errors
        ),
    }


def validate(path: str | Path) -> tuple[list[CaseGroup], list[CellError]]:
    rows = read_rows(path, COLUMNS)
    districts = set(District.objects.values_list("code", flat=True))
    embassies = set(ConsularPost.objects.filter(kind=ConsularPost.Kind.EMBASSY).values_list("country", flat=True))
    named = {r["child_external_id"] for _, r in rows if r["child_external_id"]}
    children = {c.external_id: c for c in Child.objects.filter(external_id__in=named)}
    adopted = set(Adoption.objects.filter(child__in=children.values()).values_list("child__external_id", flat=True))
    groups: dict[str, CaseGroup] = {}
    first_seen: dict[str, dict] = {}
    child_seen: dict[str, int] = {}
    errors: list[CellError] = []
    for line, raw in rows:
        e: list[CellError] = []
        case_ref = require(raw["case_ref"], line, "case_ref", e)
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
            elif external_id in adopted:
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
        child = {}
        if existing is None:
            child = {
                "last_name": require(raw["child_last_name"], line, "child_last_name", e),
                "first_name": require(raw["child_first_name"], line, "child_first_name", e),
                "sex": parse_choice(raw["child_sex"], Sex.values, line, "child_sex", e),
                "birth_date": parse_date(raw["child_birth_date"], line, "child_birth_date", e),
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
        for column, value in (
            ("decided_on", decided_on),
            ("in_force_on", in_force_on),
            ("departed_on", departed_on),
            ("consular_registered_on", registered_on),
        ):
            if value and value > today():
                e.append(
                    CellError(line, column, "future_date", _("A historical record cannot be dated in the future."))
                )
        if decided_on and in_force_on and in_force_on < decided_on:
            e.append(
                CellError(
                    line, "in_force_on", "before_decision", _("A decision cannot enter into force before it was made.")
                )
            )
        birth = existing.birth_date if existing else child.get("birth_date")
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


def flags_of(group: CaseGroup, row: ChildRow) -> list[str]:
    """What the live workflow would have demanded and the record lacks (imported, but flagged)."""
    abroad = any(a["residence_country"] != KZ for a in group.applicants)
    flags = []  # (the file has no exit-permission columns: their absence is not flagged)
    if row.departed_on and not row.consular_registered_on:
        flags.append("departed with no consular registration")
    elif row.departed_on and row.consular_registered_on and row.consular_registered_on > row.departed_on:
        flags.append("consular registration after departure")
    if abroad and not row.consular_registered_on:
        flags.append("foreign adoption with no consular registration")
    if row.departed_on and not abroad and row.residence_country and row.residence_country != KZ:
        flags.append("departure abroad although the applicants live in Kazakhstan")
    return [f"line {row.line} ({group.case_ref}): {flag}" for flag in flags]


def import_adoptions(
    path: str | Path, *, dry_run: bool = False, progress: Callable[[int, int], None] | None = None
) -> ImportResult:
    groups, errors = validate(path)
    result = ImportResult(rows=sum(len(g.rows) for g in groups), errors=errors, dry_run=dry_run)
    if errors or dry_run:
        return result
    existing = set(Case.objects.filter(case_ref__in=[g.case_ref for g in groups]).values_list("case_ref", flat=True))
    districts = {d.code: d for d in District.objects.all()}
    embassies = {p.country: p for p in ConsularPost.objects.filter(kind=ConsularPost.Kind.EMBASSY)}
    done = 0
    with transaction.atomic():
        for group in groups:
            if group.case_ref in existing:
                result.skipped += len(group.rows)
            else:
                _write_case(group, districts[group.district], embassies, result)
            done += len(group.rows)
            if progress:
                progress(done, result.rows)
    return result


def _write_case(group: CaseGroup, district: District, embassies: dict, result: ImportResult) -> None:
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
        result.flagged.extend(flags_of(group, row))
    result.created += len(group.rows)
