"""What consular follow-up adds to a child's record in the registry (registry.contributions): a
post sees the children adopted into its country and those ever registered at it; the child's
timeline shows its registrations, departure and monitoring reports."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from adoption import extensions
from adoption.models import Adoption, CaseChild
from core.dates import in_text
from core.models import Role
from registry import contributions

from .models import ConsularRegistration, Departure, MonitoringReport


def post_children(user, prefix: str = "") -> Q:
    # the children adopted into the post's country, and any child ever registered at the post
    # (a family that moved keeps its history there), as one list of ids: the database starts from
    # the post's children (the two conditions on the children's joins read all 1,100,000 children
    # for a post's 12,000 at 1,000,000: 2 s for its work queue)
    adopted = CaseChild.objects.filter(case__status="in_force", case__receiving_country=user.consular_post.country)
    registered = ConsularRegistration.objects.filter(post=user.consular_post_id)
    ids = adopted.order_by().values("child_id").union(registered.order_by().values("child_id"))
    return Q(**{f"{prefix}pk__in": ids})


def follow_up_events(child, user) -> list[dict]:
    events = [
        {
            "on": r.registered_on,
            # its reason shown: typed after the adoption, by those who see only the current identity
            "text": r.as_recorded(
                _("consular registration: %(post)s %(number)s") % {"post": r.post, "number": r.number}
            ),
        }
        for r in ConsularRegistration.with_withdrawn.filter(child=child).select_related("post")
    ]
    events += [
        {
            "on": departure.departed_on,
            "text": departure.as_recorded(_("departure: %(country)s") % {"country": departure.residence_country}),
        }
        for departure in Departure.with_withdrawn.filter(child=child)
    ]
    events += [  # what a report said is not shown here, nor its file
        {
            "on": report.received_on,
            "text": report.as_recorded(
                _("monitoring report received (due %(date)s)") % {"date": in_text(report.due_on)}
            ),
        }
        for report in MonitoringReport.with_withdrawn.filter(child=child)
    ]
    return events


def follow_ups(decision) -> list[tuple]:
    """(date, what) of the consular records of `decision`'s adopted children, which followed its
    entry into force (adoption.extensions.follow_ups)."""
    children = Adoption.objects.filter(decision=decision).values("child_id")
    return [
        *(
            (on, gettext_lazy("a consular registration"))
            for on in ConsularRegistration.objects.filter(child__in=children).values_list("registered_on", flat=True)
        ),
        *(
            (on, gettext_lazy("the departure"))
            for on in Departure.objects.filter(child__in=children).values_list("departed_on", flat=True)
        ),
        *(
            (on, gettext_lazy("a monitoring report"))
            for on in MonitoringReport.objects.filter(child__in=children).values_list("received_on", flat=True)
        ),
    ]


def register() -> None:
    contributions.child_scopes[Role.CONSULAR] = post_children
    extensions.follow_ups.append(follow_ups)
    contributions.timeline_sources.append(follow_up_events)
