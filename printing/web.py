"""Printing a document (a POST: each issue is recorded and audited) and checking one (`/verify/`,
open to anyone holding the paper: it says what was issued, when and by whom, never whose)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from adoption.selectors import case_file, cases_for
from consular.selectors import adopted_children_for
from core.dates import today
from core.forms import DateField, require_role, run_service

from . import services
from .documents import KINDS
from .models import IssuedDocument


class PrintForm(forms.Form):
    as_of = DateField(label=_("As of"), required=False)


def _print(request, kind: str, service, back: str, **record):
    form = PrintForm(request.POST)
    if form.is_valid():
        try:
            printed = run_service(
                form,
                service,
                actor=request.user,
                kind=kind,
                as_of=form.cleaned_data["as_of"] or today(),
                verify_url=request.build_absolute_uri("/verify/CODE/"),
                **record,
            )
        except services.PrintingUnavailable:
            form.add_error(None, _("Printing is not available on this server: the system package Pango is missing."))
            return render(request, "printing/refused.html", {"form": form, "kind": kind, "back": back}, status=503)
        if printed is not None:
            issued, pdf = printed
            response = HttpResponse(pdf, content_type="application/pdf")
            response["Content-Disposition"] = f'attachment; filename="{kind}-{issued.code}.pdf"'
            return response
    return render(request, "printing/refused.html", {"form": form, "kind": kind, "back": back}, status=400)


@login_required
@require_POST
def print_case(request, pk, kind):
    require_role(request.user, *KINDS[kind].roles)
    case = get_object_or_404(case_file(cases_for(request.user)), pk=pk)
    return _print(request, kind, services.print_case_document, reverse("web-case", args=[pk]), case=case)


@login_required
@require_POST
def print_child(request, pk, kind):
    require_role(request.user, *KINDS[kind].roles)
    child = get_object_or_404(adopted_children_for(request.user), pk=pk)
    return _print(request, kind, services.print_child_document, reverse("web-adopted-child", args=[pk]), child=child)


def verify(request, code: str = ""):
    """Whether a code printed on a document was issued here: its kind, dates and issuer, and the
    fingerprint (SHA-256) of the PDF as handed out. No name, no record number."""
    typed = code or request.GET.get("code", "")
    issued = None
    if typed:
        issued = IssuedDocument.objects.filter(code=services.normalised_code(typed)).first()
    return render(
        request,
        "printing/verify.html",
        {"typed": typed, "issued": issued, "shown_code": services.shown_code(issued.code) if issued else ""},
        status=404 if typed and issued is None else 200,
    )
