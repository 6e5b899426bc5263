"""The API's JSON, encoded by orjson: the bytes of DRF's JSONRenderer (compact, UTF-8, `\u2028`
and `\u2029` escaped, dates and times as DRF writes them), several times faster. A long report
is megabytes: the unregistered children at 1,000,000 children are 4.6 MB, 110 ms to encode with
the standard library and 13 ms with orjson (docs/performance.md). Anything orjson does not
encode the same way is handed back (`default`): a date is written as DRF writes it (its
`isoformat()`), times and dataclasses by DRF's encoder, and a value orjson refuses (an integer
beyond 64 bits) is rendered by DRF itself.
Pretty-printing (`; indent=`) stays DRF's."""

from __future__ import annotations

import datetime

import orjson
from rest_framework import renderers
from rest_framework.utils.encoders import JSONEncoder

_DRF = JSONEncoder()
OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_NON_STR_KEYS


def _default(value):
    """DRF's encoding of what orjson hands back; a date (two in each row of a report) directly, as
    DRF writes it (its `isoformat()`), without DRF's chain of checks."""
    if type(value) is datetime.date:
        return value.isoformat()
    return _DRF.default(value)


class JSONRenderer(renderers.JSONRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None or self.get_indent(accepted_media_type, renderer_context or {}) is not None:
            return super().render(data, accepted_media_type, renderer_context)
        try:
            encoded = orjson.dumps(data, default=_default, option=OPTIONS)
        except orjson.JSONEncodeError:
            return super().render(data, accepted_media_type, renderer_context)
        # as DRF does: JSON that is also a strict subset of JavaScript
        return encoded.replace("\u2028".encode(), b"\\u2028").replace("\u2029".encode(), b"\\u2029")
