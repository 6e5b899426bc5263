from core.tasks import task

from . import deadlines


@task("consular.sweep_consular_deadlines")
def sweep_consular_deadlines() -> dict:
    """Beat: consular_registration_due and monitoring_report_overdue, recomputed from the database."""
    return deadlines.sweep_consular_deadlines()
