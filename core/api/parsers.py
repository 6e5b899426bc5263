"""A NUL character is never valid data here, and PostgreSQL refuses it in text: reject it at
the edge, naming the field, instead of letting it reach a query (found by the fuzzer)."""

from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser


def find_nul(data, path: str = "") -> str | None:
    """The path of the first string (or key) holding a NUL character, or None."""
    if isinstance(data, str):
        return path or "body" if "\x00" in data else None
    if isinstance(data, dict):
        for key, value in data.items():
            where = f"{path}.{key}" if path else str(key)
            if "\x00" in str(key):
                return where
            found = find_nul(value, where)
            if found:
                return found
    if isinstance(data, list):
        for index, value in enumerate(data):
            found = find_nul(value, f"{path}[{index}]")
            if found:
                return found
    return None


class RefusesNul:
    """A parser whose data holding a NUL character is a 400 naming the field. Every body the API
    parses goes through one (core.middleware.RejectNulMiddleware sees only a POST's form, and a
    PUT or PATCH of a form reached a query with it)."""

    def parse(self, stream, media_type=None, parser_context=None):
        parsed = super().parse(stream, media_type, parser_context)  # type: ignore[misc]
        data = getattr(parsed, "data", parsed)  # a multipart body: its fields (files are bytes)
        if hasattr(data, "lists"):  # a form's fields, each with its values (named alone when it has one)
            data = {key: values[0] if len(values) == 1 else values for key, values in data.lists()}
        field = find_nul(data)
        if field:
            raise ValidationError({field: ["A NUL character is not allowed."]}, code="null_character")
        return parsed


class StrictJSONParser(RefusesNul, JSONParser):
    pass


class StrictFormParser(RefusesNul, FormParser):
    pass


class StrictMultiPartParser(RefusesNul, MultiPartParser):
    pass
