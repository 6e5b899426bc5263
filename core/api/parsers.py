"""A NUL character is never valid data here, and PostgreSQL refuses it in text: reject it at
the edge, naming the field, instead of letting it reach a query (found by the fuzzer)."""

from rest_framework.exceptions import ValidationError
from rest_framework.parsers import JSONParser


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


class StrictJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        field = find_nul(data)
        if field:
            raise ValidationError({field: ["A NUL character is not allowed."]}, code="null_character")
        return data
