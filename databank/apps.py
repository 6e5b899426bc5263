from django.apps import AppConfig


class DatabankConfig(AppConfig):
    name = "databank"
    verbose_name = "Databank: families' wishes, matching and proposals"

    def ready(self):
        from . import contributions

        contributions.register()  # the search for a family, derived from the proposals (adoption.extensions)
