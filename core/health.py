"""/healthz: database and broker status, 200 when both answer, 503 otherwise.

`?deep=1` also sends a task through the broker to a worker and waits for its answer.
"""

from django.db import connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from config.celery import app as celery_app


def check_database() -> str:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception as exc:  # any failure is "down"; the class name is enough to diagnose
        connections["default"].close_if_unusable_or_obsolete()
        return f"error: {type(exc).__name__}"


def check_broker() -> str:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
        return "ok"
    except Exception as exc:
        return f"error: {type(exc).__name__}"


def check_worker(timeout: float = 10) -> str:
    from .tasks import ping

    try:
        result = ping.apply_async(expires=timeout)
        return "ok" if result.get(timeout=timeout).get("pong") else "error: bad answer"
    except Exception as exc:
        return f"error: {type(exc).__name__}"


LOOPBACK = ("127.0.0.1", "::1")


def may_go_deep(request) -> bool:
    """The deep check ties a web worker for up to 10 s: signed-in staff, or the host's own probes."""
    user = getattr(request, "user", None)
    return (user is not None and user.is_authenticated) or request.META.get("REMOTE_ADDR") in LOOPBACK


@never_cache
def healthz(request):
    status = {"database": check_database(), "broker": check_broker()}
    if request.GET.get("deep") == "1":
        if not may_go_deep(request):
            return JsonResponse(
                {
                    "errors": [
                        {
                            "field": "deep",
                            "code": "staff_only",
                            "message": "The deep check (a task through a worker) is for signed-in staff or the host itself.",
                        }
                    ]
                },
                status=403,
            )
        status["worker"] = check_worker() if status["broker"] == "ok" else "skipped"
    healthy = all(value in ("ok", "skipped") for value in status.values()) and status["broker"] == "ok"
    return JsonResponse({"status": "ok" if healthy else "unavailable", **status}, status=200 if healthy else 503)
