"""Bulk imports run as Celery tasks, with their progress (REPORTS.md "Bulk import")."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def import_upload_path(instance, filename):
    return f"imports/{instance.kind}/{filename[-100:]}"


class ImportJob(models.Model):
    class Kind(models.TextChoices):
        CHILDREN = "children", _("children and their registers")
        ADOPTIONS = "adoptions", _("historical adoptions")

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for a worker")
        RUNNING = "running", _("running")
        # shown, never stored: a running job whose worker waits for another import to end
        WAITING = "waiting", _("waiting for another import to finish")
        FAILED = "failed", _("refused: nothing was written")
        DONE = "done", _("done")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    file = models.FileField(upload_to=import_upload_path)
    dry_run = models.BooleanField(default=False)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    flagged = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    # the language of the upload: the worker writes the job's errors and flags in it, for the uploader to read
    language = models.CharField(max_length=8, default=settings.LANGUAGE_CODE)
    created_at = models.DateTimeField(auto_now_add=True)
    # when the job was handed to the broker; empty while the broker was away (`requeue_imports`)
    queued_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self):
        return f"import #{self.pk} ({self.kind})"
