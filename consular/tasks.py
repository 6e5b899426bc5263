from core.tasks import task

from . import deadlines


@task("consular.sweep_consular_deadlines")
def sweep_consular_deadlines() -> dict:
    """Beat: consular_registration_due and monitoring_report_overdue, recomputed from the database."""
    return deadlines.sweep_consular_deadlines()


@task("consular.settle_follow_up")
def settle_follow_up() -> int:
    """Beat: the decisions whose follow-up before the monitoring reports is settled, marked so the
    queues stop reading them (`Decision.follow_up_settled`)."""
    return deadlines.settle_follow_up()
