"""Structured (JSON) logs carrying the request id. Messages name ids, never people (RULES §9):
every record passes `PrivacyFilter`, whatever logger wrote it (Django's own included)."""

import datetime
import json
import logging
import re

from core.context import current_request_id

_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.request_id = current_request_id()
        return True


# A URL's query string (?q=<name>, ?purpose=<text>), wherever it appears in a line.
_QUERY = re.compile(r"\?[^\s'\"<>]*")


def scrub(text: str) -> str:
    """`text` without any query string."""
    return _QUERY.sub("", text)


class PrivacyFilter(logging.Filter):
    """No query string reaches a log line: Django's request loggers attach the whole request (its
    repr carries the query string) and a message may quote a URL. The request becomes its method
    and path; the message and every text field lose their query strings."""

    def filter(self, record):
        request = record.__dict__.pop("request", None)
        if request is not None and hasattr(request, "path"):
            record.method, record.path = getattr(request, "method", ""), request.path
        record.msg, record.args = scrub(record.getMessage()), ()
        for key, value in list(vars(record).items()):
            if key not in _STANDARD and isinstance(value, str):
                setattr(record, key, scrub(value))
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record):
        data = {
            # UTC with its offset, to the millisecond: lines of every process and host sort and compare
            "ts": datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
            "request_id": getattr(record, "request_id", ""),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in data and key != "request_id":
                data[key] = value if isinstance(value, str | int | float | bool | None) else str(value)
        if record.exc_info:
            data["exc"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)
