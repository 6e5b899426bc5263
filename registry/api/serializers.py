from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.fields import DateField, ModelSerializer, SealedCharField
from core.audit import note_read
from core.models import District

from .. import sealing
from ..models import (
    Child,
    ConsentForm,
    ConsentParent,
    DeregistrationReason,
    DocumentKind,
    DuplicateFlag,
    Ground,
    GroundCode,
    Level,
    Parent,
    ParentalConsent,
    RegisterEntry,
    Sex,
)


class DeregisteredSerializer(serializers.Serializer):
    on = DateField()
    reason = serializers.CharField()


class WarningSerializer(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()
    child = serializers.IntegerField(required=False)


class ChildSerializer(ModelSerializer):
    district = serializers.CharField(source="district_id", read_only=True)
    region = serializers.CharField(source="district.region_id", read_only=True)
    deregistered = serializers.SerializerMethodField()
    sealed = serializers.SerializerMethodField(
        help_text="pre-adoption identity sealed (adoption in force); open it with ?purpose="
    )

    class Meta:
        model = Child
        fields = [
            "id",
            "external_id",
            "last_name",
            "first_name",
            "patronymic",
            "sex",
            "birth_date",
            "birth_place",
            "birth_registration_number",
            "citizenship",
            "district",
            "region",
            "identified_on",
            "health_notes",
            "register_level",
            "level_since",
            "status",
            "deregistered",
            "sealed",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
        extra_kwargs = {name: {"allow_null": True} for name in sealing.SEALED_FIELDS}  # null while sealed

    def get_sealed(self, child) -> bool:
        return False  # answered by to_representation, through registry.sealing

    def to_representation(self, child):
        """Every child answered goes through `sealing.disclose` (which also records the read)."""
        identity = sealing.disclose(child, unsealed=child.pk in self.context.get("unsealed", ()))
        return super().to_representation(child) | identity

    @extend_schema_field(DeregisteredSerializer(allow_null=True))
    def get_deregistered(self, child):
        if child.deregistered_on is None:
            return None
        return {"on": child.deregistered_on, "reason": child.deregistration_reason}


class ChildCreatedSerializer(ChildSerializer):
    warnings = WarningSerializer(many=True, read_only=True)

    class Meta(ChildSerializer.Meta):
        fields = [*ChildSerializer.Meta.fields, "warnings"]
        read_only_fields = fields


class ChildCreateSerializer(serializers.Serializer):
    last_name = serializers.CharField(max_length=100)
    first_name = serializers.CharField(max_length=100)
    patronymic = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    sex = serializers.ChoiceField(choices=Sex.choices)
    birth_date = DateField()
    birth_registration_number = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    district = serializers.SlugRelatedField(
        slug_field="code",
        queryset=District.objects.all(),
        error_messages={"does_not_exist": _("No district has the code {value}.")},
    )
    identified_on = DateField()
    health_notes = serializers.CharField(required=False, allow_blank=True, default="")
    citizenship = serializers.CharField(
        min_length=2, max_length=9, required=False, default="KZ", help_text="ISO 3166 alpha-2, or `stateless`"
    )


class ChildUpdateSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, help_text="the version you saw; a stale one is refused (409)")
    last_name = serializers.CharField(max_length=100, required=False)
    first_name = serializers.CharField(max_length=100, required=False)
    patronymic = serializers.CharField(max_length=100, required=False, allow_blank=True)
    sex = serializers.ChoiceField(choices=Sex.choices, required=False)
    birth_date = DateField(required=False)
    birth_registration_number = serializers.CharField(max_length=64, required=False, allow_blank=True)
    identified_on = DateField(required=False)
    health_notes = serializers.CharField(required=False, allow_blank=True)
    citizenship = serializers.CharField(min_length=2, max_length=9, required=False)


class GroundDocumentSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    number = SealedCharField(max_length=64)
    date = DateField()
    issued_by = SealedCharField(max_length=200)
    in_force_on = DateField(
        required=False, allow_null=True, default=None, help_text="a court decision: the day it entered into force"
    )


class GroundSerializer(ModelSerializer):
    """A ground and its documents; a sealed child's document numbers and issuers answer null."""

    documents = GroundDocumentSerializer(many=True)
    # the API's field name; DRF takes declared fields off the class, so Field.parent is not shadowed
    parent = serializers.ChoiceField(choices=Parent.choices)  # type: ignore[assignment]
    ground = serializers.ChoiceField(choices=GroundCode.choices)

    class Meta:
        model = Ground
        fields = ["id", "parent", "ground", "documents", "created_at"]
        read_only_fields = ["id", "created_at"]

    def to_representation(self, ground):
        return sealing.redact(super().to_representation(ground), self.context.get("sealed", False))

    def validate_documents(self, value):
        if not value:
            raise serializers.ValidationError("A ground needs at least one document.", code="required")
        return value


class ConsentDocumentSerializer(serializers.Serializer):
    number = SealedCharField(max_length=64, source="document_number")
    date = DateField(source="document_date")
    issued_by = SealedCharField(max_length=200, source="document_issued_by")


class ParentalConsentSerializer(ModelSerializer):
    """A parent's or guardian's consent record; a sealed child's document number and issuer answer null."""

    parent = serializers.ChoiceField(choices=ConsentParent.choices)  # type: ignore[assignment]  # (DRF's own `parent`)
    form = serializers.ChoiceField(choices=ConsentForm.choices)
    names_applicants = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        allow_null=True,
        default=None,
        max_length=2,
        help_text="the applicants the consent is limited to; omitted or null: adoption by anyone",
    )
    document = ConsentDocumentSerializer(source="*")

    class Meta:
        model = ParentalConsent
        fields = ["id", "parent", "given_on", "form", "names_applicants", "document", "withdrawn_on", "created_at"]
        read_only_fields = ["id", "withdrawn_on", "created_at"]

    def to_representation(self, consent):
        return sealing.redact(super().to_representation(consent), self.context.get("sealed", False))

    def validate(self, data):
        document = {key.removeprefix("document_"): data.pop(key) for key in list(data) if key.startswith("document_")}
        return data | {"document": document}


class RegisterEntrySerializer(ModelSerializer):
    placed_on = DateField(source="on", read_only=True)

    class Meta:
        model = RegisterEntry
        fields = ["id", "level", "on", "placed_on", "reason", "created_at"]


class PlaceOnRegisterSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=Level.choices)
    placed_on = DateField()


class DeregisterSerializer(serializers.Serializer):
    on = DateField()
    reason = serializers.ChoiceField(choices=DeregistrationReason.choices)


class HistoryEventSerializer(serializers.Serializer):
    """An audit event; the snapshots of a sealed child's file answer its sealed keys null
    (context["sealed"]: the sealed subjects, as (object type, id) pairs)."""

    at = serializers.DateTimeField()
    actor = serializers.CharField(source="actor.username", default=None, allow_null=True, help_text="null: the system")
    actor_role = serializers.CharField()
    action = serializers.CharField()
    verb = serializers.CharField()
    object_type = serializers.CharField()
    object_id = serializers.CharField()
    purpose = serializers.CharField(
        allow_null=True, help_text="a correction's reason; null while the identity is sealed (open it with ?purpose=)"
    )
    before = serializers.JSONField()
    after = serializers.JSONField()

    def to_representation(self, event):
        return sealing.redact_event(super().to_representation(event), event, self.context.get("sealed", set()))


class DuplicateFlagSerializer(ModelSerializer):
    class Meta:
        model = DuplicateFlag
        fields = ["id", "child", "other", "reason", "status", "created_at", "resolved_at"]

    def to_representation(self, flag):
        note_read(label=sealing.CHILD, ids=[flag.child_id, flag.other_id])  # a pair of records shown
        return super().to_representation(flag)


class WithdrawSerializer(serializers.Serializer):
    on = DateField()
