from django.db import transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404  # DRF's: a malformed id is a 404, not a 500
from rest_framework.response import Response

from core.api.mixins import ScopedContextMixin, correction
from core.api.serializers import AsOfSerializer
from core.audit import note_read
from core.dates import today
from core.errors import may
from core.models import Role, User
from core.numbers import whole_number
from core.permissions import FILE_READERS, roles
from registry.models import Child
from registry.selectors import children_for

from .. import selectors, services
from ..facts import eligibility
from ..models import Decision
from .serializers import (
    AppealSerializer,
    ApplicantSerializer,
    ApplicantUpdateSerializer,
    CaseCreateSerializer,
    CaseSerializer,
    ConsentSerializer,
    ContactSerializer,
    DecisionPatchSerializer,
    DecisionSerializer,
    DocumentSerializer,
    DomesticSearchSerializer,
    EligibilitySerializer,
    HagueCertificateSerializer,
    HagueSerializer,
    HagueStepsSerializer,
    HearingSerializer,
    OnSerializer,
    ReferralSerializer,
    RegistrationSerializer,
)

# Consular posts see only a part of a file, through the consular endpoints (ROLES.md).
CASE_READERS = FILE_READERS


class CaseScopes(ScopedContextMixin):
    def scopes(self, user) -> dict:
        return {"children": children_for(user), "applicants": selectors.applicants_for(user)}


class ApplicantViewSet(
    CaseScopes, mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Prospective adoptive parents, recorded by the guardianship agency of a district."""

    serializer_class = ApplicantSerializer
    permission_classes = [roles(Role.GUARDIANSHIP, read=CASE_READERS)]

    def get_queryset(self):
        # each applicant shows its register entries: one query for the page, not one per applicant
        return selectors.applicants_for(self.request.user).order_by("id").prefetch_related("registrations")

    def create(self, request, *args, **kwargs):
        may(request.user, services.create_applicant)  # a forbidden role learns nothing about the input
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer):
        user = self.request.user
        assert isinstance(user, User)  # signed in: the permission class required it
        serializer.instance = services.create_applicant(actor=user, district=user.district, **serializer.validated_data)

    @extend_schema(request=ApplicantUpdateSerializer, responses=ApplicantSerializer)
    def partial_update(self, request, pk=None):
        """Correct the record, or record what arose since (CMF art. 91: a fact that bars adopting)."""
        may(request.user, services.update_applicant)
        applicant = self.get_object()
        version, changes = correction(request, ApplicantUpdateSerializer)
        applicant = services.update_applicant(actor=request.user, applicant=applicant, version=version, **changes)
        return Response(ApplicantSerializer(applicant).data)

    @extend_schema(request=RegistrationSerializer, responses={201: RegistrationSerializer})
    @action(detail=True, methods=["post"], permission_classes=[roles(Role.GUARDIANSHIP, Role.MINISTRY)])
    def registrations(self, request, pk=None):
        """An entry on a register of prospective adopters (CMF art. 89)."""
        may(request.user, services.register_applicant)
        applicant = self.get_object()
        data = RegistrationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry = services.register_applicant(actor=request.user, applicant=applicant, **data.validated_data)
        return Response(RegistrationSerializer(entry).data, status=status.HTTP_201_CREATED)


class CaseViewSet(CaseScopes, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Adoption cases: the case file, its evidence, eligibility and the court stage."""

    serializer_class = CaseSerializer
    # each write is refused to a role its service is not for (core.errors.may), before its input is read
    permission_classes = [roles(Role.GUARDIANSHIP, Role.COURT, Role.MINISTRY, read=CASE_READERS)]
    filterset_fields = {"status": ["exact"], "category": ["exact"], "district": ["exact"]}

    def get_queryset(self):
        qs = selectors.cases_for(self.request.user).order_by("id")
        if self.action in ("list", "retrieve"):
            qs = selectors.case_file(qs)
        child = self.request.query_params.get("child")
        if self.action == "list" and child:
            number = whole_number(child)
            found = Child.objects.filter(pk=number).only("sealed_on").first() if number is not None else None
            qs = qs.none() if found is None else selectors.of_child(qs, found)
        return qs

    @extend_schema(parameters=[OpenApiParameter("child", OpenApiTypes.INT, description="cases of this child")])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "purpose",
                OpenApiTypes.STR,
                description="why you open a case file holding a sealed child (at least 10 characters; audited)",
            )
        ]
    )
    def retrieve(self, request, *args, **kwargs):
        case = self.get_object()
        selectors.open_file(request.user, case, request.query_params.get("purpose"))
        return Response(CaseSerializer(case).data)

    def _file(self, case, code=status.HTTP_200_OK):
        return Response(
            CaseSerializer(selectors.case_file(selectors.cases_for(self.request.user)).get(pk=case.pk)).data,
            status=code,
        )

    @extend_schema(request=CaseCreateSerializer, responses={201: CaseSerializer})
    def create(self, request):
        data = self.valid(CaseCreateSerializer, service=services.open_case)
        case = services.open_case(actor=request.user, **data)
        return self._file(case, status.HTTP_201_CREATED)

    def _evidence(self, serializer_class, service, **extra):
        case = self.get_object()
        data = self.valid(serializer_class, service=service)
        record = service(actor=self.request.user, case=case, **data, **extra)
        return Response(
            serializer_class(record, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=DocumentSerializer, responses={201: DocumentSerializer})
    @action(detail=True, methods=["post"])
    def documents(self, request, pk=None):
        return self._evidence(DocumentSerializer, services.add_document)

    @extend_schema(request=ContactSerializer, responses={201: ContactSerializer})
    @action(detail=True, methods=["post"])
    def contacts(self, request, pk=None):
        return self._evidence(ContactSerializer, services.record_contact)

    @extend_schema(request=ConsentSerializer, responses={201: ConsentSerializer})
    @action(detail=True, methods=["post"])
    def consents(self, request, pk=None):
        return self._evidence(ConsentSerializer, services.record_consent)

    @extend_schema(request=OnSerializer, responses=ConsentSerializer)
    @action(detail=True, methods=["post"], url_path=r"consents/(?P<consent_id>\d+)/withdraw")
    def withdraw_consent(self, request, pk=None, consent_id=None):
        case = self.get_object()
        consent = get_object_or_404(case.consents.all(), pk=consent_id)
        consent = services.withdraw_consent(
            actor=request.user, consent=consent, **self.valid(OnSerializer, service=services.withdraw_consent)
        )
        return Response(ConsentSerializer(consent).data)

    @extend_schema(request=DomesticSearchSerializer, responses={201: DomesticSearchSerializer})
    @action(detail=True, methods=["post"], url_path="domestic-search")
    def domestic_search(self, request, pk=None):
        return self._evidence(DomesticSearchSerializer, services.record_domestic_search)

    @extend_schema(
        parameters=[OpenApiParameter("as_of", OpenApiTypes.DATE, description="default: today")],
        responses=EligibilitySerializer,
    )
    @action(detail=True, methods=["get"], filter_backends=[])  # one case by id: the list's filters only cost time here
    def eligibility(self, request, pk=None):
        case = self.get_object()
        params = AsOfSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        result = eligibility(case, params.validated_data.get("as_of") or today())
        note_read(case)
        return Response(result.as_dict())  # the shape EligibilitySerializer documents (the fuzz test checks it)

    @extend_schema(request=ReferralSerializer, responses={201: ReferralSerializer})
    @action(detail=True, methods=["post"])
    def referral(self, request, pk=None):
        return self._evidence(ReferralSerializer, services.refer_to_court)

    @extend_schema(request=HearingSerializer, responses={201: HearingSerializer})
    @action(detail=True, methods=["post"])
    def hearings(self, request, pk=None):
        return self._evidence(HearingSerializer, services.record_hearing)

    @extend_schema(methods=["POST"], request=DecisionSerializer, responses={201: DecisionSerializer})
    @extend_schema(methods=["PATCH"], request=DecisionPatchSerializer, responses=DecisionSerializer)
    @action(detail=True, methods=["post", "patch"])
    def decision(self, request, pk=None):
        if request.method == "POST":
            return self._evidence(DecisionSerializer, services.record_decision)
        case = self.get_object()
        data = DecisionPatchSerializer(data=request.data)
        if isinstance(request.data, dict) and "civil_registration" in request.data:  # a JSON body may be null
            may(request.user, services.record_civil_registration)
        else:
            may(request.user, services.set_in_force)
        data.is_valid(raise_exception=True)
        with transaction.atomic():  # both or neither
            if "in_force_on" in data.validated_data:
                services.set_in_force(actor=request.user, case=case, in_force_on=data.validated_data["in_force_on"])
            if "civil_registration" in data.validated_data:
                services.record_civil_registration(
                    actor=request.user, case=case, **data.validated_data["civil_registration"]
                )
        return Response(DecisionSerializer(Decision.objects.get(case=case)).data)

    @extend_schema(request=HagueStepsSerializer, responses={201: HagueSerializer})
    @action(detail=True, methods=["post"])
    def hague(self, request, pk=None):
        """HC93 art. 15-17, recorded by the ministry as Kazakhstan's Central Authority."""
        case = self.get_object()
        procedure = services.record_hague_steps(
            actor=request.user, case=case, **self.valid(HagueStepsSerializer, service=services.record_hague_steps)
        )
        return Response(HagueSerializer(procedure).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=HagueCertificateSerializer, responses={201: HagueSerializer})
    @action(detail=True, methods=["post"], url_path="hague-certificate")
    def hague_certificate(self, request, pk=None):
        """The art. 23 certificate, after entry into force."""
        case = self.get_object()
        data = self.valid(HagueCertificateSerializer, service=services.issue_hague_certificate)
        procedure = services.issue_hague_certificate(actor=request.user, case=case, **data)
        return Response(HagueSerializer(procedure).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AppealSerializer, responses={201: AppealSerializer})
    @action(detail=True, methods=["post"])
    def appeal(self, request, pk=None):
        return self._evidence(AppealSerializer, services.record_appeal)

    @extend_schema(request=OnSerializer, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        case = self.get_object()
        case = services.withdraw_case(
            actor=request.user, case=case, **self.valid(OnSerializer, service=services.withdraw_case)
        )
        return self._file(case)
