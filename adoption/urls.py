from django.urls import path

from . import web

urlpatterns = [
    path("cases/", web.cases, name="web-cases"),
    path("cases/new/", web.case_new, name="web-case-new"),
    path("applicants/new/", web.applicant_new, name="web-applicant-new"),
    path("applicants/<int:pk>/", web.applicant, name="web-applicant"),
    path("applicants/<int:pk>/register/", web.applicant_register, name="web-applicant-register"),
    path("applicants/<int:pk>/correct/", web.applicant_correct, name="web-applicant-correct"),
    path("cases/<int:pk>/", web.case, name="web-case"),
    path("cases/<int:pk>/<slug:name>/", web.case_action, name="web-case-action"),
]
