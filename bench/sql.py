"""Hand-written SQL for what each measured operation needs: the baselines of `bench.run`,
run directly in psql (the physical limit of the query on this data)."""

from datetime import date, timedelta

from core.dates import add_months


def adoptions(start: date, end: date) -> str:
    """Every figure of the report: per adoption the facts it needs (each per-case test once), then the counts."""
    return f"""
    WITH a AS (
      SELECT ad.child_id, c.id AS case_id, ch.sex, ch.birth_date, d.in_force_on, c.receiving_country, dist.region_id,
        EXISTS (SELECT 1 FROM adoption_caseapplicant ca JOIN adoption_applicant ap ON ap.id = ca.applicant_id
                WHERE ca.case_id = c.id AND ap.citizenship <> 'KZ') AS foreigner,
        EXISTS (SELECT 1 FROM adoption_casechild cc WHERE cc.case_id = c.id AND cc.child_id = ad.child_id AND cc.is_relative) AS relative,
        (SELECT count(*) FROM adoption_caseapplicant ca WHERE ca.case_id = c.id) AS applicants,
        EXISTS (SELECT 1 FROM adoption_caseapplicant ca JOIN adoption_applicant ap ON ap.id = ca.applicant_id
                WHERE ca.case_id = c.id AND ap.sex = 'F' AND ap.marital_status <> 'married') AS unmarried_woman,
        date_part('year', age(d.in_force_on, ch.birth_date))::int AS age
      FROM adoption_adoption ad JOIN adoption_decision d ON d.id = ad.decision_id JOIN adoption_case c ON c.id = d.case_id
      JOIN registry_child ch ON ch.id = ad.child_id JOIN core_district dist ON dist.code = ch.district_id
      WHERE d.in_force_on BETWEEN '{start}' AND '{end}')
    SELECT count(*), count(*) FILTER (WHERE foreigner), count(*) FILTER (WHERE foreigner AND sex = 'M'),
           count(*) FILTER (WHERE foreigner AND sex = 'F'), count(*) FILTER (WHERE foreigner AND relative AND receiving_country <> ''),
           count(*) FILTER (WHERE foreigner AND applicants = 1 AND unmarried_woman),
           count(*) FILTER (WHERE foreigner AND age = 0), count(*) FILTER (WHERE foreigner AND age = 1),
           count(*) FILTER (WHERE age = 0), count(*) FILTER (WHERE age = 1), count(*) FILTER (WHERE age = 2),
           count(*) FILTER (WHERE age BETWEEN 3 AND 5), count(*) FILTER (WHERE age BETWEEN 6 AND 9),
           count(*) FILTER (WHERE age BETWEEN 10 AND 13), count(*) FILTER (WHERE age BETWEEN 14 AND 17),
           (SELECT count(*) FROM (SELECT case_id FROM a WHERE foreigner GROUP BY case_id HAVING count(*) >= 2) s),
           (SELECT json_object_agg(region_id, n) FROM (SELECT region_id, count(*) n FROM a GROUP BY 1) r),
           (SELECT json_object_agg(receiving_country, n) FROM (SELECT receiving_country, count(*) n FROM a WHERE receiving_country <> '' GROUP BY 1) r)
    FROM a"""


def consular_registrations(on: date) -> str:
    return f"""SELECT p.country, count(DISTINCT r.child_id) FROM consular_consularregistration r JOIN core_consularpost p ON p.id = r.post_id
               WHERE r.registered_on <= '{on}' AND (r.ended_on IS NULL OR r.ended_on > '{on}') GROUP BY 1"""


def unregistered_children(on: date) -> str:
    """The rows the report lists: the child, the case, and its adopters (children of Kazakhstan's
    citizenship, RULES §11.19)."""
    return f"""SELECT ad.child_id, ch.last_name, ch.first_name, ch.birth_date, ch.district_id, dist.region_id, c.id,
                      c.receiving_country, d.in_force_on,
                      (SELECT string_agg(a.last_name || ' ' || a.first_name || ' (' || a.citizenship || ', lives in ' || a.residence_country || ')',
                                         '; ' ORDER BY a.id)
                       FROM adoption_caseapplicant ca JOIN adoption_applicant a ON a.id = ca.applicant_id WHERE ca.case_id = c.id)
               FROM adoption_adoption ad
               JOIN adoption_decision d ON d.id = ad.decision_id JOIN adoption_case c ON c.id = d.case_id
               JOIN registry_child ch ON ch.id = ad.child_id JOIN core_district dist ON dist.code = ch.district_id
               WHERE d.in_force_on <= '{on - timedelta(days=180)}' AND c.receiving_country <> '' AND ch.citizenship = 'KZ'
               AND NOT EXISTS (SELECT 1 FROM consular_consularregistration r WHERE r.child_id = ad.child_id AND r.registered_on <= '{on}')
               ORDER BY d.in_force_on, ad.child_id"""


def registers_today() -> str:
    """Today each child's latest register entry is its current state, kept on the child row."""
    return """SELECT dist.region_id, ch.register_level, count(*) FROM registry_child ch JOIN core_district dist ON dist.code = ch.district_id
              WHERE ch.register_level IS NOT NULL AND ch.status <> 'deregistered' GROUP BY 1, 2"""


def registers(on: date) -> str:
    """The entries in force on the date: each holds from its date until the next entry's (`ended_on`)."""
    return f"""SELECT dist.region_id, e.level, count(*) FROM registry_registerentry e
               JOIN registry_child ch ON ch.id = e.child_id JOIN core_district dist ON dist.code = ch.district_id
               WHERE e."on" <= '{on}' AND (e.ended_on IS NULL OR e.ended_on > '{on}') AND e.level <> 'deregistered'
                 AND e.withdrawn_at IS NULL GROUP BY 1, 2"""


def registers_latest_entry(on: date) -> str:
    """The same from the history alone, each child's latest entry found by DISTINCT ON (no `ended_on`)."""
    return f"""SELECT dist.region_id, e.level, count(*) FROM (
                 SELECT DISTINCT ON (child_id) child_id, level FROM registry_registerentry
                 WHERE "on" <= '{on}' AND withdrawn_at IS NULL ORDER BY child_id, "on" DESC, id DESC) e
               JOIN registry_child ch ON ch.id = e.child_id JOIN core_district dist ON dist.code = ch.district_id
               WHERE e.level <> 'deregistered' GROUP BY 1, 2"""


def due_reminders(on: date) -> str:
    """What each sweep needs, selected: overdue escalations, children turning 18, cases whose central
    wait is over, decisions not yet in force, adoptions in force with no civil registration (RULES v2
    §6) or no HC93 certificate (§7a), unregistered adoptions, and overdue monitoring reports."""
    return f"""
    SELECT count(*) FROM registry_child WHERE status = 'registered' AND (
        (register_level IS NULL AND identified_on <= '{on - timedelta(days=3)}')
     OR (register_level IN ('primary', 'regional') AND level_since <= '{on - timedelta(days=30)}'));
    SELECT count(*) FROM registry_child WHERE status = 'registered' AND birth_date <= '{add_months(on, -12 * 18)}';
    SELECT count(*) FROM adoption_casechild cc JOIN adoption_case c ON c.id = cc.case_id JOIN registry_child ch ON ch.id = cc.child_id
     WHERE c.status IN ('open', 'referred', 'heard') AND c.category IN ('foreigner', 'nonresident_citizen')
       AND ch.register_level = 'central' AND ch.level_since <= '{add_months(on, -3)}';
    SELECT count(*) FROM adoption_decision WHERE in_force_on IS NULL AND decided_on < '{on}';
    SELECT count(*) FROM adoption_decision d JOIN adoption_case c ON c.id = d.case_id
     WHERE c.status = 'in_force' AND d.in_force_on < '{on - timedelta(days=3)}' AND d.civil_registered_on IS NULL
       AND NOT c.historical;
    SELECT count(*) FROM adoption_decision d JOIN adoption_case c ON c.id = d.case_id
      JOIN core_country k ON k.code = c.receiving_country AND k.hague_party_since <= d.in_force_on
     WHERE c.status = 'in_force' AND d.in_force_on < '{on - timedelta(days=14)}' AND NOT c.historical
       AND NOT EXISTS (SELECT 1 FROM adoption_hagueprocedure h WHERE h.case_id = c.id AND h.certificate_issued_on IS NOT NULL);
    SELECT count(*) FROM adoption_adoption ad JOIN adoption_decision d ON d.id = ad.decision_id JOIN adoption_case c ON c.id = d.case_id
     WHERE c.receiving_country <> '' AND d.in_force_on <= '{on - timedelta(days=30)}'
       AND NOT EXISTS (SELECT 1 FROM consular_consularregistration r WHERE r.child_id = ad.child_id);
    SELECT count(*) FROM adoption_adoption ad JOIN adoption_decision d ON d.id = ad.decision_id
      CROSS JOIN LATERAL generate_series(d.in_force_on + interval '6 months', '{on - timedelta(days=30)}'::date, interval '6 months') due
     WHERE NOT EXISTS (SELECT 1 FROM consular_monitoringreport m WHERE m.child_id = ad.child_id AND m.due_on = due::date)"""
