"""Staff pages of the registry: the same services and selectors as the API, the same scoping and audit."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from core.audit import changes_to
from core.countries import KZ
from core.dates import today
from core.errors import RuleError
from core.forms import CountryField, DateField, Irreversible, StatedChoiceField, correct, require_role, run_service
from core.models import District, Role
from core.numbers import whole_number
from core.permissions import FILE_READERS

from . import contributions, sealing, selectors, services, work
from .api.filters import ChildFilter
from .models import (
    Child,
    ChildStatus,
    ConsentForm,
    ConsentParent,
    DeregistrationReason,
    DocumentKind,
    DuplicateFlag,
    GroundCode,
    Level,
    Parent,
    Sex,
)
from .rules import left_for_good, name_key

READERS = FILE_READERS


class ChildForm(forms.Form):
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    first_name = forms.CharField(label=_("First name"), max_length=100)
    patronymic = forms.CharField(label=_("Patronymic"), max_length=100, required=False)
    sex = StatedChoiceField(label=_("Sex"), choices=Sex.choices)
    birth_date = DateField(label=_("Birth date"))
    birth_registration_number = forms.CharField(label=_("Birth registration number"), max_length=64, required=False)
    identified_on = DateField(label=_("Identified on"))
    health_notes = forms.CharField(label=_("Health notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    citizenship = CountryField(label=_("Citizenship"), stateless=True, initial=KZ, required=False)

    def clean_citizenship(self):
        return self.cleaned_data["citizenship"] or KZ


class CorrectChildForm(ChildForm):
    """The record as stored, to correct (services.update_child); `version` is the one the user saw,
    so that a correction made meanwhile by someone else is not overwritten."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    @classmethod
    def of(cls, child: Child, form_name: str):
        initial = {name: getattr(child, name) for name in services.EDITABLE_FIELDS} | {"version": child.version}
        return _child_form(form_name, cls, initial=initial)

    def changes(self, child: Child) -> dict:
        """The fields the user changed (only they are written)."""
        d = self.cleaned_data
        return {name: d[name] for name in services.EDITABLE_FIELDS if d[name] != getattr(child, name)}


class GroundForm(forms.Form):
    parent = StatedChoiceField(label=_("Parent"), choices=Parent.choices)
    ground = StatedChoiceField(label=_("Ground"), choices=GroundCode.choices)
    kind = StatedChoiceField(label=_("Document"), choices=DocumentKind.choices)
    number = forms.CharField(label=_("Document number"), max_length=64)
    date = DateField(label=_("Document date"))
    issued_by = forms.CharField(label=_("Issued by"), max_length=200)
    in_force_on = DateField(
        label=_("A court decision: entered into force on"),
        help_text=_("A ground a court declares counts from this day."),
        required=False,
    )
    kind2 = forms.ChoiceField(
        label=_("Second document (if any)"), choices=[("", "—"), *DocumentKind.choices], required=False
    )
    number2 = forms.CharField(label=_("Its number"), max_length=64, required=False)
    date2 = DateField(label=_("Its date"), required=False)
    issued_by2 = forms.CharField(label=_("Issued by"), max_length=200, required=False)

    def documents(self) -> list[dict]:
        d = self.cleaned_data
        first = {"kind": d["kind"], "number": d["number"], "date": d["date"], "issued_by": d["issued_by"]}
        docs = [first | ({"in_force_on": d["in_force_on"]} if d.get("in_force_on") else {})]
        if d.get("kind2") and d.get("number2") and d.get("date2"):
            docs.append(
                {
                    "kind": d["kind2"],
                    "number": d["number2"],
                    "date": d["date2"],
                    "issued_by": d.get("issued_by2") or d["issued_by"],
                }
            )
        return docs


class ParentalConsentForm(forms.Form):
    parent = StatedChoiceField(label=_("Who consents"), choices=ConsentParent.choices)
    given_on = DateField(label=_("Consent given on"))
    form = StatedChoiceField(label=_("Form of the consent"), choices=ConsentForm.choices)
    # their numbers, not a list to choose from: a district keeps about 20,000 applicants at national scale
    names_applicants = forms.CharField(
        label=_("Applicants it is limited to (their numbers, comma-separated)"),
        help_text=_("Empty: consent to adoption by anyone."),
        required=False,
    )
    number = forms.CharField(label=_("Document number"), max_length=64)
    date = DateField(label=_("Document date"))
    issued_by = forms.CharField(label=_("Certified by"), max_length=200)

    def clean_names_applicants(self):
        text = self.cleaned_data["names_applicants"].replace("#", "")
        parts = [p.strip() for p in text.split(",") if p.strip()]
        if any(whole_number(p) is None for p in parts):
            raise forms.ValidationError(_("Applicant numbers are whole numbers, separated by commas."))
        return [int(p) for p in parts] or None

    def service_args(self) -> dict:
        d = self.cleaned_data
        return {
            "parent": d["parent"],
            "given_on": d["given_on"],
            "form": d["form"],
            "names_applicants": d["names_applicants"],
            "document": {"number": d["number"], "date": d["date"], "issued_by": d["issued_by"]},
        }


class WithdrawConsentForm(forms.Form):
    on = DateField(label=_("Withdrawn on"))


class WithdrawGroundForm(Irreversible):
    """A ground entered by mistake, withdrawn with the reason (services.withdraw_ground)."""

    confirm_label = _("Withdraw it: it stays on the record, marked withdrawn with the reason, and no check reads it.")
    reason = forms.CharField(label=_("Why it is withdrawn"), max_length=300)


class RegisterForm(forms.Form):
    # each role places on its own level only (the page names it); the service checks the order
    level = forms.ChoiceField(label=_("Register level"), choices=Level.choices, widget=forms.HiddenInput)
    placed_on = DateField(label=_("Placed on"))


class CorrectPlacementForm(forms.Form):
    """The date of the child's latest placement, typed wrong (services.correct_placement): shown as
    recorded. Not irreversible: it can be corrected again."""

    placed_on = DateField(label=_("Placed on"))
    reason = forms.CharField(label=_("Why it is corrected"), max_length=300)


class WithdrawPlacementForm(Irreversible):
    """The child's latest placement, on the regional or central register, made by mistake,
    withdrawn with the reason (`services.withdraw_placement`)."""

    confirm_label = _(
        "Withdraw the placement: it stays in the child's history, marked withdrawn with the reason, and the child "
        "is on the level below again, from that placement's date."
    )
    reason = forms.CharField(label=_("Why it is withdrawn"), max_length=300)


class DeregisterForm(Irreversible):
    confirm_label = _("I confirm: the child leaves every register on this date. This is not undone from this page.")
    on = DateField(label=_("Date"))
    # "adopted" is not offered: only a court decision in force deregisters a child as adopted
    reason = StatedChoiceField(
        label=_("Reason"), choices=[c for c in DeregistrationReason.choices if c[0] != DeregistrationReason.ADOPTED]
    )

    def __init__(self, *args, only_death: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # a child whose adoption awaits its entry into force, or off the registers for a placement
        # or a return: only a death (services.deregister)
        if only_death:
            self.fields["confirm"].label = _(
                "I confirm: the child died on this date, and its open cases close (a case shared with a brother or "
                "sister goes on for them). This is not undone from this page."
            )
            reason = self.fields["reason"]
            assert isinstance(reason, StatedChoiceField)
            reason.choices = [(DeregistrationReason.DIED, DeregistrationReason.DIED.label)]


@login_required
def children(request):
    require_role(request.user, *READERS)
    filtered = ChildFilter(request.GET, queryset=selectors.children_for(request.user).order_by("-id"))
    page = Paginator(filtered.qs, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "registry/children.html",
        {
            "page": page,
            "query": query.urlencode(),
            "filters": request.GET,
            "levels": Level.choices,
            "statuses": ChildStatus.choices,
            "can_create": request.user.role == Role.GUARDIANSHIP,
        },
    )


@login_required
def child_new(request):
    require_role(request.user, Role.GUARDIANSHIP)
    form = ChildForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        district = District.objects.get(pk=request.user.district_id)
        # before saving: a child who may already be recorded is shown first, with the choice
        likely = [] if request.POST.get("different") else _likely_duplicates(request.user, district, form.cleaned_data)
        if likely:
            return render(request, "registry/child_new.html", {"form": form, "likely": likely})
        result = run_service(form, services.create_child, actor=request.user, district=district, **form.cleaned_data)
        if result:
            child, warnings = result
            messages.success(request, _("Child recorded."))
            for warning in warnings:
                messages.warning(request, warning.detail)
            return redirect("web-child", pk=child.pk)
    return render(request, "registry/child_new.html", {"form": form}, status=400 if form.errors else 200)


def _likely_duplicates(user, district, data) -> list[dict]:
    """The stored children the new record may duplicate (the service's own rule, read only): one
    the user may see is named and linked; one of another district only counted (RULES §9)."""
    probe = Child(
        district=district,
        sex=data["sex"],
        birth_date=data["birth_date"],
        birth_registration_number=data["birth_registration_number"].strip(),
        search_name=name_key(data["last_name"], data["first_name"], data["patronymic"]),
    )
    candidates = services.find_duplicates(probe)
    visible = {c.pk: c for c in selectors.children_for(user).filter(pk__in=[c.child_id for c in candidates])}
    return [{"child": visible.get(c.child_id), "reason": c.reason, "district": c.district} for c in candidates]


def timeline(child, user, *, sealed: bool, grounds) -> list[dict]:
    """Everything that happened to the child, in date order (a sealed child's ground documents
    without their numbers; `grounds`: selectors.grounds_of, read once by the page); the other apps
    add their events (registry.contributions)."""
    events = [{"on": child.identified_on, "text": _("identified")}]
    for ground in grounds:
        for doc in ground.documents.all():
            text = _("ground: %(ground)s (%(parent)s), %(document)s") % {
                "ground": ground.get_ground_display(),
                "parent": ground.get_parent_display(),
                "document": doc.get_kind_display() if sealed else f"{doc.get_kind_display()} {doc.number}",
            }
            events.append({"on": doc.date, "text": ground.as_recorded(text, reason=not sealed)})
    for entry in selectors.register_history(child, withdrawn=True):
        text = (
            _("deregistered: %(reason)s") % {"reason": entry.get_reason_display()}
            if entry.level == "deregistered"
            else _("placed on the register: %(level)s") % {"level": entry.get_level_display()}
        )
        events.append({"on": entry.on, "text": entry.as_recorded(text, reason=not sealed)})
    for source in contributions.timeline_sources:
        events.extend(source(child, user))
    return sorted(events, key=lambda e: e["on"])


def _child_form(form_name: str, form_class, data=None, **kwargs):
    """A form of the child's page: its fields' ids carry its name (`ground-number`, `consent-number`),
    as the page shows several forms with fields of the same name at once."""
    return form_class(data, auto_id=f"{form_name.removesuffix('_form')}-%s", **kwargs)


def _child_page(request, child, status=200, unsealed=False, **forms_given):
    role = request.user.role
    identity = sealing.disclose(child, unsealed=unsealed)
    grounds = list(selectors.grounds_of(child))  # the list (guardianship) and the timeline
    # the level each role places on, offered only when the child stands on the level below
    below = {Level.PRIMARY: None, Level.REGIONAL: Level.PRIMARY, Level.CENTRAL: Level.REGIONAL}
    level = work.PLACES_ON.get(role)
    may_place = level is not None and child.register_level == below[level] and not left_for_good(child)
    # the grounds and consents a court decided on stand as they stood (services.decided_on)
    decided_on = services.decided_on(child) if role == Role.GUARDIANSHIP else None
    died = child.died_on is not None
    # the date of its placement on the role's own level, while no court decided its adoption
    may_correct_placement = (
        level is not None
        and child.register_level == level
        and child.status == ChildStatus.REGISTERED
        and services.decided_on(child) is None
    )
    keeps_record = role == Role.GUARDIANSHIP and decided_on is None and not died  # (services._after_decision)
    # off the registers, not for good (a placement, a return to its parents): its death is still recorded
    off_registers = child.status == ChildStatus.DEREGISTERED and not left_for_good(child)
    context = {
        "child": child,
        "identity": identity,
        "name": sealing.shown_name(child, unsealed=unsealed),
        "flags": selectors.duplicate_flags_for(request.user).filter(child=child, status=DuplicateFlag.Status.OPEN),
        "may_confirm_different": role in services.confirm_different_child.roles,  # not the auditor, not the court
        "ground_form": forms_given.get("ground_form")
        or (_child_form("ground_form", GroundForm) if keeps_record else None),
        "register_form": forms_given.get("register_form")
        or (_child_form("register_form", RegisterForm, initial={"level": level}) if may_place else None),
        "register_level": Level(level).label if level else "",
        "placement_form": forms_given.get("placement_form")
        or (
            _child_form("placement_form", CorrectPlacementForm, initial={"placed_on": child.level_since})
            if may_correct_placement
            else None
        ),
        # the placement on the role's own level, made by mistake (the primary one is a deregistration)
        "withdraw_placement_form": forms_given.get("withdraw_placement_form")
        or (
            _child_form("withdraw_placement_form", WithdrawPlacementForm)
            if may_correct_placement and level != Level.PRIMARY
            else None
        ),
        "off_registers": off_registers,
        "deregister_form": forms_given.get("deregister_form")
        or (
            _child_form("deregister_form", DeregisterForm, only_death=decided_on is not None or off_registers)
            if role == Role.GUARDIANSHIP and (child.register_level or off_registers)
            else None  # a child never placed on a register is not offered a deregistration
        ),
        # a sealed identity is not corrected here (services.update_child refuses it): not offered
        "correct_form": forms_given.get("correct_form")
        or (
            CorrectChildForm.of(child, "correct_form")
            if role in services.update_child.roles and not identity["sealed"]
            else None
        ),
        "consents": _consents_named(child, request.user, sealed=identity["sealed"]),
        "consent_form": forms_given.get("consent_form")
        or (_child_form("consent_form", ParentalConsentForm) if keeps_record else None),
        # a parent may still withdraw on the day of the decision (§11.12)
        "withdraw_form": WithdrawConsentForm()
        if role == Role.GUARDIANSHIP and not died and (decided_on is None or today() <= decided_on)
        else None,
        "grounds": grounds if role == Role.GUARDIANSHIP else (),
        "grounds_shown": role == Role.GUARDIANSHIP,
        "decided_on": decided_on,
        "died": died and role == Role.GUARDIANSHIP,
        "ground_confirm": WithdrawGroundForm.confirm_label,
        "renamed": sealing.renamed(child),
        "child_pages": [
            (label, url)
            for label, url, roles, *shown in contributions.child_pages
            if role in roles and all(s(child) for s in shown)
        ],
    }
    context["today"] = today()
    context["next_step"] = work.next_step(request.user, child, context["today"])
    context["timeline"] = timeline(child, request.user, sealed=identity["sealed"], grounds=grounds)
    context["changes"] = changes_to(child)
    context["sealed"] = identity["sealed"]
    context["may_unseal"] = identity["sealed"] and sealing.may_unseal(request.user, child)
    return render(request, "registry/child.html", context, status=status)


@login_required
def child(request, pk):
    require_role(request.user, *READERS)
    child = get_object_or_404(selectors.children_for(request.user), pk=pk)
    try:
        unsealed = sealing.unseal(request.user, child, request.GET.get("purpose"))
    except RuleError as exc:
        messages.error(request, exc.errors[0].message)
        unsealed = False
    return _child_page(request, child, unsealed=unsealed)


def _consents_named(child, user, *, sealed: bool) -> list[tuple]:
    """The child's consents, each with the applicants it is limited to, by name for a reader who
    sees them (a sealed child's consents: by number only, as its documents are hidden)."""
    consents = list(selectors.consents_of(child))
    ids = {pk for consent in consents for pk in consent.names_applicants or ()}
    labels = contributions.applicants_seen(user, ids) if ids and not sealed else {}
    return [(consent, [labels.get(pk, f"#{pk}") for pk in consent.names_applicants or ()]) for consent in consents]


def _post_on_child(request, pk, form_class, form_name, service, to_kwargs, done):
    """Validate, call the service; on refusal show the child page again with the form as typed."""
    require_role(request.user, *READERS)
    child = get_object_or_404(selectors.children_for(request.user), pk=pk)
    form = _child_form(form_name, form_class, request.POST)
    if form.is_valid() and run_service(form, service, actor=request.user, child=child, **to_kwargs(form)) is not None:
        messages.success(request, done)
        return redirect("web-child", pk=child.pk)
    return _child_page(request, child, status=400, **{form_name: form})


@login_required
@require_POST
def child_ground(request, pk):
    return _post_on_child(
        request,
        pk,
        GroundForm,
        "ground_form",
        services.add_ground,
        lambda f: {"parent": f.cleaned_data["parent"], "ground": f.cleaned_data["ground"], "documents": f.documents()},
        _("Ground recorded."),
    )


@login_required
@require_POST
def child_register(request, pk):
    return _post_on_child(
        request,
        pk,
        RegisterForm,
        "register_form",
        services.place_on_register,
        lambda f: f.cleaned_data,
        _("Placed on the register."),
    )


@login_required
@require_POST
def child_correct_placement(request, pk):
    return _post_on_child(
        request,
        pk,
        CorrectPlacementForm,
        "placement_form",
        services.correct_placement,
        lambda f: f.cleaned_data,
        _("The date of the placement is corrected."),
    )


@login_required
@require_POST
def child_withdraw_placement(request, pk):
    return _post_on_child(
        request,
        pk,
        WithdrawPlacementForm,
        "withdraw_placement_form",
        services.withdraw_placement,
        lambda f: f.service_args(),
        _("The placement is withdrawn."),
    )


@login_required
@require_POST
def child_deregister(request, pk):
    return _post_on_child(
        request,
        pk,
        DeregisterForm,
        "deregister_form",
        services.deregister,
        lambda f: f.service_args(),
        _("Deregistered."),
    )


@login_required
@require_POST
def child_correct(request, pk):
    require_role(request.user, *services.update_child.roles)
    child = get_object_or_404(selectors.children_for(request.user), pk=pk)
    if sealing.is_sealed(child):  # refused before any comparison: what is stored is not told by "nothing changed"
        messages.error(request, _("The identity of an adopted child is sealed: it cannot be changed here."))
        return _child_page(request, child, status=400)
    form = _child_form("correct_form", CorrectChildForm, request.POST)
    done = correct(request, form, services.update_child, "web-child", child=child)
    return done or _child_page(request, child, status=400, correct_form=form)


@login_required
@require_POST
def child_consent(request, pk):
    return _post_on_child(
        request,
        pk,
        ParentalConsentForm,
        "consent_form",
        services.record_parental_consent,
        lambda f: f.service_args(),
        _("Consent recorded."),
    )


def _withdraw_on_child(request, page_child, form, service, done, **records):
    """A withdrawal posted from the child's page: done, or each error as a message; back to the page."""
    if form.is_valid():
        fields = form.service_args() if isinstance(form, Irreversible) else form.cleaned_data
        if run_service(form, service, actor=request.user, **records, **fields):
            messages.success(request, done)
            return redirect("web-child", pk=page_child.pk)
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect("web-child", pk=page_child.pk)


@login_required
@require_POST
def child_ground_withdraw(request, pk, ground_id):
    require_role(request.user, *READERS)
    child = get_object_or_404(selectors.children_for(request.user), pk=pk)
    ground = get_object_or_404(selectors.grounds_of(child), pk=ground_id)
    form = WithdrawGroundForm(request.POST)
    return _withdraw_on_child(
        request, child, form, services.withdraw_ground, _("Ground withdrawn."), child=child, ground=ground
    )


@login_required
@require_POST
def child_consent_withdraw(request, pk, consent_id):
    require_role(request.user, *READERS)
    child = get_object_or_404(selectors.children_for(request.user), pk=pk)
    consent = get_object_or_404(selectors.consents_of(child), pk=consent_id)
    form = WithdrawConsentForm(request.POST)
    return _withdraw_on_child(
        request, child, form, services.withdraw_parental_consent, _("Consent withdrawn."), parental_consent=consent
    )


@login_required
@require_POST
def duplicate_different(request, pk):
    require_role(request.user, Role.GUARDIANSHIP, Role.REGIONAL, Role.MINISTRY)
    flag = get_object_or_404(selectors.duplicate_flags_for(request.user), pk=pk)
    services.confirm_different_child(actor=request.user, flag=flag)
    messages.success(request, _("Confirmed: a different child."))
    return redirect("web-child", pk=flag.child_id)
