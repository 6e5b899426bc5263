"""Deadlines of the registers (RULES §2, §7), swept by beat: a child not placed on the primary
register within `primary_registration_days`, or not escalated in time (to the district or the
region), and children who turn 18 (they leave the registers). Recomputed from the database:
idempotent, as often and in as many workers as you like."""

from __future__ import annotations

import datetime

from django.db.models import Case, DateField, ExpressionWrapper, F, OuterRef, Q, When
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from core.dates import ADULTHOOD, is_minor, reaches_age_on, today
from core.deadlines import follows_policy, realign, reminded, reminder_kind
from core.errors import ConflictError
from core.models import Policy, Reminder, User
from core.services import create_reminders

from .models import Child, ChildStatus, DeregistrationReason, Level

ESCALATION_REMINDER = reminder_kind(
    "register_escalation_due", _("register escalation due"), of_a_child_on_the_registers=True
)


def register_steps(policy: Policy) -> dict:
    """Each step of the registers (§2): the level a child is on (None: not yet on the primary
    register) -> (the date it runs from, the days allowed, who is reminded, what is due)."""
    return {
        None: (
            "identified_on",
            policy.primary_registration_days,
            "district",
            gettext_noop("primary register entry overdue"),
        ),
        Level.PRIMARY: (
            "level_since",
            policy.escalate_to_regional_days,
            "district",
            gettext_noop("due on the regional register"),
        ),
        Level.REGIONAL: (
            "level_since",
            policy.escalate_to_central_days,
            "region",
            gettext_noop("due on the central register"),
        ),
    }


def _deadline(steps: dict) -> Case:
    """In SQL: the date a child's next step on the registers falls due (null: no step)."""
    return Case(
        *(
            When(
                _at_level(level),
                then=ExpressionWrapper(F(field) + datetime.timedelta(days=days), output_field=DateField()),
            )
            for level, (field, days, *_recipient_detail) in steps.items()
        ),
        output_field=DateField(),
    )


def _at_level(level) -> Q:
    return Q(register_level__isnull=True) if level is None else Q(register_level=level)


def due_on_register(children, until: datetime.date, steps: dict, levels=None):
    """`children` whose next step on the registers falls due by `until` (one query), with its
    date as `deadline`; only the steps of `levels` if given (the sweep: all, the queues: a role's)."""
    due = Q()
    for level, (field, days, *_recipient_detail) in steps.items():
        if levels is None or level in levels:  # each step's own date column: its index
            due |= _at_level(level) & Q(**{f"{field}__lte": until - datetime.timedelta(days=days)})
    return children.filter(due).annotate(deadline=_deadline(steps))


@follows_policy(ESCALATION_REMINDER)
def owed_on_register(policy: Policy, on: datetime.date):
    """The children on the registers, each with the date its next step falls due (`follows_policy`)."""
    return Child.objects.filter(status=ChildStatus.REGISTERED).annotate(
        reminder_subject=F("pk"), reminder_due=_deadline(register_steps(policy))
    )


def remind_escalations(children, on: datetime.date, steps: dict | None = None) -> int:
    """The reminders of the steps on the registers (§2) of `children` due by `on`, in one query
    (`steps`: `register_steps` of the parameters in effect on `on`, RULES v2 §10, read if not
    given); what an earlier sweep already created is skipped in SQL. Returns how many were created."""
    steps = steps or register_steps(Policy.on(on))
    already = reminded(ESCALATION_REMINDER, subject_type="child", due_on=OuterRef("deadline"))
    overdue_children = (
        due_on_register(children, on, steps)
        .exclude(already)
        .values_list("id", "register_level", "deadline", "district_id", "district__region_id")
    )

    def reminder(child_id, level, due_on, district_id, region_id) -> Reminder:
        recipient, detail = steps[level][2:]
        org = {"district_id": district_id} if recipient == "district" else {"region_id": region_id}
        return Reminder(
            kind=ESCALATION_REMINDER, subject_type="child", subject_id=child_id, due_on=due_on, detail=detail, **org
        )

    return create_reminders(reminder(*row) for row in overdue_children)[ESCALATION_REMINDER]


def remind_again(child: Child, *, actor: User | None, on: datetime.date | None = None) -> None:
    """A correction moved a date the child's next step runs from: its reminder of another due date
    is closed (it asked for the step by a date that is not the step's), and the step's reminder is
    made at once if it is due (as the next sweep would), or opened again if a correction closed it
    before (a date typed wrong, then typed back): `core.deadlines.realign`."""
    on = on or today()
    policy = Policy.on(on)
    realign(ESCALATION_REMINDER, owed_on_register(policy, on), on=on, actor=actor, subject_id=child.pk)
    remind_escalations(Child.objects.filter(pk=child.pk, status=ChildStatus.REGISTERED), on, register_steps(policy))


def sweep_registers(*, on: datetime.date | None = None) -> dict:
    """Derive what is due from the database (§2, §7): escalation reminders, and children who
    turned 18 leave the registers. Idempotent: run it as often and in as many workers as you like."""
    from . import services  # leaving the registers at 18 is a write of the registry

    on = on or today()
    active = Child.objects.filter(status=ChildStatus.REGISTERED)
    escalations = remind_escalations(active, on)

    came_of_age = 0
    # 18 x 365 days is never more than 18 years: a superset, checked exactly by is_minor below. Read
    # oldest first, in the order of the registered children's birth-date index: a server-side cursor
    # is planned for its first rows, and in the model's order (by id) it walked the whole register
    # for the few children of those days (260 ms at 1,000,000 children, against 4 ms).
    coarse_cutoff = on - datetime.timedelta(days=ADULTHOOD * 365)
    for child in active.filter(birth_date__lte=coarse_cutoff).order_by("birth_date").iterator(chunk_size=500):
        if not is_minor(child.birth_date, on):
            try:
                services._deregister(
                    actor=None,
                    child=child,
                    on=max(reaches_age_on(child.birth_date, ADULTHOOD), child.level_since or child.identified_on),
                    reason=DeregistrationReason.CAME_OF_AGE,
                )
                came_of_age += 1
            except ConflictError:  # another sweep got there first
                pass
    return {"escalation_due": escalations, "came_of_age": came_of_age}
