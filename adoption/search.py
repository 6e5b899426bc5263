"""Adoption's finder of the search box (core.search): cases by number or reference, by a child's
name or by an applicant's, in the user's scope; each names its children and applicants."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import search
from core.models import User
from core.permissions import FILE_READERS

from .selectors import case_search_q, cases_for
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


def register() -> None:
    search.finders.append(
        search.Finder(
            FILE_READERS,  # the roles of the cases list and page it links to
            _("Cases and applicants"),
            find_cases,
            more="web-cases",
        )
    )
