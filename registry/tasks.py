from celery import shared_task

from . import services


@shared_task(name="registry.sweep_registers")
def sweep_registers() -> dict:
    """Beat: escalation reminders and coming of age, recomputed from the database."""
    return services.sweep_registers()
