"""`make run` on a fresh machine: with no environment at all the service runs on its embedded
SQLite, so every migration must apply there too, not only on PostgreSQL."""

import re
import subprocess
import sys

from tests.conftest import ROOT, service_env


def test_the_embedded_default_migrates_and_loads_its_demo_from_nothing(tmp_path):
    env = service_env(DATABASE_URL=None, REDIS_URL=None, VAR_DIR=str(tmp_path))
    for command in (["migrate", "--noinput", "-v0"], ["seed_demo"], ["seed_demo_cases"]):  # as `make run`
        done = subprocess.run(
            [sys.executable, "manage.py", *command], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
        )
        assert done.returncode == 0, done.stderr[-2000:]
        assert "WARNINGS" not in done.stderr, done.stderr  # `make run` starts without a warning to read past
    assert "case #2: adopted by a family living in US" in done.stdout, done.stdout  # the demo's records, on SQLite
    assert (tmp_path / "db.sqlite3").stat().st_size > 0
    # the day's work on it: a foreign family's case checked (the databank's facts had PostgreSQL-only
    # SQL: every check failed there), a child's families and a proposal, and the search box by each
    # way it finds a case
    script = """
from adoption import services
from adoption.facts import eligibility
from core import search
from core.dates import today
from core.models import District, User
from tests.adoption.conftest import ago, make_applicant, make_child
district = District.objects.order_by("code").first()
child = make_child(district, last_name="Жумабаева", birth_registration_number="AB-771")
family = make_applicant(district, last_name="Whitfield", first_name="Anna")
case = services.open_case(actor=None, children=[child], applicants=[family], opened_on=ago(10))
print("checks", sorted(check.code for check in eligibility(case, today()).checks))
# the same with Django's query log on, as with DEBUG=1 (it binds every parameter again: no list may be one)
from django.db import connection
from django.test.utils import CaptureQueriesContext
with CaptureQueriesContext(connection) as logged:
    eligibility(case, today())
print("logged", len(logged.captured_queries))
# the databank: a child's families (their count had PostgreSQL-only SQL: a select list of nothing)
from databank import facts as databank_facts
from databank import services as databank_services
home = make_applicant(district, citizenship="KZ", residence="KZ", last_name="Omarova", registered_ago=100)
databank_services.set_wishes(actor=None, applicant=home)
families, counted = databank_facts.families_for(databank_facts.child_facts(child, today()), today(), limit=20)
print("matched", [f.id == home.pk for f in families], counted)
databank_services.propose(actor=None, child=child, applicant=home, proposed_on=today())
print("proposed")
ministry = User.objects.filter(role="ministry").first()
for text in (str(case.pk), "zhumabaeva", "whitfield anna", "ab-771"):
    print("found", text, sum(len(hits) for _finder, hits in search.search(ministry, text)))
# the beat's sweeps, and the ids they pass as one parameter (core.lookups: a JSON list here)
from adoption.deadlines import sweep_court_deadlines
from consular.deadlines import sweep_consular_deadlines
from core.deadlines import reminded_pairs
from core.models import Reminder
from registry.deadlines import sweep_registers
print("swept", sweep_registers(), sweep_court_deadlines(), sweep_consular_deadlines())
Reminder.objects.create(kind="embedded_check", subject_type="case", subject_id=case.pk, due_on=today(), district=district)
pairs = reminded_pairs("embedded_check", subject_type="case", subject_ids=[case.pk, *range(10**6, 10**6 + 40_000)])
print("reminded", [(pk == case.pk, due_on == today()) for pk, due_on in pairs])
"""
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "DOMESTIC_PREFERENCE" in done.stdout, done.stdout + done.stderr[-2000:]
    assert re.search(r"^logged [1-9]", done.stdout, re.M), done.stdout + done.stderr[-2000:]
    assert "Error calling" not in done.stderr, done.stderr[
        -2000:
    ]  # a listener of the commit (the work queue's outlook)
    assert "matched [True] 1" in done.stdout and "proposed" in done.stdout, done.stdout + done.stderr[-2000:]
    assert "swept {" in done.stdout, done.stdout + done.stderr[-2000:]
    assert "reminded [(True, True)]" in done.stdout, done.stdout
    found = [line.split() for line in done.stdout.splitlines() if line.startswith("found ")]
    assert len(found) == 4 and all(int(n) >= 1 for _word, _text, *_more, n in found), found
