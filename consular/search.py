"""The consular finders of the search box (core.search): a child adopted abroad by its consular
registration number, and, for a post, by its name or an adoptive parent's, in the user's scope (a
sealed child is named by number only)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import search
from core.dates import in_text
from core.models import User
from core.permissions import ADOPTED_READERS, FILE_READERS
from registry import sealing

from .selectors import adopted_children_for, adopted_children_latest_first, registrations_for


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


def find_named(user: User, text: str) -> list[search.Hit]:
    ids = list(adopted_children_latest_first(user, named=text)[: search.LIMIT])
    children = adopted_children_for(user).in_bulk(ids)
    return [
        search.Hit(
            subject=sealing.shown_name(children[child_id]),
            detail=" · ".join(
                (
                    in_text(children[child_id].birth_date),
                    ", ".join(a.name for a in children[child_id].adoption.decision.case.applicants.all()),
                )
            ),
            url=reverse("web-adopted-child", args=[child_id]),
            record=("registry.child", child_id),
        )
        for child_id in ids
    ]


def register() -> None:
    search.finders.append(
        search.Finder(
            ADOPTED_READERS,  # the roles of the adopted child's page it links to
            _("Children adopted abroad, by consular registration number"),
            find_registered,
        )
    )
    search.finders.append(
        search.Finder(
            # the roles that read no case file: the others find the family's case by the same names
            tuple(role for role in ADOPTED_READERS if role not in FILE_READERS),
            _("Children adopted abroad, by name or an adoptive parent's name"),
            find_named,
            more="web-adopted",
        )
    )
