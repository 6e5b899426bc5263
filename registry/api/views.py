from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404  # DRF's: a malformed id is a 404, not a 500
from rest_framework.response import Response

from core.api.mixins import correction
from core.api.pagination import CursorPagination
from core.audit import history_of, note_read
from core.errors import may
from core.models import Role
from core.permissions import FILE_READERS, roles

from .. import sealing, selectors, services
from .filters import ChildFilter
from .serializers import (
    ChildCreatedSerializer,
    ChildCreateSerializer,
    ChildSerializer,
    ChildUpdateSerializer,
    DeregisterSerializer,
    DuplicateFlagSerializer,
    GroundSerializer,
    HistoryEventSerializer,
    ParentalConsentSerializer,
    PlaceOnRegisterSerializer,
    RegisterEntrySerializer,
    WithdrawSerializer,
)

PURPOSE = OpenApiParameter(
    "purpose", OpenApiTypes.STR, description="why you open a sealed identity (at least 10 characters; audited)"
)
WRITERS = (Role.GUARDIANSHIP, Role.REGIONAL, Role.MINISTRY)  # the service decides which level each may write
# Consular posts see only their part of a child's file, through /api/v1/adopted-children/ (ROLES.md).
READERS = FILE_READERS


class ChildViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Children deprived of parental care, scoped to the caller's territory (404 outside it)."""

    serializer_class = ChildSerializer
    filterset_class = ChildFilter
    permission_classes = [roles(*WRITERS, read=READERS)]
    pagination_class = CursorPagination

    def get_queryset(self):
        return selectors.children_for(self.request.user)

    @extend_schema(parameters=[PURPOSE])
    def retrieve(self, request, *args, **kwargs):
        child = self.get_object()
        unsealed = {child.pk} if sealing.unseal(request.user, child, request.query_params.get("purpose")) else set()
        return Response(ChildSerializer(child, context={"unsealed": unsealed}).data)

    @extend_schema(request=ChildCreateSerializer, responses={201: ChildCreatedSerializer})
    def create(self, request):
        may(request.user, services.create_child)
        data = ChildCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        child, warnings = services.create_child(actor=request.user, **data.validated_data)
        body = ChildSerializer(child).data | {"warnings": [w.as_dict() for w in warnings]}
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(request=ChildUpdateSerializer, responses=ChildSerializer)
    def partial_update(self, request, pk=None):
        child = self.get_object()
        may(request.user, services.update_child)
        version, changes = correction(request, ChildUpdateSerializer)
        child = services.update_child(actor=request.user, child=child, version=version, **changes)
        return Response(ChildSerializer(child).data)

    @extend_schema(methods=["GET"], responses=GroundSerializer(many=True))
    @extend_schema(methods=["POST"], request=GroundSerializer, responses={201: GroundSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def grounds(self, request, pk=None):
        child = self.get_object()
        if request.method == "GET":
            note_read(child)
            sealed = sealing.stays_sealed(request.user, child, request.query_params.get("purpose"))
            return Response(GroundSerializer(selectors.grounds_of(child), many=True, context={"sealed": sealed}).data)
        may(request.user, services.add_ground)
        data = GroundSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ground = services.add_ground(actor=request.user, child=child, **data.validated_data)
        return Response(GroundSerializer(ground).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], parameters=[PURPOSE], responses=ParentalConsentSerializer(many=True))
    @extend_schema(methods=["POST"], request=ParentalConsentSerializer, responses={201: ParentalConsentSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def consents(self, request, pk=None):
        """Consents of the parents and guardians (RULES v2 §3)."""
        child = self.get_object()
        if request.method == "GET":
            note_read(child)
            sealed = sealing.stays_sealed(request.user, child, request.query_params.get("purpose"))
            return Response(
                ParentalConsentSerializer(selectors.consents_of(child), many=True, context={"sealed": sealed}).data
            )
        may(request.user, services.record_parental_consent)
        data = ParentalConsentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        consent = services.record_parental_consent(actor=request.user, child=child, **data.validated_data)
        return Response(ParentalConsentSerializer(consent).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=WithdrawSerializer, responses=ParentalConsentSerializer)
    @action(detail=True, methods=["post"], url_path=r"consents/(?P<consent_id>\d+)/withdraw")
    def withdraw_consent(self, request, pk=None, consent_id=None):
        child = self.get_object()
        may(request.user, services.withdraw_parental_consent)
        consent = get_object_or_404(selectors.consents_of(child), pk=consent_id)
        data = WithdrawSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        consent = services.withdraw_parental_consent(
            actor=request.user, parental_consent=consent, **data.validated_data
        )
        return Response(ParentalConsentSerializer(consent).data)

    @extend_schema(methods=["GET"], responses=RegisterEntrySerializer(many=True))
    @extend_schema(methods=["POST"], request=PlaceOnRegisterSerializer, responses={201: RegisterEntrySerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def register(self, request, pk=None):
        child = self.get_object()
        if request.method == "GET":
            note_read(child)
            return Response(RegisterEntrySerializer(selectors.register_history(child), many=True).data)
        may(request.user, services.place_on_register)
        data = PlaceOnRegisterSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry = services.place_on_register(actor=request.user, child=child, **data.validated_data)
        return Response(RegisterEntrySerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=DeregisterSerializer, responses={201: RegisterEntrySerializer})
    @action(detail=True, methods=["post"])
    def deregister(self, request, pk=None):
        child = self.get_object()
        may(request.user, services.deregister)
        data = DeregisterSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry = services.deregister(actor=request.user, child=child, **data.validated_data)
        return Response(RegisterEntrySerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[PURPOSE], responses=HistoryEventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def history(self, request, pk=None):
        child = self.get_object()
        note_read(child)
        sealed = sealing.stays_sealed(request.user, child, request.query_params.get("purpose"))
        context = {"sealed": {(sealing.CHILD, str(child.pk))} if sealed else set()}
        return Response(HistoryEventSerializer(history_of(child), many=True, context=context).data)


class DuplicateFlagViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Possible duplicates found at creation; staff confirm a different child, nothing is merged."""

    serializer_class = DuplicateFlagSerializer
    permission_classes = [roles(*WRITERS, read=(Role.AUDITOR,))]
    filterset_fields = ["status"]

    def get_queryset(self):
        return selectors.duplicate_flags_for(self.request.user)

    @extend_schema(request=None, responses=DuplicateFlagSerializer)
    @action(detail=True, methods=["post"])
    def different(self, request, pk=None):
        flag = get_object_or_404(self.get_queryset(), pk=pk)
        return Response(DuplicateFlagSerializer(services.confirm_different_child(actor=request.user, flag=flag)).data)
