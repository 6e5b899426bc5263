"""Pages that read across the apps: each role's home, the ministry dashboard, policy and imports."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _

from adoption import work as adoption_work
from adoption.selectors import cases_for
from config.routers import read_replica
from core import selectors as core_selectors
from core import work
from core.audit import note_read
from core.audit_labels import FIELD_LABELS
from core.countries import country_names
from core.dates import today
from core.deadlines import kind_label as label_of
from core.forms import DateField, StatedChoiceField, run_service
from core.models import SCHEDULE_BOUNDS, Policy, Region, Role, validate_barring_conditions
from core.services import update_policy
from intercountry.flags import FLAGS
from registry import sealing
from registry.selectors import children_for

from . import queries, services
from .models import ImportJob

DASHBOARD_ROLES = (Role.MINISTRY, Role.REGIONAL, Role.AUDITOR)
DUE_NEXT = 10  # lines of the work queue on the home page


@login_required
def home(request):
    user, on = request.user, today()
    context: dict[str, Any] = {"reminders": _named(user, _reminder_lines(user))}
    if user.role in work.WORKERS:
        context["due_next"] = work.queue(user, on).items[:DUE_NEXT]  # the first lines of the work queue
    if user.role in (Role.GUARDIANSHIP, Role.REGIONAL, Role.MINISTRY, Role.AUDITOR):
        context["recent_cases"] = cases_for(user).order_by("-id")[:10]
    if user.role in DASHBOARD_ROLES:
        context["unregistered_count"] = queries.unregistered_adoptions(user, on).count()
    if "recent_cases" in context:  # a list of cases is a read of them (RULES §9)
        context["recent_cases"] = list(context["recent_cases"])
        names = adoption_work.case_names([case.pk for case in context["recent_cases"]])
        for case in context["recent_cases"]:
            case.names = names[case.pk]  # its children's shown names, its applicants
        note_read(label="adoption.case", ids=[case.pk for case in context["recent_cases"]])
    return render(request, "reports/home.html", {**context, "today": on})


REMINDER_LINES = 50


@dataclass(frozen=True)
class ReminderLine:
    """The open reminders of one kind about one record: on the first one's date, how many."""

    kind: str
    subject_type: str
    subject_id: int
    due_on: datetime.date
    reminders: int  # how many
    subject_name: str = ""  # the record's shown name (`_named`)

    @property
    def kind_label(self) -> str:
        return label_of(self.kind)


REMINDERS_READ = 500  # open reminders read at a time, soonest first, until REMINDER_LINES records are named


def _reminder_lines(user) -> list[ReminderLine]:
    """The user's open reminders, one line per kind and record (a child with twelve monitoring
    reports overdue is one line, not twelve of the page's 50), the soonest first: each line on its
    first reminder's date, with how many there are. The reminders are read soonest first on their
    index, a batch at a time, until 50 lines are found (grouping every open reminder of the country
    first cost the ministry's home page a pass over all of them), then counted for those lines."""
    reminders = core_selectors.reminders_for(user)
    first: dict[tuple[str, str, int], datetime.date] = {}
    after = Q()
    while len(first) < REMINDER_LINES:
        batch = list(
            reminders.filter(after)
            .order_by("due_on", "id")
            .values_list("kind", "subject_type", "subject_id", "due_on", "id")[:REMINDERS_READ]
        )
        for kind, subject_type, subject_id, due_on, _pk in batch:
            if len(first) < REMINDER_LINES:
                first.setdefault((kind, subject_type, subject_id), due_on)
        if len(batch) < REMINDERS_READ:
            break
        last_due, last_pk = batch[-1][3], batch[-1][4]
        after = Q(due_on__gt=last_due) | Q(due_on=last_due, id__gt=last_pk)
    counted = Counter(
        reminders.filter(
            kind__in={kind for kind, _t, _s in first}, subject_id__in={subject for _k, _t, subject in first}
        ).values_list("kind", "subject_type", "subject_id")
    )
    return [ReminderLine(*key, due_on, counted[key]) for key, due_on in first.items()]


def _named(user, reminders: list[ReminderLine]) -> list[ReminderLine]:
    """The reminders, each with its record's shown name (`subject_name`): a child by its name (sealed:
    "Adopted child #id"), a case by its children's; a record out of the reader's scope by number."""
    child_ids = [r.subject_id for r in reminders if r.subject_type == "child"]
    children = {child.pk: child for child in children_for(user).filter(pk__in=child_ids)}
    case_ids = [r.subject_id for r in reminders if r.subject_type == "case"]
    cases = adoption_work.case_names(list(cases_for(user).filter(pk__in=case_ids).values_list("pk", flat=True)))
    named = []
    for r in reminders:
        if r.subject_type == "child":
            child = children.get(r.subject_id)
            name = sealing.shown_name(child) if child else _("child #%(id)s") % {"id": r.subject_id}
        else:
            name = cases[r.subject_id][0] if r.subject_id in cases else adoption_work.case_label(r.subject_id)
        named.append(replace(r, subject_name=str(name)))
    return named


CHART_WIDTH = 480  # the viewBox; a bar's value is written after it, in up to 74 units
LABEL_CHARS = 26  # a longer label is cut (its whole text is the bar's tooltip)


def bars(values: dict, labels: dict | None = None, label_width: int = 70) -> dict:
    """An SVG bar chart (viewBox 480 wide): each bar's label (`labels[key]`, else the key), its
    whole label, value, length and y; the labels' width; the height."""
    top = max(values.values(), default=0) or 1
    width = CHART_WIDTH - label_width - 80
    rows = []
    for i, (key, value) in enumerate(values.items()):
        label = str((labels or {}).get(key, key))
        short = label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"
        rows.append({"label": short, "whole": label, "value": value, "length": round(width * value / top), "y": i * 24})
    return {"rows": rows, "height": max(24 * len(rows), 24) + 4, "x": label_width}


def _largest_first(values: dict, names: dict) -> dict:
    """A chart's bars, the largest first, then by name in the reader's language (by code, the
    countries read as no order at all)."""
    return dict(sorted(values.items(), key=lambda item: (-item[1], names.get(item[0], item[0]))))


def region_names(codes) -> dict[str, str]:
    """Each region of `codes` by its name in the reader's language."""
    return {region.code: region.shown_name for region in Region.objects.filter(code__in=list(codes))}


def register_rows(by_region: dict) -> list[tuple[str, str, dict]]:
    """The registers' figures by region: (code, name in the reader's language, figures)."""
    names = region_names(by_region)
    return [(code, names.get(code, code), figures) for code, figures in by_region.items()]


class DashboardFilter(forms.Form):
    """The dashboard's filters, named as the report endpoints name them (`from`, `to`, `as_of`,
    `region`): each download carries the same values as the figures shown."""

    as_of = DateField(label=_("Registers and consular registrations on"), required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)

    def __init__(self, data, *, user):
        on = today()
        self.defaults = {"from": datetime.date(on.year - 5, 1, 1), "to": on, "as_of": on, "region": ""}
        super().__init__(data if any(name in data for name in self.defaults) else None, initial=self.defaults)
        # `from` is a Python keyword: the period's fields are declared here, first
        self.fields = {
            "from": DateField(label=_("Adoptions in force from"), required=False),
            "to": DateField(label=_("to"), required=False),
            **self.fields,
        }
        regions = Region.objects.order_by("code")
        if user.region_id:  # a region's staff see their own region only (queries.counted scopes it)
            self.fields.pop("region")
        else:
            region = self.fields["region"]
            assert isinstance(region, forms.ChoiceField)
            region.choices = [("", _("all regions"))] + [(r.code, r.shown_name) for r in regions]

    def clean(self):
        super().clean()
        data = {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}
        data = {**self.defaults, **data}
        if data["to"] < data["from"]:
            self.add_error("to", _("The period ends before it starts."))
        return data

    def values(self) -> dict:
        return self.cleaned_data if self.is_bound else self.defaults

    def query(self, *names: str) -> str:
        """The filters `names` as a download's query string."""
        values = self.values()
        return urlencode({name: values[name] for name in names if name in self.fields and values.get(name)})


class SafeguardFilter(DashboardFilter):
    """The statistics page's period and region, for its red flags: each is dated by its evidence."""

    def __init__(self, data, *, user):
        super().__init__(data, user=user)
        del self.fields["as_of"]
        self.fields["from"].label = _("Signs dated from")


@login_required
def dashboard(request):
    if request.user.role not in DASHBOARD_ROLES:
        raise PermissionDenied
    form = DashboardFilter(request.GET, user=request.user)
    if form.is_bound and not form.is_valid():
        return render(request, "reports/dashboard.html", {"form": form}, status=400)
    f = form.values()
    start, end, as_of, region = f["from"], f["to"], f["as_of"], f.get("region") or None
    with read_replica():  # reports only read: from the replica when there is one
        per_year = queries.figure_counts(queries.adoptions_in_period(request.user, start, end, region), by=("year",))
        consular = queries.consular_registrations_report(request.user, as_of, region)
        registers = queries.registers_report(request.user, as_of, region)
        by_region = register_rows(registers["by_region"])
        unregistered = queries.unregistered_adoptions(request.user, as_of, region).count()
        safeguards = queries.safeguards_report(request.user, start, end, region)
    by_year = {
        str(year): {
            name: per_year.get((year,), {}).get(figure, 0)
            for name, figure in (("total", "total"), ("citizens", "by_citizens"), ("foreigners", "by_foreigners"))
        }
        for year in range(start.year, end.year + 1)
    }
    names = country_names()
    return render(
        request,
        "reports/dashboard.html",
        {
            "form": form,
            "as_of": as_of,
            "period": (start, end),
            "by_year": by_year,
            "year_bars": bars({y: v["total"] for y, v in by_year.items()}),
            "consular": consular,
            "country_bars": bars(_largest_first(consular["by_country"], names), names, label_width=190),
            "registers": registers,
            "register_rows": by_region,
            "unregistered": unregistered,
            "safeguards": safeguards,
            "period_query": form.query("from", "to", "region"),
            "as_of_query": form.query("as_of", "region"),
        },
    )


@login_required
def safeguard_cases(request):
    """The cases behind the red flags of the statistics page's period, one flag's (`flag`) or every
    flag's: the page its counts link to (they opened the API's JSON). Each flag with its case as
    the cases list names it (a sealed child by number), its day, its sentence and its evidence,
    the soonest first; each case listed is a read. The API's /reports/safeguards/cases/ answers
    one flag's for other systems, with the same flags (`queries.safeguard_flags`)."""
    if request.user.role not in DASHBOARD_ROLES:
        raise PermissionDenied
    flag = request.GET.get("flag") or None
    if flag is not None and flag not in FLAGS:
        raise Http404
    form = SafeguardFilter(request.GET, user=request.user)
    context: dict[str, Any] = {"form": form, "flag": flag}
    if form.is_bound and not form.is_valid():
        return render(request, "reports/safeguard_cases.html", context, status=400)
    f = form.values()
    start, end = f["from"], f["to"]
    with read_replica():
        found = [
            x
            for x in queries.safeguard_flags(request.user, start, end, f.get("region") or None)
            if flag in (None, x.flag)
        ]
    found.sort(key=lambda x: (x.on, x.case, x.flag))
    cases = sorted({x.case for x in found})
    names = adoption_work.case_names(cases)
    note_read(label="adoption.case", ids=cases)
    regions = region_names({x.region for x in found})
    rows = [(x, names[x.case], regions.get(x.region, x.region)) for x in found]
    context |= {"period": (start, end), "rows": rows, "cases": len(cases)}
    context["statistics_query"] = form.query("from", "to", "region")
    return render(request, "reports/safeguard_cases.html", context)


def _schedule_field(name: str, label) -> forms.IntegerField:
    low, high = SCHEDULE_BOUNDS[name]
    return forms.IntegerField(label=label, min_value=low, max_value=high)


SCHEDULE_KEYS = ("first_years", "first_every_months", "then_every_months")  # the monitoring schedule's


class PolicyForm(forms.ModelForm):
    barring_conditions = forms.CharField(
        label=_("Conditions that bar adoption (comma-separated codes)"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),  # seven codes by default: a line would hide most
    )
    first_years = _schedule_field("first_years", _("Monitoring: years of the first period"))
    first_every_months = _schedule_field(
        "first_every_months", _("Monitoring: months between reports in the first period")
    )
    then_every_months = _schedule_field("then_every_months", _("Monitoring: months between reports afterwards"))

    class Meta:
        model = Policy
        fields = list(Policy.SCALARS)
        labels = {name: FIELD_LABELS[name] for name in Policy.SCALARS}  # the audit trail's, translated

    effective_from = DateField(
        label=_("In effect from"),
        help_text=_("Cases are judged by the parameters in effect on the date judged."),
    )

    def __init__(self, data=None, *, instance):
        schedule = instance.monitoring_schedule
        initial = {
            "barring_conditions": ", ".join(instance.barring_conditions),
            "effective_from": today(),
            **schedule,
        }
        super().__init__(data, instance=instance, initial=initial)
        # The bounds are the model's validators (the API's too), which refuse a number out of them
        # when the form cleans its instance; the browser is told them.
        for name in self.Meta.fields:
            for validator in Policy._meta.get_field(name).validators:  # type: ignore[union-attr]  # a column
                if isinstance(validator, MinValueValidator):
                    self.fields[name].widget.attrs["min"] = validator.limit_value
                elif isinstance(validator, MaxValueValidator):
                    self.fields[name].widget.attrs["max"] = validator.limit_value

    def clean_barring_conditions(self) -> list[str]:
        codes = [c.strip() for c in self.cleaned_data["barring_conditions"].split(",") if c.strip()]
        validate_barring_conditions(codes)  # with the numbers' errors, not after them
        return codes

    def values(self) -> dict:
        d = dict(self.cleaned_data)
        d["monitoring_schedule"] = {k: d.pop(k) for k in SCHEDULE_KEYS}
        return d


def _policy_values(policy: Policy) -> dict[str, str]:
    """Each parameter of a version as the page shows it, by the form's field name."""
    shown: dict[str, str] = {}
    for name in Policy.SCALARS:
        value = getattr(policy, name)
        if name == "age_gap_applies_to":
            shown[name] = policy.get_age_gap_applies_to_display()
        elif isinstance(value, bool):
            shown[name] = str(_("yes") if value else _("no"))
        else:
            shown[name] = "—" if value is None else str(value)
    shown["barring_conditions"] = ", ".join(policy.barring_conditions)
    shown |= {key: str(policy.monitoring_schedule[key]) for key in SCHEDULE_KEYS}
    return shown


@dataclass(frozen=True)
class PolicyVersion:
    effective_from: datetime.date | None  # None: the first version, from the start
    in_effect: bool  # the version in effect on the page's day
    upcoming: bool
    changed: list[tuple[str, str, str]]  # (parameter, before, after) against the version before


def policy_versions(on: datetime.date) -> list[PolicyVersion]:
    """Every version of the parameters, the first first: from when, whether it is the one in
    effect on `on` or one to come, and what it changed from the version before (a version copies
    the others from the one in effect on its date), each parameter named as on the form."""
    labels = {name: field.label for name, field in PolicyForm.base_fields.items()}
    in_effect = Policy.in_effect(on).first()
    versions: list[PolicyVersion] = []
    before: dict[str, str] = {}
    for version in Policy.objects.all():  # the model's order: the first, then by date
        values = _policy_values(version)
        changed = [
            (str(labels[name]), before[name], value)
            for name, value in values.items()
            if before.get(name, value) != value
        ]
        upcoming = version.effective_from is not None and version.effective_from > on
        versions.append(PolicyVersion(version.effective_from, version == in_effect, upcoming, changed))
        before = values
    return versions


@login_required
def policy(request):
    if request.user.role != Role.MINISTRY:
        raise PermissionDenied
    current = Policy.current()
    form = PolicyForm(request.POST or None, instance=Policy.objects.get(pk=current.pk))
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(form, update_policy, actor=request.user, **form.values())
    ):
        messages.success(request, _("Policy parameters saved."))
        return redirect("web-policy")
    return render(
        request,
        "reports/policy.html",
        {"form": form, "versions": policy_versions(today())},
        status=400 if form.errors else 200,
    )


class ImportForm(forms.Form):
    kind = StatedChoiceField(label=_("What the file holds"), choices=ImportJob.Kind.choices)
    file = forms.FileField(label=_("File (CSV or XLSX)"))
    dry_run = forms.BooleanField(label=_("Only check the file"), required=False)


@login_required
def imports(request):
    if request.user.role != Role.MINISTRY:
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = run_service(form, services.start_import, actor=request.user, **form.cleaned_data)
        if job:
            return redirect("web-import-job", pk=job.pk)
    layouts = [(kind, label, services.COLUMNS[ImportJob.Kind(kind)]) for kind, label in ImportJob.Kind.choices]
    return render(
        request, "reports/import.html", {"form": form, "jobs": ImportJob.objects.all()[:10], "layouts": layouts}
    )


@login_required
def import_header(request, kind):
    """An empty file of the kind: its header row, to fill in a spreadsheet."""
    if request.user.role != Role.MINISTRY:
        raise PermissionDenied
    if kind not in ImportJob.Kind.values:
        raise Http404
    response = HttpResponse(",".join(services.COLUMNS[ImportJob.Kind(kind)]) + "\r\n", content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{kind}.csv"'
    return response


@login_required
def import_job(request, pk):
    if request.user.role not in (Role.MINISTRY, Role.AUDITOR):
        raise PermissionDenied
    job = get_object_or_404(ImportJob, pk=pk)
    progress = services.progress_of(job)
    labels = dict(ImportJob.Status.choices)  # the script shows each status the API reports in the page's language
    return render(
        request,
        "reports/import_job.html",
        {"job": job, "progress": progress, "status": labels[progress.status], "labels": labels},
    )
