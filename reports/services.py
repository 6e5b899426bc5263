"""Import jobs: created by a user, run by a worker, progress visible while the import's own
transaction is still open (through the cache, shared by web and worker processes)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import kombu.exceptions
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.audit import record_write
from core.errors import RuleError, for_roles
from core.models import Role
from core.tabular import FileFormatError
from registry import imports as children

from . import imports as adoptions
from .models import ImportJob

log = logging.getLogger(__name__)

IMPORTERS = {ImportJob.Kind.CHILDREN: children.import_children, ImportJob.Kind.ADOPTIONS: adoptions.import_adoptions}
# each kind's header row (REPORTS.md, Bulk import): shown on the import page, and its empty file
COLUMNS = {ImportJob.Kind.CHILDREN: children.COLUMNS, ImportJob.Kind.ADOPTIONS: adoptions.COLUMNS}


def progress_key(job_id: int) -> str:
    return f"import-progress:{job_id}"


@for_roles(Role.MINISTRY)
@transaction.atomic
def start_import(*, actor, kind: str, file, dry_run: bool = False) -> ImportJob:
    """Accept a file for import (a CSV or XLSX of at most IMPORT_MAX_BYTES) and queue it."""
    if kind not in ImportJob.Kind.values:
        raise RuleError("kind", "invalid_choice", _("Unknown kind of import."))
    if not file.name.lower().endswith((".csv", ".xlsx")):
        raise RuleError("file", "file_type", _("A CSV or XLSX file."))
    if file.size > settings.IMPORT_MAX_BYTES:
        raise RuleError(
            "file",
            "file_too_large",
            _("The file is larger than %(mb)s MB: split it.") % {"mb": settings.IMPORT_MAX_BYTES // 1_000_000},
        )
    job = ImportJob.objects.create(
        kind=kind,
        file=file,
        dry_run=dry_run,
        created_by=actor,
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    record_write(actor=actor, verb="start_import", obj=job)
    transaction.on_commit(lambda: queue(job.pk))
    return job


def queue(job_id: int) -> None:
    """Hand a job to the workers. With the broker away the job stays stored, waiting for a worker
    (not queued), and the upload is still accepted; `requeue_imports` hands it over once the
    broker is back. A job handed over twice runs once (`run_import_job`)."""
    from .tasks import run_import

    try:
        run_import.delay(job_id)
    except kombu.exceptions.OperationalError:
        log.warning("import job waits for the broker", extra={"job": job_id})
        return
    ImportJob.objects.filter(pk=job_id).update(queued_at=timezone.now())


def requeue_imports() -> int:
    """Beat: hand over the jobs that were uploaded while the broker was away; how many."""
    waiting = list(
        ImportJob.objects.filter(status=ImportJob.Status.PENDING, queued_at__isnull=True).values_list("pk", flat=True)
    )
    for job_id in waiting:
        queue(job_id)
    return len(waiting)


def run_import_job(job_id: int) -> ImportJob:
    """Run a job so that its effect happens once, whatever the deliveries.

    The job is marked running (committed at once, so the page shows it), then imported in one
    transaction that holds the job's row lock. A second delivery while it runs finds the row
    locked and leaves; a delivery after a worker died mid-import (its transaction rolled back,
    its lock gone) finds the job still running and unlocked, and runs it again; a delivery after
    the end finds it finished. An import that raises (nothing written) leaves its job failed,
    never running for ever, and the error goes on to the worker's log. What the job stores for its
    reader (errors, flags) is written in the language of the upload.
    """
    ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.PENDING).update(status=ImportJob.Status.RUNNING)
    language = ImportJob.objects.filter(pk=job_id).values_list("language", flat=True).first()
    with translation.override(language or settings.LANGUAGE_CODE):
        try:
            return _run(job_id)
        except Exception:
            message = _("The import stopped on an unexpected error and wrote nothing. Its file can be imported again.")
            stopped = {"line": 1, "column": None, "code": "import_stopped", "message": message}
            ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.RUNNING).update(
                status=ImportJob.Status.FAILED, errors=[stopped], finished_at=timezone.now()
            )
            cache.delete(progress_key(job_id))
            raise


def _run(job_id: int) -> ImportJob:
    open_states = (ImportJob.Status.PENDING, ImportJob.Status.RUNNING)
    with transaction.atomic():
        job = ImportJob.objects.select_for_update(skip_locked=True).filter(pk=job_id, status__in=open_states).first()
        if job is None:  # finished, or being run by a live worker
            return ImportJob.objects.get(pk=job_id)

        shown = [0]

        def progress(done: int, total: int) -> None:
            if done == total or done - shown[0] >= 50:  # importers call it per row or per batch
                cache.set(progress_key(job.pk), (done, total), timeout=3600)
                shown[0] = done

        try:
            result = IMPORTERS[ImportJob.Kind(job.kind)](
                job.file.path,
                dry_run=job.dry_run,
                progress=progress,
                waiting=lambda: cache.set(progress_key(job.pk), WAITING, timeout=3600),
            )
            job.errors = [e.as_dict() for e in result.errors]
            job.flagged, job.created, job.skipped = result.flagged, result.created, result.skipped
            job.total = job.done = result.rows
            job.status = ImportJob.Status.FAILED if result.errors else ImportJob.Status.DONE
        except (FileFormatError, UnicodeDecodeError, ValueError) as exc:
            job.errors = [{"line": 1, "column": None, "code": "file_format", "message": str(exc)}]
            job.status = ImportJob.Status.FAILED
        job.finished_at = timezone.now()
        job.save()
    cache.delete(progress_key(job.pk))
    return job


WAITING = "waiting"  # the job's progress while its worker waits for another import to end


@dataclass(frozen=True)
class Progress:
    """A job as shown (page and API): `waiting` while it runs and waits for another import to end,
    and how far it is (from the worker's progress while it runs, from the job once it ended)."""

    status: str
    done: int
    total: int

    @property
    def percent(self) -> int:
        if self.status in (ImportJob.Status.DONE, ImportJob.Status.FAILED):
            return 100
        return 100 * self.done // self.total if self.total else 0


def progress_of(job: ImportJob) -> Progress:
    """The job as shown, reading the worker's progress once."""
    if job.status != ImportJob.Status.RUNNING:
        return Progress(job.status, job.done, job.total)
    progress = cache.get(progress_key(job.pk), (0, 0))
    if progress == WAITING:
        return Progress(ImportJob.Status.WAITING, 0, 0)
    return Progress(job.status, *progress)
