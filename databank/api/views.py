from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from adoption.selectors import applicants_for
from core.api.serializers import AsOfSerializer
from core.audit import note_read
from core.dates import today
from core.errors import may
from core.models import Role
from core.permissions import FILE_READERS, MATCH_READERS, roles
from registry import sealing
from registry.models import Child
from registry.selectors import children_for

from .. import facts, selectors, services
from .serializers import AnswerSerializer, MatchSerializer, ProposalSerializer, WishesSerializer


class WishesView(generics.GenericAPIView):
    """Whom a registered family can take in (the district keeps it)."""

    serializer_class = WishesSerializer
    permission_classes = [roles(Role.GUARDIANSHIP, read=FILE_READERS)]

    def get_queryset(self):
        return applicants_for(self.request.user)

    @extend_schema(responses={200: WishesSerializer, 204: OpenApiResponse(description="no wishes recorded")})
    def get(self, request, pk):
        applicant = get_object_or_404(self.get_queryset(), pk=pk)
        note_read(applicant)
        wishes = getattr(applicant, "wishes", None)
        if wishes is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(WishesSerializer(wishes).data)

    @extend_schema(request=WishesSerializer, responses=WishesSerializer)
    def put(self, request, pk):
        may(request.user, services.set_wishes)
        applicant = get_object_or_404(self.get_queryset(), pk=pk)
        data = WishesSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        wishes = services.set_wishes(actor=request.user, applicant=applicant, **data.validated_data)
        return Response(WishesSerializer(wishes).data)


class ChildBound(generics.GenericAPIView):
    queryset = Child.objects.none()  # (for the schema: `pk` is a child's; each view reads through children_for)
    pagination_class = None  # a child's proposals: the whole list

    def child(self, pk):
        return get_object_or_404(children_for(self.request.user).select_related("district"), pk=pk)


class MatchesView(ChildBound):
    """The registered families whose wishes fit the child (with its brothers and sisters), in
    the order they are proposed, each with the reason and any proposal made: `count` of them,
    the first 50 in `results`."""

    permission_classes = [roles(Role.GUARDIANSHIP, read=MATCH_READERS)]
    serializer_class = MatchSerializer

    @extend_schema(
        parameters=[OpenApiParameter("as_of", OpenApiTypes.DATE, description="default: today")],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request, pk):
        child = self.child(pk)
        params = AsOfSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        on = params.validated_data.get("as_of") or today()
        note_read(child)
        found, total = facts.matches_of(child, on)  # none for a child adopted, or on no register that day
        proposals = {p.applicant_id: p for p in selectors.proposals_of(child)}
        results = [
            {
                "applicant": family.id,
                "registered_on": family.registered_on,
                "region": family.home_region,
                "reason": reason,
                "proposal": ProposalSerializer(proposals[family.id]).data if family.id in proposals else None,
            }
            for family, reason in found
        ]
        count, more = facts.counted(total)
        return Response({"count": count, "more": more, "results": results})


class ProposalsView(ChildBound):
    """The child's proposals to families, and a new one."""

    permission_classes = [roles(Role.GUARDIANSHIP, read=FILE_READERS)]
    serializer_class = ProposalSerializer

    @extend_schema(responses=ProposalSerializer(many=True))
    def get(self, request, pk):
        child = self.child(pk)
        note_read(child)
        sealed = {"sealed": sealing.is_sealed(child)}
        return Response(ProposalSerializer(selectors.proposals_of(child), many=True, context=sealed).data)

    @extend_schema(request=ProposalSerializer, responses={201: ProposalSerializer})
    def post(self, request, pk):
        may(request.user, services.propose)
        child = self.child(pk)
        data = ProposalSerializer(data=request.data)
        data.fields["applicant"].queryset = selectors.families()  # type: ignore[attr-defined]  # the national databank
        data.is_valid(raise_exception=True)
        proposal = services.propose(actor=request.user, child=child, **data.validated_data)
        return Response(ProposalSerializer(proposal).data, status=status.HTTP_201_CREATED)


class AnswerView(ChildBound):
    """The family's answer: declined with a reason, or accepted (the case opens)."""

    permission_classes = [roles(Role.GUARDIANSHIP)]
    serializer_class = AnswerSerializer

    @extend_schema(request=AnswerSerializer, responses=ProposalSerializer)
    def post(self, request, pk, proposal_id):
        may(request.user, services.answer)
        child = self.child(pk)
        proposal = get_object_or_404(selectors.proposals_of(child), pk=proposal_id)
        data = AnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        proposal, case = services.answer(actor=request.user, proposal=proposal, **data.validated_data)
        return Response(ProposalSerializer(proposal).data | {"case": case.pk if case else None})
