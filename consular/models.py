"""After the decision (RULES §7, ¶60-61): consular registration, departure, monitoring reports."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper

from adoption.models import Case
from core.models import ConsularPost, Standing, Withdrawable
from registry.models import Child


class ConsularRegistration(Withdrawable):
    """A child on the consular register of a Kazakh embassy or consulate (¶60).

    One active registration per child; a move abroad ends it (`ended_on`) and opens one
    at the new post, so the history stays and each post sees its own dates. One recorded by
    mistake (the wrong child, post, number or date) is withdrawn
    (`services.withdraw_registration`) and the right one recorded anew.
    """

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="consular_registrations")
    # no query from the post: one across the relation would not pass through Standing (core.models)
    post = models.ForeignKey(ConsularPost, on_delete=models.PROTECT, related_name="+")
    number = models.CharField(max_length=64)
    registered_on = models.DateField(db_index=True)
    passport_stamped_on = models.DateField(null=True, blank=True)  # ¶61: the Foreign Ministry stamp
    ended_on = models.DateField(null=True, blank=True)
    transferred_to = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    historical = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = Standing()
    with_withdrawn = models.Manager()

    class Meta:
        ordering = ["registered_on", "id"]
        default_manager_name = "objects"
        indexes = [models.Index(Upper("number"), name="registration_number_any_case")]  # typed in a search box
        constraints = [
            models.UniqueConstraint(
                fields=["child"],
                condition=Q(ended_on__isnull=True, withdrawn_at__isnull=True),
                name="one_active_consular_registration",
            ),
            models.UniqueConstraint(
                fields=["post", "number"],
                condition=Q(withdrawn_at__isnull=True),  # a number given by mistake is given again
                name="registration_number_unique_per_post",
            ),
        ]

    def __str__(self):
        return f"consular registration {self.number}"


class Departure(Withdrawable):
    """The child leaves Kazakhstan with the exit permission of the internal affairs agencies (¶61).

    One standing departure per child. One recorded by mistake (on the wrong child of the case) is
    withdrawn (`services.withdraw_departure`); one typed wrong is corrected (`correct_departure`)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="departures")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="departures")
    exit_permission_number = models.CharField(max_length=64, blank=True)  # empty only for historical records
    exit_permission_on = models.DateField(null=True, blank=True)
    departed_on = models.DateField()
    residence_country = models.CharField(max_length=2)
    historical = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = Standing()
    with_withdrawn = models.Manager()

    class Meta:
        default_manager_name = "objects"
        constraints = [
            models.UniqueConstraint(
                fields=["child"], condition=Q(withdrawn_at__isnull=True), name="one_standing_departure_per_child"
            )
        ]

    def __str__(self):
        return f"departure on {self.departed_on}"


def report_upload_path(instance, filename):
    return f"monitoring/{instance.child_id}/{instance.due_on.isoformat()}-{filename[-80:]}"


class MonitoringReport(Withdrawable):
    """A report on the child's living conditions received through the consular post; one recorded
    by mistake (the wrong period, date, file or child) is withdrawn (`services.withdraw_monitoring_report`)
    and the right one recorded anew."""

    # indexed on its own: the constraint one_report_per_due_date holds only the reports that stand
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="monitoring_reports")
    due_on = models.DateField()
    received_on = models.DateField()
    summary = models.TextField(blank=True)
    attachment = models.FileField(upload_to=report_upload_path, blank=True)
    post = models.ForeignKey(ConsularPost, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = Standing()
    with_withdrawn = models.Manager()

    class Meta:
        ordering = ["due_on"]
        default_manager_name = "objects"
        constraints = [
            models.UniqueConstraint(
                fields=["child", "due_on"], condition=Q(withdrawn_at__isnull=True), name="one_report_per_due_date"
            )
        ]

    def __str__(self):
        return f"monitoring report due {self.due_on}"
