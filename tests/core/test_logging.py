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
    assert "Ivanova" not in json.dumps(line)
    assert line["user_id"] == users["ministry"].pk
    assert line["request_id"] == "abcdef123456"
