"""The registers' finder of the search box (core.search): children by name or birth registration
number, in the user's scope. A sealed identity never matches (its search key is empty, and its
birth registration number is not compared)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import search
from core.dates import in_text
from core.models import User
from core.permissions import FILE_READERS

from . import sealing, selectors


def find_children(user: User, text: str) -> list[search.Hit]:
    children = (
        selectors.children_for(user)
        .filter(selectors.child_search_q(text))
        .select_related("district")
        .order_by("last_name", "first_name", "id")[: search.LIMIT]
    )
    return [
        search.Hit(
            subject=sealing.shown_name(child),
            detail="" if sealing.is_sealed(child) else f"{in_text(child.birth_date)} · {child.district.shown_name}",
            url=reverse("web-child", args=[child.pk]),
            record=("registry.child", child.pk),
        )
        for child in children
    ]


def register() -> None:
    search.finders.append(
        search.Finder(
            FILE_READERS,  # the roles of the children list and page it links to
            _("Children"),
            find_children,
            more="web-children",
        )
    )
