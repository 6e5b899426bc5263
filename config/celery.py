import os
from pathlib import Path

from celery import Celery
from celery.beat import PersistentScheduler
from celery.signals import beat_init, before_task_publish, setup_logging, task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("adoption")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def _django_logging(**kwargs):
    """Workers and beat log through the project's LOGGING (JSON, UTC, no query strings), not
    Celery's own format: connecting this signal tells Celery to leave logging alone."""
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)


# The request id travels with a task: what a task logs and audits names the request that sent it
# (a task sent by beat gets an id of its own).
REQUEST_ID_HEADER = "adoption_request_id"


@before_task_publish.connect
def _send_request_id(headers=None, **kwargs):
    from core.context import current_request_id

    if headers is not None and current_request_id():
        headers[REQUEST_ID_HEADER] = current_request_id()


@task_prerun.connect
def _bind_request_id(task=None, **kwargs):
    from core.context import new_request_id, request_id_var

    incoming = getattr(task.request, REQUEST_ID_HEADER, None) or (task.request.headers or {}).get(REQUEST_ID_HEADER)
    task.request._request_id_token = request_id_var.set(incoming or new_request_id())


@task_postrun.connect
def _unbind_request_id(task=None, **kwargs):
    from core.context import request_id_var

    token = getattr(task.request, "_request_id_token", None)
    if token is not None:
        request_id_var.reset(token)


@beat_init.connect
def _sweep_at_start(sender=None, **kwargs):
    """Beat sends every periodic task once when it starts, then on its period: after a start (or
    a restart) what is due is known at once, not one period later (SWEEP_EVERY_SECONDS)."""
    for entry in app.conf.beat_schedule.values():
        app.send_task(entry["task"], **entry.get("options", {}))


class HeartbeatScheduler(PersistentScheduler):
    """Celery's scheduler, touching a heartbeat file at every tick (at least once a minute:
    CELERY_BEAT_MAX_LOOP_INTERVAL): a health check can tell a live beat from a hung one."""

    def tick(self, *args, **kwargs):
        from django.conf import settings

        Path(settings.BEAT_HEARTBEAT_FILE).touch()
        return super().tick(*args, **kwargs)
