"""System checks that refuse an unsafe production configuration (PRODUCTION=1), and warn of an
incomplete one."""

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register


@register(Tags.security)
def production_settings(app_configs, **kwargs):
    if not settings.PRODUCTION:
        return []
    errors: list[CheckMessage] = []
    if settings.DEBUG:
        errors.append(Error("DEBUG must be off in production.", id="adoption.E001"))
    key = settings.SECRET_KEY
    if (
        key == settings.INSECURE_DEFAULT_SECRET_KEY or len(key) < 50 or len(set(key)) < 5
    ):  # Django's own bar (security.W009)
        errors.append(
            Error(
                "SECRET_KEY (or SECRET_KEY_FILE) must be a random value of 50 characters or more.", id="adoption.E002"
            )
        )
    if not settings.ALLOWED_HOSTS:
        errors.append(Error("ALLOWED_HOSTS must name the service's host names.", id="adoption.E003"))
    if not settings.DATABASE_URL or not settings.DATABASE_URL.startswith(("postgres://", "postgresql://")):
        errors.append(Error("DATABASE_URL must point to PostgreSQL in production.", id="adoption.E004"))
    if not settings.REDIS_URL:
        errors.append(Error("REDIS_URL must be set in production.", id="adoption.E005"))
    if not settings.SITE_URL.startswith("https://"):
        errors.append(
            Warning(
                "SITE_URL should be the https:// address the staff open the service at: "
                "without it the reminder e-mails carry no link to the work queue.",
                id="adoption.W001",
            )
        )
    return errors


def fail_on_serious_errors():
    """Called at WSGI start-up: a production process with a bad configuration does not start."""
    from django.core import checks
    from django.core.exceptions import ImproperlyConfigured

    serious = [e for e in checks.run_checks(tags=[Tags.security]) if e.is_serious()]
    if serious:
        raise ImproperlyConfigured("; ".join(f"{e.id}: {e.msg}" for e in serious))
