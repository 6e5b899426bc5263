from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.generics import get_object_or_404  # DRF's: a malformed id is a 404, not a 500
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from adoption.selectors import cases_for
from core.api.mixins import ScopedContextMixin
from core.audit import note_read
from core.models import Role
from core.numbers import whole_number
from core.permissions import ADOPTED_READERS, roles
from registry.selectors import children_for

from .. import selectors, services
from .serializers import (
    AdoptedChildSerializer,
    ConsularRegistrationSerializer,
    DeathSerializer,
    DepartureSerializer,
    MonitoringReportSerializer,
    PassportStampSerializer,
    ScheduleEntrySerializer,
    SchedulePageSerializer,
    ScheduleQuerySerializer,
    TransferSerializer,
)

READERS = ADOPTED_READERS


class ConsularScopes(ScopedContextMixin):
    def scopes(self, user) -> dict:
        return {"adopted_children": selectors.adopted_children_for(user), "children": children_for(user)}


class AdoptedChildViewSet(ConsularScopes, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Children adopted abroad, decision in force: what a consular post needs to follow them."""

    serializer_class = AdoptedChildSerializer
    permission_classes = [roles(Role.CONSULAR, Role.MINISTRY, read=READERS)]

    def get_queryset(self):
        qs = selectors.adopted_children_for(self.request.user).order_by("id")  # type: ignore[arg-type]  # signed in
        country = self.request.query_params.get("country")
        return qs.filter(adoption__decision__case__receiving_country=country.upper()) if country else qs

    @extend_schema(
        parameters=[OpenApiParameter("country", OpenApiTypes.STR, description="receiving country (ISO alpha-2)")]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        return Response(AdoptedChildSerializer(self.get_object()).data)

    @extend_schema(request=DeathSerializer, responses={201: AdoptedChildSerializer})
    @action(detail=True, methods=["post"])
    def death(self, request, pk=None):
        """The child's death, as its post (or the ministry) learnt: the follow-up ends."""
        child = self.get_object()
        died_on = self.valid(DeathSerializer, service=services.record_death)["died_on"]
        child = services.record_death(actor=request.user, child=child, died_on=died_on)
        return Response(AdoptedChildSerializer(child).data, status=status.HTTP_201_CREATED)


class ConsularRegistrationViewSet(
    ConsularScopes, mixins.ListModelMixin, mixins.CreateModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The consular register (¶60): each post sees its own registrations."""

    serializer_class = ConsularRegistrationSerializer
    permission_classes = [roles(Role.CONSULAR, Role.MINISTRY, read=READERS)]

    def get_queryset(self):
        qs = selectors.registrations_for(self.request.user).select_related("post").order_by("id")
        params = self.request.query_params
        if params.get("post"):
            post = whole_number(params["post"])
            qs = qs.none() if post is None else qs.filter(post=post)
        if params.get("country"):
            qs = qs.filter(post__country=params["country"].upper())
        return qs

    @extend_schema(
        parameters=[OpenApiParameter("post", OpenApiTypes.INT), OpenApiParameter("country", OpenApiTypes.STR)]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def create(self, request, *args, **kwargs):
        data = self.valid(ConsularRegistrationSerializer, service=services.register_child)
        registration = services.register_child(actor=request.user, **data)
        return Response(ConsularRegistrationSerializer(registration).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=TransferSerializer, responses={201: ConsularRegistrationSerializer})
    @action(detail=True, methods=["post"])
    def transfer(self, request, pk=None):
        registration = self.get_object()
        data = self.valid(TransferSerializer, service=services.transfer_registration)
        registration = services.transfer_registration(actor=request.user, registration=registration, **data)
        return Response(ConsularRegistrationSerializer(registration).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PassportStampSerializer, responses=ConsularRegistrationSerializer)
    @action(detail=True, methods=["post"], url_path="passport-stamp")
    def passport_stamp(self, request, pk=None):
        registration = self.get_object()
        on = self.valid(PassportStampSerializer, service=services.stamp_passport)["passport_stamped_on"]
        registration = services.stamp_passport(actor=request.user, registration=registration, on=on)
        return Response(ConsularRegistrationSerializer(registration).data)


class MonitoringReportView(ConsularScopes, generics.GenericAPIView):
    """GET: the monitoring schedule with due dates and status; POST: a report received."""

    serializer_class = MonitoringReportSerializer
    permission_classes = [roles(Role.CONSULAR, Role.MINISTRY, read=READERS)]

    def get_queryset(self):
        return selectors.monitoring_reports_for(self.request.user)  # type: ignore[arg-type]  # signed in

    @extend_schema(parameters=[ScheduleQuerySerializer], responses=SchedulePageSerializer)
    def get(self, request):
        """The schedules of the children in scope (or of one), whole children in id order."""
        query = ScheduleQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        children = selectors.adopted_children_for(request.user)
        if "child" in params:
            children = children.filter(pk=get_object_or_404(children, pk=params["child"]).pk)
        entries, last = services.schedules(
            children, after=params["after"], size=params["page_size"], status=params.get("status")
        )
        note_read(label="registry.child", ids={entry["child"] for entry in entries})
        following = None if last is None else replace_query_param(request.build_absolute_uri(), "after", last)
        return Response(
            {"next": following, "previous": None, "results": ScheduleEntrySerializer(entries, many=True).data}
        )

    @extend_schema(request=MonitoringReportSerializer, responses={201: MonitoringReportSerializer})
    def post(self, request):
        data = self.valid(MonitoringReportSerializer, service=services.record_monitoring_report)
        report = services.record_monitoring_report(actor=request.user, **data)
        return Response(MonitoringReportSerializer(report).data, status=status.HTTP_201_CREATED)


class MonitoringReportFileView(generics.GenericAPIView):
    """GET: a received report's file (`services.report_file`), to the readers of the child's
    schedule in their scope: a read of the child's record."""

    permission_classes = [roles(read=READERS)]

    def get_queryset(self):
        return selectors.monitoring_reports_for(self.request.user).exclude(attachment="")  # type: ignore[arg-type]

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request, pk):
        report = self.get_object()
        note_read(label="registry.child", ids=[report.child_id])
        opened = services.report_file(report)
        if opened is None:
            raise NotFound(services.REPORT_FILE_MISSING)
        handle, name = opened
        return FileResponse(handle, as_attachment=True, filename=name)


class DepartureView(ConsularScopes, generics.GenericAPIView):
    """The child leaves Kazakhstan: exit permission and consular registration first (¶61)."""

    serializer_class = DepartureSerializer
    permission_classes = [roles(Role.GUARDIANSHIP, read=())]

    def get_queryset(self):
        return cases_for(self.request.user)

    @extend_schema(request=DepartureSerializer, responses={201: DepartureSerializer})
    def post(self, request, pk):
        case = get_object_or_404(self.get_queryset().select_related("decision"), pk=pk)
        departure = services.record_departure(
            actor=request.user, case=case, **self.valid(DepartureSerializer, service=services.record_departure)
        )
        return Response(DepartureSerializer(departure).data, status=status.HTTP_201_CREATED)
