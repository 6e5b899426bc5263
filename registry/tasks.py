from core.tasks import task

from . import services


@task("registry.sweep_registers")
def sweep_registers() -> dict:
    """Beat: escalation reminders and coming of age, recomputed from the database."""
    return services.sweep_registers()
