from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from adoption.models import Applicant
from core.api.fields import DateField, ModelSerializer
from core.models import Region
from registry import sealing
from registry.models import Sex

from ..models import Answer, FamilyWishes, Proposal


class WishesSerializer(ModelSerializer):
    # the sexes of a child (registry), or blank for either
    sex = serializers.ChoiceField(choices=Sex.choices, required=False, allow_blank=True, default="")
    age_min = serializers.IntegerField(min_value=0, max_value=17, required=False, default=0)
    age_max = serializers.IntegerField(min_value=0, max_value=17, required=False, default=17)
    children = serializers.IntegerField(min_value=1, max_value=10, required=False, default=1)
    siblings = serializers.BooleanField(required=False, default=False)
    health_conditions = serializers.BooleanField(required=False, default=False)
    regions = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Region.objects.all(),
        many=True,
        required=False,
        error_messages={"does_not_exist": _("No region has the code {value}.")},
        help_text="empty: every region",
    )

    class Meta:
        model = FamilyWishes
        fields = ["sex", "age_min", "age_max", "children", "siblings", "health_conditions", "regions", "updated_at"]
        read_only_fields = ["updated_at"]


class ProposalSerializer(ModelSerializer):
    """A proposal; its refusal's reason is null once the child is sealed (context["sealed"]): the
    district typed it before the adoption, and it may name the child by its birth name."""

    class Meta:
        model = Proposal
        fields = ["id", "child", "applicant", "proposed_on", "answer", "answered_on", "reason", "spouse", "created_at"]
        read_only_fields = ["id", "child", "answer", "answered_on", "reason", "spouse", "created_at"]
        extra_kwargs = {"reason": {"allow_null": True, "help_text": "null once the child's identity is sealed"}}

    def to_representation(self, proposal):
        return sealing.redact(super().to_representation(proposal), bool(self.context.get("sealed")))


class AnswerSerializer(serializers.Serializer):
    answer = serializers.ChoiceField(choices=[Answer.ACCEPTED, Answer.DECLINED])
    on = DateField()
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    spouse = serializers.PrimaryKeyRelatedField(
        queryset=Applicant.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text="accepted by a couple: the spouse joins the case (an applicant the district sees, or one recorded by the family's own agency)",
    )


class MatchSerializer(serializers.Serializer):
    applicant = serializers.IntegerField()
    registered_on = DateField()
    region = serializers.CharField()
    reason = serializers.CharField()
    proposal = ProposalSerializer(allow_null=True)
