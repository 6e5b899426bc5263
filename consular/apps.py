from django.apps import AppConfig


class ConsularConfig(AppConfig):
    name = "consular"
    verbose_name = "Consular registration and monitoring"

    def ready(self):
        from . import contributions, search, signals, work  # noqa: F401  (signals: connects the receivers)

        contributions.register()  # what consular follow-up adds to a child's record in the registry
        work.register()  # the follow-up's lines of the work queues (core.work)
        search.register()  # consular registration numbers in the search box (core.search)
        from django.utils.translation import gettext_lazy as _

        from adoption import extensions

        from .services import departure_recordable, record_departure

        extensions.case_pages.append(  # offered where the service would take it, to the role that may
            (
                _("Departure of the child abroad"),  # the page records it, then corrects it
                "web-departure",
                lambda case, user: user.role in record_departure.roles and departure_recordable(case),
            )
        )
