from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from adoption.api.serializers import ScopedPrimaryKeyField
from core.models import ConsularPost

from ..models import ConsularRegistration, Departure, MonitoringReport


class ConsularRegistrationSerializer(serializers.ModelSerializer):
    # Any child the caller sees: the service then says precisely why one cannot be registered.
    child = ScopedPrimaryKeyField("children")
    post = serializers.PrimaryKeyRelatedField(queryset=ConsularPost.objects.all())
    country = serializers.CharField(source="post.country", read_only=True)

    class Meta:
        model = ConsularRegistration
        fields = ["id", "child", "post", "country", "number", "registered_on", "passport_stamped_on", "ended_on", "transferred_to",
                  "historical", "created_at"]
        read_only_fields = ["id", "country", "ended_on", "transferred_to", "historical", "created_at"]


class TransferSerializer(serializers.Serializer):
    post = serializers.PrimaryKeyRelatedField(queryset=ConsularPost.objects.all())
    number = serializers.CharField(max_length=64)
    registered_on = serializers.DateField()


class PassportStampSerializer(serializers.Serializer):
    passport_stamped_on = serializers.DateField()


class DepartureSerializer(serializers.ModelSerializer):
    child = ScopedPrimaryKeyField("children")
    exit_permission_number = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    exit_permission_on = serializers.DateField(required=False, allow_null=True, default=None)
    residence_country = serializers.CharField(min_length=2, max_length=2)

    class Meta:
        model = Departure
        fields = ["id", "child", "exit_permission_number", "exit_permission_on", "departed_on", "residence_country", "historical", "created_at"]
        read_only_fields = ["id", "historical", "created_at"]


class MonitoringReportSerializer(serializers.ModelSerializer):
    child = ScopedPrimaryKeyField("adopted_children")
    attachment = serializers.FileField(required=False, allow_null=True)

    class Meta:
        model = MonitoringReport
        fields = ["id", "child", "due_on", "received_on", "summary", "attachment", "post", "created_at"]
        read_only_fields = ["id", "post", "created_at"]


class ScheduleEntrySerializer(serializers.Serializer):
    child = serializers.IntegerField()
    due_on = serializers.DateField()
    received_on = serializers.DateField(allow_null=True)
    status = serializers.ChoiceField(choices=["received", "late", "missing", "upcoming"])
    report = serializers.IntegerField(allow_null=True)
    summary = serializers.CharField()


class AdopterSerializer(serializers.Serializer):
    last_name = serializers.CharField()
    first_name = serializers.CharField()
    citizenship = serializers.CharField()
    residence_country = serializers.CharField()


class AdoptionSummarySerializer(serializers.Serializer):
    case = serializers.IntegerField(source="decision.case_id")
    decided_on = serializers.DateField(source="decision.decided_on")
    in_force_on = serializers.DateField(source="decision.in_force_on")
    receiving_country = serializers.CharField(source="decision.case.receiving_country")
    adoptive_parents = AdopterSerializer(source="decision.case.applicants.all", many=True)


class AdoptedChildSerializer(serializers.Serializer):
    """The part of a child's file a consular post needs (ROLES.md): nothing else."""

    id = serializers.IntegerField()
    last_name = serializers.CharField()
    first_name = serializers.CharField()
    patronymic = serializers.CharField()
    sex = serializers.CharField()
    birth_date = serializers.DateField()
    adoption = AdoptionSummarySerializer()
    departure = serializers.SerializerMethodField()
    consular_registrations = ConsularRegistrationSerializer(many=True)

    @extend_schema_field(DepartureSerializer(allow_null=True))
    def get_departure(self, child):
        departure = getattr(child, "departure", None)
        if departure is None:
            return None
        return {"departed_on": departure.departed_on, "residence_country": departure.residence_country,
                "exit_permission_number": departure.exit_permission_number, "exit_permission_on": departure.exit_permission_on}
