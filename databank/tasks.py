from core.tasks import task

from . import deadlines


@task("databank.sweep_proposals")
def sweep_proposals() -> dict:
    """Beat: proposals unanswered in time become `no_answer`, with a reminder to the district."""
    return deadlines.sweep_proposals()
