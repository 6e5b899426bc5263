from core.tasks import task

from . import services


@task("consular.sweep_consular_deadlines")
def sweep_consular_deadlines() -> dict:
    """Beat: consular_registration_due and monitoring_report_overdue, recomputed from the database."""
    return services.sweep_consular_deadlines()
