"""The consular finder of the search box (core.search): a child adopted abroad by its consular
registration number, in the user's scope (a sealed child is named by number only)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import search
from core.models import User
from core.permissions import ADOPTED_READERS
from registry import sealing

from .selectors import adopted_children_for, registrations_for


def find_registered(user: User, text: str) -> list[search.Hit]:
    registrations = (
        registrations_for(user)
        .filter(number__iexact=text, child__in=adopted_children_for(user).values("pk"))
        .select_related("child", "post")
        .order_by("-registered_on", "id")[: search.LIMIT]
    )
    return [
        search.Hit(
            subject=sealing.shown_name(registration.child),
            detail=f"{registration.number} · {registration.post}",
            url=reverse("web-adopted-child", args=[registration.child_id]),
            record=("registry.child", registration.child_id),
        )
        for registration in registrations
    ]


def register() -> None:
    search.finders.append(
        search.Finder(
            ADOPTED_READERS,  # the roles of the adopted child's page it links to
            _("Children adopted abroad, by consular registration number"),
            find_registered,
        )
    )
