import socket

from celery import shared_task


@shared_task(name="core.ping")
def ping() -> dict:
    """Proves the worker path end to end (used by /healthz?deep=1 and the tests)."""
    from .context import current_request_id

    return {"pong": True, "worker": socket.gethostname(), "request_id": current_request_id()}


@shared_task(name="core.send_reminder_emails")
def send_reminder_emails() -> int:
    """Beat: e-mail every reminder not yet sent (each one once)."""
    from .services import send_reminder_emails as send

    return send()


@shared_task(name="core.seal_audit_chain")
def seal_audit_chain() -> int:
    """Beat: chain the audit events written since the last run (tamper evidence)."""
    from .audit_chain import seal

    return seal()
