from django.apps import AppConfig


class IntercountryConfig(AppConfig):
    name = "intercountry"
    verbose_name = "Intercountry safeguards: parties, fees and red flags"

    def ready(self):
        from . import contributions

        contributions.register()  # the red flags on the eligibility answer (adoption.extensions)
