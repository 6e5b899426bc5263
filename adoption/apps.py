from django.apps import AppConfig


class AdoptionConfig(AppConfig):
    name = "adoption"
    verbose_name = "Adoption cases, eligibility and court stage"

    def ready(self):
        from . import contributions, work

        contributions.register()  # what adoption adds to a child's record in the registry
        work.register()  # the cases' lines of the work queues (core.work)
