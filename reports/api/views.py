from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.dates import today
from core.models import Role
from core.permissions import roles

from .. import queries

REPORT_READERS = (Role.MINISTRY, Role.REGIONAL, Role.AUDITOR)
AS_OF = OpenApiParameter("as_of", OpenApiTypes.DATE, description="default: today")
REGION = OpenApiParameter("region", OpenApiTypes.STR, description="region code (ministry: any; regional: its own)")


class AsOfParams(serializers.Serializer):
    as_of = serializers.DateField(required=False)
    region = serializers.CharField(required=False, max_length=16)


class UnregisteredChildSerializer(serializers.Serializer):
    child = serializers.IntegerField(source="child_id")
    last_name = serializers.CharField(source="child.last_name")
    first_name = serializers.CharField(source="child.first_name")
    birth_date = serializers.DateField(source="child.birth_date")
    district = serializers.CharField(source="child.district_id")
    region = serializers.CharField(source="child.district.region_id")
    case = serializers.IntegerField(source="decision.case_id")
    country = serializers.CharField(source="decision.case.receiving_country")
    in_force_on = serializers.DateField(source="decision.in_force_on")
    days_elapsed = serializers.SerializerMethodField()
    adopters = serializers.SerializerMethodField()

    def get_days_elapsed(self, adoption) -> int:
        return (self.context["as_of"] - adoption.decision.in_force_on).days

    def get_adopters(self, adoption) -> list[str]:
        return [f"{a.last_name} {a.first_name} ({a.citizenship}, lives in {a.residence_country})" for a in adoption.decision.case.applicants.all()]


class UnregisteredReportSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    total = serializers.IntegerField()
    results = UnregisteredChildSerializer(many=True)


class UnregisteredChildrenReport(APIView):
    """Foreign adoptions in force for 180 days or more with no consular registration."""

    permission_classes = [roles(read=REPORT_READERS)]

    @extend_schema(parameters=[AS_OF, REGION], responses=UnregisteredReportSerializer)
    def get(self, request):
        params = AsOfParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        as_of = params.validated_data.get("as_of") or today()
        rows = list(queries.unregistered_children(request.user, as_of, params.validated_data.get("region")))
        return Response({"as_of": as_of, "total": len(rows),
                         "results": UnregisteredChildSerializer(rows, many=True, context={"as_of": as_of}).data})
