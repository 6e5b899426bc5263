"""The service without its read audit (RULES §9), for `make bench` only: the cost of recording
who read what is the ratio of a list served with it to the same list served without it."""

from config.settings import *  # noqa: F403

MIDDLEWARE = [m for m in MIDDLEWARE if m != "core.middleware.ReadAuditMiddleware"]  # noqa: F405
