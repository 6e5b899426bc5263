# English dates in digits year first (2026-03-05), as the sentences of English pages already write
# them (core.dates.in_text): Django's "03/05/2026" reads as the 3rd of May to anyone who writes the
# day first, as the registers, the courts and most posts abroad do, and a deadline misread by two
# months is a wrong "eligible". Dates in words ("March 5, 2026") are unambiguous and stay; the rest
# as Django ships it for English.
from django.conf.locale.en.formats import *  # noqa: F403

SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
