"""The API's JSON renderer (orjson) writes the bytes DRF's own would, for every kind of value the
API and the reports hold, and leaves to DRF what it cannot encode the same way."""

import dataclasses
import datetime
import decimal
import uuid
import zoneinfo

import pytest
from django.utils.translation import gettext_lazy
from rest_framework import renderers
from rest_framework.exceptions import ErrorDetail
from rest_framework.utils.serializer_helpers import ReturnDict, ReturnList

from core.api.renderers import JSONRenderer


@dataclasses.dataclass
class Point:
    x: int
    label: str


ALMATY = zoneinfo.ZoneInfo("Asia/Almaty")
VALUES = {
    "text": 'Омарова Айгерим, Қасымов Нұрлан, \u2028 and \u2029, quote " backslash \\ tab \t',
    "numbers": [0, -1, 2**63 - 1, 0.1, 1.5, -2.25, True, False, None],
    "dates": [datetime.date(2026, 12, 2), datetime.date(1, 1, 1)],
    "datetimes": [
        datetime.datetime(2026, 12, 2, 13, 5, 7, 123456, tzinfo=datetime.UTC),
        datetime.datetime(2026, 12, 2, 18, 5, 7, tzinfo=ALMATY),
        datetime.datetime(2026, 12, 2, 18, 5, 7, 500),
    ],
    "times": [datetime.time(9, 30), datetime.time(9, 30, 15, 250000)],
    "durations": [datetime.timedelta(days=180), datetime.timedelta(seconds=1.5)],
    "decimal": decimal.Decimal("12.50"),
    "uuid": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "lazy": gettext_lazy("A value is required."),
    "errors": ReturnDict({"field": [ErrorDetail("Bad value.", code="invalid")]}, serializer=None),  # type: ignore[call-overload]  # DRF's own types, as a view hands them over
    "rows": ReturnList([{"child": 1, "last_name": None}], serializer=None),  # type: ignore[call-overload]
    "tuple": (1, "two"),
    "nested": {"a": {"b": {"c": [[], {}, ""]}}},
    7: "an integer key",
}


def test_the_same_bytes_as_drfs_renderer(monkeypatch):
    drfs = renderers.JSONRenderer().render(VALUES)
    monkeypatch.setattr(renderers.JSONRenderer, "render", None)  # ours must not fall back to it here
    ours = JSONRenderer().render(VALUES)
    assert ours == drfs
    assert b"\\u2028" in ours and "Омарова".encode() in ours  # escaped as DRF does; UTF-8, not \\u escapes


def test_what_orjson_cannot_encode_is_left_to_drf():
    big = {"n": 2**70}
    assert JSONRenderer().render(big) == renderers.JSONRenderer().render(big) == b'{"n":1180591620717411303424}'
    for renderer in (JSONRenderer(), renderers.JSONRenderer()):  # DRF refuses a dataclass: so do we
        with pytest.raises(TypeError):
            renderer.render({"point": Point(3, "three")})


def test_pretty_printing_and_nothing_stay_drfs():
    indented = "application/json; indent=4"
    assert JSONRenderer().render(VALUES, indented) == renderers.JSONRenderer().render(VALUES, indented)
    assert JSONRenderer().render(None) == b""
