from django.urls import path

from . import web

urlpatterns = [
    path("dashboard/agencies/", web.agencies, name="web-agencies"),
    path("dashboard/agencies/<int:pk>/suspend/", web.agency_suspend, name="web-agency-suspend"),
    path("dashboard/agencies/<int:pk>/accreditation/", web.agency_accreditation, name="web-agency-accreditation"),
    path("dashboard/countries/", web.countries, name="web-countries"),
    path("cases/<int:pk>/parties/", web.case_parties, name="web-case-parties"),
]
