from core.tasks import task

from . import deadlines


@task("registry.sweep_registers")
def sweep_registers() -> dict:
    """Beat: escalation reminders and coming of age, recomputed from the database."""
    return deadlines.sweep_registers()
