from core.tasks import task

from . import deadlines


@task("adoption.sweep_court_deadlines")
def sweep_court_deadlines() -> dict:
    """Beat: central_wait_ends and decision_in_force_due reminders, recomputed from the database."""
    return deadlines.sweep_court_deadlines()
