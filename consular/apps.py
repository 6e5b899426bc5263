from django.apps import AppConfig


class ConsularConfig(AppConfig):
    name = "consular"
    verbose_name = "Consular registration and monitoring"

    def ready(self):
        from . import contributions, signals, work  # noqa: F401  (signals: connects the receivers)

        contributions.register()  # what consular follow-up adds to a child's record in the registry
        work.register()  # the follow-up's lines of the work queues (core.work)
