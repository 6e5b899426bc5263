from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api.fields import ModelSerializer
from core.models import Agency

from ..models import Fee, FeePurpose, Party, PartyRole


class FeeSerializer(ModelSerializer):
    party = serializers.PrimaryKeyRelatedField(
        queryset=Party.objects.none(), error_messages={"does_not_exist": _("No party {pk_value} in this case.")}
    )
    purpose = serializers.ChoiceField(choices=FeePurpose.choices)
    currency = serializers.CharField(min_length=3, max_length=3, help_text="ISO 4217, e.g. USD, EUR, KZT")

    class Meta:
        model = Fee
        fields = ["id", "party", "amount", "currency", "paid_on", "purpose", "created_at"]
        read_only_fields = ["id", "created_at"]

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        if case is not None:
            self.fields["party"].queryset = case.parties.all()  # type: ignore[attr-defined]  # this case's parties only

    def validate_currency(self, value):
        return value.upper()


class PartySerializer(ModelSerializer):
    role = serializers.ChoiceField(choices=PartyRole.choices)
    country = serializers.CharField(min_length=2, max_length=2)
    agency = serializers.PrimaryKeyRelatedField(
        queryset=Agency.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        error_messages={"does_not_exist": _("No agency {pk_value} on the register.")},
    )
    fees = FeeSerializer(many=True, read_only=True)

    class Meta:
        model = Party
        fields = ["id", "name", "country", "role", "agency", "fees", "created_at"]
        read_only_fields = ["id", "fees", "created_at"]

    def validate_country(self, value):
        return value.upper()
