from django.apps import AppConfig


class PrintingConfig(AppConfig):
    name = "printing"
    verbose_name = "Documents to print"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from adoption import extensions

        from .documents import links

        extensions.prints.append(links)
