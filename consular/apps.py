from django.apps import AppConfig


class ConsularConfig(AppConfig):
    name = "consular"
    verbose_name = "Consular registration and monitoring"

    def ready(self):
        from . import signals  # noqa: F401  (connects the receivers)
