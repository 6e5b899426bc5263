"""Ministry reports: JSON, CSV and XLSX (same numbers), national for the ministry and the
auditor, a region's own for the regional department."""

import re

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from config.routers import read_replica
from core.api.fields import DateField
from core.api.renderers import JSONRenderer
from core.audit import note_read
from core.dates import today
from core.models import Region, Role
from core.numbers import whole_number
from core.permissions import roles
from databank.report import gap_report
from intercountry.flags import FLAGS
from registry import sealing

from .. import queries
from ..renderers import CSVRenderer, XLSXRenderer

REPORT_READERS = (Role.MINISTRY, Role.REGIONAL, Role.AUDITOR)
AS_OF = OpenApiParameter("as_of", OpenApiTypes.DATE, description="default: today")
REGION = OpenApiParameter("region", OpenApiTypes.STR, description="region code (ministry: any; regional: its own)")
PUBLISH = OpenApiParameter("publish", OpenApiTypes.BOOL, description='for publication: counts 1-4 shown as "<5"')
FORMAT = OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "csv", "xlsx"])
PERIOD = [
    OpenApiParameter("from", OpenApiTypes.DATE, required=True),
    OpenApiParameter("to", OpenApiTypes.DATE, required=True),
]
SMALL = "<5"
FIGURE_NAME = re.compile(r"\A[A-Za-z0-9_.-]{1,80}\Z")


def suppress(value):
    """Small-number suppression for publication: 1-4 -> "<5" (0 stays 0: it discloses no one)."""
    if isinstance(value, dict):
        return {k: suppress(v) for k, v in value.items()}
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 4:
        return SMALL
    return value


class ReportParams(serializers.Serializer):
    region = serializers.CharField(required=False, max_length=16)
    publish = serializers.BooleanField(required=False, default=False)

    def validate_region(self, code):
        if not Region.objects.filter(code=code).exists():
            raise ValidationError(_("No region with this code."), code="unknown_region")
        return code


class AsOfParams(ReportParams):
    as_of = DateField(required=False)


class PeriodParams(ReportParams):
    # `from` is a Python keyword: declared below
    to = DateField()

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = DateField()
        return fields

    @staticmethod
    def query(params: dict) -> str:
        """The period (and region) as the query string of the report's drill-down links."""
        region = f"&region={params['region']}" if params.get("region") else ""
        return f"from={params['from']}&to={params['to']}{region}"

    def validate(self, attrs):
        if attrs["from"] > attrs["to"]:
            raise ValidationError({"to": [_("The period ends before it starts.")]})
        return attrs


class ReportView(APIView):
    permission_classes = [roles(read=REPORT_READERS)]
    renderer_classes = [JSONRenderer, CSVRenderer, XLSXRenderer]
    params_class: type[ReportParams] = AsOfParams
    # a report of rows: each column's label in a download (CSV, XLSX), in the reader's language
    columns: dict | None = None

    def dispatch(self, request, *args, **kwargs):
        with read_replica():  # reports only read: from the replica when there is one
            return super().dispatch(request, *args, **kwargs)

    def params(self, request) -> dict:
        params = self.params_class(data=request.query_params)
        params.is_valid(raise_exception=True)
        return params.validated_data

    def respond(self, request, data: dict, publish: bool, filename: str):
        response = Response(suppress(data) if publish else data)
        if request.accepted_renderer.format in ("csv", "xlsx"):
            response["Content-Disposition"] = f'attachment; filename="{filename}.{request.accepted_renderer.format}"'
        return response


class AdoptionsReport(ReportView):
    """Children whose adoption entered into force in [from, to] (REPORTS.md)."""

    params_class = PeriodParams

    @extend_schema(
        parameters=[
            *PERIOD,
            REGION,
            PUBLISH,
            FORMAT,
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request):
        p = self.params(request)
        data = queries.adoptions_report(request.user, p["from"], p["to"], p.get("region"))
        query = PeriodParams.query(p)
        data["links"] = {
            figure: f"/api/v1/reports/adoptions/children/?{query}&figure={figure}" for figure in queries.FIGURES
        }
        return self.respond(request, data, p["publish"], f"adoptions-{p['from']}-{p['to']}")


CHILD_COLUMNS = {
    "child": _("Child no."),
    "last_name": _("Last name"),
    "first_name": _("First name"),
}


class AdoptionsReportChildren(ReportView):
    """The children behind one figure of the adoptions report (for roles that may see them)."""

    params_class = PeriodParams
    columns = {
        **CHILD_COLUMNS,
        "sex": _("Sex"),
        "birth_date": _("Birth date"),
        "district": _("District"),
        "case": _("Case no."),
        "in_force_on": _("In force on"),
        "age": _("Age"),
    }

    @extend_schema(
        parameters=[
            *PERIOD,
            OpenApiParameter("figure", OpenApiTypes.STR, required=True),
            REGION,
            FORMAT,
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request):
        p = self.params(request)
        figure = request.query_params.get("figure", "")
        # a figure's name becomes a file name (Content-Disposition): letters, digits, "_", "." and "-" only
        rows = (
            queries.children_behind(request.user, p["from"], p["to"], figure, p.get("region"))
            if FIGURE_NAME.match(figure)
            else None
        )
        if rows is None:
            raise ValidationError({"figure": [_("Unknown figure.")]})
        results = [
            {
                "child": a.child_id,
                **sealing.disclose_row(
                    a.child_id, a.child.sealed_on, {"last_name": a.child.last_name, "first_name": a.child.first_name}
                ),
                "sex": a.child.sex,
                "birth_date": a.child.birth_date,
                "district": a.child.district_id,
                "case": a.decision.case_id,
                "in_force_on": a.decision.in_force_on,
                "age": a.age,  # type: ignore[attr-defined]  # annotated by children_behind
            }
            for a in rows.select_related("child", "decision").order_by("decision__in_force_on", "child_id")
        ]
        return self.respond(
            request, {"figure": figure, "total": len(results), "results": results}, False, f"adoptions-{figure}"
        )


class ConsularRegistrationsReport(ReportView):
    @extend_schema(parameters=[AS_OF, REGION, PUBLISH, FORMAT], responses=OpenApiTypes.OBJECT)
    def get(self, request):
        p = self.params(request)
        as_of = p.get("as_of") or today()
        return self.respond(
            request,
            queries.consular_registrations_report(request.user, as_of, p.get("region")),
            p["publish"],
            f"consular-registrations-{as_of}",
        )


class RegistersReport(ReportView):
    @extend_schema(parameters=[AS_OF, REGION, PUBLISH, FORMAT], responses=OpenApiTypes.OBJECT)
    def get(self, request):
        p = self.params(request)
        as_of = p.get("as_of") or today()
        return self.respond(
            request, queries.registers_report(request.user, as_of, p.get("region")), p["publish"], f"registers-{as_of}"
        )


class UnregisteredChildrenReport(ReportView):
    """Foreign adoptions in force for 180 days or more with no consular registration."""

    columns = {
        **CHILD_COLUMNS,
        "birth_date": _("Birth date"),
        "district": _("District"),
        "region": _("Region"),
        "case": _("Case no."),
        "country": _("Receiving country"),
        "in_force_on": _("In force on"),
        "days_elapsed": _("Days since entry into force"),
        "adopters": _("Adoptive parents"),
    }

    @extend_schema(parameters=[AS_OF, REGION, FORMAT], responses=OpenApiTypes.OBJECT)
    def get(self, request):
        p = self.params(request)
        as_of = p.get("as_of") or today()
        results = queries.unregistered_children(request.user, as_of, p.get("region"))
        return self.respond(
            request,
            {"as_of": as_of, "total": len(results), "results": results},
            False,
            f"unregistered-children-{as_of}",
        )


class IntercountryReport(ReportView):
    """HCCH-style annual statistics: children sent abroad by receiving country, sex and age band."""

    @extend_schema(
        parameters=[OpenApiParameter("year", OpenApiTypes.INT, required=True), REGION, PUBLISH, FORMAT],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request):
        p = self.params(request)
        year = whole_number(request.query_params.get("year", ""))
        if year is None or not 1990 <= year <= today().year + 1:  # the service's year, not the server's
            raise ValidationError({"year": [_("A year such as 2003.")]})
        return self.respond(
            request,
            queries.intercountry_table(request.user, year, p.get("region")),
            p["publish"],
            f"intercountry-{year}",
        )


class SafeguardsReport(ReportView):
    """The red flags of RULES v2 §7b whose evidence is dated in [from, to] (RULES §11.18)."""

    params_class = PeriodParams

    @extend_schema(
        parameters=[
            *PERIOD,
            REGION,
            PUBLISH,
            FORMAT,
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request):
        p = self.params(request)
        data = queries.safeguards_report(request.user, p["from"], p["to"], p.get("region"))
        query = PeriodParams.query(p)
        data["links"] = {flag: f"/api/v1/reports/safeguards/cases/?{query}&flag={flag}" for flag in data["by_flag"]}
        return self.respond(request, data, p["publish"], f"safeguards-{p['from']}-{p['to']}")


class SafeguardsReportCases(ReportView):
    """The cases behind one flag of the safeguards report, each with its evidence (a read of each case file)."""

    params_class = PeriodParams
    columns = {
        "case": _("Case no."),
        "on": _("Date"),
        "detail": _("Red flag"),
        "evidence": _("Evidence"),
        "agency": _("Agency no."),
        "receiving_country": _("Receiving country"),
        "region": _("Region"),
    }

    @extend_schema(
        parameters=[
            *PERIOD,
            OpenApiParameter("flag", OpenApiTypes.STR, required=True, enum=list(FLAGS)),
            REGION,
            FORMAT,
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request):
        p = self.params(request)
        flag = request.query_params.get("flag", "")
        if flag not in FLAGS:
            raise ValidationError({"flag": [_("Unknown flag: one of %(flags)s.") % {"flags": ", ".join(FLAGS)}]})
        found = [
            f for f in queries.safeguard_flags(request.user, p["from"], p["to"], p.get("region")) if f.flag == flag
        ]
        note_read(label="adoption.case", ids=sorted({f.case for f in found}))
        tabular = request.accepted_renderer.format in ("csv", "xlsx")
        results = [
            {
                "case": f.case,
                "on": f.on,
                "detail": str(f.detail),
                # a spreadsheet cell holds text: the evidence as "name=value; ..."
                "evidence": "; ".join(f"{k}={v}" for k, v in f.evidence.items()) if tabular else f.evidence,
                "agency": f.agency,
                "receiving_country": f.receiving_country,
                "region": f.region,
            }
            for f in sorted(found, key=lambda f: (f.on, f.case))
        ]
        return self.respond(
            request, {"flag": flag, "total": len(results), "results": results}, False, f"safeguards-{flag}"
        )


class DatabankGapReport(ReportView):
    """Where the gap is (the databank): children on a register whom no registered family's wishes
    fit, by region, age and health, and families whom no child fits."""

    @extend_schema(parameters=[AS_OF, REGION, PUBLISH, FORMAT], responses=OpenApiTypes.OBJECT)
    def get(self, request):
        p = self.params(request)
        as_of = p.get("as_of") or today()
        return self.respond(
            request, gap_report(request.user, as_of, p.get("region")), p["publish"], f"databank-gap-{as_of}"
        )
