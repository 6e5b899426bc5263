"""Writes of intercountry: the parties of a case and the fees paid to them (RULES v2 §7b). The
guardianship agency of the case's district and the ministry record them; each is audited."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pycountry
from django.db import transaction
from django.utils.translation import gettext as _

from adoption.models import Case
from core.audit import Verb, record_write
from core.countries import is_country
from core.errors import FieldError, for_roles, not_future, raise_errors
from core.models import Agency, Role, User

from .models import Fee, Party, PartyRole


@for_roles(Role.GUARDIANSHIP, Role.MINISTRY, scope=("case",))
@transaction.atomic
def add_party(
    *, actor: User | None, case: Case, name: str, country: str, role: str, agency: Agency | None = None
) -> Party:
    """Someone who acted in the case besides the authorities: an agency, a facilitator, a
    translator, a lawyer, a driver."""
    errors: list[FieldError] = []
    if not is_country(country):
        errors.append(FieldError("country", "invalid_country", _("Not an ISO 3166 alpha-2 country code.")))
    if agency is not None and role != PartyRole.AGENCY:
        errors.append(FieldError("agency", "not_an_agency", _("Only a party of role `agency` names an agency.")))
    raise_errors(errors)
    party = Party.objects.create(
        case=case, name=name.strip(), country=country, role=role, agency=agency, created_by=actor
    )
    record_write(actor=actor, verb=Verb.ADD_PARTY, obj=party, subject=case)
    return party


@for_roles(Role.GUARDIANSHIP, Role.MINISTRY, scope=("party",))
@transaction.atomic
def add_fee(
    *,
    actor: User | None,
    party: Party,
    amount: Decimal,
    currency: str,
    paid_on: datetime.date,
    purpose: str,
) -> Fee:
    """A fee paid to a party of the case (amount in its currency, ISO 4217)."""
    errors: list[FieldError] = []
    if pycountry.currencies.get(alpha_3=currency) is None:
        errors.append(FieldError("currency", "invalid_currency", _("Not an ISO 4217 currency code.")))
    if amount <= 0:
        errors.append(FieldError("amount", "not_positive", _("A fee is an amount above zero.")))
    not_future("paid_on", paid_on, errors)
    raise_errors(errors)
    fee = Fee.objects.create(
        party=party, amount=amount, currency=currency, paid_on=paid_on, purpose=purpose, created_by=actor
    )
    record_write(actor=actor, verb=Verb.ADD_FEE, obj=fee, subject=party.case)
    return fee
