from django.apps import AppConfig


class ConsularConfig(AppConfig):
    name = "consular"
    verbose_name = "Consular registration and monitoring"

    def ready(self):
        from . import contributions, signals, work  # noqa: F401  (signals: connects the receivers)

        contributions.register()  # what consular follow-up adds to a child's record in the registry
        work.register()  # the follow-up's lines of the work queues (core.work)
        from django.utils.translation import gettext_lazy as _

        from adoption import extensions
        from adoption.models import CaseStatus
        from core.models import Role

        extensions.case_pages.append(  # offered on a foreign adoption in force, to the agency that records it
            (
                _("Record the departure of the child abroad"),
                "web-departure",
                lambda case, user: (
                    user.role == Role.GUARDIANSHIP
                    and case.status == CaseStatus.IN_FORCE
                    and bool(case.receiving_country)
                ),
            )
        )
