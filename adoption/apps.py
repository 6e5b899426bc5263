from django.apps import AppConfig


class AdoptionConfig(AppConfig):
    name = "adoption"
    verbose_name = "Adoption cases, eligibility and court stage"

    def ready(self):
        from . import contributions

        contributions.register()  # what adoption adds to a child's record in the registry
