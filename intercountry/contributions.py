"""What intercountry adds to the apps below it: the red flags on a case's eligibility answer
(adoption.extensions), with their evidence, as warnings `{code: "RED_FLAG", flag, detail,
evidence, on}` (RULES §11.17)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from adoption import extensions
from adoption.models import Case
from adoption.rules import Finding

from .facts import flags_of_cases


def red_flags(case, as_of) -> list[Finding]:
    return [
        Finding("RED_FLAG", flag.detail, {"flag": flag.flag, "evidence": flag.evidence, "on": flag.on})
        for flag in flags_of_cases(Case.objects.filter(pk=case.pk), as_of)
    ]


def register() -> None:
    extensions.warning_sources.append(red_flags)
    extensions.case_pages.append((_("Parties and fees"), "web-case-parties"))
