from django.urls import path

from . import web

urlpatterns = [
    path("adopted/", web.adopted, name="web-adopted"),
    path("adopted/<int:pk>/", web.adopted_child, name="web-adopted-child"),
    path("adopted/<int:pk>/reports/<int:report_id>/file/", web.report_file, name="web-report-file"),
    path("cases/<int:pk>/departure/", web.departure, name="web-departure"),
]
