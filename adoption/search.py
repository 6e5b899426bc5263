"""Adoption's finders of the search box (core.search): cases by number or reference, by a child's
name or by an applicant's, each naming its children and applicants; and applicants by name, a
family with no case yet included. Both in the user's scope."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import search
from core.countries import shown_country
from core.dates import in_text
from core.models import User
from core.permissions import FILE_READERS

from .selectors import applicant_name_q, applicants_for, case_search_q, cases_for
from .work import case_names


def find_cases(user: User, text: str) -> list[search.Hit]:
    cases = list(cases_for(user).filter(case_search_q(text)).order_by("-id")[: search.LIMIT])
    names = case_names([case.pk for case in cases])
    return [
        search.Hit(
            subject=names[case.pk][0],
            detail=" · ".join(
                part
                for part in (f"#{case.pk}", case.case_ref or "", case.get_status_display(), names[case.pk][1])
                if part
            ),
            url=reverse("web-case", args=[case.pk]),
            record=("adoption.case", case.pk),
        )
        for case in cases
    ]


def find_applicants(user: User, text: str) -> list[search.Hit]:
    applicants = applicants_for(user).filter(applicant_name_q(text)).order_by("-id")[: search.LIMIT]
    return [
        search.Hit(
            subject=applicant.name,
            detail=" · ".join(
                part
                for part in (
                    f"#{applicant.pk}",
                    in_text(applicant.birth_date) if applicant.birth_date else "",
                    f"{shown_country(applicant.citizenship)} / {shown_country(applicant.residence_country)}",
                )
                if part
            ),
            url=reverse("web-applicant", args=[applicant.pk]),
            record=("adoption.applicant", applicant.pk),
        )
        for applicant in applicants
    ]


def register() -> None:
    search.finders.append(
        search.Finder(
            FILE_READERS,  # the roles of the cases list and page it links to
            _("Cases"),
            find_cases,
            more="web-cases",
        )
    )
    search.finders.append(search.Finder(FILE_READERS, _("Applicants"), find_applicants))  # each opens its page
