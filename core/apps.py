from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Organisations, staff, audit and policy"

    def ready(self):
        from config import checks  # noqa: F401  (registers the production system checks)

        from . import signals  # noqa: F401  (revokes tokens on a password change or deactivation)
