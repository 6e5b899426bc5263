"""Staff pages of intercountry: the ministry's register of accredited agencies and countries'
HC93 status; the parties and fees of a case (RULES v2 §7a, §7b). The same services and
selectors as the API."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from adoption.selectors import cases_for
from core import selectors as core_selectors
from core import services as core_services
from core.audit import note_read
from core.forms import CountryField, DateField, StatedChoiceField, choose_among, require_role, run_service
from core.models import Agency, Role
from core.permissions import FILE_READERS

from . import selectors, services
from .models import FeePurpose, Party, PartyRole


class AgencyForm(forms.Form):
    name = forms.CharField(label=_("Name of the agency"), max_length=200)
    country = CountryField(label=_("Country"))
    accreditation_number = forms.CharField(label=_("Accreditation number"), max_length=64)
    accredited_from = DateField(label=_("Accredited from"))
    accredited_until = DateField(label=_("Accredited until"))


class SuspensionForm(forms.Form):
    start = DateField(label=_("Suspended from"))
    end = DateField(label=_("Suspended until"))


class AccreditationForm(forms.Form):
    accredited_until = DateField(label=_("Accredited until"))


class CountryForm(forms.Form):
    code = CountryField(label=_("Country"))
    hague_party_since = DateField(label=_("The Hague Convention in force with Kazakhstan since"), required=False)
    central_authority = forms.CharField(label=_("Central Authority"), max_length=300, required=False)


class PartyForm(forms.Form):
    name = forms.CharField(label=_("Name of the person or organisation"), max_length=200)
    country = CountryField(label=_("Country"))
    role = StatedChoiceField(label=_("Role in the case"), choices=PartyRole.choices)
    agency = forms.ModelChoiceField(
        label=_("Accredited agency (for an agency)"), queryset=Agency.objects.all(), required=False
    )


class FeeForm(forms.Form):
    party = forms.ModelChoiceField(label=_("Paid to"), queryset=Party.objects.none())  # the case's, in __init__
    amount = forms.DecimalField(label=_("Amount"), min_value=0, max_digits=14, decimal_places=2)
    currency = forms.CharField(label=_("Currency (ISO code, e.g. USD)"), min_length=3, max_length=3)
    paid_on = DateField(label=_("Paid on"))
    purpose = StatedChoiceField(label=_("Purpose"), choices=FeePurpose.choices)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        choose_among(self, "party", case.parties.all(), lambda p: f"{p.name} ({p.get_role_display()})")

    def clean_currency(self):
        return self.cleaned_data["currency"].upper()


def _with_suspension(agency, form) -> list[dict]:
    """The agency's suspensions and the one the form adds (the service takes the whole list)."""
    periods = [{"from": s.start, "to": s.end} for s in agency.suspensions.all()]
    periods.append({"from": form.cleaned_data["start"], "to": form.cleaned_data["end"]})
    return periods


def _agencies_page(request, form=None, status=200):
    return render(
        request,
        "intercountry/agencies.html",
        {
            "agencies": core_selectors.agencies(),
            "form": form or AgencyForm(prefix="new"),
            "suspension_form": SuspensionForm(prefix="s"),
        },
        status=status,
    )


@login_required
def agencies(request):
    require_role(request.user, Role.MINISTRY)
    form = AgencyForm(request.POST or None, prefix="new")
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(form, core_services.create_agency, actor=request.user, **form.cleaned_data)
    ):
        messages.success(request, _("Agency registered."))
        return redirect("web-agencies")
    return _agencies_page(request, form, status=400 if form.errors else 200)


def _change_agency(request, pk, form, values, done):
    """A change to one agency from its row of the register (`values(agency, form)`: what
    `update_agency` is given): done, or the register again with each error, answered 400."""
    require_role(request.user, Role.MINISTRY)
    agency = get_object_or_404(core_selectors.agencies(), pk=pk)
    if form.is_valid() and run_service(
        form, core_services.update_agency, actor=request.user, agency=agency, **values(agency, form)
    ):
        messages.success(request, done)
        return redirect("web-agencies")
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, f"{agency.name}: {error}")
    return _agencies_page(request, status=400)


@login_required
@require_POST
def agency_suspend(request, pk):
    return _change_agency(
        request,
        pk,
        SuspensionForm(request.POST, prefix="s"),
        lambda agency, form: {"suspensions": _with_suspension(agency, form)},
        _("Suspension recorded."),
    )


@login_required
@require_POST
def agency_accreditation(request, pk):
    return _change_agency(
        request,
        pk,
        AccreditationForm(request.POST, prefix="a"),
        lambda _agency, form: form.cleaned_data,
        _("Accreditation recorded."),
    )


@login_required
def countries(request):
    require_role(request.user, Role.MINISTRY)
    form = CountryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        code = values.pop("code")
        if run_service(form, core_services.update_country, actor=request.user, code=code, **values):
            messages.success(request, _("Country saved."))
            return redirect("web-countries")
    return render(
        request,
        "intercountry/countries.html",
        {"countries": core_selectors.countries(), "form": form},
        status=400 if form.errors else 200,
    )


def _case_for(request, pk):
    return get_object_or_404(cases_for(request.user).select_related("district"), pk=pk)


@login_required
def case_parties(request, pk):
    require_role(request.user, *FILE_READERS)
    case = _case_for(request, pk)
    writer = request.user.role in (Role.GUARDIANSHIP, Role.MINISTRY)
    party_form = PartyForm(prefix="party") if writer else None
    fee_form = FeeForm(prefix="fee", case=case) if writer else None
    if request.method == "POST":
        require_role(request.user, Role.GUARDIANSHIP, Role.MINISTRY)
        if "party-name" in request.POST:
            party_form = PartyForm(request.POST, prefix="party")
            if party_form.is_valid() and run_service(
                party_form, services.add_party, actor=request.user, case=case, **party_form.cleaned_data
            ):
                messages.success(request, _("Party recorded."))
                return redirect("web-case-parties", pk=case.pk)
        else:
            fee_form = FeeForm(request.POST, prefix="fee", case=case)
            if fee_form.is_valid() and run_service(
                fee_form, services.add_fee, actor=request.user, **fee_form.cleaned_data
            ):
                messages.success(request, _("Fee recorded."))
                return redirect("web-case-parties", pk=case.pk)
    note_read(case)
    return render(
        request,
        "intercountry/case_parties.html",
        {"case": case, "parties": selectors.parties_of(case), "party_form": party_form, "fee_form": fee_form},
        status=400 if (party_form and party_form.errors) or (fee_form and fee_form.errors) else 200,
    )
