"""Issuing a document: the facts it states, its verification code and QR, the PDF, and the record
of the issue (an IssuedDocument and its audit event, in one transaction)."""

from __future__ import annotations

import datetime
import hashlib
import secrets

import segno
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from adoption.facts import eligibility
from adoption.models import Case
from consular import services as consular_services
from consular.rules import followed_on
from consular.selectors import registrations_for
from core.audit import Verb, note_read, record_write
from core.dates import today
from core.errors import FieldError, Forbidden, RuleError, for_roles, not_future, raise_errors
from core.models import User
from registry.models import Child

from .documents import CASE_KINDS, CHILD_KINDS, ELIGIBLE, KINDS, identity
from .models import DocumentKind, IssuedDocument


class PrintingUnavailable(Exception):
    """The system libraries WeasyPrint needs (Pango) are not installed (README: set-up)."""


# Crockford's base 32 without the letters read as digits: 12 of them are 60 random bits, never guessed.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 12


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def shown_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normalised_code(typed: str) -> str:
    """A code as typed from paper: any case, with or without dashes or spaces; O read as 0, I and L as 1."""
    cleaned = typed.upper().replace("-", "").replace(" ", "")
    return cleaned.translate(str.maketrans("OIL", "011"))


def _may_print(actor: User | None, kind: str) -> None:
    if actor is not None and actor.role not in KINDS[kind].roles:
        raise Forbidden("kind", "role_not_allowed", _("Your role may not print this document."))


def _case_facts(case: Case, kind: str, as_of: datetime.date) -> dict:
    result = eligibility(case, as_of)
    if KINDS[kind].requires == ELIGIBLE and not result.eligible:
        raise RuleError(
            "as_of",
            "not_eligible",
            _(
                "The case is not eligible on this date: the agency's conclusion for the court is printed only "
                "for an eligible case. The certificate of eligibility lists what is missing."
            ),
        )
    links = case.child_links.select_related("child").order_by("child_id")
    return {
        "case": case,
        "result": result,
        "children": [identity(link.child) | {"relative": link.is_relative} for link in links],
        "applicants": list(case.applicants.order_by("id")),
        "documents": list(case.documents.filter(withdrawn_at__isnull=True).order_by("issued_on", "id")),
        "contacts": list(case.contacts.filter(withdrawn_at__isnull=True).order_by("on", "id")),
    }


def _child_facts(actor: User, child: Child, kind: str, as_of: datetime.date) -> dict:
    adoption = consular_services.foreign_adoption_of(child)
    if adoption is None:
        raise RuleError("child", "adoption_not_in_force", _("The child has no foreign adoption in force."))
    facts = {
        "child": identity(child),
        "adoption": adoption,
        "parents": list(adoption.decision.case.applicants.order_by("id")),
        "country": consular_services.country_of_residence(child, adoption),
    }
    if kind == "registration":
        registration = (  # one the actor sees: a post prints its own, never another post's number
            registrations_for(actor)
            .filter(child=child, ended_on__isnull=True, registered_on__lte=as_of)
            .select_related("post")
            .first()
        )
        if registration is None:
            raise RuleError("child", "not_registered", _("The child is not on a consular register on this date."))
        facts["registration"] = registration
    else:
        if not followed_on(child.birth_date, child.died_on, as_of):
            raise RuleError(
                "as_of",
                "follow_up_ended",
                _(
                    "The child's follow-up abroad has ended on this date (at 18, or at the child's death): no "
                    "report is asked of the adoptive parents any more."
                ),
            )
        facts["schedule"] = consular_services.schedule_for(child, adoption, on=as_of)
    return facts


def _pdf(
    kind: str, facts: dict, *, code: str, verify_url: str, issuer: str, languages: tuple, as_of: datetime.date
) -> bytes:
    url = verify_url.replace("CODE", code)
    context = facts | {
        "kind": KINDS[kind],
        "title": DocumentKind(kind).label,
        "as_of": as_of,
        "code": shown_code(code),
        "verify_url": url,
        "qr": segno.make(url, error="m").svg_data_uri(scale=3, border=1),
        "issuer": issuer,
        "issued_on": today(),
        "languages": languages,
    }
    html = render_to_string(KINDS[kind].template, context)
    try:  # here, not at start-up: a machine without Pango serves everything but the documents
        import weasyprint
    except OSError as exc:
        raise PrintingUnavailable(str(exc)) from exc
    return weasyprint.HTML(string=html).write_pdf()


def _issuer(actor: User | None) -> str:
    organisation = actor.organisation if actor is not None else None
    return str(organisation) if organisation else _("Ministry of Education")


@transaction.atomic
def _issue(*, actor, kind, case, child, as_of, verify_url) -> tuple[IssuedDocument, bytes]:
    errors: list[FieldError] = []
    not_future("as_of", as_of, errors)
    raise_errors(errors)
    facts = _case_facts(case, kind, as_of) if case is not None else _child_facts(actor, child, kind, as_of)
    code, issuer, languages = new_code(), _issuer(actor), KINDS[kind].languages or (translation.get_language(),)
    pdf = _pdf(kind, facts, code=code, verify_url=verify_url, issuer=issuer, languages=languages, as_of=as_of)
    issued = IssuedDocument.objects.create(
        code=code,
        kind=kind,
        case=case,
        child=child,
        as_of=as_of,
        language=",".join(languages),
        issuer=issuer,
        sha256=hashlib.sha256(pdf).hexdigest(),
        issued_by=actor,
    )
    record_write(actor=actor, verb=Verb.ISSUE_DOCUMENT, obj=issued, subject=case or child)
    note_read(case or child)
    return issued, pdf


@for_roles(*{role for kind in CASE_KINDS for role in KINDS[kind].roles}, scope=("case",))
def print_case_document(
    *, actor: User, case: Case, kind: str, as_of: datetime.date, verify_url: str
) -> tuple[IssuedDocument, bytes]:
    """A case's certificate of eligibility on `as_of`, or the guardianship agency's conclusion for
    the court (only for a case eligible on `as_of`). `verify_url` has CODE where the code goes."""
    _may_print(actor, kind)
    return _issue(actor=actor, kind=kind, case=case, child=None, as_of=as_of, verify_url=verify_url)


@for_roles(*{role for kind in CHILD_KINDS for role in KINDS[kind].roles}, scope=("child",))
def print_child_document(
    *, actor: User, child: Child, kind: str, as_of: datetime.date, verify_url: str
) -> tuple[IssuedDocument, bytes]:
    """A child adopted abroad: the certificate of its consular registration, or the monitoring
    schedule for its adoptive parents (in English and Russian)."""
    _may_print(actor, kind)
    return _issue(actor=actor, kind=kind, case=None, child=child, as_of=as_of, verify_url=verify_url)
