from django.urls import path

from . import web

urlpatterns = [
    path("", web.home, name="home"),
    path("dashboard/", web.dashboard, name="web-dashboard"),
    path("dashboard/safeguards/", web.safeguard_cases, name="web-safeguard-cases"),
    path("dashboard/policy/", web.policy, name="web-policy"),
    path("dashboard/import/", web.imports, name="web-import"),
    path("dashboard/import/<int:pk>/", web.import_job, name="web-import-job"),
    path("dashboard/import/<slug:kind>.csv", web.import_header, name="web-import-header"),
]
