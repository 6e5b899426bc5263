"""The API router: every /api/v1/ endpoint, one line each."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from adoption.api import views as adoption_views
from consular.api import views as consular_views
from core.api import views as core_views
from databank.api import views as databank_views
from intercountry.api import views as intercountry_views
from registry.api import views as registry_views
from reports.api import imports as import_views
from reports.api import views as report_views

router = SimpleRouter()
router.register("reminders", core_views.ReminderViewSet, basename="reminder")
router.register("citations", core_views.CitationViewSet, basename="citation")
router.register("agencies", core_views.AgencyViewSet, basename="agency")
router.register("countries", core_views.CountryViewSet, basename="country")
router.register("audit-events", core_views.AuditEventViewSet, basename="audit-event")
router.register("children", registry_views.ChildViewSet, basename="child")
router.register("duplicates", registry_views.DuplicateFlagViewSet, basename="duplicate")
router.register("applicants", adoption_views.ApplicantViewSet, basename="applicant")
router.register("cases", adoption_views.CaseViewSet, basename="case")
router.register("adopted-children", consular_views.AdoptedChildViewSet, basename="adopted-child")
router.register("consular-registrations", consular_views.ConsularRegistrationViewSet, basename="consular-registration")
router.register("imports", import_views.ImportJobViewSet, basename="import")

urlpatterns = [
    path("auth/token/", core_views.TokenView.as_view(), name="api-token"),
    path("auth/logout/", core_views.LogoutView.as_view(), name="api-logout"),
    path("regions/", core_views.RegionList.as_view(), name="region-list"),
    path("courts/", core_views.CourtList.as_view(), name="court-list"),
    path("consular-posts/", core_views.ConsularPostList.as_view(), name="consular-post-list"),
    path("policy/", core_views.PolicyView.as_view(), name="policy"),
    path("work/", core_views.WorkView.as_view(), name="work"),
    path("cases/<int:pk>/departure/", consular_views.DepartureView.as_view(), name="case-departure"),
    path("cases/<int:pk>/parties/", intercountry_views.PartyView.as_view(), name="case-parties"),
    path("cases/<int:pk>/fees/", intercountry_views.FeeView.as_view(), name="case-fees"),
    path("applicants/<int:pk>/wishes/", databank_views.WishesView.as_view(), name="applicant-wishes"),
    path("children/<int:pk>/matches/", databank_views.MatchesView.as_view(), name="child-matches"),
    path("children/<int:pk>/proposals/", databank_views.ProposalsView.as_view(), name="child-proposals"),
    path(
        "children/<int:pk>/proposals/<int:proposal_id>/answer/",
        databank_views.AnswerView.as_view(),
        name="child-proposal-answer",
    ),
    path("reports/adoptions/", report_views.AdoptionsReport.as_view(), name="report-adoptions"),
    path(
        "reports/adoptions/children/", report_views.AdoptionsReportChildren.as_view(), name="report-adoptions-children"
    ),
    path("reports/consular-registrations/", report_views.ConsularRegistrationsReport.as_view(), name="report-consular"),
    path(
        "reports/unregistered-children/", report_views.UnregisteredChildrenReport.as_view(), name="report-unregistered"
    ),
    path("reports/registers/", report_views.RegistersReport.as_view(), name="report-registers"),
    path("reports/safeguards/", report_views.SafeguardsReport.as_view(), name="report-safeguards"),
    path("reports/databank/", report_views.DatabankGapReport.as_view(), name="report-databank"),
    path("reports/safeguards/cases/", report_views.SafeguardsReportCases.as_view(), name="report-safeguards-cases"),
    path("reports/intercountry/", report_views.IntercountryReport.as_view(), name="report-intercountry"),
    path("monitoring-reports/", consular_views.MonitoringReportView.as_view(), name="monitoring-reports"),
    path(
        "monitoring-reports/<int:pk>/file/",
        consular_views.MonitoringReportFileView.as_view(),
        name="monitoring-report-file",
    ),
    *router.urls,
]
