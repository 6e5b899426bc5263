"""Celery tasks. Every task is declared with `task` (one decorator): a name, no stored result
unless asked (`ignore_result`), the time limits of settings (or its own), the request id of the
request that sent it (config.celery), and one log line when it ends, with its duration."""

import functools
import logging
import socket
import time

from celery import shared_task

log = logging.getLogger("adoption.task")


def task(name: str, *, ignore_result: bool = True, **options):
    """Declare a task: `@task("app.action")` over a function of ids and plain values."""

    def decorate(fn):
        @functools.wraps(fn)
        def run(*args, **kwargs):
            started = time.monotonic()
            outcome = "failed"
            try:
                result = fn(*args, **kwargs)
                outcome = "done"
                return result
            finally:
                log.info(
                    "task",
                    extra={
                        "task": name,
                        "outcome": outcome,
                        "duration_ms": round((time.monotonic() - started) * 1000, 1),
                    },
                )

        return shared_task(name=name, ignore_result=ignore_result, **options)(run)

    return decorate


@task("core.ping", ignore_result=False)  # /healthz?deep=1 waits for its answer
def ping() -> dict:
    """Proves the worker path end to end (used by /healthz?deep=1 and the tests)."""
    from .context import current_request_id

    return {"pong": True, "worker": socket.gethostname(), "request_id": current_request_id()}


@task("core.send_reminder_emails")
def send_reminder_emails() -> int:
    """Beat: e-mail every reminder not yet sent (each one once)."""
    from .services import send_reminder_emails as send

    return send()


@task("core.clear_sessions")
def clear_sessions() -> None:
    """Beat, daily: delete the sessions that have expired (settings: SESSION_IDLE_MINUTES)."""
    from django.core.management import call_command

    call_command("clearsessions")


@task("core.align_reminders")
def align_reminders() -> int:
    """Beat: the open reminders realigned with a version of the policy newly in effect, once."""
    from .deadlines import align_with_policy

    return align_with_policy()


@task("core.seal_audit_chain")
def seal_audit_chain() -> int:
    """Beat: chain the audit events written since the last run (tamper evidence)."""
    from .audit_chain import seal

    return seal()
