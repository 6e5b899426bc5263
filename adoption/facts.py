"""Load a case's facts once, in a fixed number of queries, into `rules.CaseFacts`.

Every record is loaded whatever its date; the rules ignore those dated after
`as_of`. The number of queries does not grow with children, documents or contacts.

The clerk waits on this in front of a judge, so the queries are plain SQL with the case id
as their only parameter: no ORM compilation, no model instances. On PostgreSQL they are
sent together in one pipeline (one round trip instead of ten) as prepared statements
(planned once per connection). They run on SQLite too (the embedded default), one after
the other. tests/adoption/test_facts.py pins what they return.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import time
from collections.abc import Callable
from decimal import Decimal
from typing import overload

import psycopg
from django.db import connection
from django.utils.translation import gettext_lazy

from core.models import Policy
from registry import sealing
from registry.rules import ConsentFact, Entry, GroundFact

from . import extensions, rules
from .models import Applicant, Case

# Each query takes the case id once or twice; rows come in the order the rules expect.
CHILDREN = """
SELECT ch.id, ch.birth_date, cc.is_relative, ch.citizenship, ch.last_name, ch.first_name, ch.patronymic, ch.sealed_on
FROM adoption_casechild cc JOIN registry_child ch ON ch.id = cc.child_id
WHERE cc.case_id = %s ORDER BY ch.id"""
ENTRIES = """
SELECT e.child_id, e.level, e."on", e.reason FROM registry_registerentry e JOIN adoption_casechild cc ON cc.child_id = e.child_id
WHERE cc.case_id = %s AND e.withdrawn_at IS NULL ORDER BY e.child_id, e."on", e.id"""
GROUNDS = """
SELECT g.child_id, g.id, g.parent, g.ground, d.kind, d.date, d.in_force_on FROM registry_ground g
JOIN adoption_casechild cc ON cc.child_id = g.child_id LEFT JOIN registry_grounddocument d ON d.ground_id = g.id
WHERE cc.case_id = %s AND g.withdrawn_at IS NULL ORDER BY g.child_id, g.id, d.id"""
SIBLINGS_ON_REGISTER = """
SELECT s.from_child_id, s.to_child_id, t.last_name, t.first_name, t.patronymic, t.sealed_on
FROM registry_child_siblings s JOIN adoption_casechild cc ON cc.child_id = s.from_child_id
JOIN registry_child t ON t.id = s.to_child_id
WHERE cc.case_id = %s AND t.status = 'registered' AND t.register_level IS NOT NULL
  AND s.to_child_id NOT IN (SELECT child_id FROM adoption_casechild WHERE case_id = %s)
ORDER BY s.from_child_id, s.to_child_id"""
APPLICANTS = """
SELECT a.id, a.sex, a.birth_date, a.citizenship, a.residence_country, a.marital_status, a.foreign_register_number,
       a.foreign_registered_on, a.barring_facts, a.raised_child_three_years, a.last_name, a.first_name
FROM adoption_applicant a JOIN adoption_caseapplicant ca ON ca.applicant_id = a.id WHERE ca.case_id = %s ORDER BY a.id"""
DOCUMENTS = """
SELECT kind, issued_on, applicant_id, issuer_licence, licence_valid_until, conditions, named_applicants, child_id,
       amount, household_size, agency_id
FROM adoption_casedocument WHERE case_id = %s AND withdrawn_at IS NULL ORDER BY issued_on, id"""
AGENCIES = """
SELECT a.id, a.accredited_from, a.accredited_until, s.start, s."end" FROM core_agency a
LEFT JOIN core_agencysuspension s ON s.agency_id = a.id
WHERE a.id IN (SELECT agency_id FROM adoption_casedocument WHERE case_id = %s AND withdrawn_at IS NULL) ORDER BY a.id, s.start, s.id"""
HAGUE = """
SELECT c.hague_party_since, h.art15_report_received_on, h.art16_report_sent_on, h.art17_agreement_on
FROM adoption_case k LEFT JOIN core_country c ON c.code = k.receiving_country
LEFT JOIN adoption_hagueprocedure h ON h.case_id = k.id WHERE k.id = %s"""
REGISTRATIONS = """
SELECT r.applicant_id, r.register, r.registered_on, r.valid_until FROM adoption_adopterregistration r
JOIN adoption_caseapplicant ca ON ca.applicant_id = r.applicant_id WHERE ca.case_id = %s ORDER BY r.registered_on, r.id"""
PARENTAL_CONSENTS = """
SELECT pc.child_id, pc.parent, pc.given_on, pc.names_applicants, pc.withdrawn_on FROM registry_parentalconsent pc
JOIN adoption_casechild cc ON cc.child_id = pc.child_id WHERE cc.case_id = %s ORDER BY pc.given_on, pc.id"""
CITATIONS = "SELECT code, basis FROM core_citation ORDER BY code"
CONTACTS = 'SELECT applicant_id, child_id, "on" FROM adoption_contact WHERE case_id = %s AND withdrawn_at IS NULL ORDER BY "on", id'
CONSENTS = "SELECT child_id, given_on, withdrawn_on FROM adoption_consent WHERE case_id = %s ORDER BY given_on, id"
SEARCHES = "SELECT completed_on FROM adoption_domesticsearch WHERE case_id = %s ORDER BY completed_on, id"
ADOPTED_ELSEWHERE = gettext_lazy("(adopted in another case)")  # how the checks name such a child
OTHER_CASES = """
SELECT c.id, theirs.child_id, c.category, c.opened_on,
       (SELECT min(r."on") FROM adoption_referral r WHERE r.case_id = c.id), d.decided_on, d.outcome, c.closed_on,
       a.filed_on, a.decided_on, a.outcome
FROM adoption_casechild mine JOIN adoption_casechild theirs ON theirs.child_id = mine.child_id AND theirs.case_id <> mine.case_id
JOIN adoption_case c ON c.id = theirs.case_id LEFT JOIN adoption_decision d ON d.case_id = c.id
LEFT JOIN adoption_appeal a ON a.decision_id = d.id
WHERE mine.case_id = %s ORDER BY c.id, theirs.child_id"""


@overload
def as_date(value: None) -> None: ...
@overload
def as_date(value: str | datetime.date) -> datetime.date: ...
def as_date(value):
    """A date column as a date (SQLite returns an aggregate's date as text)."""
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def agency_facts(rows) -> dict[int, rules.AgencyFacts]:
    """Agencies from rows of (id, accredited_from, accredited_until, suspension start, end), one
    row per suspension (start null when there is none): the shape of every agencies statement."""
    periods: dict[int, tuple] = {}
    suspensions: dict[int, list[tuple]] = {}
    for agency_id, accredited_from, accredited_until, start, end in rows:
        periods[agency_id] = (as_date(accredited_from), as_date(accredited_until))
        if start is not None:
            suspensions.setdefault(agency_id, []).append((as_date(start), as_date(end)))
    return {
        agency_id: rules.AgencyFacts(agency_id, since, until, tuple(suspensions.get(agency_id, ())))
        for agency_id, (since, until) in periods.items()
    }


def _list(value) -> tuple:
    """A JSON list column as a tuple (drivers return it as text or as a list)."""
    return tuple(json.loads(value) if isinstance(value, str) else value or ())


def _run(statements: list[tuple[str, list | dict]]) -> list[list[tuple]]:
    """The rows of each statement. Each counts as a query in Django's query log (tests, debug)."""
    started = time.perf_counter()
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        with connection.wrap_database_errors:  # Django's exceptions, as for any other query
            raw = connection.connection
            cursors = [
                psycopg.Cursor(raw) for _ in statements
            ]  # server-side binding (Django's cursors bind on the client, and cannot prepare)
            with raw.pipeline():
                for cursor, (sql, params) in zip(cursors, statements, strict=True):
                    cursor.execute(sql, params, prepare=True)
            results = []
            for cursor in cursors:
                results.append(cursor.fetchall())
                cursor.close()
    else:
        with connection.cursor() as logged:  # Django's own cursor: each statement in its log
            results = []
            for sql, params in statements:
                logged.execute(sql, params)
                results.append(logged.fetchall())
            return results  # already in the log
    if connection.queries_logged:
        each = (time.perf_counter() - started) / len(statements)
        connection.queries_log.extend({"sql": sql, "time": f"{each:.3f}"} for sql, _ in statements)
    return results


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def load_case_facts(case: Case, as_of: datetime.date) -> rules.CaseFacts:
    """The case's facts, with the policy parameters in effect on `as_of` (RULES v2 §10) and the
    facts the apps above add (adoption.extensions)."""
    return _load_all(case, as_of, with_warnings=False)[0]


def _policy_on(as_of: datetime.date) -> tuple[tuple[str, list], Callable[[list[tuple]], Policy]]:
    """`Policy.on(as_of)` as a statement of the pipeline (no round trip of its own), and how to
    make the policy of its rows: the ORM's own query, its values converted as the ORM would."""
    compiler = Policy.in_effect(as_of)[:1].query.get_compiler(connection.alias)
    sql, params = compiler.as_sql()
    names = [column.target.attname for column, *_ in compiler.select[: compiler.col_count]]

    def policy(rows: list[tuple]) -> Policy:
        if not rows:
            return Policy.on(as_of)  # none yet: the first is created
        (values,) = compiler.results_iter(results=[rows])
        return Policy.from_db(connection.alias, names, values)

    return (sql, list(params)), policy


def _load_all(
    case: Case, as_of: datetime.date, *, with_warnings: bool
) -> tuple[rules.CaseFacts, Policy, list[list[list[tuple]]]]:
    """The case's facts with the extensions' facts set, the policy in effect, and each source's
    rows (one pipeline); the sources that only add warnings are left out unless asked."""
    sources = [s for s in extensions.fact_sources if s.facts or with_warnings]
    extra = [(sql, params(case, as_of)) for source in sources for sql, params in source.statements]
    facts, policy, rows = _load(case, as_of, extra)
    by_source = []
    for source in sources:
        mine, rows = rows[: len(source.statements)], rows[len(source.statements) :]
        by_source.append(mine)
        if source.facts:
            facts = dataclasses.replace(facts, **source.facts(facts, as_of, policy, mine))
    return facts, policy, by_source


def _load(
    case: Case, as_of: datetime.date, extra: list[tuple[str, list | dict]]
) -> tuple[rules.CaseFacts, Policy, list[list[tuple]]]:
    """The case's facts, the policy in effect, and the rows of the `extra` statements, sent in the
    same pipeline."""
    once, twice = [case.pk], [case.pk, case.pk]
    policy_statement, policy_of = _policy_on(as_of)
    policy_rows, *rows = _run(
        [
            policy_statement,
            (CHILDREN, once),
            (ENTRIES, once),
            (GROUNDS, once),
            (SIBLINGS_ON_REGISTER, twice),
            (APPLICANTS, once),
            (DOCUMENTS, once),
            (CONTACTS, once),
            (CONSENTS, once),
            (SEARCHES, once),
            (OTHER_CASES, once),
            (REGISTRATIONS, once),
            (PARENTAL_CONSENTS, once),
            (CITATIONS, []),
            (AGENCIES, once),
            (HAGUE, once),
            *extra,
        ]
    )
    (
        children_rows,
        entry_rows,
        ground_rows,
        sibling_rows,
        applicant_rows,
        document_rows,
        contact_rows,
        consent_rows,
        search_rows,
        other_rows,
        registration_rows,
        parental_consent_rows,
        citation_rows,
        agency_rows,
        hague_rows,
    ) = rows[:15]
    policy = policy_of(policy_rows)
    entries: dict[int, list[Entry]] = {}
    for child_id, level, on, reason in entry_rows:
        entries.setdefault(child_id, []).append(Entry(level, on, reason))
    grounds: dict[int, dict[int, tuple[str, str, list]]] = {}
    for child_id, ground_id, parent, ground, kind, on, in_force_on in ground_rows:
        ground_documents = grounds.setdefault(child_id, {}).setdefault(ground_id, (parent, ground, []))[2]
        if kind is not None:
            ground_documents.append((kind, on, in_force_on))
    consents: dict[int, list[ConsentFact]] = {}
    for child_id, parent, given_on, names, withdrawn_on in parental_consent_rows:
        named = json.loads(names) if isinstance(names, str) else names
        consents.setdefault(child_id, []).append(
            ConsentFact(parent, given_on, None if named is None else tuple(named), withdrawn_on)
        )
    registrations: dict[int, list[rules.RegistrationFacts]] = {}
    for applicant_id, register, registered_on, valid_until in registration_rows:
        registrations.setdefault(applicant_id, []).append(rules.RegistrationFacts(register, registered_on, valid_until))
    siblings: dict[int, list[int]] = {}
    sibling_names: dict[int, list[str]] = {}
    # a sealed child's brothers and sisters are its birth family: beside its case's adoptive family,
    # their names would be the link the law keeps secret (RULES §9), so they are not read
    sealed = {row[0] for row in children_rows if row[-1] is not None}
    # a sealed child of a case not in force was adopted in another case, whose number leads to its
    # adoptive family: beside the children this case was for (its birth family), it is named by
    # neither (Case.names)
    adopted_elsewhere = frozenset() if case.adopted_its_children else frozenset(sealed)
    for child_id, sibling_id, last_name, first_name, patronymic, sealed_on in sibling_rows:
        siblings.setdefault(child_id, []).append(sibling_id)
        if child_id not in sealed:
            sibling_names.setdefault(child_id, []).append(
                sealing.row_name(sibling_id, sealed_on, last_name, first_name, patronymic)
            )
    child_facts = tuple(
        rules.ChildFacts(
            id=child_id,
            birth_date=birth_date,
            is_relative=bool(is_relative),
            entries=tuple(entries.get(child_id, ())),
            grounds=tuple(
                GroundFact(parent, ground, tuple(docs)) for parent, ground, docs in grounds.get(child_id, {}).values()
            ),
            siblings_on_register=tuple(siblings.get(child_id, ())),
            sibling_names=tuple(sibling_names.get(child_id, ())),
            citizenship=citizenship,
            consents=tuple(consents.get(child_id, ())),
            name=str(ADOPTED_ELSEWHERE)
            if child_id in adopted_elsewhere
            else sealing.row_name(child_id, sealed_on, last_name, first_name, patronymic),
        )
        for child_id, birth_date, is_relative, citizenship, last_name, first_name, patronymic, sealed_on in children_rows
    )
    applicants = tuple(
        rules.ApplicantFacts(
            id=applicant_id,
            sex=sex,
            birth_date=birth_date,
            citizenship=citizenship,
            residence_country=residence,
            marital_status=marital_status,
            foreign_register_number=register_number,
            foreign_registered_on=registered_on,
            barring_facts=_list(barring),
            raised_child_three_years=bool(raised),
            registrations=tuple(registrations.get(applicant_id, ())),
            name=Applicant.name_of(applicant_id, last_name, first_name),
        )
        for (
            applicant_id,
            sex,
            birth_date,
            citizenship,
            residence,
            marital_status,
            register_number,
            registered_on,
            barring,
            raised,
            last_name,
            first_name,
        ) in applicant_rows
    )
    documents = tuple(
        rules.DocumentFacts(
            kind,
            issued_on,
            applicant_id,
            licence,
            valid_until,
            _list(conditions),
            _list(named),
            child_id,
            _decimal(amount),
            household_size,
            agency_id,
        )
        for (
            kind,
            issued_on,
            applicant_id,
            licence,
            valid_until,
            conditions,
            named,
            child_id,
            amount,
            household_size,
            agency_id,
        ) in document_rows
    )
    agencies = agency_facts(agency_rows)
    hague = rules.HagueFacts(*(as_date(value) for value in hague_rows[0])) if hague_rows else rules.HagueFacts()
    contacts = tuple(rules.ContactFacts(*row) for row in contact_rows)
    child_consents = tuple(rules.ConsentFacts(*row) for row in consent_rows)
    searches = tuple(on for (on,) in search_rows)
    others = tuple(
        rules.OtherCaseFacts(
            id=case_id,
            child_id=child_id,
            category=category,
            opened_on=opened_on,
            referred_on=as_date(referred_on),
            decided_on=decided_on,
            outcome=outcome or "",
            closed_on=closed_on,
            appeal_filed_on=appeal_filed_on,
            appeal_decided_on=appeal_decided_on,
            appeal_outcome=appeal_outcome or "",
        )
        for (
            case_id,
            child_id,
            category,
            opened_on,
            referred_on,
            decided_on,
            outcome,
            closed_on,
            appeal_filed_on,
            appeal_decided_on,
            appeal_outcome,
        ) in other_rows
    )
    facts = rules.CaseFacts(
        id=case.pk,
        category=case.category,
        kind=case.kind,
        opened_on=case.opened_on,
        children=child_facts,
        applicants=applicants,
        documents=documents,
        contacts=contacts,
        consents=child_consents,
        domestic_searches=searches,
        other_cases=others,
        policy=policy_facts(policy),
        citations=dict(citation_rows),
        receiving_country=case.receiving_country,
        agencies=agencies,
        hague=hague,
        historical=case.historical,
        adopted_elsewhere=adopted_elsewhere,
    )
    return facts, policy, rows[15:]


def policy_facts(policy: Policy) -> rules.PolicyFacts:
    return rules.PolicyFacts(
        dossier_validity_months=policy.dossier_validity_months,
        health_certificate_validity_months=policy.health_certificate_validity_months,
        barring_conditions=tuple(policy.barring_conditions or ()),
        adopter_certificate_validity_months=policy.adopter_certificate_validity_months,
        subsistence_minimum=policy.subsistence_minimum,
        bar_unmarried_men=policy.bar_unmarried_men,
        age_gap_applies_to=policy.age_gap_applies_to,
        foreign_register_validity_months=policy.foreign_register_validity_months,
    )


def eligibility(case: Case, as_of) -> rules.Eligibility:
    """The checks of `case` on `as_of`, with the warnings the apps above add (adoption.extensions):
    their statements travel in the same pipeline as the case's own."""
    facts, policy, by_source = _load_all(case, as_of, with_warnings=True)
    result = rules.evaluate(facts, as_of)
    added = []
    for source, rows in zip(extensions.fact_sources, by_source, strict=True):
        if source.warnings:
            added += source.warnings(facts, as_of, policy, rows)
    return dataclasses.replace(result, warnings=(*result.warnings, *added)) if added else result
