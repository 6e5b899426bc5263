from django.urls import path

from . import web
from .documents import CASE_KINDS, CHILD_KINDS

urlpatterns = [
    *(
        path(f"cases/<int:pk>/print/{kind}/", web.print_case, {"kind": kind}, name=f"web-print-{kind}")
        for kind in CASE_KINDS
    ),
    *(
        path(f"adopted/<int:pk>/print/{kind}/", web.print_child, {"kind": kind}, name=f"web-print-{kind}")
        for kind in CHILD_KINDS
    ),
    path("verify/", web.verify, name="web-verify"),
    path("verify/<str:code>/", web.verify, name="web-verify-code"),
]
