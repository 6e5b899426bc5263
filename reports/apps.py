from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Ministry statistics (reads everything, writes nothing)"
