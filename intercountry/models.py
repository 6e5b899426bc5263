"""Everyone who acted in a case besides the authorities, and every fee paid (RULES v2 §7b;
OPSC art. 3(1)(a)(ii), HC93 art. 32). Read by the red flags; nothing here changes a case."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from adoption.models import Case
from core.models import Agency, one_of


class PartyRole(models.TextChoices):
    AGENCY = "agency", _("adoption agency")
    FACILITATOR = "facilitator", _("facilitator")
    TRANSLATOR = "translator", _("translator")
    LAWYER = "lawyer", _("lawyer")
    DRIVER = "driver", _("driver")
    OTHER = "other", _("other")


class FeePurpose(models.TextChoices):
    PLACEMENT = "placement", _("placement services")
    TRANSLATION = "translation", _("translation")
    LEGAL = "legal", _("legal services")
    TRAVEL = "travel", _("travel")
    OTHER = "other", _("other")


class Party(models.Model):
    """Someone who acted in the case; `agency` when it is an agency of the register."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="parties")
    name = models.CharField(max_length=200)
    country = models.CharField(max_length=2)
    role = models.CharField(max_length=12, choices=PartyRole.choices)
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="parties")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "parties"
        constraints = [one_of("role", PartyRole.choices, name="party_role_known")]

    def __str__(self):
        return f"{self.role} in case #{self.case_id}"


class Fee(models.Model):
    """A fee paid to a party of the case."""

    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="fees")
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.CharField(max_length=3)
    paid_on = models.DateField()
    purpose = models.CharField(max_length=12, choices=FeePurpose.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["paid_on", "id"]
        constraints = [
            one_of("purpose", FeePurpose.choices, name="fee_purpose_known"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="fee_amount_positive"),
        ]

    def __str__(self):
        return f"fee of {self.paid_on}"
