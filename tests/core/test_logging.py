import io
import json
import logging

import pytest

from config.logging import JsonFormatter, RequestIdFilter

pytestmark = pytest.mark.django_db


def test_access_log_has_request_id_and_never_the_query_string(api, users, caplog):
    caplog.set_level(logging.INFO, logger="adoption.request")
    caplog.handler.addFilter(RequestIdFilter())
    api(users["ministry"]).get("/api/v1/reminders/?kind=Ivanova", HTTP_X_REQUEST_ID="abcdef123456")
    record = next(r for r in caplog.records if r.name == "adoption.request")
    line = json.loads(JsonFormatter().format(record))
    assert line["path"] == "/api/v1/reminders/" and line["status"] == 200
    assert line["ts"].endswith("+00:00") and "T" in line["ts"]  # UTC, with its offset
    assert "Ivanova" not in json.dumps(line)
    assert line["user_id"] == users["ministry"].pk
    # the request id is the server's; the client's is kept beside it
    assert line["request_id"] != "abcdef123456" and len(line["request_id"]) == 32
    assert line["client_request_id"] == "abcdef123456"


NAME = "Ivanova"
PROBES = [  # (method, url, body): answers 200, 400, 403, 404, 405 and a page, each with a name in its query string
    ("get", f"/api/v1/children/?q={NAME}", None),
    ("get", f"/api/v1/children/?register_level={NAME}", None),
    ("get", f"/api/v1/children/999999/?purpose=for+{NAME}+inheritance", None),
    ("get", f"/api/v1/audit-events/?purpose={NAME}", None),
    ("delete", f"/api/v1/policy/?q={NAME}", None),
    ("get", f"/api/v1/reports/adoptions/children/?from=2020-01-01&to=2020-12-31&figure={NAME}%0D%0AX-Injected:1", None),
    ("get", f"/children/?q={NAME}", None),
    ("get", f"/no-such-page/?q={NAME}", None),
]


def test_no_log_line_at_any_level_carries_a_query_string_or_a_name(client, users, settings):
    """Every logger at DEBUG, through the configured handler's filters and formatter (Django's own loggers included)."""
    root = logging.getLogger()
    console = next(h for h in root.handlers if h.get_name() == "console")
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(console.formatter)
    for f in console.filters:
        handler.addFilter(f)
    root.addHandler(handler)
    levels = {
        name: logging.getLogger(name).level
        for name in ("", "django", "django.request", "django.db.backends", "adoption.request")
    }
    for name in levels:
        logging.getLogger(name).setLevel(logging.DEBUG)
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    try:
        for role in ("regional", "ministry"):
            client.force_login(users[role])
            for method, url, body in PROBES:
                getattr(client, method)(url) if body is None else getattr(client, method)(url, body)
        client.logout()
        client.get(f"/children/?q={NAME}")  # anonymous: a redirect to the login page with ?next=
    finally:
        root.removeHandler(handler)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)
    lines = out.getvalue().splitlines()
    assert len(lines) >= len(PROBES) * 2, "the handler wrote the lines under test"
    assert not [line for line in lines if NAME in line], "a name reached the logs"
    assert not [line for line in lines if "?" in json.loads(line).get("msg", "") + json.loads(line).get("path", "")]
    assert any('"status": 403' in line or '"status": 404' in line for line in lines)
