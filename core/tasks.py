import socket

from celery import shared_task


@shared_task(name="core.ping")
def ping() -> dict:
    """Proves the worker path end to end (used by /healthz?deep=1 and the tests)."""
    return {"pong": True, "worker": socket.gethostname()}
