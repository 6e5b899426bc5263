"""Pages of core: each role's work queue (core.work), and the auditor's page (the procurator's
office, ROLES.md): who changed or read which file, when and why, with filters, each change shown
as before -> after, and the same rows as CSV. Snapshots pass through the same redaction as the
API's (core.audit.event_view: a sealed identity never shows). And each user's own password."""

from __future__ import annotations

import csv
import datetime
import json
import re

from django import forms
from django.contrib import messages
from django.contrib.auth import authenticate, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import search as finding
from . import services, work
from .api.serializers import AuditEventSerializer
from .audit import VERB_LABELS, event_view, reads_of_q
from .audit_labels import RECORD_LABELS, field_label, record_label, record_pages
from .dates import today
from .forms import DateField, require_role
from .models import AuditEvent, Role
from .selectors import audit_events

PAGE_SIZE = 50
CSV_ROWS = 10_000  # one download; narrow the filters for more


def labelled_choices(labels: dict) -> list[tuple[str, str]]:
    """ "any", then every code of `labels` (the trail's actions, its kinds of record) by its name,
    in the reader's language and order."""
    named = sorted(((str(code), str(label)) for code, label in labels.items()), key=lambda pair: pair[1])
    return [("", str(_("any")))] + named


class AuditFilter(forms.Form):
    since = DateField(label=_("From"), required=False)
    until = DateField(label=_("To"), required=False)
    actor = forms.CharField(label=_("User name"), required=False, max_length=150)
    action = forms.ChoiceField(
        label=_("Kind of event"), required=False, choices=[("", _("any"))] + list(AuditEvent.Action.choices)
    )
    verb = forms.ChoiceField(label=_("Action"), required=False, choices=lambda: labelled_choices(VERB_LABELS))
    object_type = forms.ChoiceField(
        label=_("Kind of record"), required=False, choices=lambda: labelled_choices(RECORD_LABELS)
    )
    object_id = forms.CharField(label=_("Record number"), required=False, max_length=64)

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("since") and data.get("until") and data["until"] < data["since"]:
            self.add_error("until", _("The period ends before it starts."))
        return data

    def events(self):
        """The events the filters select, newest first (the form must be valid)."""
        d, qs = self.cleaned_data, audit_events()
        if d["since"]:
            qs = qs.filter(at__date__gte=d["since"])
        if d["until"]:
            qs = qs.filter(at__date__lte=d["until"])
        if d["actor"]:
            qs = qs.filter(actor__username=d["actor"].strip())
        if d["action"]:
            qs = qs.filter(action=d["action"])
        if d["verb"]:
            qs = qs.filter(verb=d["verb"])
        if d["object_type"]:
            kind = d["object_type"].strip()
            qs = qs.filter(Q(object_type=kind) | Q(subject_type=kind))
        if d["object_id"]:
            number = d["object_id"].strip()
            qs = qs.filter(reads_of_q(number) | Q(subject_id=number))
        return qs


def changes(data: dict) -> list[tuple[str, str, str]]:
    """(field by name, before, after) for each value the event changed (a creation: every value
    set; a text left empty is no value)."""
    before, after = data.get("before") or {}, data.get("after") or {}
    shown = []
    for key in sorted(set(before) | set(after)):
        old, new = _empty(before.get(key)), _empty(after.get(key))
        if old != new:
            shown.append((field_label(key), _text(old), _text(new)))
    return shown


def _empty(value):
    """None for an empty text (`""` and None are both "no value"), else the value as it is."""
    return None if value == "" else value


MOMENT_SHOWN = "%Y-%m-%d %H:%M:%S"  # a moment of the trail, in the CSV and in a change
MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)")  # a snapshot's datetime


def _text(value) -> str:
    """A value of a snapshot as the page and its CSV show it: a moment in the service's time zone,
    as the When column (snapshots store them in UTC, ISO 8601), a text as it is, "—" for none."""
    if value is None:
        return "—"
    if isinstance(value, str) and MOMENT.fullmatch(value):
        return timezone.localtime(datetime.datetime.fromisoformat(value)).strftime(MOMENT_SHOWN)
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


IDS_SHOWN = 12  # the records of a list read named in its row; the others folded under "and N more"


def _rows(events):
    """Each event as the API shows it (redacted), with its changes and its actor's role by name."""
    redact, role_names = event_view(events), dict(Role.choices)
    for event in events:
        data = AuditEventSerializer(event, context={"redact": redact}).data
        data["role"] = role_names.get(event.actor_role, event.actor_role)
        data["verb_label"] = VERB_LABELS.get(event.verb, event.verb)
        same = (event.subject_type, event.subject_id) == (event.object_type, event.object_id)
        data["record"] = record_label(event.object_type)
        page = record_pages.get(event.object_type)
        data["url"] = reverse(page, args=[event.object_id]) if page and event.object_id.isdigit() else ""
        data["file"] = "" if same or not event.subject_id else f"{record_label(event.subject_type)} {event.subject_id}"
        data["ids_first"], data["ids_more"] = data["object_ids"][:IDS_SHOWN], data["object_ids"][IDS_SHOWN:]
        data["purpose_shown"] = _purpose(event, data["purpose"])
        yield event, data, changes(data)


def _purpose(event, shown: str | None) -> str:
    """The purpose as the page and its CSV show it: the system's own ("search") translated, a
    typed one as typed, and "sealed" for a correction's reason redacted with a sealed file."""
    if shown is None and event.purpose:
        return gettext("sealed")
    return gettext(shown) if shown else ""


@login_required
def audit(request):
    require_role(request.user, Role.AUDITOR)
    form = AuditFilter(request.GET)  # no filter: every event
    if not form.is_valid():
        return render(request, "core/audit.html", {"form": form, "rows": [], "page": None}, status=400)
    events = form.events()
    if request.GET.get("format") == "csv":
        return _csv(list(events[:CSV_ROWS]))
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "core/audit.html",
        {"form": form, "page": page, "rows": list(_rows(list(page))), "query": query.urlencode()},
    )


def _csv(events) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit.csv"'
    response.write("\ufeff")  # spreadsheets read the file as UTF-8
    out = csv.writer(response)
    out.writerow(
        [
            _("When"),
            _("User"),
            _("Role"),
            _("Kind of event"),
            _("Action"),
            _("Action code"),
            _("Record"),
            _("Record code"),
            _("Records read"),
            _("File"),
            _("Purpose"),
            _("Changes"),
        ]
    )
    for event, data, changed in _rows(events):
        out.writerow(
            [
                timezone.localtime(event.at).strftime(MOMENT_SHOWN),
                data["actor"] or "",
                data["role"],
                event.get_action_display(),
                data["verb_label"],
                event.verb,
                f"{data['record']} {event.object_id}".strip(),
                event.object_type,
                " ".join(data["object_ids"]),
                data["file"],
                data["purpose_shown"],
                "; ".join(f"{field}: {old} → {new}" for field, old, new in changed),
            ]
        )
    return response


class WorkFilter(forms.Form):
    what = forms.ChoiceField(label=_("Kind of work"), required=False)

    def __init__(self, data, *, user):
        super().__init__(data)
        what = self.fields["what"]
        assert isinstance(what, forms.ChoiceField)
        what.choices = [("", _("everything")), *work.kinds_of_work(user)]


@login_required
def work_queue(request):
    """The user's queue, or one kind of its work alone (`?what=`: a long queue of one kind, such
    as a region's registers, would otherwise push every other kind past the page)."""
    require_role(request.user, *work.WORKERS)
    on = today()
    form = WorkFilter(request.GET, user=request.user)
    if not form.is_valid():
        found, status = work.Queue([], False), 400
    else:
        found, status = work.queue(request.user, on, only=form.cleaned_data["what"] or None), 200
    return render(
        request,
        "core/work.html",
        {
            "form": form,
            "items": found.items,
            "more": found.more,
            "shown": work.SHOWN,
            "on": on,
            "horizon": work.HORIZON_DAYS,
        },
        status=status,
    )


SEARCHERS = (*work.WORKERS, Role.AUDITOR)


@login_required
def search(request):
    """The search box's answers: each finder of the user's role, its first hits, and the list
    page that has the rest."""
    require_role(request.user, *SEARCHERS)
    text = request.GET.get("q", "")
    found = finding.search(request.user, text)
    return render(request, "core/search.html", {"q": text.strip(), "found": found, "limit": finding.LIMIT})


class OwnPasswordForm(PasswordChangeForm):
    """Django's form, its words the service's (Django's Kazakh catalogue lacks some), and its
    current password checked as a sign-in."""

    error_messages = {
        **PasswordChangeForm.error_messages,
        "password_incorrect": _("This is not your current password."),
        "password_mismatch": _("The two new passwords differ."),
    }

    def __init__(self, user, data=None, *, request):
        super().__init__(user, data)
        self.request = request
        self.fields["old_password"].label = _("Current password")
        self.fields["new_password1"].label = _("New password")
        self.fields["new_password2"].label = _("New password again")
        self.fields["new_password2"].help_text = ""

    def clean_old_password(self):
        """The current password is checked as a sign-in is (django-axes): wrong ones count, and
        lock the account at the same limit, so an open session is no place to guess it."""
        old_password = self.cleaned_data["old_password"]
        if authenticate(self.request, username=self.user.get_username(), password=old_password) is None:
            raise forms.ValidationError(self.error_messages["password_incorrect"], code="password_incorrect")
        return old_password


@login_required
def password(request):
    """Each user changes their own password, which the ministry or `create_staff` gave them: the
    old one, then the new one twice, by the validators of settings. The session goes on; the
    user's other sessions and API tokens end."""
    require_role(request.user, *services.change_own_password.roles)
    form = OwnPasswordForm(request.user, request.POST or None, request=request)
    if request.method == "POST":
        if form.is_valid():
            services.change_own_password(actor=request.user, password=form.cleaned_data["new_password1"])
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password is changed."))
            return redirect("home")
        return render(request, "core/password.html", {"form": form}, status=400)
    return render(request, "core/password.html", {"form": form})
