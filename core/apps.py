from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Organisations, staff, audit and policy"

    def ready(self):
        from config import checks  # noqa: F401  (registers the production system checks)
