"""Request id on every request and response, one access log line without personal data, a 503
(not a 500) while the database is unreachable, no answer kept in a browser's cache, and the
limits of a page session."""

import json
import logging
import re
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.contrib.auth.views import redirect_to_login
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .audit import collecting_reads, flush_reads
from .context import new_request_id, request_id_var

logger = logging.getLogger("adoption.request")
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The id is the server's own (a client cannot choose what the audit trail records); a
        # well-formed client id is kept beside it in the access log, to join the two systems' logs.
        incoming = request.headers.get("X-Request-ID", "")
        client_request_id = incoming if _VALID_ID.match(incoming) else None
        request_id = new_request_id()
        token = request_id_var.set(request_id)
        request.request_id = request_id
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            user_id = _user_id(request)
            # Path only: query strings may carry names (?q=), which must never reach the logs.
            logger.info(
                "request",
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                    "user_id": user_id,
                    "client_request_id": client_request_id,
                },
            )
            return response
        finally:
            request_id_var.reset(token)


class ReadAuditMiddleware:
    """Every read of a child's record or a case file is an audit event (RULES §9): the records
    a request showed (`core.audit.note_read`) are recorded when its answer is sent. If they
    cannot be recorded, the answer is not sent (503): nothing is shown unrecorded."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with collecting_reads() as reads:
            response = self.get_response(request)
            user = getattr(request, "user", None)
            if reads and response.status_code < 400 and user is not None and user.is_authenticated:
                try:
                    flush_reads(reads, user)
                except DatabaseError:
                    return DatabaseUnavailableMiddleware.unavailable(request)
        return response


class NoStoreMiddleware:
    """No answer of the service is kept by a browser or a proxy (RULES §9, pages): a guardianship
    office shares its computers, and a page kept in the cache (the back/forward cache, the disk
    cache) showed a child's record to the next user after a logout, without asking the server.
    Every answer below this middleware says `Cache-Control: no-store`; the static files, served
    above it, are cached as WhiteNoise says."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        add_never_cache_headers(response)
        return response


class SessionLimitsMiddleware:
    """A page session signed in `SESSION_HOURS` ago ends, however active (settings: the idle limit
    is the session's own expiry); the time of the sign-in is noted on its first request. A form
    sent after the session ended is not a bare redirect to an action's address, which answers
    only POST (405 once signed in again): the sign-in page says that nothing was saved, then
    leads back to the page the form was on."""

    KEY = "signed_in_at"
    OPEN = ("/api/", "/accounts/", "/i18n/", "/admin/")  # their own sign-in, or none needed

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(timezone.now().timestamp())  # the clock of the sessions' expiry
            signed_in_at = request.session.setdefault(self.KEY, now)
            if now - signed_in_at >= settings.SESSION_HOURS * 3600:
                logout(request)  # the page answers as to anyone signed out: the sign-in page
                messages.info(
                    request,
                    ngettext(
                        "You were signed in for %(hours)d hour: sign in again.",
                        "You were signed in for %(hours)d hours: sign in again.",
                        settings.SESSION_HOURS,
                    )
                    % {"hours": settings.SESSION_HOURS},
                )
        if request.method == "POST" and not request.user.is_authenticated and not request.path.startswith(self.OPEN):
            messages.warning(
                request, _("Your session had ended: what you sent was not saved. Sign in and send it again.")
            )
            referer = request.headers.get("Referer", "")
            came_from = urlsplit(referer).path if url_has_allowed_host_and_scheme(referer, {request.get_host()}) else ""
            return redirect_to_login(came_from or "/")
        return self.get_response(request)


class RememberLanguageMiddleware:
    """Note the language a signed-in user reads the pages in (chosen, or their browser's), so that
    what the service writes to them outside any request, the reminders' e-mails, is in it too.
    One write when it changes; a request authenticated by a token (another system) is not one of
    the user's pages and changes nothing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and user.language != request.LANGUAGE_CODE:
            get_user_model().objects.filter(pk=user.pk).update(language=request.LANGUAGE_CODE)
            user.language = request.LANGUAGE_CODE
        return self.get_response(request)


class InternalHealthMiddleware:
    """`/healthz` asked by the host itself (a container's health check, a load balancer's agent on
    loopback) is answered before the host name is validated and before the TLS redirect: inside
    the container the check speaks plain HTTP to 127.0.0.1, which production settings would
    refuse (DisallowedHost) or redirect (301). Anyone else goes through every check as usual."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/healthz" and request.META.get("REMOTE_ADDR") in ("127.0.0.1", "::1"):
            from .health import healthz

            return healthz(request)
        return self.get_response(request)


class RejectNulMiddleware:
    """400 for a NUL character in a query or form parameter (PostgreSQL refuses NUL in text)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        params = list(request.GET.lists())
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            params += list(request.POST.lists())
        for key, values in params:
            if "\x00" in key or any("\x00" in value for value in values):
                body = {
                    "errors": [
                        {
                            "field": key.replace("\x00", ""),
                            "code": "null_character",
                            "message": "A NUL character is not allowed.",
                        }
                    ]
                }
                return HttpResponse(json.dumps(body), status=400, content_type="application/json")
        return self.get_response(request)


def _user_id(request):
    user = getattr(request, "user", None)
    try:
        return user.pk if user is not None and user.is_authenticated else None
    except DatabaseError:  # the session could not be read: the database is down
        return None


class DatabaseUnavailableMiddleware:
    """While the database is unreachable (a restart, a failover) answer 503 with Retry-After,
    not a 500. The request's transaction did not commit (only a connection lost during the
    COMMIT itself leaves the outcome unknown). Django reconnects by itself
    (`conn_health_checks`), so the service recovers without a restart."""

    RETRY_AFTER_SECONDS = "5"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    # Only a view's exception reaches here: Django turns every middleware's exception into a
    # response before the next one sees it (convert_exception_to_response).
    def process_exception(self, request, exception):
        if isinstance(exception, OperationalError | InterfaceError):
            return self.unavailable(request)
        return None

    @staticmethod
    def unavailable(request):
        logger.warning("database unavailable", extra={"method": request.method, "path": request.path})
        message = "The database is unavailable for a moment. Please retry."
        if request.path.startswith("/api/"):
            body, content_type = (
                json.dumps({"errors": [{"field": None, "code": "database_unavailable", "message": message}]}),
                "application/json",
            )
        else:
            body, content_type = message, "text/plain; charset=utf-8"
        response = HttpResponse(body, status=503, content_type=content_type)
        response["Retry-After"] = DatabaseUnavailableMiddleware.RETRY_AFTER_SECONDS
        return response
