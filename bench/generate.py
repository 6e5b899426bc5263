"""Synthetic national data for benchmarks, loaded with PostgreSQL COPY.

`generate(scale)` adds `scale` children with their register history, cases (30% of
children), and foreign adoptions in force (10%) with consular registrations, departures
and monitoring reports, plus open foreign cases with a full dossier (the eligibility
benchmark's subjects). Rows are consistent with what the services would write (the
child row's current state matches its history). Ids continue after what is stored, so
the data can be grown in steps (10,000 then 1,000,000).
"""

from __future__ import annotations

import datetime
import random
import time

from django.db import connection

from consular.deadlines import settle_follow_up
from core.dates import add_months
from core.models import ConsularPost, Court, District
from core.reference import HAGUE_COUNTRIES
from registry.rules import entry_ends, name_key

HC93_PARTIES = {code for code, _name, since, _authority in HAGUE_COUNTRIES if since}

EPOCH = datetime.date(2005, 1, 1)
NAMES = [
    "Serikov",
    "Omarova",
    "Ivanov",
    "Kim",
    "Bekova",
    "Akhmetov",
    "Tsoy",
    "Zhaksylykov",
    "Nurlanova",
    "Petrov",
    "Сериков",
    "Омарова",
    "Ахметова",
    "Ким",
    "Беков",
    "Жаксылыкова",
    "Нурланов",
    "Иванова",
]
FIRST = [
    "Dana",
    "Timur",
    "Aigerim",
    "Almaz",
    "Yulia",
    "Oleg",
    "Aruzhan",
    "Daniyar",
    "Дана",
    "Тимур",
    "Айгерим",
    "Алмаз",
]
COUNTRIES = ["US", "GB", "CA", "BE", "IL", "EG", "FR", "DE", "ES", "RU", "CH", "TR"]
# the applicants of the cases, by whether they are foreign: last name, first name, search key
CASE_NAMES = {foreign: (last, "A", name_key(last, "A")) for foreign, last in ((True, "Smith"), (False, "Ахметов"))}


def _next_id(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")
        return cursor.fetchone()[0]


def _copy(table: str, columns: list[str], rows) -> int:
    n = 0
    with (
        connection.cursor() as cursor,
        cursor.connection.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)
            n += 1
    return n


def _reset_sequences(tables: list[str]) -> None:
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )


def generate(scale: int, *, seed: int = 1, today: datetime.date | None = None) -> dict:
    rng = random.Random(seed)
    today = today or datetime.date.today()
    now = datetime.datetime.now(datetime.UTC)
    districts = list(District.objects.values_list("code", flat=True))
    courts = dict(Court.objects.values_list("district_id", "id"))
    embassies = dict(ConsularPost.objects.filter(kind="embassy").values_list("country", "id"))
    child0, entry0, applicant0, case0 = (
        _next_id(t) for t in ("registry_child", "registry_registerentry", "adoption_applicant", "adoption_case")
    )
    link0, capp0, doc0, contact0 = (
        _next_id(t)
        for t in ("adoption_casechild", "adoption_caseapplicant", "adoption_casedocument", "adoption_contact")
    )
    decision0, adoption0, reg0, dep0, rep0 = (
        _next_id(t)
        for t in (
            "adoption_decision",
            "adoption_adoption",
            "consular_consularregistration",
            "consular_departure",
            "consular_monitoringreport",
        )
    )
    ground0, gdoc0, search0, referral0 = (
        _next_id(t)
        for t in ("registry_ground", "registry_grounddocument", "adoption_domesticsearch", "adoption_referral")
    )

    # each a table's rows for COPY, in its columns' order
    children: list[tuple] = []
    entries: list[tuple] = []
    grounds: list[tuple] = []
    gdocs: list[tuple] = []
    cases: list[tuple] = []
    links: list[tuple] = []
    applicants: list[tuple] = []
    capps: list[tuple] = []
    documents: list[tuple] = []
    contacts: list[tuple] = []
    searches: list[tuple] = []
    referrals: list[tuple] = []
    decisions: list[tuple] = []
    adoptions: list[tuple] = []
    registrations: list[tuple] = []
    departures: list[tuple] = []
    reports: list[tuple] = []
    hague: list[tuple] = []
    hague0 = _next_id("adoption_hagueprocedure")
    for i in range(scale):
        cid = child0 + i
        district = rng.choice(districts)
        birth = today - datetime.timedelta(days=rng.randrange(30, 17 * 365))
        identified = birth + datetime.timedelta(days=rng.randrange(0, max(1, (today - birth).days - 20)))
        last, first = rng.choice(NAMES) + str(i % 997), rng.choice(FIRST)
        kind = rng.random()
        # 10%: adopted abroad (decision in force); 20% more in a case; the rest only on a register
        placed = [identified + datetime.timedelta(days=1)]
        for _ in range(rng.choice([0, 1, 2, 2])):
            placed.append(min(placed[-1] + datetime.timedelta(days=rng.randrange(30, 60)), today))
        levels = ["primary", "regional", "central"][: len(placed)]
        history = [(level, on, "") for level, on in zip(levels, placed, strict=True)]
        level: str | None
        since: datetime.date | None
        status, dereg_on, dereg_reason, level, since = "registered", None, "", levels[-1], placed[-1]
        case_id = None
        if kind < 0.30:
            case_id = case0 + len(cases)
            foreign = kind < 0.10 or kind > 0.25  # adopted abroad, or an open foreign case
            country = rng.choice(COUNTRIES) if foreign else "KZ"
            opened = min(placed[-1] + datetime.timedelta(days=5), today)
            people = []
            for n in range(rng.choice([1, 2, 2])):
                aid = applicant0 + len(applicants)
                applicants.append(
                    (
                        aid,
                        *CASE_NAMES[foreign],
                        "MF"[n % 2],
                        datetime.date(1980, 1, 1),
                        country,
                        country,
                        "married",
                        f"FR-{aid}" if foreign else "",
                        opened - datetime.timedelta(days=90) if foreign else None,
                        now,
                        district,
                    )
                )
                capps.append((capp0 + len(capps), aid, case_id))
                people.append(aid)
            links.append((link0 + len(links), False, case_id, cid))
            grounds.append((ground0 + len(grounds), "both", "parents_unknown", now, cid))
            gdocs.append((gdoc0 + len(gdocs), "certificate", f"C-{cid}", identified, "police", grounds[-1][0]))
            status_case, category = "open", "foreigner" if foreign else "resident_citizen"
            if kind < 0.10:  # a foreign adoption in force
                decided = min(opened + datetime.timedelta(days=rng.randrange(5, 40)), today)
                in_force = min(decided + datetime.timedelta(days=15), today)
                did = decision0 + len(decisions)
                referrals.append((referral0 + len(referrals), decided, now, case_id, courts[district]))
                # most live adoptions have their civil registry record (MFA art. 77) and, into a HC93
                # country, the art. 23 certificate: the sweeps' steady state (RULES v2 §6, §7a)
                civil = min(in_force + datetime.timedelta(days=rng.randrange(1, 4)), today)
                recorded = rng.random() < 0.98
                decisions.append(
                    (
                        did,
                        "granted",
                        decided,
                        decided,
                        in_force,
                        f"AZ-{did}" if recorded else "",
                        civil if recorded else None,
                        "Civil registry" if recorded else "",
                        now,
                        case_id,
                        courts[district],
                        district,
                    )
                )
                if country in HC93_PARTIES and rng.random() < 0.98:
                    hague.append(
                        (
                            hague0 + len(hague),
                            case_id,
                            opened,
                            opened,
                            opened,
                            f"HC-{did}",
                            min(in_force + datetime.timedelta(days=rng.randrange(1, 14)), today),
                            now,
                        )
                    )
                adoptions.append((adoption0 + len(adoptions), cid, did))
                status_case, status, dereg_on, dereg_reason, level, since = (
                    "in_force",
                    "deregistered",
                    in_force,
                    "adopted",
                    None,
                    None,
                )
                history.append(("deregistered", in_force, "adopted"))
                if rng.random() < 0.85:
                    registered = min(in_force + datetime.timedelta(days=rng.randrange(5, 200)), today)
                    registrations.append(
                        (
                            reg0 + len(registrations),
                            f"{country}-{cid}",
                            registered,
                            registered,
                            None,
                            False,
                            now,
                            cid,
                            embassies[country],
                        )
                    )
                    departed = min(registered + datetime.timedelta(days=3), today)
                    departures.append(
                        (dep0 + len(departures), f"EP-{cid}", registered, departed, country, False, now, case_id, cid)
                    )
                    for m in range(6, 60, 6):
                        due = add_months(in_force, m)
                        if due < today - datetime.timedelta(days=40) and rng.random() < 0.9:
                            reports.append(
                                (
                                    rep0 + len(reports),
                                    due,
                                    due + datetime.timedelta(days=rng.randrange(0, 45)),
                                    "",
                                    "",
                                    now,
                                    cid,
                                    embassies[country],
                                )
                            )
            elif foreign:  # an open foreign case with a full dossier: the eligibility benchmark
                for k in ("application", "financial_solvency", "family_situation", "health_report", "moral_qualities"):
                    documents.append(
                        (
                            doc0 + len(documents),
                            k,
                            opened,
                            "Agency",
                            "LIC-1",
                            opened + datetime.timedelta(days=400),
                            "[]",
                            now,
                            None,
                            case_id,
                            district,
                        )
                    )
                for aid in people:
                    documents.append(
                        (
                            doc0 + len(documents),
                            "medical_certificate",
                            opened,
                            "Clinic",
                            "",
                            None,
                            "[]",
                            now,
                            aid,
                            case_id,
                            district,
                        )
                    )
                    for d in (0, 20):
                        contacts.append(
                            (
                                contact0 + len(contacts),
                                min(opened + datetime.timedelta(days=d), today),
                                now,
                                aid,
                                case_id,
                                cid,
                            )
                        )
                searches.append((search0 + len(searches), opened, "no_candidates", "", now, case_id))
            cases.append(
                (
                    case_id,
                    None,
                    opened,
                    category,
                    country if foreign else "",
                    status_case,
                    "",
                    None,
                    False,
                    1,
                    now,
                    now,
                    district,
                )
            )
        for (entry_level, on, reason), ended_on in zip(history, entry_ends([on for _, on, _ in history]), strict=True):
            entries.append(
                (entry0 + len(entries), entry_level, on, ended_on, reason, now, cid)
            )  # ends on the next entry's date
        sealed_on = (
            dereg_on if dereg_reason == "adopted" else None
        )  # an adoption in force seals the identity (RULES §9)
        children.append(
            (
                cid,
                None,
                last,
                first,
                "",
                rng.choice("MF"),
                birth,
                f"BR-{cid}",
                identified,
                "",
                "" if sealed_on else name_key(last, first),
                sealed_on,
                level,
                since,
                status,
                dereg_on,
                dereg_reason,
                1,
                now,
                now,
                district,
            )
        )

    counts = {
        "children": _copy(
            "registry_child",
            [
                "id",
                "external_id",
                "last_name",
                "first_name",
                "patronymic",
                "sex",
                "birth_date",
                "birth_registration_number",
                "identified_on",
                "health_notes",
                "search_name",
                "sealed_on",
                "register_level",
                "level_since",
                "status",
                "deregistered_on",
                "deregistration_reason",
                "version",
                "created_at",
                "updated_at",
                "district_id",
            ],
            children,
        ),
        "register_entries": _copy(
            "registry_registerentry", ["id", "level", '"on"', "ended_on", "reason", "created_at", "child_id"], entries
        ),
        "grounds": _copy("registry_ground", ["id", "parent", "ground", "created_at", "child_id"], grounds),
        "ground_documents": _copy(
            "registry_grounddocument", ["id", "kind", "number", "date", "issued_by", "ground_id"], gdocs
        ),
        "applicants": _copy(
            "adoption_applicant",
            [
                "id",
                "last_name",
                "first_name",
                "search_name",
                "sex",
                "birth_date",
                "citizenship",
                "residence_country",
                "marital_status",
                "foreign_register_number",
                "foreign_registered_on",
                "created_at",
                "district_id",
            ],
            applicants,
        ),
        "cases": _copy(
            "adoption_case",
            [
                "id",
                "case_ref",
                "opened_on",
                "category",
                "receiving_country",
                "status",
                "closed_reason",
                "closed_on",
                "historical",
                "version",
                "created_at",
                "updated_at",
                "district_id",
            ],
            cases,
        ),
        "case_children": _copy("adoption_casechild", ["id", "is_relative", "case_id", "child_id"], links),
        "case_applicants": _copy("adoption_caseapplicant", ["id", "applicant_id", "case_id"], capps),
        "documents": _copy(
            "adoption_casedocument",
            [
                "id",
                "kind",
                "issued_on",
                "issuer",
                "issuer_licence",
                "licence_valid_until",
                "conditions",
                "created_at",
                "applicant_id",
                "case_id",
                "district_id",
            ],
            documents,
        ),
        "contacts": _copy(
            "adoption_contact", ["id", '"on"', "created_at", "applicant_id", "case_id", "child_id"], contacts
        ),
        "domestic_searches": _copy(
            "adoption_domesticsearch", ["id", "completed_on", "outcome", "notes", "created_at", "case_id"], searches
        ),
        "referrals": _copy("adoption_referral", ["id", '"on"', "created_at", "case_id", "court_id"], referrals),
        "decisions": _copy(
            "adoption_decision",
            [
                "id",
                "outcome",
                "decided_on",
                "final_form_on",
                "in_force_on",
                "civil_registration_number",
                "civil_registered_on",
                "civil_registry_office",
                "created_at",
                "case_id",
                "court_id",
                "district_id",
            ],
            decisions,
        ),
        "hague_procedures": _copy(
            "adoption_hagueprocedure",
            [
                "id",
                "case_id",
                "art15_report_received_on",
                "art16_report_sent_on",
                "art17_agreement_on",
                "certificate_number",
                "certificate_issued_on",
                "updated_at",
            ],
            hague,
        ),
        "adoptions": _copy("adoption_adoption", ["id", "child_id", "decision_id"], adoptions),
        "consular_registrations": _copy(
            "consular_consularregistration",
            [
                "id",
                "number",
                "registered_on",
                "passport_stamped_on",
                "ended_on",
                "historical",
                "created_at",
                "child_id",
                "post_id",
            ],
            registrations,
        ),
        "departures": _copy(
            "consular_departure",
            [
                "id",
                "exit_permission_number",
                "exit_permission_on",
                "departed_on",
                "residence_country",
                "historical",
                "created_at",
                "case_id",
                "child_id",
            ],
            departures,
        ),
        "monitoring_reports": _copy(
            "consular_monitoringreport",
            ["id", "due_on", "received_on", "summary", "attachment", "created_at", "child_id", "post_id"],
            reports,
        ),
    }
    _reset_sequences(
        [
            "registry_child",
            "registry_registerentry",
            "registry_ground",
            "registry_grounddocument",
            "adoption_applicant",
            "adoption_case",
            "adoption_casechild",
            "adoption_caseapplicant",
            "adoption_casedocument",
            "adoption_contact",
            "adoption_domesticsearch",
            "adoption_referral",
            "adoption_decision",
            "adoption_hagueprocedure",
            "adoption_adoption",
            "consular_consularregistration",
            "consular_departure",
            "consular_monitoringreport",
        ]
    )
    with connection.cursor() as cursor:
        # what the engine would keep for each open case (adoption.outlook), in its shape only: the
        # queue's read of them is measured, not the engine (which the eligibility figure measures)
        cursor.execute(
            """INSERT INTO adoption_outlook (case_id, district_id, as_of, eligible, blocking, due_on, waiting)
               SELECT id, district_id, %s, id %% 7 = 0, CASE WHEN id %% 7 = 0 THEN '[]'::jsonb
                      ELSE '[["PERSONAL_CONTACT", null]]'::jsonb END, opened_on + (id %% 150)::int, false
               FROM adoption_case WHERE status = 'open' ON CONFLICT DO NOTHING""",
            [today],
        )
        counts["outlooks"] = cursor.rowcount
    # what the nightly sweep keeps: the decisions whose follow-up is done leave the queues' reads
    counts["follow_ups_settled"] = settle_follow_up()
    vacuumed()
    return counts


def vacuumed() -> None:
    """The database as autovacuum leaves it some time after a bulk load: statistics and the
    visibility map. Measured before, a figure reads pages no index-only scan would (the work
    queue's open decisions: 25,678 heap fetches for 8,559 rows), while autovacuum works through
    the loaded tables beside it; a service in use has them vacuumed. VACUUM marks a page
    all-visible only when no older snapshot is open in the database, and autovacuum's ANALYZE of
    the tables just loaded holds one: it is waited for (two minutes at most). 10 s at 1,000,000
    children."""
    with connection.cursor() as cursor:
        for _ in range(120):
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid() AND backend_xmin IS NOT NULL"
            )
            if not cursor.fetchone()[0]:
                break
            time.sleep(1)
        cursor.execute("VACUUM (ANALYZE)")


def families(count: int, *, seed: int = 3, today: datetime.date | None = None) -> dict:
    """`count` families on the register of prospective adopters, valid today, with random wishes
    (issue 19's databank): a tenth of the children, as 100,000 to 1,000,000."""
    rng = random.Random(seed)
    today = today or datetime.date.today()
    now = datetime.datetime.now(datetime.UTC)
    districts = list(District.objects.values_list("code", "region_id"))
    applicant0, registration0, wishes0 = (
        _next_id(t) for t in ("adoption_applicant", "adoption_adopterregistration", "databank_familywishes")
    )
    link0 = _next_id("databank_familywishes_regions")
    people: list[tuple] = []
    entries: list[tuple] = []
    wishes: list[tuple] = []
    places: list[tuple] = []
    for i in range(count):
        aid, district = applicant0 + i, rng.choice(districts)
        registered = today - datetime.timedelta(days=rng.randrange(1, 700))
        people.append(
            (
                aid,
                f"Family{aid}",
                "Aigul",
                name_key(f"Family{aid}", "Aigul"),
                "F",
                datetime.date(1985, 1, 1),
                "KZ",
                "KZ",
                "married",
                "",
                None,
                "[]",
                False,
                now,
                district[0],
            )
        )
        entries.append(
            (
                registration0 + i,
                "prospective_adopters",
                f"PA-{aid}",
                registered,
                registered + datetime.timedelta(days=730),
                now,
                aid,
            )
        )
        low = rng.randrange(0, 15)
        wid = wishes0 + i
        own_region = rng.random() < 0.6  # most families want their own region
        wishes.append(
            (
                wid,
                aid,
                rng.choice(["", "", "M", "F"]),
                low,
                min(17, low + rng.randrange(1, 6)),
                rng.choice([1, 1, 2, 3]),
                rng.random() < 0.3,
                rng.random() < 0.2,
                now,
                # the matching columns databank.services.refresh_families keeps
                f",{district[1]}," if own_region else "",
                district[1],
                1,
                registered,
                registered + datetime.timedelta(days=730),
            )
        )
        if own_region:
            places.append((link0 + len(places), wid, district[1]))
    counts = {
        "family_applicants": _copy(
            "adoption_applicant",
            [
                "id",
                "last_name",
                "first_name",
                "search_name",
                "sex",
                "birth_date",
                "citizenship",
                "residence_country",
                "marital_status",
                "foreign_register_number",
                "foreign_registered_on",
                "barring_facts",
                "raised_child_three_years",
                "created_at",
                "district_id",
            ],
            people,
        ),
        "family_registrations": _copy(
            "adoption_adopterregistration",
            ["id", "register", "number", "registered_on", "valid_until", "created_at", "applicant_id"],
            entries,
        ),
        "family_wishes": _copy(
            "databank_familywishes",
            [
                "id",
                "applicant_id",
                "sex",
                "age_min",
                "age_max",
                "children",
                "siblings",
                "health_conditions",
                "updated_at",
                "wished_regions",
                "home_region_id",
                "registrations",
                "registered_on",
                "valid_until",
            ],
            wishes,
        ),
        "family_regions": _copy("databank_familywishes_regions", ["id", "familywishes_id", "region_id"], places),
    }
    _reset_sequences(
        ["adoption_applicant", "adoption_adopterregistration", "databank_familywishes", "databank_familywishes_regions"]
    )
    vacuumed()  # matching reads the families from their indexes alone (docs/decisions.md)
    return counts
