"""Every API refusal has one shape: {"errors": [{"field", "code", "message"}]} (API.md)."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import RuleError, conflict


def _flatten(detail, field=None):
    """DRF's nested error detail -> a flat list of {field, code, message}."""
    if isinstance(detail, dict):
        out = []
        for key, value in detail.items():
            if isinstance(key, int):  # a list serializer's failing items, by index (DRF >= 3.16)
                out.extend(_flatten(value, f"{field}[{key}]"))
                continue
            name = key if key != "non_field_errors" else None
            out.extend(_flatten(value, f"{field}.{name}" if field and name else (name or field)))
        return out
    if isinstance(detail, list):
        out = []
        for index, item in enumerate(detail):
            # a list of dicts is a nested list serializer: name the item's index
            sub = f"{field}[{index}]" if isinstance(item, dict) else field
            out.extend(_flatten(item, sub))
        return out
    return [{"field": field, "code": getattr(detail, "code", "invalid"), "message": str(detail)}]


def exception_handler(exc, context):
    if isinstance(exc, RuleError):
        return Response(exc.as_dict(), status=exc.status)
    if isinstance(exc, IntegrityError):
        return Response({"errors": [conflict(exc).as_dict()]}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {"errors": _flatten(exc.detail)}
    else:
        code = getattr(exc, "default_code", "error")
        response.data = {"errors": [{"field": None, "code": code, "message": str(getattr(exc, "detail", exc))}]}
        if response.status_code == status.HTTP_401_UNAUTHORIZED and "WWW-Authenticate" not in response:
            response["WWW-Authenticate"] = 'Token realm="api"'
    return response
