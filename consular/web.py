"""Consular pages: the children adopted into the post's country, registration, monitoring."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _

from adoption import extensions
from adoption.selectors import cases_for
from core import search
from core.audit import note_read
from core.dates import in_text, today
from core.forms import (
    CountryField,
    DateField,
    Irreversible,
    StatedChoiceField,
    choose_among,
    model_choice,
    require_role,
    run_service,
)
from core.models import ConsularPost, Role
from core.permissions import ADOPTED_READERS
from registry import sealing
from registry.models import Child

from . import selectors, services
from .models import ConsularRegistration, Departure, MonitoringReport
from .rules import followed_on

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise  # a message translated when shown

READERS = ADOPTED_READERS
WRITERS = (Role.CONSULAR, Role.MINISTRY)


class RegistrationForm(forms.Form):
    post = forms.ModelChoiceField(label=_("Consular post"), queryset=ConsularPost.objects.all())
    number = forms.CharField(label=_("Registration number"), max_length=64)
    registered_on = DateField(label=_("Registered on"))
    passport_stamped_on = DateField(label=_("Passport stamped on"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if user.role == Role.CONSULAR:  # an officer registers at the own post only: chosen already
            field = model_choice(self, "post")
            field.queryset, field.empty_label = ConsularPost.objects.filter(pk=user.consular_post_id), None
            self.initial["post"] = user.consular_post_id


class TransferForm(Irreversible):
    """The family moved: the registration the user holds ends and one opens at the new post
    (`services.transfer_registration`). Recorded by the post that held it or by the ministry: a
    post sees only its own registrations, so the new post asks the old one."""

    post = forms.ModelChoiceField(label=_("New consular post"), queryset=ConsularPost.objects.none())
    number = forms.CharField(label=_("Registration number at the new post"), max_length=64)
    registered_on = DateField(label=_("Registered at the new post on"))

    def __init__(self, *args, registration, **kwargs):
        super().__init__(*args, **kwargs)
        choose_among(self, "post", ConsularPost.objects.exclude(pk=registration.post_id).order_by("country", "city"))
        self.fields["confirm"].label = _(
            "The registration at %(post)s ends on that day: this cannot be undone from this page."
        ) % {"post": registration.post}


class DeathForm(Irreversible):
    confirm_label = _(
        "I confirm: the child died on this date. Its follow-up ends: no registration, stamp, departure or report "
        "is asked any more. This is not undone from this page."
    )
    died_on = DateField(label=_("Died on"))


class StampForm(forms.Form):
    passport_stamped_on = DateField(label=_("Passport stamped on"))


class ReportForm(forms.Form):
    due_on = StatedChoiceField(label=_("Report due on"))
    received_on = DateField(label=_("Received on"))
    summary = forms.CharField(
        label=_("Living conditions (summary)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    attachment = forms.FileField(label=_("Report file"), required=False)

    def __init__(self, *args, schedule, **kwargs):
        super().__init__(*args, **kwargs)
        due_on = self.fields["due_on"]
        assert isinstance(due_on, forms.ChoiceField)
        due_on.choices = [(e["due_on"].isoformat(), in_text(e["due_on"])) for e in schedule if not e["received_on"]]

    def clean_due_on(self):
        import datetime

        return datetime.date.fromisoformat(self.cleaned_data["due_on"])


class WithdrawRegistrationForm(Irreversible):
    """The child's active registration the user holds, recorded by mistake, withdrawn with the
    reason (`services.withdraw_registration`)."""

    reason = forms.CharField(label=_("Why it is withdrawn"), max_length=300)

    def __init__(self, *args, registration, **kwargs):
        super().__init__(*args, **kwargs)
        transferred = ConsularRegistration.objects.filter(transferred_to=registration).exists()
        self.fields["confirm"].label = _(
            "Withdraw the registration %(number)s at %(post)s: it stays in the child's history, marked withdrawn "
            "with the reason, and its number is free again. %(then)s"
        ) % {
            "number": registration.number,
            "post": registration.post,
            "then": _("The registration it was transferred from is active again.")
            if transferred
            else _("The child is then on no consular register."),
        }


class WithdrawReportForm(Irreversible):
    """A report recorded by mistake, withdrawn with the reason (`services.withdraw_monitoring_report`)."""

    confirm_label = _(
        "Withdraw it: it stays in the child's history, marked withdrawn with the reason; its period is "
        "owed again, and what it said and its file are no longer shown."
    )
    report = forms.ModelChoiceField(label=_("Report"), queryset=MonitoringReport.objects.none())
    reason = forms.CharField(label=_("Why it is withdrawn"), max_length=300)
    field_order = ["report", "reason"]

    def __init__(self, *args, child, **kwargs):
        super().__init__(*args, **kwargs)
        choose_among(
            self,
            "report",
            child.monitoring_reports.all(),
            lambda r: (
                _("due %(due)s, received %(received)s") % {"due": in_text(r.due_on), "received": in_text(r.received_on)}
            ),
        )


class DepartureForm(forms.Form):
    child = forms.ModelChoiceField(label=_("Child"), queryset=Child.objects.none())
    exit_permission_number = forms.CharField(label=_("Exit permission number"), max_length=64)
    exit_permission_on = DateField(label=_("Exit permission issued on"))
    departed_on = DateField(label=_("Left Kazakhstan on"))
    residence_country = CountryField(label=_("Country of residence"))

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        choose_among(
            self,
            "child",
            case.children.exclude(pk__in=Departure.objects.filter(case=case).values("child_id")),
            sealing.shown_name,
        )


class CorrectDepartureForm(forms.Form):
    """A departure typed wrong, with the values as recorded (`services.correct_departure`); one
    from the paper records may have no exit permission."""

    exit_permission_number = forms.CharField(label=_("Exit permission number"), max_length=64)
    exit_permission_on = DateField(label=_("Exit permission issued on"))
    departed_on = DateField(label=_("Left Kazakhstan on"))
    residence_country = CountryField(label=_("Country of residence"))
    reason = forms.CharField(label=_("Why it is corrected"), max_length=300)

    def __init__(self, data=None, *, departure):
        fields = ("exit_permission_number", "exit_permission_on", "departed_on", "residence_country")
        super().__init__(
            data, prefix=f"correct-{departure.child_id}", initial={name: getattr(departure, name) for name in fields}
        )
        self.departure = departure
        if departure.historical:
            self.fields["exit_permission_number"].required = False
            self.fields["exit_permission_on"].required = False

    def service_args(self) -> dict:
        return self.cleaned_data


class WithdrawDepartureForm(Irreversible):
    """A departure recorded by mistake (`services.withdraw_departure`), withdrawn with the reason."""

    confirm_label = _(
        "Withdraw the departure: it stays in the child's history, marked withdrawn with the reason, and the child's "
        "departure is due again."
    )
    reason = forms.CharField(label=_("Why it is withdrawn"), max_length=300)

    def __init__(self, data=None, *, departure):
        super().__init__(data, prefix=f"withdraw-{departure.child_id}")
        self.departure = departure


@login_required
def departure(request, pk):
    """The guardianship agency records a child's departure abroad after a foreign adoption in
    force (¶61: with the exit permission, on the consular register), corrects one typed wrong and
    withdraws one recorded by mistake."""
    require_role(request.user, Role.GUARDIANSHIP)
    case = get_object_or_404(cases_for(request.user), pk=pk)
    departures = list(Departure.objects.filter(case=case).select_related("child").order_by("child_id"))
    corrections = {d.child_id: CorrectDepartureForm(departure=d) for d in departures}
    withdrawals = {d.child_id: WithdrawDepartureForm(departure=d) for d in departures}
    form = DepartureForm(
        initial={"residence_country": case.receiving_country, "child": request.GET.get("child")},  # from the queue
        case=case,
    )
    # a correction's or a withdrawal's button names the child: its form, bound
    acted = next((name for name in ("correct", "withdraw") if name in request.POST), None)
    if request.method == "POST" and acted is not None:
        departure = next((d for d in departures if str(d.child_id) == request.POST[acted]), None)
        if departure is None:
            raise Http404
        bound: CorrectDepartureForm | WithdrawDepartureForm
        if acted == "correct":
            bound = corrections[departure.child_id] = CorrectDepartureForm(request.POST, departure=departure)
            service, done = services.correct_departure, _("The departure is corrected.")
        else:
            bound = withdrawals[departure.child_id] = WithdrawDepartureForm(request.POST, departure=departure)
            service, done = services.withdraw_departure, _("The departure is withdrawn.")
        if bound.is_valid() and run_service(
            bound, service, actor=request.user, case=case, child=departure.child, **bound.service_args()
        ):
            messages.success(request, done)
            return redirect("web-departure", pk=case.pk)
    elif request.method == "POST":
        form = DepartureForm(request.POST, case=case)
        if form.is_valid() and run_service(
            form, services.record_departure, actor=request.user, case=case, **form.cleaned_data
        ):
            messages.success(request, _("Departure recorded."))
            return redirect("web-case", pk=case.pk)
    note_read(case)
    refused = form.errors or any(f.errors for f in [*corrections.values(), *withdrawals.values()])
    return render(
        request,
        "consular/departure.html",
        {
            "case": case,
            "form": form if form.fields["child"].queryset.exists() else None,  # type: ignore[attr-defined]
            "departures": [(corrections[d.child_id], withdrawals[d.child_id]) for d in departures],
            "withdrawn": Departure.with_withdrawn.filter(case=case, withdrawn_at__isnull=False).select_related("child"),
            "title": _("Departure of the child abroad (case #%(id)s)") % {"id": case.pk},
        },
        status=400 if refused else 200,
    )


@login_required
def adopted(request):
    if request.user.role not in READERS:
        raise PermissionDenied
    due = request.GET.get("due") == "1"  # only the children due on a consular register
    unregistered = request.GET.get("unregistered") == "1"  # only those of the safeguard (180 days)
    named = search.typed(request.GET.get("q", ""))  # the child's or an adoptive parent's name
    on = today()
    ids = selectors.adopted_children_latest_first(
        request.user,
        due_on_register_on=on if due else None,
        unregistered_on=on if unregistered else None,
        named=named,
    )
    page = Paginator(ids, 25).get_page(request.GET.get("page"))
    shown = selectors.adopted_children_for(request.user).in_bulk(list(page.object_list))
    page.object_list = [shown[child_id] for child_id in page.object_list]  # type: ignore[misc]  # ids -> children
    filters = (("q", named), ("due", "1" if due else ""), ("unregistered", "1" if unregistered else ""))
    query = urlencode({key: value for key, value in filters if value})
    return render(
        request,
        "consular/adopted.html",
        {
            "page": page,
            "elsewhere": _elsewhere(page.object_list),
            "due": due,
            "unregistered": unregistered,
            "q": named,
            "query": query,
        },
    )


def _elsewhere(children) -> set[int]:
    """Which of `children` (as `adopted_children_for` reads them, with the registrations the user
    sees: a post, only its own) are on a consular register the user does not see: the list says
    so, where it said "not registered"."""
    registered = selectors.on_a_consular_register(child.pk for child in children)
    return {
        child.pk
        for child in children
        if child.pk in registered and not any(r.ended_on is None for r in child.consular_registrations.all())
    }


def _active(user, child):
    """The child's active registration the user sees (and, a writer, may stamp or transfer), if any."""
    return selectors.registrations_for(user).filter(child=child, ended_on__isnull=True).first()


def _unstamped(active):
    """`active` (`_active`), when its passport stamp is not recorded: the registration to stamp."""
    return active if active is not None and active.passport_stamped_on is None else None


def _page(
    request,
    child,
    status=200,
    registration_form=None,
    report_form=None,
    stamp_form=None,
    transfer_form=None,
    death_form=None,
    withdraw_form=None,
    withdraw_registration_form=None,
):
    schedule = services.schedule_for(child, child.adoption)
    died = child.died_on
    can_write = request.user.role in WRITERS
    follows = can_write and died is None  # after the death, nothing of the follow-up is asked
    active = _active(request.user, child)
    anywhere = child.pk in selectors.on_a_consular_register([child.pk])
    default_post = services.active_post(child, child.adoption)
    may_report = can_write and services.may_record_report(request.user, default_post)
    return render(
        request,
        "consular/child.html",
        {
            "child": child,
            "schedule": schedule,
            "files": set(child.monitoring_reports.exclude(attachment="").values_list("pk", flat=True)),
            "prints": extensions.printable(request.user, child=child),
            "registered": active is not None,  # the certificate of registration is printed only then
            "followed": followed_on(child.birth_date, died, today()),  # and the monitoring schedule only then
            "elsewhere": anywhere and active is None,  # at a post whose registrations the user does not see
            "registrations": selectors.registrations_for(request.user).filter(child=child).select_related("post"),
            "died": died,
            "registration_form": registration_form
            or (
                RegistrationForm(initial={"post": default_post}, user=request.user)
                if follows and not anywhere
                else None
            ),
            "stamp_form": stamp_form or (StampForm() if follows and _unstamped(active) else None),
            "transfer_form": transfer_form
            or (TransferForm(registration=active) if follows and active is not None else None),
            # a report due before the death may still arrive: offered while one is not received
            "report_form": report_form
            or (ReportForm(schedule=schedule) if may_report and any(not e["received_on"] for e in schedule) else None),
            "death_form": death_form or (DeathForm() if may_report and died is None else None),
            "withdraw_form": withdraw_form
            or (WithdrawReportForm(child=child) if may_report and any(e["report"] for e in schedule) else None),
            "withdrawn": MonitoringReport.with_withdrawn.filter(child=child, withdrawn_at__isnull=False),
            # recorded by mistake: withdrawn by its post or the ministry, the child's death or not
            "withdraw_registration_form": withdraw_registration_form
            or (WithdrawRegistrationForm(registration=active) if can_write and active is not None else None),
            "withdrawn_registrations": selectors.registrations_for(request.user, withdrawn=True)
            .filter(child=child)
            .select_related("post"),
        },
        status=status,
    )


def _child(request, pk):
    if request.user.role not in READERS:
        raise PermissionDenied
    return get_object_or_404(selectors.adopted_children_for(request.user), pk=pk)


def _transfer(request, child):
    registration = _active(request.user, child)
    if registration is None:  # ended meanwhile, or held at another post: the page says which
        messages.error(request, _("No consular registration of the child at your post is active to transfer."))
        return redirect("web-adopted-child", pk=child.pk)
    form = TransferForm(request.POST, registration=registration)
    if form.is_valid() and (
        new := run_service(
            form, services.transfer_registration, actor=request.user, registration=registration, **form.service_args()
        )
    ):
        messages.success(request, _("The registration is transferred to %(post)s.") % {"post": new.post})
        return redirect("web-adopted-child", pk=child.pk)
    return _page(request, child, 400, transfer_form=form)


def _withdraw_registration(request, child):
    registration = _active(request.user, child)
    if registration is None:  # ended or withdrawn meanwhile: the page says what is
        messages.error(request, _("No consular registration of the child at your post is active to withdraw."))
        return redirect("web-adopted-child", pk=child.pk)
    return _posted(
        request,
        child,
        "withdraw_registration_form",
        WithdrawRegistrationForm(request.POST, registration=registration),
        services.withdraw_registration,
        lambda form: {"child": child, "registration": registration, **form.service_args()},
        _("The registration is withdrawn."),
    )


@login_required
def report_file(request, pk, report_id):
    """The file of a monitoring report received (`services.report_file`), to the readers of the
    child's page: a read of the child's record."""
    child = _child(request, pk)
    report = get_object_or_404(
        selectors.monitoring_reports_for(request.user).exclude(attachment=""), pk=report_id, child=child
    )
    note_read(child)
    opened = services.report_file(report)
    if opened is None:
        messages.error(request, services.REPORT_FILE_MISSING)
        return redirect("web-adopted-child", pk=child.pk)
    handle, name = opened
    return FileResponse(handle, as_attachment=True, filename=name)


def _posted(request, child, form_name: str, form, service, args, done: StrOrPromise):
    """One of the child's page's forms posted: `service` run with `args(form)` once the form is
    valid (a refusal shown at its fields), then back to the page with `done`; else the page again
    (400) with the form and its errors."""
    if form.is_valid() and run_service(form, service, actor=request.user, **args(form)):
        messages.success(request, done)
        return redirect("web-adopted-child", pk=child.pk)
    return _page(request, child, 400, **{form_name: form})


@login_required
def adopted_child(request, pk):
    child = _child(request, pk)
    if request.method == "POST":
        if request.user.role not in WRITERS:
            raise PermissionDenied
        if "transfer" in request.POST:  # its button's name: it has a number too
            return _transfer(request, child)
        if "withdraw_registration" in request.POST:  # its button's name: it has a reason too
            return _withdraw_registration(request, child)
        if "died_on" in request.POST:
            return _posted(
                request,
                child,
                "death_form",
                DeathForm(request.POST),
                services.record_death,
                lambda form: {"child": child, "died_on": form.cleaned_data["died_on"]},
                _("The child's death is recorded: its follow-up ends."),
            )
        if "number" in request.POST:
            return _posted(
                request,
                child,
                "registration_form",
                RegistrationForm(request.POST, user=request.user),
                services.register_child,
                lambda form: {"child": child, **form.cleaned_data},
                _("The child is on the consular register."),
            )
        if "reason" in request.POST:
            return _posted(
                request,
                child,
                "withdraw_form",
                WithdrawReportForm(request.POST, child=child),
                services.withdraw_monitoring_report,
                lambda form: {"child": child, **form.service_args()},
                _("The report is withdrawn: its period is owed again."),
            )
        if "passport_stamped_on" in request.POST:
            registration = _unstamped(_active(request.user, child))
            if registration is None:  # stamped meanwhile, or ended by a transfer: the page says what is
                messages.error(request, _("No consular registration of the child waits for the passport stamp."))
                return redirect("web-adopted-child", pk=child.pk)
            return _posted(
                request,
                child,
                "stamp_form",
                StampForm(request.POST),
                services.stamp_passport,
                lambda form: {"registration": registration, "on": form.cleaned_data["passport_stamped_on"]},
                _("The passport stamp is recorded."),
            )
        return _posted(
            request,
            child,
            "report_form",
            ReportForm(request.POST, request.FILES, schedule=services.schedule_for(child, child.adoption)),
            services.record_monitoring_report,
            lambda form: {"child": child, **form.cleaned_data},
            _("Monitoring report recorded."),
        )
    return _page(request, child)
