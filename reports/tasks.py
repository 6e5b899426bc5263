from core.tasks import task

from . import services


@task("reports.run_import", acks_late=True, soft_time_limit=4 * 3600, time_limit=4 * 3600 + 60)
def run_import(job_id: int) -> str:
    """Run an uploaded import (idempotent: a job runs once)."""
    return services.run_import_job(job_id).status


@task("reports.requeue_imports")
def requeue_imports() -> int:
    """Beat: hand over the import jobs uploaded while the broker was away."""
    return services.requeue_imports()
