from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from adoption.models import Case
from adoption.selectors import cases_for
from core.audit import note_read
from core.errors import may
from core.models import Role
from core.permissions import FILE_READERS, roles

from .. import selectors, services
from .serializers import FeeSerializer, PartySerializer


class CaseBound(generics.GenericAPIView):
    queryset = Case.objects.none()  # (for the schema: `pk` is a case's; each view reads through cases_for)

    def case(self, pk):
        return get_object_or_404(cases_for(self.request.user), pk=pk)


class PartyView(CaseBound):
    """Everyone who acted in the case besides the authorities, with the fees paid to them (RULES v2 §7b)."""

    serializer_class = PartySerializer
    permission_classes = [roles(Role.GUARDIANSHIP, Role.MINISTRY, read=FILE_READERS)]
    pagination_class = None  # the whole list

    @extend_schema(responses=PartySerializer(many=True))
    def get(self, request, pk):
        case = self.case(pk)
        note_read(case)  # a part of the case file
        return Response(PartySerializer(selectors.parties_of(case), many=True).data)

    @extend_schema(request=PartySerializer, responses={201: PartySerializer})
    def post(self, request, pk):
        may(request.user, services.add_party)
        case = self.case(pk)
        data = PartySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        party = services.add_party(actor=request.user, case=case, **data.validated_data)
        return Response(PartySerializer(party).data, status=status.HTTP_201_CREATED)


class FeeView(CaseBound):
    """A fee paid to a party of the case."""

    serializer_class = FeeSerializer
    permission_classes = [roles(Role.GUARDIANSHIP, Role.MINISTRY)]

    @extend_schema(request=FeeSerializer, responses={201: FeeSerializer})
    def post(self, request, pk):
        may(request.user, services.add_fee)
        case = self.case(pk)
        data = FeeSerializer(data=request.data, case=case)
        data.is_valid(raise_exception=True)
        fee = services.add_fee(actor=request.user, **data.validated_data)
        return Response(FeeSerializer(fee).data, status=status.HTTP_201_CREATED)
