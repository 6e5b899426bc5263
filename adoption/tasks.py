from celery import shared_task

from . import services


@shared_task(name="adoption.sweep_court_deadlines")
def sweep_court_deadlines() -> dict:
    """Beat: central_wait_ends and decision_in_force_due reminders, recomputed from the database."""
    return services.sweep_court_deadlines()
