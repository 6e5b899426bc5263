"""Celery tasks carry the request id of the request that sent them, and have time limits."""

from django.conf import settings

from config.celery import REQUEST_ID_HEADER, _send_request_id, app
from core.context import request_id_var
from core.tasks import ping


def test_a_task_sent_during_a_request_carries_its_request_id():
    token = request_id_var.set("0123456789abcdef0123456789abcdef")
    try:
        headers: dict[str, str] = {}
        _send_request_id(headers=headers)
    finally:
        request_id_var.reset(token)
    assert headers == {REQUEST_ID_HEADER: "0123456789abcdef0123456789abcdef"}
    # the worker side: the task runs under that id, and the id is unbound afterwards
    assert ping.apply(headers=headers).get()["request_id"] == "0123456789abcdef0123456789abcdef"
    assert request_id_var.get() == ""


def test_a_task_sent_by_beat_gets_an_id_of_its_own():
    first, second = ping.apply().get()["request_id"], ping.apply().get()["request_id"]
    assert len(first) == 32 and first != second


def test_every_task_has_a_time_limit():
    assert settings.CELERY_TASK_SOFT_TIME_LIMIT < settings.CELERY_TASK_TIME_LIMIT
    app.loader.import_default_modules()  # autodiscovery: every app's tasks module
    tasks = [t for name, t in app.tasks.items() if not name.startswith("celery.")]
    assert len(tasks) >= 7
    for task in tasks:
        assert task.time_limit or app.conf.task_time_limit, task.name
    assert app.tasks["reports.run_import"].time_limit == 4 * 3600 + 60


def test_tasks_store_no_result_unless_asked_and_log_one_line_with_their_duration():
    import logging

    app.loader.import_default_modules()
    assert app.tasks["registry.sweep_registers"].ignore_result is True
    assert app.tasks["core.ping"].ignore_result is False  # the deep health check waits for it
    records: list[logging.LogRecord] = []

    class Collect(logging.Handler):
        def emit(self, record):
            records.append(record)

    handler = Collect()
    logger = logging.getLogger("adoption.task")
    logger.addHandler(handler)
    try:
        ping.apply().get()
    finally:
        logger.removeHandler(handler)
    line = next(r for r in records if r.name == "adoption.task")
    fields = vars(line)  # the structured fields the task logger adds to its record
    assert (fields["task"], fields["outcome"]) == ("core.ping", "done") and fields["duration_ms"] >= 0
