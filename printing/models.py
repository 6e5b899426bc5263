"""Every document the service printed: its kind, the record it was printed from, who printed it
and when, and the fingerprint of the PDF, so that `/verify/<code>/` can say whether a paper in
someone's hands was issued here, and the auditor can see each issue."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    ELIGIBILITY = "eligibility", _("Certificate of eligibility for adoption")
    CONCLUSION = "conclusion", _("Conclusion of the guardianship agency for the court")
    REGISTRATION = "registration", _("Certificate of consular registration")
    SCHEDULE = "schedule", _("Monitoring schedule for the adoptive parents")


class IssuedDocument(models.Model):
    code = models.CharField(max_length=16, unique=True)  # printed with its QR; shown by /verify/<code>/
    kind = models.CharField(max_length=16, choices=DocumentKind.choices)
    case = models.ForeignKey("adoption.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey("registry.Child", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    as_of = models.DateField()  # the date the document speaks of
    language = models.CharField(max_length=8)
    issuer = models.CharField(max_length=200)  # the organisation that printed it, as printed
    sha256 = models.CharField(max_length=64)  # of the PDF as handed out
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(case__isnull=False) | models.Q(child__isnull=False), name="issued_of_a_record"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.code}"
