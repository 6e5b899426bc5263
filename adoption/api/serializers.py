from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.fields import DateField, ModelSerializer
from core.audit import note_read
from core.models import Agency, Court
from registry import sealing
from registry.models import Sex

from .. import services
from ..models import (
    AdopterRegistration,
    Appeal,
    Applicant,
    BarringFact,
    Case,
    CaseDocument,
    CaseDocumentKind,
    CaseKind,
    Consent,
    Contact,
    Decision,
    DomesticSearch,
    HagueProcedure,
    Hearing,
    MaritalStatus,
    Participant,
    Referral,
    Register,
)
from ..services import APPLICANT_FIELDS


@extend_schema_field(OpenApiTypes.INT)
class ScopedPrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """An id resolved within what the caller may see (context["scopes"][name]); others 'do not exist'."""

    default_error_messages = {
        "does_not_exist": _("No record {pk_value} among those you can see."),
        "incorrect_type": _("An id is a whole number."),
    }

    def __init__(self, scope: str, **kwargs):
        self.scope = scope
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.context["scopes"][self.scope]


class RegistrationSerializer(ModelSerializer):
    register = serializers.ChoiceField(choices=Register.choices)

    class Meta:
        model = AdopterRegistration
        fields = ["id", "register", "number", "registered_on", "valid_until", "created_at"]
        read_only_fields = ["id", "created_at"]


class ApplicantUpdateSerializer(serializers.Serializer):
    """A correction of an applicant's record (each field optional), by the agency that recorded them."""

    version = serializers.IntegerField(required=False, help_text="the version you saw; a stale one is refused (409)")
    last_name = serializers.CharField(max_length=100, required=False)
    first_name = serializers.CharField(max_length=100, required=False)
    sex = serializers.ChoiceField(choices=Sex.choices, required=False)
    birth_date = DateField(required=False)
    citizenship = serializers.CharField(min_length=2, max_length=9, required=False)
    residence_country = serializers.CharField(min_length=2, max_length=2, required=False)
    marital_status = serializers.ChoiceField(choices=MaritalStatus.choices, required=False, allow_blank=True)
    foreign_register_number = serializers.CharField(max_length=64, required=False, allow_blank=True)
    foreign_registered_on = DateField(required=False, allow_null=True)
    barring_facts = serializers.ListField(
        child=serializers.ChoiceField(choices=BarringFact.choices), required=False, max_length=10
    )
    raised_child_three_years = serializers.BooleanField(required=False)


class ApplicantSerializer(ModelSerializer):
    sex = serializers.ChoiceField(choices=Sex.choices)
    marital_status = serializers.ChoiceField(
        choices=MaritalStatus.choices, required=False, allow_blank=True, default=""
    )
    citizenship = serializers.CharField(min_length=2, max_length=9, help_text="ISO 3166 alpha-2, or `stateless`")
    barring_facts = serializers.ListField(
        child=serializers.ChoiceField(choices=BarringFact.choices), required=False, default=list, max_length=10
    )
    raised_child_three_years = serializers.BooleanField(required=False, default=False)
    registrations = RegistrationSerializer(many=True, read_only=True)
    residence_country = serializers.CharField(min_length=2, max_length=2)
    foreign_register_number = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")

    class Meta:
        model = Applicant
        fields = ["id", *APPLICANT_FIELDS, "registrations", "district", "version", "created_at"]
        read_only_fields = ["id", "district", "registrations", "version", "created_at"]
        extra_kwargs = {"birth_date": {"required": True, "allow_null": False}}

    def to_representation(self, applicant):
        note_read(applicant)  # a part of the case file: every read is audited
        return super().to_representation(applicant)


class CaseCreateSerializer(serializers.Serializer):
    children = serializers.ListField(child=ScopedPrimaryKeyField("children"), min_length=1, max_length=20)
    applicants = serializers.ListField(child=ScopedPrimaryKeyField("applicants"), min_length=1, max_length=2)
    relative_of = serializers.ListField(
        child=ScopedPrimaryKeyField("children"), required=False, default=list, max_length=20
    )
    opened_on = DateField()
    kind = serializers.ChoiceField(choices=CaseKind.choices, required=False, default=CaseKind.STANDARD)


# what a case file answers null once a child of the case is sealed (CaseSerializer.to_representation)
SEALED_TEXT = "null in the file of a case with a sealed child: typed before the adoption, it may name the child"


UNNAMED_TEXT = (
    "null where a file holding a sealed child does not name the child: one adopted in another case, or "
    "another child of the case that adopted it (open the file with ?purpose=)"
)


class CaseChildSerializer(serializers.Serializer):
    child = serializers.IntegerField(source="child_id", allow_null=True, help_text=UNNAMED_TEXT)
    is_relative = serializers.BooleanField()


class DocumentSerializer(ModelSerializer):
    kind = serializers.ChoiceField(choices=CaseDocumentKind.choices)
    conditions = serializers.ListField(
        child=serializers.SlugField(max_length=60), required=False, default=list, max_length=30
    )
    applicant = ScopedPrimaryKeyField("applicants", required=False, allow_null=True, default=None)
    issuer_licence = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    agency = serializers.PrimaryKeyRelatedField(
        queryset=Agency.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text="a dossier report: the accredited agency that issued it",
        error_messages={"does_not_exist": _("No agency {pk_value} on the register.")},
    )
    applicants = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        source="named_applicants",
        required=False,
        default=list,
        max_length=2,
        help_text="marriage_certificate: the two spouses (applicant ids of the case)",
    )
    child = ScopedPrimaryKeyField("children", required=False, allow_null=True, default=None)
    amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, required=False, allow_null=True, default=None
    )
    household_size = serializers.IntegerField(min_value=1, max_value=30, required=False, allow_null=True, default=None)

    class Meta:
        model = CaseDocument
        fields = [
            "id",
            "kind",
            "applicant",
            "applicants",
            "child",
            "issued_on",
            "issuer",
            "issuer_licence",
            "licence_valid_until",
            "agency",
            "conditions",
            "amount",
            "household_size",
            "created_at",
            "withdrawn_at",
            "withdrawn_reason",
        ]
        read_only_fields = ["id", "created_at", "withdrawn_at", "withdrawn_reason"]
        extra_kwargs = {"withdrawn_reason": {"allow_null": True, "help_text": SEALED_TEXT}}


class ContactSerializer(ModelSerializer):
    applicant = ScopedPrimaryKeyField("applicants")
    child = ScopedPrimaryKeyField("children")

    class Meta:
        model = Contact
        fields = ["id", "applicant", "child", "on", "created_at", "withdrawn_at", "withdrawn_reason"]
        read_only_fields = ["id", "created_at", "withdrawn_at", "withdrawn_reason"]
        extra_kwargs = {"withdrawn_reason": {"allow_null": True, "help_text": SEALED_TEXT}}


class ConsentSerializer(ModelSerializer):
    child = ScopedPrimaryKeyField("children")

    class Meta:
        model = Consent
        fields = ["id", "child", "given_on", "withdrawn_on", "created_at"]
        read_only_fields = ["id", "created_at"]


class ContactInFileSerializer(ModelSerializer):
    """A contact as the case file answers it (`CaseSerializer`)."""

    applicant = serializers.IntegerField(source="applicant_id")
    child = serializers.IntegerField(source="child_id", allow_null=True, help_text=UNNAMED_TEXT)

    class Meta:
        model = Contact
        fields = ContactSerializer.Meta.fields
        read_only_fields = fields
        extra_kwargs = ContactSerializer.Meta.extra_kwargs


class ConsentInFileSerializer(ModelSerializer):
    """A consent as the case file answers it (`CaseSerializer`)."""

    child = serializers.IntegerField(source="child_id", allow_null=True, help_text=UNNAMED_TEXT)

    class Meta:
        model = Consent
        fields = ConsentSerializer.Meta.fields
        read_only_fields = fields


class OnSerializer(serializers.Serializer):
    on = DateField()


class DomesticSearchSerializer(ModelSerializer):
    outcome = serializers.ChoiceField(choices=DomesticSearch.Outcome.choices)
    notes = serializers.CharField(required=False, allow_blank=True, allow_null=True, default="", help_text=SEALED_TEXT)

    class Meta:
        model = DomesticSearch
        fields = ["id", "completed_on", "outcome", "notes", "created_at"]
        read_only_fields = ["id", "created_at"]

    def validate_notes(self, notes: str | None) -> str:
        return notes or ""


class ReferralSerializer(ModelSerializer):
    court = serializers.PrimaryKeyRelatedField(
        queryset=Court.objects.all(), error_messages={"does_not_exist": _("No court has the id {pk_value}.")}
    )

    class Meta:
        model = Referral
        fields = ["id", "court", "on", "created_at"]
        read_only_fields = ["id", "created_at"]


class HearingSerializer(ModelSerializer):
    participants = serializers.ListField(child=serializers.ChoiceField(choices=Participant.choices), max_length=10)
    in_camera = serializers.BooleanField()

    class Meta:
        model = Hearing
        fields = ["id", "court", "on", "participants", "in_camera", "created_at", "withdrawn_at", "withdrawn_reason"]
        read_only_fields = ["id", "court", "created_at", "withdrawn_at", "withdrawn_reason"]
        extra_kwargs = {"withdrawn_reason": {"allow_null": True, "help_text": SEALED_TEXT}}


class NewIdentitySerializer(serializers.Serializer):
    last_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    first_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    patronymic = serializers.CharField(max_length=100, required=False, allow_blank=True)
    birth_date = DateField(required=False, allow_null=True)
    birth_place = serializers.CharField(max_length=200, required=False, allow_blank=True)


class CivilRegistrationSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=64)
    registered_on = DateField()
    office = serializers.CharField(max_length=200)


class AppealSerializer(ModelSerializer):
    """Recorded when filed (`decided_on` and `outcome` null: pending, the decision stays out of
    force) or when decided; a pending appeal is decided by posting it again with both. An appeal
    that reverses a refusal grants the adoption: it states the court's reduction of the age gap
    (`age_gap_reduced`, `age_gap_reason`) and the child's new identity (`new_identity`) as a
    granted decision does."""

    decided_on = DateField(required=False, allow_null=True, default=None)
    outcome = serializers.ChoiceField(choices=Appeal.Outcome.choices, required=False, allow_null=True, default=None)
    age_gap_reduced = serializers.BooleanField(required=False, default=False, write_only=True)
    age_gap_reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=2000, write_only=True
    )
    new_identity = NewIdentitySerializer(required=False, allow_null=True, default=None, write_only=True)

    class Meta:
        model = Appeal
        fields = [
            "filed_on",
            "decided_on",
            "outcome",
            "age_gap_reduced",
            "age_gap_reason",
            "new_identity",
            "created_at",
        ]
        read_only_fields = ["created_at"]

    def to_representation(self, instance):
        return super().to_representation(instance) | {"outcome": instance.outcome or None}


class DecisionSerializer(ModelSerializer):
    outcome = serializers.ChoiceField(choices=Decision.Outcome.choices)
    final_form_on = DateField(required=False, allow_null=True, default=None)
    age_gap_reduced = serializers.BooleanField(required=False, default=False)
    age_gap_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        default="",
        max_length=2000,
        help_text="null while a child of the case is sealed (open the case file with ?purpose=)",
    )
    new_identity = NewIdentitySerializer(required=False, allow_null=True, default=None)
    expected_in_force_on = serializers.SerializerMethodField(
        help_text=(
            "the day after the appeal term from final_form_on expires, until in_force_on is recorded; "
            "null while an appeal is pending"
        )
    )
    civil_registration = serializers.SerializerMethodField()
    appeal = serializers.SerializerMethodField()
    granted_on = DateField(
        read_only=True,
        allow_null=True,
        help_text=(
            "the day the adoption that stands was granted: decided_on, or the appeal's decided_on when it "
            "reversed a refusal (outcome stays the first court's); null when none stands"
        ),
    )

    class Meta:
        model = Decision
        fields = [
            "outcome",
            "granted_on",
            "decided_on",
            "final_form_on",
            "in_force_on",
            "expected_in_force_on",
            "age_gap_reduced",
            "age_gap_reason",
            "new_identity",
            "civil_registration",
            "appeal",
            "court",
        ]
        read_only_fields = ["court", "expected_in_force_on", "granted_on"]

    def to_representation(self, decision):
        data = super().to_representation(decision)
        # the court's reasons, written while the child was known by its birth name, are sealed
        # with the child as what else was typed in its file (CaseSerializer)
        if decision.case.file_sealed:
            data["age_gap_reason"] = None
        return data

    @extend_schema_field(DateField(allow_null=True))
    def get_expected_in_force_on(self, decision):
        return services.expected_in_force(decision)

    @extend_schema_field(CivilRegistrationSerializer(allow_null=True))
    def get_civil_registration(self, decision):
        if not decision.civil_registered_on:
            return None
        return {
            "number": decision.civil_registration_number,
            "registered_on": decision.civil_registered_on,
            "office": decision.civil_registry_office,
        }

    @extend_schema_field(AppealSerializer(allow_null=True))
    def get_appeal(self, decision):
        appeal = getattr(decision, "appeal", None)
        return AppealSerializer(appeal).data if appeal else None


class DecisionPatchSerializer(serializers.Serializer):
    """PATCH .../decision/: the entry into force (court), the civil registry's record (court or district)."""

    in_force_on = DateField(required=False)
    civil_registration = CivilRegistrationSerializer(required=False)

    def validate(self, data):
        if not data:
            raise serializers.ValidationError(
                {"in_force_on": _("Give in_force_on or civil_registration.")}, code="required"
            )
        return data


class HagueSerializer(ModelSerializer):
    class Meta:
        model = HagueProcedure
        fields = [
            "art15_report_received_on",
            "art16_report_sent_on",
            "art17_agreement_on",
            "certificate_number",
            "certificate_issued_on",
        ]


class HagueStepsSerializer(serializers.Serializer):
    art15_report_received_on = DateField(required=False)
    art16_report_sent_on = DateField(required=False)
    art17_agreement_on = DateField(required=False)


class HagueCertificateSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=64)
    issued_on = DateField()


class CaseSerializer(ModelSerializer):
    """The case file."""

    children = CaseChildSerializer(source="child_links", many=True)
    applicants = serializers.SerializerMethodField()
    documents = DocumentSerializer(many=True)
    contacts = ContactInFileSerializer(many=True)
    consents = ConsentInFileSerializer(many=True)
    domestic_searches = DomesticSearchSerializer(many=True)
    referral = serializers.SerializerMethodField()
    hearings = HearingSerializer(many=True)
    decision = serializers.SerializerMethodField()
    hague = serializers.SerializerMethodField()
    foreign_adoption = serializers.BooleanField(source="is_foreign_adoption")

    class Meta:
        model = Case
        fields = [
            "id",
            "case_ref",
            "category",
            "status",
            "closed_reason",
            "closed_on",
            "district",
            "opened_on",
            "kind",
            "receiving_country",
            "foreign_adoption",
            "children",
            "applicants",
            "documents",
            "contacts",
            "consents",
            "domestic_searches",
            "referral",
            "hearings",
            "decision",
            "hague",
            "historical",
            "version",
            "created_at",
        ]
        read_only_fields = fields

    def to_representation(self, case):
        note_read(case)  # adoption is secret: every read of a case file is audited
        data = super().to_representation(case)
        # what was typed before the adoption may name the child: its sealed keys (the reasons of
        # withdrawals, a search's notes) answer null once a child of the case is sealed, unless
        # the file is opened with a purpose (`selectors.open_file`)
        sealed = case.file_sealed
        for name in ("documents", "contacts", "hearings", "domestic_searches"):
            data[name] = sealing.redact(data[name], sealed)
        if sealed:  # the children the file does not name (Case.names): no id
            records = [*case.child_links.all(), *case.contacts.all(), *case.consents.all()]
            unnamed = {record.child_id for record in records if not case.names(record.child)}
            for name in ("children", "contacts", "consents"):
                for item in data[name]:
                    if item["child"] in unnamed:
                        item["child"] = None
        return data

    def get_applicants(self, case) -> list[int]:
        return [link.applicant_id for link in case.applicant_links.all()]

    @extend_schema_field(ReferralSerializer(allow_null=True))
    def get_referral(self, case):
        referrals = sorted(case.referrals.all(), key=lambda r: (r.on, r.id))
        return ReferralSerializer(referrals[-1]).data if referrals else None

    @extend_schema_field(HagueSerializer(allow_null=True))
    def get_hague(self, case):
        procedure = getattr(case, "hague", None)
        return HagueSerializer(procedure).data if procedure else None

    @extend_schema_field(DecisionSerializer(allow_null=True))
    def get_decision(self, case):
        decision = getattr(case, "decision", None)
        return DecisionSerializer(decision).data if decision else None


class CheckSerializer(serializers.Serializer):
    code = serializers.CharField()
    status = serializers.ChoiceField(choices=["pass", "fail", "pending", "not_applicable"])
    basis = serializers.CharField()
    detail = serializers.CharField()
    satisfiable_on = DateField(allow_null=True)


class FindingSerializer(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()
    flag = serializers.CharField(required=False, help_text="RED_FLAG: which (RULES v2 §7b)")
    evidence = serializers.DictField(required=False, help_text="RED_FLAG: the records it rests on")
    on = DateField(required=False, help_text="RED_FLAG: the date of the evidence")


class EligibilitySerializer(serializers.Serializer):
    case = serializers.IntegerField()
    as_of = DateField()
    category = serializers.CharField()
    eligible = serializers.BooleanField()
    checks = CheckSerializer(many=True)
    warnings = FindingSerializer(many=True)
