import datetime

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from adoption.api.serializers import ScopedPrimaryKeyField
from core.api.fields import DateField, ModelSerializer
from core.audit import note_read
from core.models import ConsularPost
from registry import sealing

from ..models import ConsularRegistration, Departure, MonitoringReport


class ConsularRegistrationSerializer(ModelSerializer):
    """A registration is a part of the child's record: showing it is a read of the child."""

    # Any child the caller sees: the service then says precisely why one cannot be registered.
    child = ScopedPrimaryKeyField("children")
    post = serializers.PrimaryKeyRelatedField(
        queryset=ConsularPost.objects.all(),
        error_messages={"does_not_exist": _("No consular post has the id {pk_value}.")},
    )
    country = serializers.CharField(source="post.country", read_only=True)

    class Meta:
        model = ConsularRegistration
        fields = [
            "id",
            "child",
            "post",
            "country",
            "number",
            "registered_on",
            "passport_stamped_on",
            "ended_on",
            "transferred_to",
            "historical",
            "created_at",
        ]
        read_only_fields = ["id", "country", "ended_on", "transferred_to", "historical", "created_at"]

    def to_representation(self, registration):
        note_read(label=sealing.CHILD, ids=[registration.child_id])
        return super().to_representation(registration)


class TransferSerializer(serializers.Serializer):
    post = serializers.PrimaryKeyRelatedField(
        queryset=ConsularPost.objects.all(),
        error_messages={"does_not_exist": _("No consular post has the id {pk_value}.")},
    )
    number = serializers.CharField(max_length=64)
    registered_on = DateField()


class PassportStampSerializer(serializers.Serializer):
    passport_stamped_on = DateField()


class DeathSerializer(serializers.Serializer):
    died_on = DateField()


class DepartureSerializer(ModelSerializer):
    child = ScopedPrimaryKeyField("children")
    exit_permission_number = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    exit_permission_on = DateField(required=False, allow_null=True, default=None)
    residence_country = serializers.CharField(min_length=2, max_length=2)

    class Meta:
        model = Departure
        fields = [
            "id",
            "child",
            "exit_permission_number",
            "exit_permission_on",
            "departed_on",
            "residence_country",
            "historical",
            "created_at",
        ]
        read_only_fields = ["id", "historical", "created_at"]


class MonitoringReportSerializer(ModelSerializer):
    child = ScopedPrimaryKeyField("adopted_children")
    attachment = serializers.FileField(
        required=False,
        allow_null=True,
        help_text="sent: the report's file; answered: where to GET it (`/api/v1/monitoring-reports/{id}/file/`), or null",
    )

    class Meta:
        model = MonitoringReport
        fields = ["id", "child", "due_on", "received_on", "summary", "attachment", "post", "created_at"]
        read_only_fields = ["id", "post", "created_at"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        # the storage's own path is served by no route: the file is read through the API, in scope
        data["attachment"] = reverse("monitoring-report-file", args=[instance.pk]) if instance.attachment else None
        return data


STATUSES = ["received", "late", "missing", "upcoming"]


class ScheduleQuerySerializer(serializers.Serializer):
    child = serializers.IntegerField(required=False, min_value=1, help_text="one child's schedule")
    status = serializers.ChoiceField(choices=STATUSES, required=False)
    after = serializers.IntegerField(
        required=False, min_value=0, default=0, help_text="the next page: the child its `next` link names"
    )
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=200, default=50)


class ScheduleEntrySerializer(serializers.Serializer):
    child = serializers.IntegerField()
    due_on = DateField()
    received_on = DateField(allow_null=True)
    status = serializers.ChoiceField(choices=STATUSES)
    report = serializers.IntegerField(allow_null=True)
    summary = serializers.CharField()


class SchedulePageSerializer(serializers.Serializer):
    """A page of schedules: whole children, in id order (no count: a country's schedules are
    millions of entries, counted for no one)."""

    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True, help_text="always null: pages are read forwards")
    results = ScheduleEntrySerializer(many=True)


class AdopterSerializer(serializers.Serializer):
    last_name = serializers.CharField()
    first_name = serializers.CharField()
    citizenship = serializers.CharField()
    residence_country = serializers.CharField()


class AdoptionSummarySerializer(serializers.Serializer):
    case = serializers.IntegerField(source="decision.case_id")
    decided_on = DateField(
        source="decision.granted_on", help_text="the day the adoption was granted (on appeal: the appeal's)"
    )
    in_force_on = DateField(source="decision.in_force_on")
    receiving_country = serializers.CharField(source="decision.case.receiving_country")
    adoptive_parents = AdopterSerializer(source="decision.case.applicants.all", many=True)
    hague_certificate = serializers.SerializerMethodField(
        help_text="HC93 art. 23: the number and date of the certificate the ministry issued, or null"
    )

    def get_hague_certificate(self, adoption) -> dict | None:
        procedure = getattr(adoption.decision.case, "hague", None)
        if procedure is None or not procedure.certificate_issued_on:
            return None
        return {"number": procedure.certificate_number, "issued_on": procedure.certificate_issued_on}


class AdoptedChildSerializer(serializers.Serializer):
    """The part of a child's file a consular post needs (ROLES.md): nothing else."""

    id = serializers.IntegerField()
    last_name = serializers.CharField(
        allow_null=True, help_text="null while the identity is sealed (no new identity given)"
    )
    first_name = serializers.CharField(allow_null=True)
    patronymic = serializers.CharField(allow_null=True)
    sex = serializers.CharField()
    birth_date = DateField()
    adoption = AdoptionSummarySerializer()
    departure = serializers.SerializerMethodField()
    consular_registrations = ConsularRegistrationSerializer(many=True)
    sealed = serializers.SerializerMethodField()
    died_on = serializers.SerializerMethodField(help_text="the day the child died, once recorded: the follow-up ends")

    def get_sealed(self, child) -> bool:
        return sealing.is_sealed(child)

    def get_died_on(self, child) -> datetime.date | None:
        return child.died_on

    def to_representation(self, child):
        """The identity through `registry.sealing` (consular posts never unseal; the read is audited)."""
        identity = sealing.disclose(child)
        return super().to_representation(child) | {
            name: identity[name] for name in ("last_name", "first_name", "patronymic", "sealed")
        }

    @extend_schema_field(DepartureSerializer(allow_null=True))
    def get_departure(self, child):
        departure = next(iter(child.departures.all()), None)  # the one that stands
        if departure is None:
            return None
        return {
            "departed_on": departure.departed_on,
            "residence_country": departure.residence_country,
            "exit_permission_number": departure.exit_permission_number,
            "exit_permission_on": departure.exit_permission_on,
        }
