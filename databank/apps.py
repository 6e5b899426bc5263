from django.apps import AppConfig


class DatabankConfig(AppConfig):
    name = "databank"
    verbose_name = "Databank: families' wishes, matching and proposals"

    def ready(self):
        from . import contributions, deadlines, work  # noqa: F401  (deadlines: declares its kind of reminder)

        contributions.register()  # the search for a family, derived from the proposals (adoption.extensions)
        work.register()  # the families' answers awaited, in the district's work queue (core.work)
