"""Staff pages of adoption: the case workspace, the eligibility panel and the court stage."""

from __future__ import annotations

import datetime
from operator import attrgetter
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from core import search
from core.audit import changes_to, note_read
from core.dates import in_text, latest_birth_of_age, today
from core.errors import RuleError
from core.forms import (
    CountryField,
    DateField,
    Irreversible,
    StatedChoiceField,
    choose_among,
    correct,
    require_role,
    run_service,
)
from core.models import CONDITION_NAMES, Agency, Court, District, Policy, Role
from core.numbers import whole_number
from core.permissions import FILE_READERS
from core.scoping import NOTHING
from registry import sealing
from registry.models import Child, Sex
from registry.selectors import child_search_q, children_for

from . import extensions, selectors, services, workflow
from .facts import eligibility
from .models import (
    Appeal,
    Applicant,
    BarringFact,
    CaseApplicant,
    CaseChild,
    CaseDocument,
    CaseDocumentKind,
    CaseKind,
    CaseStatus,
    Consent,
    Contact,
    Decision,
    DomesticSearch,
    Hearing,
    MaritalStatus,
    Participant,
    Register,
)
from .rules import CONSENT_AGE, NOT_APPLICABLE, first_foreign_entry
from .selectors import applicant_name_q

READERS = FILE_READERS


class ApplicantForm(forms.Form):
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    first_name = forms.CharField(label=_("First name"), max_length=100)
    sex = StatedChoiceField(label=_("Sex"), choices=Sex.choices)
    birth_date = DateField(label=_("Birth date"))
    citizenship = CountryField(label=_("Citizenship"), stateless=True)
    residence_country = CountryField(label=_("Country of permanent residence"))
    marital_status = forms.ChoiceField(
        label=_("Marital status"), choices=[("", "—"), *MaritalStatus.choices], required=False
    )
    foreign_register_number = forms.CharField(
        label=_("Number on the register of foreign citizens wishing to adopt"), max_length=64, required=False
    )
    foreign_registered_on = DateField(label=_("Registered on"), required=False)
    barring_facts = forms.MultipleChoiceField(
        label=_("Facts that bar adoption (CMF art. 91)"),
        choices=BarringFact.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    raised_child_three_years = forms.BooleanField(
        label=_("Has raised the child for three years after the mother's death or deprivation of her rights"),
        required=False,
    )
    register_number = forms.CharField(
        label=_("Number on the district's register of citizens wishing to adopt (residents)"),
        max_length=64,
        required=False,
    )
    registered_on = DateField(label=_("Registered on"), required=False)
    valid_until = DateField(label=_("Registration valid until"), required=False)
    REGISTRATION = ("register_number", "registered_on", "valid_until")

    def clean(self):
        super().clean()
        data = self.cleaned_data
        given = [name for name in self.REGISTRATION if data.get(name)]
        if given and len(given) != len(self.REGISTRATION):
            self.add_error(given[0], _("A registration needs its number, its date and its end."))
        return data

    def service_args(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k not in self.REGISTRATION}

    def registration(self) -> dict | None:
        d = self.cleaned_data
        if not d.get("register_number"):
            return None
        return {
            "register": "prospective_adopters",
            "number": d["register_number"],
            "registered_on": d["registered_on"],
            "valid_until": d["valid_until"],
        }


class CorrectApplicantForm(ApplicantForm):
    """The record as stored, to correct (services.update_applicant); `version` is the one the user
    saw. An entry on a register is recorded on its own (RegistrationForm), never rewritten."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    register_number = registered_on = valid_until = None  # type: ignore[assignment]

    @classmethod
    def of(cls, applicant: Applicant):
        initial = {name: getattr(applicant, name) for name in services.APPLICANT_FIELDS}
        return cls(initial=initial | {"version": applicant.version}, auto_id="correct-%s")

    def changes(self, applicant: Applicant) -> dict:
        """The fields the user changed (only they are written)."""
        d = self.cleaned_data
        typed = dict(d) | {"barring_facts": sorted(d["barring_facts"])}  # a set, in any order
        stored = {name: getattr(applicant, name) for name in services.APPLICANT_FIELDS}
        stored["barring_facts"] = sorted(stored["barring_facts"])
        return {name: d[name] for name in services.APPLICANT_FIELDS if typed[name] != stored[name]}


class RegistrationForm(forms.Form):
    """An entry on the register of adopters that fits the applicant (the page names it)."""

    number = forms.CharField(label=_("Number on the register"), max_length=64)
    registered_on = DateField(label=_("Registered on"))
    valid_until = DateField(label=_("Registration valid until"))


class CaseForm(forms.Form):
    """The children and applicants of a new case, chosen among those the page lists: the chosen
    ones, and those `find` finds (a name or a number). A district keeps tens of thousands of each
    (23,000 children and 20,000 applicants in the 1,000,000-children bench): listing them all
    made a page of 4.7 s that no one could choose from."""

    FOUND = 30  # the most children, and applicants, one search adds to the lists
    find = forms.CharField(
        label=_("Find a child or an applicant"),
        required=False,
        max_length=100,
        help_text=_("A name or a number: what is found is listed below, beside what is already chosen."),
    )
    kind = forms.ChoiceField(label=_("Kind of adoption"), choices=CaseKind.choices, initial=CaseKind.STANDARD)
    children = forms.ModelMultipleChoiceField(
        label=_("Children"), queryset=Child.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    applicants = forms.ModelMultipleChoiceField(
        label=_("Applicants (one person or a married couple)"),
        queryset=Applicant.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    relatives = forms.BooleanField(label=_("The applicants are relatives of the children"), required=False)
    opened_on = DateField(label=_("Opened on"))
    action_after, action_label = "find", _("Find")  # _form.html: the button that lists what `find` finds

    def __init__(self, *args, user, listed=None, **kwargs):
        super().__init__(*args, **kwargs)
        # what may be chosen; a guardian case: also a child who left the registers for guardianship or foster care
        children = children_for(user).filter(
            Q(status="registered") | Q(deregistration_reason__in=("guardianship", "foster_care"))
        )
        applicants = selectors.applicants_for(user)
        choose_among(self, "children", children)
        choose_among(self, "applicants", applicants)
        # what is listed: from the form's data, or (a new page, a search) from `listed`
        source = self.data if self.is_bound else listed if listed is not None else {}
        text = search.typed(source.get("find") or "")
        number = whole_number(text.lstrip("#"))
        by_number = NOTHING if number is None else Q(pk=number)
        shown = _chosen_and_found(children, source, "children", child_search_q(text) | by_number)
        self.fields["children"].widget.choices = [
            (c.pk, f"{sealing.shown_name(c)} ({in_text(c.birth_date)}) #{c.pk}") for c in shown
        ]
        shown = _chosen_and_found(applicants, source, "applicants", applicant_name_q(text) | by_number)
        self.fields["applicants"].widget.choices = [(a.pk, a.label) for a in shown]


def _chosen_and_found(qs, source, name: str, found: Q) -> list:
    chosen = [
        number
        for v in (source.getlist(name) if hasattr(source, "getlist") else [])
        if (number := whole_number(v)) is not None
    ]
    return list(qs.filter(pk__in=chosen).order_by("last_name", "first_name", "id")) + list(
        qs.filter(found).exclude(pk__in=chosen).order_by("last_name", "first_name", "id")[: CaseForm.FOUND]
    )


class CaseChoicesForm(forms.Form):
    """A form about one case: its `applicant`, `spouses` and `child` fields (those it has) choose among
    the case's own applicants and children, named as the pages name them (a sealed child by its number)."""

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("applicant", "spouses"):
            if name in self.fields:
                choose_among(self, name, case.applicants.all(), attrgetter("label"))
        if "child" in self.fields:
            choose_among(self, "child", case.children.all(), sealing.shown_name)


class DocumentForm(CaseChoicesForm):
    kind = StatedChoiceField(label=_("Document"), choices=CaseDocumentKind.choices)
    applicant = forms.ModelChoiceField(
        label=_("Applicant (certificates, consents, proofs)"), queryset=Applicant.objects.none(), required=False
    )
    spouses = forms.ModelMultipleChoiceField(
        label=_("The two spouses (marriage certificate)"),
        queryset=Applicant.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    child = forms.ModelChoiceField(label=_("Child (proof of kinship)"), queryset=Child.objects.none(), required=False)
    amount = forms.DecimalField(
        label=_("Monthly income, KZT (income statement)"), min_value=0, max_digits=14, decimal_places=2, required=False
    )
    household_size = forms.IntegerField(
        label=_("People in the household before the adoption (income statement)"),
        min_value=1,
        max_value=30,
        required=False,
    )
    issued_on = DateField(label=_("Issued on"))
    issuer = forms.CharField(label=_("Issued by"), max_length=200)
    agency = forms.ModelChoiceField(
        label=_("Accredited agency that issued it (dossier reports)"),
        queryset=Agency.objects.order_by("name"),
        required=False,
    )
    conditions = forms.MultipleChoiceField(
        label=_("Conditions the medical certificate lists (the policy's list)"),
        choices=lambda: [
            (code, CONDITION_NAMES.get(code, code)) for code in Policy.on(today()).barring_conditions or ()
        ],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def service_args(self) -> dict:
        d = dict(self.cleaned_data)
        d["named_applicants"] = [a.pk for a in d.pop("spouses")]
        return d


class ContactForm(CaseChoicesForm):
    applicant = forms.ModelChoiceField(label=_("Applicant"), queryset=Applicant.objects.none())
    child = forms.ModelChoiceField(label=_("Child"), queryset=Child.objects.none())
    on = DateField(label=_("Date of the contact"))


class ConsentForm(CaseChoicesForm):
    child = forms.ModelChoiceField(label=_("Child"), queryset=Child.objects.none())
    given_on = DateField(label=_("Consent given on"))

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, case=case, **kwargs)
        # of the case's children, those of an age to consent (MFA art. 84): a younger one's, no check reads
        of_age = case.children.filter(birth_date__lte=latest_birth_of_age(today(), CONSENT_AGE))
        choose_among(self, "child", of_age, sealing.shown_name)


class DomesticSearchForm(forms.Form):
    completed_on = DateField(label=_("Search completed on"))
    outcome = StatedChoiceField(label=_("Outcome"), choices=DomesticSearch.Outcome.choices)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReferralForm(forms.Form):
    court = forms.ModelChoiceField(label=_("Court"), queryset=Court.objects.all())
    on = DateField(label=_("Date of referral"))


class HearingForm(forms.Form):
    on = DateField(label=_("Date of the hearing"))
    participants = forms.MultipleChoiceField(
        label=_("Participants"), choices=Participant.choices, widget=forms.CheckboxSelectMultiple
    )
    in_camera = forms.BooleanField(label=_("Heard in camera"), required=False)


def _decision_dates() -> tuple[DateField, DateField]:
    """A decision's two dates, as the decision form and its correction ask for them."""
    return DateField(label=_("Decided on")), DateField(
        label=_("Made in final form on"),
        help_text=_("The appeal term runs from this day; empty: the day of the decision."),
        required=False,
    )


def _age_gap() -> tuple[forms.BooleanField, forms.CharField]:
    """CMF art. 92: a grant states the court's reduction of the age gap (a decision, an appeal's)."""
    return forms.BooleanField(label=_("The court reduced the age gap (CMF art. 92)"), required=False), forms.CharField(
        label=_("The court's reasons for reducing it"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


def _new_identity() -> tuple[forms.CharField, forms.CharField, forms.CharField, DateField, forms.CharField]:
    """RULES v2 §6: the identity a grant gives the child (a decision's, an appeal's), each part optional."""
    return (
        forms.CharField(label=_("New last name of the child"), max_length=100, required=False),
        forms.CharField(label=_("New first name"), max_length=100, required=False),
        forms.CharField(label=_("New patronymic"), max_length=100, required=False),
        DateField(label=_("New birth date"), required=False),
        forms.CharField(label=_("New birth place"), max_length=200, required=False),
    )


def _with_new_identity(args: dict) -> dict:
    """The form's `new_*` fields regrouped as the service's `new_identity`."""
    args["new_identity"] = {name.removeprefix("new_"): args.pop(name) for name in list(args) if name.startswith("new_")}
    return args


def _identity_field(error_field: str) -> str:
    """The service's `new_identity.birth_date` is the form's `new_birth_date`."""
    nested = error_field.removeprefix("new_identity.")
    return f"new_{nested}" if nested != error_field else error_field


class DecisionForm(Irreversible):
    confirm_label = _(
        "I confirm the entry into force: the adoption takes effect on that date, the child leaves the registers "
        "and the birth identity is sealed. This is not undone from this page."
    )

    outcome = StatedChoiceField(label=_("Decision"), choices=Decision.Outcome.choices)
    decided_on, final_form_on = _decision_dates()
    in_force_on = DateField(label=_("Entered into force on (if known)"), required=False)
    age_gap_reduced, age_gap_reason = _age_gap()
    new_last_name, new_first_name, new_patronymic, new_birth_date, new_birth_place = _new_identity()

    def confirm_required(self) -> bool:
        return bool(self.data.get("in_force_on"))  # only when the decision also enters into force

    def service_args(self) -> dict:
        return _with_new_identity(super().service_args())

    def field_of(self, error_field: str) -> str:
        return _identity_field(error_field)


class HagueForm(forms.Form):
    art15_report_received_on = DateField(label=_("Report on the applicants received (HC93 art. 15)"), required=False)
    art16_report_sent_on = DateField(label=_("Report on the child sent (HC93 art. 16)"), required=False)
    art17_agreement_on = DateField(label=_("Agreement that the adoption may proceed (HC93 art. 17(c))"), required=False)

    def service_args(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if value}


class HagueCertificateForm(forms.Form):
    number = forms.CharField(label=_("Certificate number (HC93 art. 23)"), max_length=64)
    issued_on = DateField(label=_("Issued on"))


class AppealForm(Irreversible):
    """An appeal recorded when filed (its outcome empty: pending, the decision stays out of force)
    or when decided; a pending one shows its filing day and asks for its outcome. Its outcome
    cannot be undone from the page: the user confirms what follows. An appeal against a refusal
    may grant the adoption, so it asks for the age gap and the new identity as a decision does."""

    filed_on = DateField(label=_("Appeal filed on"))
    decided_on = DateField(
        label=_("Appeal decided on"),
        required=False,
        help_text=_("Empty while the appeal is pending: the decision does not enter into force until it is decided."),
    )
    outcome = StatedChoiceField(label=_("Outcome of the appeal"), choices=Appeal.Outcome.choices, required=False)
    age_gap_reduced, age_gap_reason = _age_gap()
    new_last_name, new_first_name, new_patronymic, new_birth_date, new_birth_place = _new_identity()

    def __init__(self, *args, case, **kwargs):
        decision = getattr(case, "decision", None)  # (none: posted to a case not decided, the step refuses it)
        refusal = decision is not None and decision.outcome == Decision.Outcome.REFUSED
        self.confirm_label = (
            _(
                "I confirm the appeal's outcome: reversed, the adoption is granted and takes effect on the appeal's "
                "day, the child leaves the registers and the birth identity is sealed; upheld, the refusal enters "
                "into force. This is not undone from this page."
            )
            if refusal
            else _(
                "I confirm the appeal's outcome: upheld, the adoption takes effect on the appeal's day, the child "
                "leaves the registers and the birth identity is sealed; reversed, the case closes. This is not "
                "undone from this page."
            )
        )
        super().__init__(*args, **kwargs)
        if not refusal:  # what only a grant states
            for name in [name for name in self.fields if name.startswith(("age_gap_", "new_"))]:
                del self.fields[name]
        appeal = workflow.pending_appeal(case)
        if appeal is not None:
            self.title = _("Record the appeal's outcome")
            self.fields["filed_on"].initial, self.fields["filed_on"].disabled = appeal.filed_on, True
            for name in ("decided_on", "outcome"):
                self.fields[name].required = True
            self.fields["decided_on"].help_text = ""

    def confirm_required(self) -> bool:
        return bool(self.data.get("outcome"))  # only when it is decided

    def service_args(self) -> dict:
        return _with_new_identity({name: value for name, value in super().service_args().items() if value})

    def field_of(self, error_field: str) -> str:
        return _identity_field(error_field)


class CivilRegistrationForm(forms.Form):
    number = forms.CharField(label=_("Civil registry record number"), max_length=64)
    registered_on = DateField(label=_("Registered on"))
    office = forms.CharField(label=_("Civil registry office"), max_length=200)


class InForceForm(Irreversible):
    confirm_label = DecisionForm.confirm_label
    in_force_on = DateField(label=_("Entered into force on"))


class CloseCaseForm(Irreversible):
    title = _("Close the case: the applicants withdrew")
    confirm_label = _("Close the case: it cannot be reopened; a new application opens a new case.")
    on = DateField(label=_("Withdrawn on"))


class OfferedWithRecords:
    """Of a form about records of the case (the one it chooses among): shown only when it has one."""

    fields: dict[str, forms.Field]

    @property
    def offered(self) -> bool:
        return any(
            isinstance(f, forms.ModelChoiceField) and f.queryset is not None and f.queryset.exists()
            for f in self.fields.values()
        )


class WithdrawForm(OfferedWithRecords, Irreversible):
    """A record entered by mistake, withdrawn with the reason (adoption.services.withdraw_*)."""

    confirm_label = _("Withdraw it: it stays in the file, marked withdrawn with the reason, and no check reads it.")
    reason = forms.CharField(label=_("Why it is withdrawn"), max_length=300)
    field_order = ["document", "contact", "hearing", "reason"]


class WithdrawConsentForm(OfferedWithRecords, forms.Form):
    """A child's consent withdrawn (MFA art. 84: a child of 10 or more may change their mind
    before the decision); not a record entered by mistake: the consent stays, with its end."""

    title = _("The child withdrew their consent")
    consent = forms.ModelChoiceField(label=_("Consent"), queryset=Consent.objects.none())
    on = DateField(label=_("Withdrawn on"))

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        choose_among(
            self,
            "consent",
            case.consents.filter(withdrawn_on__isnull=True).select_related("child"),
            lambda c: (
                _("%(child)s · given on %(date)s") % {"child": sealing.shown_name(c.child), "date": _on(c.given_on)}
            ),
        )


def _withdraw_consent(*, actor, case, consent, on):
    """The step's service takes the consent alone (its case is the consent's: the form chooses
    among this case's only)."""
    return services.withdraw_consent(actor=actor, consent=consent, on=on)


def _on(day) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


class WithdrawDocumentForm(WithdrawForm):
    title = _("Withdraw a document entered by mistake")
    document = forms.ModelChoiceField(label=_("Document"), queryset=CaseDocument.objects.none())

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        choose_among(
            self,
            "document",
            case.documents.filter(withdrawn_at__isnull=True).select_related("applicant"),
            lambda d: " · ".join(
                part
                for part in (d.get_kind_display(), d.applicant.name if d.applicant else "", _on(d.issued_on), d.issuer)
                if part
            ),
        )


class WithdrawContactForm(WithdrawForm):
    title = _("Withdraw a contact entered by mistake")
    contact = forms.ModelChoiceField(label=_("Contact"), queryset=Contact.objects.none())

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        choose_among(
            self,
            "contact",
            case.contacts.filter(withdrawn_at__isnull=True).select_related("applicant", "child"),
            lambda c: f"{_on(c.on)} · {c.applicant.name} · {sealing.shown_name(c.child)}",
        )


class WithdrawHearingForm(WithdrawForm):
    title = _("Withdraw a hearing entered by mistake")
    hearing = forms.ModelChoiceField(label=_("Hearing"), queryset=Hearing.objects.none())

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        choose_among(self, "hearing", case.hearings.filter(withdrawn_at__isnull=True), lambda h: _on(h.on))


class CorrectDecisionForm(forms.Form):
    """The dates of a decision (a grant or a refusal) entered wrongly, while it is not in force: shown as
    recorded."""

    title = _("Correct the decision's dates (not yet in force)")
    decided_on, final_form_on = _decision_dates()
    reason = forms.CharField(label=_("Why it is corrected"), max_length=300)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        decision = getattr(case, "decision", None)
        if decision is not None:
            self.initial.update(decided_on=decision.decided_on, final_form_on=decision.final_form)


class CorrectInForceForm(forms.Form):
    """The day an adoption entered into force, typed wrong, while nothing has followed it: shown as
    recorded. Not irreversible: it can be corrected again."""

    title = _("Correct the day of the entry into force")
    in_force_on = DateField(label=_("Entered into force on"))
    reason = forms.CharField(label=_("Why it is corrected"), max_length=300)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        decision = getattr(case, "decision", None)
        if decision is not None:
            self.initial.update(in_force_on=decision.in_force_on)


# The form, service and message of each step of the case (adoption.workflow says who may take
# it and in which statuses: the page offers exactly that).
FORMS = {
    "documents": (DocumentForm, services.add_document, _("Document recorded.")),
    "contacts": (ContactForm, services.record_contact, _("Contact recorded.")),
    "consents": (ConsentForm, services.record_consent, _("Consent recorded.")),
    "withdraw-consent": (WithdrawConsentForm, _withdraw_consent, _("The withdrawal of the consent is recorded.")),
    "domestic-search": (DomesticSearchForm, services.record_domestic_search, _("Search outcome recorded.")),
    "referral": (ReferralForm, services.refer_to_court, _("Referred to the court.")),
    "hearing": (HearingForm, services.record_hearing, _("Hearing recorded.")),
    "decision": (DecisionForm, services.record_decision, _("Decision recorded.")),
    "in-force": (InForceForm, services.set_in_force, _("Entry into force recorded.")),
    "appeal": (AppealForm, services.record_appeal, _("Appeal recorded.")),
    "hague": (HagueForm, services.record_hague_steps, _("Hague steps recorded.")),
    "hague-certificate": (HagueCertificateForm, services.issue_hague_certificate, _("Certificate recorded.")),
    "civil-registration": (
        CivilRegistrationForm,
        services.record_civil_registration,
        _("Civil registration recorded."),
    ),
    "withdraw": (CloseCaseForm, services.withdraw_case, _("Case closed.")),
    "withdraw-document": (WithdrawDocumentForm, services.withdraw_document, _("Document withdrawn.")),
    "withdraw-contact": (WithdrawContactForm, services.withdraw_contact, _("Contact withdrawn.")),
    "withdraw-hearing": (WithdrawHearingForm, services.withdraw_hearing, _("Hearing withdrawn.")),
    "correct-decision": (CorrectDecisionForm, services.correct_decision, _("Decision corrected.")),
    "correct-in-force": (CorrectInForceForm, services.correct_in_force, _("Entry into force corrected.")),
}
# A step whose only use is the evidence of one check is offered where that check applies on the
# page's day (and its records listed, unless there are none): a resident family's case has no
# personal contact or search to record (they are the foreigners' checks), a case of younger
# children no child's consent (RULES §4), and a child who stays, or goes to a country not party to
# the Hague Convention, no steps of it (RULES v2 §7a).
EVIDENCE_OF = {
    "contacts": "PERSONAL_CONTACT",
    "consents": "CHILD_CONSENT",
    "domestic-search": "DOMESTIC_PREFERENCE",
    "hague": "HAGUE_AGREEMENT",
}
CASE_BOUND = (
    DocumentForm,
    ContactForm,
    ConsentForm,
    WithdrawConsentForm,
    WithdrawDocumentForm,
    WithdrawContactForm,
    WithdrawHearingForm,
    CorrectDecisionForm,
    CorrectInForceForm,
    AppealForm,
)


def _form(name, case, data=None):
    form_class = FORMS[name][0]
    # nothing the rules read is filled in for the user: the dates (a certificate's validity, the
    # weeks of contact, the appeal term run from them) and who attended a hearing are typed and
    # ticked from the papers; a case is referred to its district's court unless another is chosen
    initial = {}
    if name == "referral":
        initial["court"] = Court.objects.filter(district=case.district_id).order_by("id").first()
    kwargs = {"case": case} if form_class in CASE_BOUND else {}
    # the page shows several steps' forms: each field's id names its step ("hearing-on"), one id per page
    return form_class(data, initial=initial, auto_id=f"{name}-%s", **kwargs)


def _args(form) -> dict:
    """What the service takes from a form (a form that regroups its fields says how)."""
    return form.service_args() if hasattr(form, "service_args") else form.cleaned_data


@login_required
def cases(request):
    require_role(request.user, *READERS)
    qs = (
        selectors.with_sealed(selectors.cases_for(request.user))
        .select_related("district")
        .prefetch_related(
            Prefetch("child_links", queryset=CaseChild.objects.select_related("child").order_by("child_id")),
            Prefetch("applicant_links", queryset=CaseApplicant.objects.select_related("applicant").order_by("id")),
        )
        .order_by("-id")
    )
    status = request.GET.get("status")
    if status in CaseStatus.values:
        qs = qs.filter(status=status)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(selectors.case_search_q(q))
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    note_read(label="adoption.case", ids=[case.pk for case in page])
    return render(
        request,
        "adoption/cases.html",
        {
            "page": page,
            "query": urlencode({"status": status or "", "q": q}),
            "statuses": CaseStatus.choices,
            "status": status,
            "q": q,
            "can_create": request.user.role == Role.GUARDIANSHIP,
        },
    )


@login_required
def applicant_new(request):
    require_role(request.user, Role.GUARDIANSHIP)
    form = ApplicantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        district = District.objects.get(pk=request.user.district_id)
        if run_service(form, _record_applicant, actor=request.user, district=district, form=form):
            messages.success(request, _("Applicant recorded."))
            return redirect("web-case-new")
    return render(
        request,
        "adoption/form_page.html",
        {"form": form, "title": _("Record an applicant")},
        status=400 if form.errors else 200,
    )


def _registration_form(user, applicant, data=None) -> RegistrationForm | None:
    """The entry form, for the keeper of the register that fits the applicant (CMF art. 89; RULES
    §11.4: the district's agency for its resident citizens, the ministry for everyone else)."""
    role, district = services.registrar_of(applicant, services.register_fitting(applicant))
    if user.role != role or (district and user.district_id != district):
        return None
    return RegistrationForm(data, auto_id="registration-%s")


def _correct_form(user, applicant) -> CorrectApplicantForm | None:
    """Offered to the agency that recorded the applicant (services.update_applicant)."""
    mine = user.role in services.update_applicant.roles and user.district_id == applicant.district_id
    return CorrectApplicantForm.of(applicant) if mine else None


def register_entries(applicant, on: datetime.date, months: int) -> list[tuple]:
    """The applicant's entries on the registers of adopters, as the checks count them: (key,
    register, number, from, through, in force on `on`), v1's first foreign entry, kept on the
    applicant, first (`months`: `foreign_register_validity_months` in effect on `on`)."""
    entries = [
        (r.pk, r.get_register_display(), r.number, r.registered_on, r.valid_until)
        for r in applicant.registrations.all()
    ]
    if applicant.foreign_register_number:
        first = first_foreign_entry(applicant.foreign_register_number, applicant.foreign_registered_on, months)
        start, end = first if first else (None, None)
        entries.insert(0, ("v1", Register.FOREIGN_ADOPTERS.label, applicant.foreign_register_number, start, end))
    return [
        (key, register, number, start, end, start is not None and start <= on <= end)
        for key, register, number, start, end in entries
    ]


def _applicant_page(request, applicant, status=200, form=None, correct_form=None):
    note_read(applicant)
    today_ = today()
    return render(
        request,
        "adoption/applicant.html",
        {
            "applicant": applicant,
            "registrations": register_entries(applicant, today_, Policy.on(today_).foreign_register_validity_months),
            "register": Register(services.register_fitting(applicant)).label,
            "barring": [BarringFact(code).label for code in applicant.barring_facts if code in BarringFact.values],
            "form": form or _registration_form(request.user, applicant),
            "correct_form": correct_form or _correct_form(request.user, applicant),
            "changes": changes_to(applicant),
            "cases": selectors.cases_for(request.user)
            .filter(applicant_links__applicant=applicant)
            .order_by("-opened_on", "-id"),
        },
        status=status,
    )


@login_required
def applicant(request, pk):
    require_role(request.user, *FILE_READERS)
    return _applicant_page(request, get_object_or_404(selectors.applicants_for(request.user), pk=pk))


@login_required
@require_POST
def applicant_register(request, pk):
    require_role(request.user, *services.register_applicant.roles)
    applicant = get_object_or_404(selectors.applicants_for(request.user), pk=pk)
    form = _registration_form(request.user, applicant, request.POST)
    if form is None:
        raise PermissionDenied(services.WRONG_REGISTRAR)
    register = services.register_fitting(applicant)
    if form.is_valid() and run_service(
        form,
        services.register_applicant,
        actor=request.user,
        applicant=applicant,
        register=register,
        **form.cleaned_data,
    ):
        messages.success(request, _("Entry on the register recorded."))
        return redirect("web-applicant", pk=applicant.pk)
    return _applicant_page(request, applicant, status=400, form=form)


@login_required
@require_POST
def applicant_correct(request, pk):
    require_role(request.user, *services.update_applicant.roles)
    applicant = get_object_or_404(selectors.applicants_for(request.user), pk=pk)
    form = CorrectApplicantForm(request.POST, auto_id="correct-%s")
    done = correct(request, form, services.update_applicant, "web-applicant", applicant=applicant)
    return done or _applicant_page(request, applicant, status=400, correct_form=form)


@transaction.atomic
def _record_applicant(*, actor, district, form):
    """The applicant and, for a resident, the district's register entry: both or neither."""
    applicant = services.create_applicant(actor=actor, district=district, **form.service_args())
    if form.registration():
        services.register_applicant(actor=actor, applicant=applicant, **form.registration())
    return applicant


@login_required
def case_new(request):
    require_role(request.user, Role.GUARDIANSHIP)
    finding = request.POST.get("action") == "find"  # the Find button: list what is found, open nothing
    if request.method == "POST" and not finding:
        form = CaseForm(request.POST, user=request.user)
    else:  # a new page (a child's page links here with it chosen: ?children=N), or a search
        source = request.POST if finding else request.GET
        initial = {name: source.get(name) for name in ("find", "kind", "opened_on") if source.get(name)}
        initial |= {name: source.getlist(name) for name in ("children", "applicants")}
        initial = {"relatives": bool(source.get("relatives")), **initial}
        form = CaseForm(user=request.user, listed=source, initial=initial)
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        children = list(d["children"])
        case = run_service(
            form,
            services.open_case,
            actor=request.user,
            children=children,
            applicants=list(d["applicants"]),
            opened_on=d["opened_on"],
            kind=d["kind"],
            relative_of=children if d["relatives"] else [],
        )
        if case:
            messages.success(request, _("Case opened."))
            return redirect("web-case", pk=case.pk)
    return render(
        request,
        "adoption/form_page.html",
        {
            "form": form,
            "title": _("Open a case"),
            "aside": _("An applicant not yet recorded? Record the applicant first."),
            "aside_url": "web-applicant-new",
        },
        status=400 if form.errors else 200,
    )


def _as_of(request) -> datetime.date | None:
    """The day eligibility is asked to be judged on (None: none, or not a date the service reasons
    about: the page's own day); the page's date field shows which day it judged on."""
    try:
        return DateField(required=False).clean(request.GET.get("as_of", "")) or None
    except ValidationError:
        return None


def _case_page(request, case, status=200, bound=None):
    note_read(case)  # adoption is secret: every read of a case file is audited
    decision = getattr(case, "decision", None)
    # a decided case is judged on the day of its decision (today its child is on no register, and
    # every check of the registers fails for a lawful adoption), a grant on appeal on the appeal's
    # day; one that entered into force the day it was made (an appeal's), on the eve (that day its
    # child left the registers); one not decided yet, today
    decision_day, eve = None, False
    if decision is not None:
        granted_on = decision.granted_on
        decision_day = granted_on or decision.decided_on
        eve = granted_on is not None and decision.in_force_on == granted_on
        if eve:
            decision_day -= datetime.timedelta(days=1)
    as_of = _as_of(request) or decision_day or today()
    result = eligibility(case, as_of)
    not_applicable = {check.code for check in result.checks if check.status == NOT_APPLICABLE}
    not_asked = {name for name, code in EVIDENCE_OF.items() if code in not_applicable}  # nor listed, if none
    steps = workflow.standing(case, request.user.role)
    names = [name for name, barred in steps.items() if barred is None and name in FORMS and name not in not_asked]
    # a court that may no longer correct the day of the entry into force is told why (a form never offered)
    in_force_fixed = steps.get("correct-in-force")
    if bound and bound[0] not in names:
        names.append(bound[0])  # refused because the case moved on: the form stays, with the reason
    forms_shown = {name: bound[1] if bound and bound[0] == name else _form(name, case) for name in names}
    forms_shown = {
        name: form
        for name, form in forms_shown.items()
        if getattr(form, "offered", True) or (bound and bound[0] == name)
    }
    today_ = today()
    months = Policy.on(today_).foreign_register_validity_months
    return render(
        request,
        "adoption/case.html",
        {
            "case": case,
            "left": selectors.children_who_left(case),
            "applicants": [(a, register_entries(a, today_, months)) for a in case.applicants.all()],
            "result": result,
            "as_of": as_of,
            "on_decision_day": as_of == decision_day,
            "on_the_eve": eve,
            "forms": forms_shown,
            "not_asked": not_asked,
            "decision": decision,
            "referral": case.referrals.select_related("court").order_by("-on").first(),
            "case_pages": extensions.pages_of(case, request.user),
            "prints": extensions.printable(request.user, case=case),
            "expected_in_force_on": services.expected_in_force(decision) if decision else None,
            "in_force_fixed": in_force_fixed.errors[0].message if in_force_fixed else "",
            "may_open_file": case.file_sealed and selectors.may_open_file(request.user, case),
        },
        status=status,
    )


@login_required
def case(request, pk):
    require_role(request.user, *READERS)
    case = get_object_or_404(selectors.case_file(selectors.cases_for(request.user)), pk=pk)
    try:
        selectors.open_file(request.user, case, request.GET.get("purpose"))
    except RuleError as exc:
        messages.error(request, exc.errors[0].message)
    return _case_page(request, case)


@login_required
@require_POST
def case_action(request, pk, name):
    if name not in FORMS:
        raise PermissionDenied
    require_role(request.user, *workflow.STEPS[name].roles)  # a role the step is not for: 403 before its input
    case = get_object_or_404(selectors.case_file(selectors.cases_for(request.user)), pk=pk)
    form = _form(name, case, request.POST)
    _form_class, service, done = FORMS[name]
    if form.is_valid() and run_service(form, service, actor=request.user, case=case, **_args(form)) is not None:
        messages.success(request, done)
        return redirect("web-case", pk=case.pk)
    case.refresh_from_db()
    return _case_page(request, case, status=400, bound=(name, form))
