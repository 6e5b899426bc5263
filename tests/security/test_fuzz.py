"""API fuzzing: schemathesis generates requests for every operation of the OpenAPI schema,
valid and invalid, and sends them with every role's token. The ids in a path, and the records
a body names (`child`, `applicants`, `court`...), are pointed at stored records, among them
cases at each stage of the court and a child adopted abroad, so that requests reach the services
and not only a 404. No input may produce a 5xx, and every 2xx response must match the schema.
Bounded (FUZZ_EXAMPLES per operation, default 10)."""

import os
import zlib
from decimal import Decimal

import pytest
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from knox.models import AuthToken
from schemathesis.checks import not_a_server_error, response_schema_conformance

from adoption import deadlines as court_deadlines
from adoption import services as adoption_services
from adoption.models import Applicant, Case, Consent
from config.wsgi import application
from consular import deadlines as consular_deadlines
from consular import services as consular_services
from consular.models import ConsularRegistration, MonitoringReport
from core.models import Agency, ConsularPost, Court, Reminder, Role
from databank import deadlines as databank_deadlines
from databank import services as databank_services
from databank.models import Proposal
from intercountry import services as intercountry_services
from registry import deadlines as registry_deadlines
from registry.models import Child, DuplicateFlag, ParentalConsent
from reports.models import ImportJob
from tests.adoption.conftest import adopt_abroad, ago, foreign_case, make_applicant, make_child  # noqa: F401

schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
schema.app = application
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
# CI replays the same examples every run (reproducible); FUZZ_RANDOM=1 explores new ones.
DERANDOMIZE = os.environ.get("FUZZ_RANDOM") != "1"
SWEEPS = [
    registry_deadlines.sweep_registers,
    court_deadlines.sweep_court_deadlines,
    consular_deadlines.sweep_consular_deadlines,
    databank_deadlines.sweep_proposals,
]
ROLES = ["guardianship", "regional", "ministry", "court", "consular", "auditor"]
# the records an id in a path names, by the path's first part; and a body's references by field
IN_PATH = {
    "applicants": Applicant,
    "agencies": Agency,
    "reminders": Reminder,
    "consular-registrations": ConsularRegistration,
    "monitoring-reports": MonitoringReport,
    "adopted-children": Child,
    "children": Child,
    "duplicates": DuplicateFlag,
    "imports": ImportJob,
    "cases": Case,
}
IN_BODY = {
    "child": Child,
    "children": Child,
    "relative_of": Child,
    "applicant": Applicant,
    "applicants": Applicant,
    "names_applicants": Applicant,
    "court": Court,
    "post": ConsularPost,
    "agency": Agency,
}


@pytest.fixture
def tokens(users):
    return {role: AuthToken.objects.create(users[role])[1] for role in ROLES}


@pytest.fixture
def stored(district, court, us_post, foreign_case):  # noqa: F811
    """An eligible case with a party paid a fee, one before the court, one decided, one appealed
    (pending) and one in force abroad, on its post's register; a child on the register proposed to a family with wishes, and another child
    like it (a possible duplicate); the reminders of every sweep."""
    _, adopted = adopt_abroad(district, court)
    consular_services.register_child(actor=None, child=adopted, post=us_post, number="US-1", registered_on=ago(5))
    adopt_abroad(district, court, referred_only=True, last_name="Lee")
    adopt_abroad(district, court, in_force=False, last_name="Park")
    appealed, _ = adopt_abroad(district, court, in_force=False, last_name="Choi", applicant_name="Brown")
    adoption_services.record_appeal(actor=None, case=appealed, filed_on=ago(70))  # pending
    party = intercountry_services.add_party(
        actor=None, case=foreign_case, name="Open Arms", country="US", role="agency"
    )
    intercountry_services.add_fee(
        actor=None, party=party, amount=Decimal("900"), currency="USD", paid_on=ago(30), purpose="translation"
    )
    waiting = make_child(district, last_name="Omarova")
    make_child(district, last_name="Omarova")  # the same name and birth date: flagged
    family = make_applicant(district, citizenship="KZ", residence="KZ", last_name="Nurova", registered_ago=300)
    databank_services.set_wishes(actor=None, applicant=family)
    databank_services.propose(actor=None, child=waiting, applicant=family, proposed_on=ago(20))
    for sweep in SWEEPS:
        sweep()
    assert [
        m.__name__ for m in (Reminder, DuplicateFlag, Proposal, ConsularRegistration) if not m.objects.exists()
    ] == []


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Like Django's test client: the raw WSGI app would close the test's DB connection after each request."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


pytestmark = pytest.mark.usefixtures("no_throttle")


def _stored(model, generated) -> int:
    """A stored record of `model`, chosen by the generated value (the same example, the same record);
    with none stored, the value itself."""
    ids = sorted(model.objects.values_list("pk", flat=True))
    return ids[zlib.crc32(repr(generated).encode()) % len(ids)] if ids else generated


def _is_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def point_at_stored_records(case) -> None:
    params = dict(case.path_parameters or {})
    section = case.path.strip("/").split("/")[2]  # /api/v1/<section>/...
    if "id" in params:
        params["id"] = _stored(IN_PATH[section], params["id"])
    if "consent_id" in params:
        params["consent_id"] = _stored(Consent if section == "cases" else ParentalConsent, params["consent_id"])
    if "proposal_id" in params:
        params["proposal_id"] = _stored(Proposal, params["proposal_id"])
    case.path_parameters = params
    if isinstance(case.body, dict):
        for field, model in IN_BODY.items():
            value = case.body.get(field)
            if _is_id(value):
                case.body[field] = _stored(model, value)
            elif isinstance(value, list):
                case.body[field] = [_stored(model, v) if _is_id(v) else v for v in value]


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
    derandomize=DERANDOMIZE,
)
def test_no_input_makes_the_api_fail(case, tokens, stored):
    point_at_stored_records(case)
    for role in ROLES:
        response = case.call(headers={"Authorization": f"Token {tokens[role]}"})
        if response.status_code < 300:
            case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
        else:
            case.validate_response(response, checks=[not_a_server_error])
    assert Role.values  # the roles above are every role but none
