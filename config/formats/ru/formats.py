# Russian dates day first in digits (dd.mm.yyyy), as the registers and the courts write them, on
# pages, in sentences and on printed documents alike; the rest as Django ships it for Russian.
from django.conf.locale.ru.formats import *  # noqa: F403

DATE_FORMAT = "d.m.Y"
DATETIME_FORMAT = "d.m.Y H:i"
