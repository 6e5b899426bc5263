from core.tasks import task

from . import deadlines, outlook


@task("adoption.sweep_court_deadlines")
def sweep_court_deadlines() -> dict:
    """Beat: central_wait_ends and decision_in_force_due reminders, recomputed from the database."""
    return deadlines.sweep_court_deadlines()


@task("adoption.refresh_outlooks")
def refresh_outlooks() -> int:
    """Beat: what the engine says of each open case today, for the work queue (the stalest first)."""
    return outlook.refresh_stale()
