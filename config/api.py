"""The API router: every /api/v1/ endpoint, one line each."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from adoption.api import views as adoption_views
from core.api import views as core_views
from registry.api import views as registry_views

router = SimpleRouter()
router.register("reminders", core_views.ReminderViewSet, basename="reminder")
router.register("children", registry_views.ChildViewSet, basename="child")
router.register("duplicates", registry_views.DuplicateFlagViewSet, basename="duplicate")
router.register("applicants", adoption_views.ApplicantViewSet, basename="applicant")
router.register("cases", adoption_views.CaseViewSet, basename="case")

urlpatterns = [
    path("auth/token/", core_views.TokenView.as_view(), name="api-token"),
    path("regions/", core_views.RegionList.as_view(), name="region-list"),
    path("courts/", core_views.CourtList.as_view(), name="court-list"),
    path("consular-posts/", core_views.ConsularPostList.as_view(), name="consular-post-list"),
    path("policy/", core_views.PolicyView.as_view(), name="policy"),
    *router.urls,
]
