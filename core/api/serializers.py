from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer

from core import work
from core.api.fields import DateField, ModelSerializer
from core.models import (
    CONDITION_CODE_MAX,
    CONDITIONS_MAX,
    SCHEDULE_BOUNDS,
    Agency,
    AuditEvent,
    Citation,
    ConsularPost,
    Country,
    Court,
    District,
    Policy,
    Region,
    Reminder,
    User,
)


class DistrictSerializer(ModelSerializer):
    class Meta:
        model = District
        fields = ["code", "name"]


class RegionSerializer(ModelSerializer):
    districts = DistrictSerializer(many=True, read_only=True)

    class Meta:
        model = Region
        fields = ["code", "name", "districts"]


class CourtSerializer(ModelSerializer):
    class Meta:
        model = Court
        fields = ["id", "name", "district"]


class ConsularPostSerializer(ModelSerializer):
    class Meta:
        model = ConsularPost
        fields = ["id", "country", "city", "kind"]


class MonitoringScheduleSerializer(serializers.Serializer):
    # the bounds are the model's (core.models.SCHEDULE_BOUNDS)
    first_years = serializers.IntegerField(
        min_value=SCHEDULE_BOUNDS["first_years"][0], max_value=SCHEDULE_BOUNDS["first_years"][1]
    )
    first_every_months = serializers.IntegerField(
        min_value=SCHEDULE_BOUNDS["first_every_months"][0], max_value=SCHEDULE_BOUNDS["first_every_months"][1]
    )
    then_every_months = serializers.IntegerField(
        min_value=SCHEDULE_BOUNDS["then_every_months"][0], max_value=SCHEDULE_BOUNDS["then_every_months"][1]
    )


class PolicySerializer(ModelSerializer):
    barring_conditions = serializers.ListField(
        child=serializers.SlugField(max_length=CONDITION_CODE_MAX), allow_empty=True, max_length=CONDITIONS_MAX
    )
    monitoring_schedule = MonitoringScheduleSerializer()
    effective_from = DateField(
        required=False, allow_null=True, help_text="from when this version holds (PUT: default today; null: the first)"
    )

    def validate_monitoring_schedule(self, value):
        """The schedule is one value: a PUT names all of it (even when it names only some parameters)."""
        missing = sorted(set(MonitoringScheduleSerializer().fields) - set(value))
        if missing:
            raise serializers.ValidationError({name: _("This field is required.") for name in missing})
        return value

    class Meta:
        model = Policy
        fields = [*Policy.SCALARS, "barring_conditions", "monitoring_schedule", "effective_from", "updated_at"]
        read_only_fields = ["updated_at"]
        # the numbers' bounds are the model fields' validators, which DRF turns into min and max
        extra_kwargs = {"agency_share_alert": {"help_text": "per cent"}}


class ReminderSerializer(ModelSerializer):
    subject = serializers.SerializerMethodField()

    class Meta:
        model = Reminder
        fields = ["id", "kind", "subject", "due_on", "detail", "created_at", "done_at"]

    def get_subject(self, obj) -> dict:
        return {"type": obj.subject_type, "id": obj.subject_id}


class AuditEventSerializer(ModelSerializer):
    """An event of the audit trail. Snapshots of a sealed child's file answer its sealed keys null
    (context["redact"]: a function (event, data) -> data, given by the view)."""

    actor = serializers.CharField(source="actor.username", default=None, allow_null=True, help_text="null: the system")
    object_ids = serializers.SerializerMethodField(help_text="a read of a list: every record it showed")

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "at",
            "actor",
            "actor_role",
            "request_id",
            "action",
            "verb",
            "object_type",
            "object_id",
            "object_ids",
            "subject_type",
            "subject_id",
            "purpose",
            "before",
            "after",
        ]

    def get_object_ids(self, event) -> list[str]:
        return [pk for pk in event.object_ids.split(",") if pk]

    def to_representation(self, event):
        data = super().to_representation(event)
        redact = self.context.get("redact")
        return redact(event, data) if redact else data


class LoginSerializer(AuthTokenSerializer):
    """DRF's username and password check, the username bounded by the user model's length: a
    longer one, which no account has, is a 400 naming the field before any login is tried."""

    username = serializers.CharField(label=_("Username"), max_length=User.username.field.max_length, write_only=True)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="send as `Authorization: Token <token>`")
    expiry = serializers.DateTimeField(help_text="after this the token is refused (TOKEN_TTL_HOURS)")


class AsOfSerializer(serializers.Serializer):
    as_of = DateField(required=False)


class CitationSerializer(ModelSerializer):
    class Meta:
        model = Citation
        fields = ["code", "basis", "updated_at"]
        read_only_fields = ["code", "updated_at"]


class SuspensionSerializer(serializers.Serializer):
    # `from` is a keyword of Python: the field is declared under its API name below.
    to = DateField()

    def get_fields(self):
        return {"from": DateField(), **super().get_fields()}

    def validate(self, attrs):
        # A PATCH is partial, and DRF then lets a nested item leave out its required fields too;
        # a suspension is whole or refused.
        missing = [name for name in ("from", "to") if name not in attrs]
        if missing:
            raise serializers.ValidationError(
                {name: self.fields[name].error_messages["required"] for name in missing}, code="required"
            )
        return attrs


class AgencySerializer(ModelSerializer):
    country = serializers.CharField(min_length=2, max_length=2)
    suspensions = SuspensionSerializer(many=True, required=False, write_only=True, help_text="the whole list")

    class Meta:
        model = Agency
        fields = ["id", "name", "country", "accreditation_number", "accredited_from", "accredited_until", "suspensions"]
        read_only_fields = ["id"]

    def to_representation(self, agency):
        data = super().to_representation(agency)
        data["suspensions"] = [{"from": s.start.isoformat(), "to": s.end.isoformat()} for s in agency.suspensions.all()]
        return data

    def validate_country(self, value):
        return value.upper()


class CountrySerializer(ModelSerializer):
    class Meta:
        model = Country
        fields = ["code", "name", "hague_party_since", "central_authority"]
        read_only_fields = ["code"]


class WorkStepSerializer(serializers.Serializer):
    text = serializers.CharField(help_text="what the page is, e.g. an applicant's name")
    url = serializers.CharField()


class WorkItemSerializer(serializers.Serializer):
    due_on = DateField()
    late = serializers.BooleanField(help_text="the date has passed")
    kind = serializers.CharField(help_text="e.g. register_escalation_due, decision_in_force_due")
    title = serializers.CharField(help_text="what is to be done, in the caller's language")
    subject = serializers.CharField(help_text="the child (a sealed one: 'Adopted child #id') or the case's children")
    people = serializers.CharField(help_text="the case's applicants or the adoptive parents")
    url = serializers.CharField(help_text="the page where it is done")
    steps = WorkStepSerializer(many=True, help_text="other pages where a part of it is done")


class WorkSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="lines shown: the soonest 200 at most")
    more = serializers.BooleanField(help_text="more lines fall due than are shown (a shorter `days` narrows them)")
    results = WorkItemSerializer(many=True)


class WorkQuerySerializer(serializers.Serializer):
    days = serializers.IntegerField(required=False, min_value=0, max_value=366, default=30)
    what = serializers.CharField(
        required=False,
        # the sources' own names, read when the schema is written (the apps register them at start-up)
        help_text=lazy(
            lambda: (
                "one kind of the caller's work alone, as the caller's role has them: "
                + ", ".join(dict.fromkeys(source.name for source in work.sources))
            ),
            str,
        )(),
    )

    def validate_what(self, value: str) -> str:
        if value not in {name for name, _label in work.kinds_of_work(self.context["request"].user)}:
            raise serializers.ValidationError(_("Not a kind of your work."), code="invalid_choice")
        return value
