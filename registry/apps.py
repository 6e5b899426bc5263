from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = "Registers of children deprived of parental care"

    def ready(self):
        from core import audit_labels

        from . import (
            sealing,  # noqa: F401  (registers how the audit log shows a sealed child's file)
            search,
            work,
        )

        audit_labels.record_pages["registry.child"] = "web-child"  # the audit page links a child's events

        work.register()  # the registers' lines of the work queues (core.work)
        search.register()  # children in the search box (core.search)
