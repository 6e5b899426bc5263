from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Organisations, staff, audit and policy"

    def ready(self):
        from config import checks  # noqa: F401  (registers the production system checks)

        from . import lookups, signals  # noqa: F401  (`__in_array`; texts fit their columns, tokens revoked)

        _clear_date_errors()


def _clear_date_errors():
    """DRF answers "2019-02-30" with "Date has wrong format": say what is wrong, in the user's
    language (RULES §8), for every date of the API."""
    from django.utils.translation import gettext_lazy as _
    from rest_framework import fields

    fields.DateField.default_error_messages = {
        **fields.DateField.default_error_messages,
        "invalid": _("Not a date of the calendar: write it as YYYY-MM-DD, e.g. 2019-02-28."),
    }
