from django.contrib.auth import logout
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from knox.models import AuthToken
from rest_framework import exceptions, generics, mixins, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404  # DRF's: a malformed id is a 404, not a 500
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core import selectors, services, work
from core.audit import event_view, reads_of_q
from core.dates import today
from core.errors import may
from core.models import Citation, Policy, Role
from core.permissions import ALL_ROLES, roles

from .serializers import (
    AgencySerializer,
    AsOfSerializer,
    AuditEventSerializer,
    CitationSerializer,
    ConsularPostSerializer,
    CountrySerializer,
    CourtSerializer,
    LoginSerializer,
    PolicySerializer,
    RegionSerializer,
    ReminderSerializer,
    TokenSerializer,
    WorkQuerySerializer,
    WorkSerializer,
)


class LockedOut(exceptions.PermissionDenied):
    default_detail = _("Too many failed logins: this account is locked for an hour. Ask the ministry to unlock it.")
    default_code = "locked_out"


class TokenView(APIView):
    """Exchange a username and password for a new API token, valid for TOKEN_TTL_HOURS (brute
    force is locked out by axes, per account and per address)."""

    permission_classes = [AllowAny]
    authentication_classes = []
    serializer_class = LoginSerializer

    @extend_schema(request=LoginSerializer, responses=TokenSerializer)
    def post(self, request):
        serializer = LoginSerializer(data=request.data, context={"request": request})
        try:
            serializer.is_valid(raise_exception=True)
        except exceptions.ValidationError:
            if getattr(request, "axes_locked_out", False) or getattr(request._request, "axes_locked_out", False):
                raise LockedOut() from None
            raise
        instance, token = AuthToken.objects.create(serializer.validated_data["user"])
        return Response({"token": token, "expiry": instance.expiry})


class LogoutView(APIView):
    """Revoke the token of this request (a session is ended instead)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        if isinstance(request.auth, AuthToken):
            request.auth.delete()
        else:
            logout(request._request)
        return Response(status=204)


class RegionList(generics.ListAPIView):
    serializer_class = RegionSerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.regions()


class CourtList(generics.ListAPIView):
    serializer_class = CourtSerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.courts()


class ConsularPostList(generics.ListAPIView):
    serializer_class = ConsularPostSerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.consular_posts()


class CitationViewSet(mixins.ListModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """The legal basis each eligibility check cites (RULES.md: citations are data); the ministry corrects them."""

    serializer_class = CitationSerializer
    permission_classes = [roles(Role.MINISTRY, read=ALL_ROLES)]
    pagination_class = None
    lookup_field = "code"
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator: no database
            return Citation.objects.none()
        return selectors.citations()

    def perform_update(self, serializer):
        serializer.instance = services.update_citation(
            actor=self.request.user, citation=serializer.instance, basis=serializer.validated_data.get("basis", "")
        )


class AgencyViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """The register of accredited agencies (RULES v2 §7a): every role reads it, the ministry keeps it."""

    serializer_class = AgencySerializer
    permission_classes = [roles(Role.MINISTRY, read=ALL_ROLES)]
    pagination_class = None
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.agencies()

    def perform_create(self, serializer):
        serializer.instance = services.create_agency(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.update_agency(
            actor=self.request.user, agency=serializer.instance, **serializer.validated_data
        )


class CountryViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Countries' status under the Hague Convention of 1993, with their Central Authorities."""

    serializer_class = CountrySerializer
    permission_classes = [roles(Role.MINISTRY, read=ALL_ROLES)]
    pagination_class = None
    lookup_field = "code"
    lookup_value_regex = "[A-Za-z]{2}"

    def get_queryset(self):
        return selectors.countries()

    @extend_schema(request=CountrySerializer, responses=CountrySerializer)
    def partial_update(self, request, code=None):
        may(request.user, services.update_country)
        data = CountrySerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        country = services.update_country(actor=request.user, code=code, **data.validated_data)
        return Response(CountrySerializer(country).data)


class PolicyView(APIView):
    """The policy parameters of RULES.md; the ministry edits them (audited)."""

    permission_classes = [roles(Role.MINISTRY, read=ALL_ROLES)]

    @extend_schema(
        parameters=[
            OpenApiParameter("as_of", OpenApiTypes.DATE, description="the version in effect then; default today")
        ],
        responses=PolicySerializer,
    )
    def get(self, request):
        params = AsOfSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        return Response(PolicySerializer(Policy.on(params.validated_data.get("as_of") or today())).data)

    @extend_schema(request=PolicySerializer, responses=PolicySerializer)
    def put(self, request):
        # RULES §11.15: a PUT may name only some parameters; the others come from the version in effect.
        serializer = PolicySerializer(Policy.current(), data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        policy = services.update_policy(actor=request.user, **serializer.validated_data)
        return Response(PolicySerializer(policy).data)


class ReminderViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The caller's open reminders, derived from the database by the beat sweeps."""

    serializer_class = ReminderSerializer
    permission_classes = [roles(*(r for r in ALL_ROLES if r != Role.AUDITOR), read=(Role.AUDITOR,))]
    filterset_fields = ["kind"]

    def get_queryset(self):
        return selectors.reminders_for(self.request.user)

    @extend_schema(request=None, responses=ReminderSerializer)
    @action(detail=True, methods=["post"])
    def done(self, request, pk=None):
        reminder = get_object_or_404(self.get_queryset(), pk=pk)
        return Response(ReminderSerializer(services.mark_reminder_done(actor=request.user, reminder=reminder)).data)


class AuditEventViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The audit trail: who changed or read which file, when, and why (the procurator's office)."""

    serializer_class = AuditEventSerializer
    permission_classes = [roles(read=(Role.AUDITOR,))]
    filterset_fields = ["action", "verb", "object_type", "subject_type", "subject_id", "actor", "request_id"]

    def get_queryset(self):
        qs = selectors.audit_events()
        named = self.request.query_params.get("object_id")
        return qs.filter(reads_of_q(named)) if named else qs

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "object_id", OpenApiTypes.STR, description="events about this record, reads of lists included"
            )
        ]
    )
    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        redact = event_view(page)  # what other apps hide in snapshots (registry: a sealed identity)
        return self.get_paginated_response(AuditEventSerializer(page, many=True, context={"redact": redact}).data)


class WorkView(APIView):
    """The caller's work queue: what falls due within `days` (default 30) and everything already
    late, soonest first, each line naming the child or the case and the page where it is done;
    of one kind of the caller's work alone with `what`."""

    permission_classes = [roles(read=work.WORKERS)]

    @extend_schema(parameters=[WorkQuerySerializer], responses=WorkSerializer)
    def get(self, request):
        query = WorkQuerySerializer(data=request.query_params, context={"request": request})
        query.is_valid(raise_exception=True)
        on = today()
        found = work.queue(
            request.user, on, horizon=query.validated_data["days"], only=query.validated_data.get("what")
        )
        rows = [
            {**vars(item), "late": item.late(on), "steps": [{"text": text, "url": url} for text, url in item.steps]}
            for item in found.items
        ]
        return Response(WorkSerializer({"count": len(rows), "more": found.more, "results": rows}).data)
