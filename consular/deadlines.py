"""Deadlines of the follow-up abroad (RULES §7, ¶60), swept by beat; recomputed from the
database, so idempotent (a reminder is one kind, subject and due date):

- consular_registration_due, to the district and the post: a foreign adoption in force for
  `consular_registration_days` with no consular registration;
- monitoring_report_overdue, to the post: a report `monitoring_grace_days` late.

The follow-up is of children: one who has turned 18, or who died, is no longer due on a consular
register, to leave, or to report on (the schedule of reports ends at 18 or at the death, and a
report missed before is no longer asked for: `followed`). The ministry's report of unregistered children still counts every adoption
abroad never registered, and the reports' statuses stay what they were (missing).

It also settles, on its own beat (`SETTLE_EVERY_SECONDS`), the decisions whose follow-up before
monitoring is done, and closes the reminders still open of those who came of age (`settle_follow_up`).
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable

from django.db import transaction
from django.db.models import DateField, Exists, ExpressionWrapper, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from adoption.deadlines import certificates_pending
from adoption.models import Adoption, Decision
from core import copying
from core.batching import batched
from core.countries import KZ
from core.dates import ADULTHOOD, latest_birth_of_age, today
from core.deadlines import follows_policy, realign_pairs, reminded, reminded_pairs, reminder_kind, reopen
from core.models import ConsularPost, Policy, Reminder
from core.services import create_reminders
from registry.models import Child, DeregistrationReason, death_of

from . import rules
from .models import ConsularRegistration, Departure, MonitoringReport

REGISTRATION_REMINDER = reminder_kind("consular_registration_due", _("consular registration due"))
MONITORING_REMINDER = reminder_kind("monitoring_report_overdue", _("monitoring report overdue"))
# an adoption whose monitoring dates a sweep computed and nothing has set back since (recompute_monitoring)
COMPUTED = ~Q(monitoring_next_due=None, monitoring_first_missing=None)


def sweep_consular_deadlines(*, on: datetime.date | None = None) -> dict:
    """Derive the consular reminders from the database; idempotent (unique kind, subject, due date).

    - consular_registration_due, to the district and the post: a foreign adoption in force
      for `consular_registration_days` with no consular registration;
    - monitoring_report_overdue, to the post: a report `monitoring_grace_days` late.

    A steady-state sweep reads only what fell due since the last one: the registrations not yet
    reminded (in SQL), and the adoptions whose next report's grace period has passed
    (`Adoption.monitoring_next_due`). Each adoption it reads, it also keeps the first report not
    received (`Adoption.monitoring_first_missing`, for the post's queue): `_follow_reports`.
    """
    on = on or today()
    abroad = in_force_abroad(Adoption.objects.all())
    with transaction.atomic():  # the policy held, as when a change of it sets the dates back (consular.signals)
        Policy.lock()
        policy = Policy.on(on)  # the parameters in effect on the day swept (RULES v2 §10)
        # kept under another version of the policy (one that took effect since): every schedule afresh
        recompute_monitoring(Adoption.objects.filter(COMPUTED).exclude(monitoring_policy=policy))
        # in force in the country: no report to follow (one not yet in force is looked at once it is)
        Adoption.objects.filter(
            monitoring_next_due=None, decision__in_force_on__isnull=False, decision__case__receiving_country=""
        ).update(
            monitoring_next_due=Adoption.NO_REPORT_LEFT,
            monitoring_first_missing=Adoption.NO_REPORT_LEFT,
            monitoring_policy=policy,
        )
    registration_days = datetime.timedelta(days=policy.consular_registration_days)

    registration_due = ExpressionWrapper(
        OuterRef("decision__in_force_on") + registration_days, output_field=DateField()
    )
    unregistered = list(
        registrations_pending(abroad.filter(decision__in_force_on__lte=on - registration_days), on)
        .exclude(
            reminded(REGISTRATION_REMINDER, subject_type="child", subject=OuterRef("child_id"), due_on=registration_due)
        )
        .values_list(
            "child_id", "decision__in_force_on", "decision__case__receiving_country", "decision__case__district_id"
        )
    )
    post_of = _posts([child_id for child_id, *_ in unregistered])
    counts = create_reminders(
        Reminder(
            kind=REGISTRATION_REMINDER,
            subject_type="child",
            subject_id=child_id,
            due_on=in_force_on + registration_days,
            district_id=district_id,
            consular_post_id=post_of(child_id, country),
            detail=gettext_noop("adopted abroad, not on a consular register"),
        )
        for child_id, in_force_on, country, district_id in unregistered
    )
    overdue_through = last_overdue(on, policy)
    watched = abroad.filter(Q(monitoring_next_due=None) | Q(monitoring_next_due__lte=overdue_through))
    for ids in batched(list(watched.order_by("pk").values_list("pk", flat=True))):
        counts += _follow_reports(watched.filter(pk__in_array=ids), on)
    return {kind: counts[kind] for kind in (REGISTRATION_REMINDER, MONITORING_REMINDER)}


def last_overdue(on: datetime.date, policy: Policy) -> datetime.date:
    """The last due date of a report that is overdue on `on` (its grace period over), and of any before it."""
    return on - datetime.timedelta(days=policy.monitoring_grace_days + 1)


MONITORING_KEPT = ["monitoring_next_due", "monitoring_first_missing", "monitoring_policy"]  # by _follow_reports


@transaction.atomic
def _follow_reports(adoptions, on: datetime.date) -> Counter:
    """The monitoring reports of `adoptions` (a batch): each one overdue and not reminded yet gets
    its reminder, and each adoption its next due date to look at and its first report not
    received, under the policy in effect. One transaction, which holds the policy and these
    adoptions: what makes their dates stale (a policy changed, a report received, a birth date
    corrected: consular.signals) waits for it to commit and sets them back to "not computed" after
    it, never before (a date computed without the change would overwrite it). A batch at a time,
    so that a report being recorded waits for one batch, not for a whole first sweep."""
    Policy.lock()
    policy = Policy.on(on)
    grace = datetime.timedelta(days=policy.monitoring_grace_days)
    overdue_through = last_overdue(on, policy)
    batch = list(
        adoptions.select_for_update(of=("self",)).values_list(  # held before their reports are read
            "pk",
            "child_id",
            "child__birth_date",
            "decision__in_force_on",
            "decision__case__receiving_country",
            "monitoring_next_due",
            "child__deregistration_reason",
            "child__deregistered_on",
        )
    )
    children = [child_id for _, child_id, *_ in batch]
    received = set(MonitoringReport.objects.filter(child_id__in=children).values_list("child_id", "due_on"))
    already = reminded_pairs(MONITORING_REMINDER, subject_type="child", subject_ids=children)
    post_of = _posts(children)
    due, kept = [], []
    owed: dict[int, set[datetime.date]] = {child_id: set() for child_id in children}
    for adoption_id, child_id, birth_date, in_force_on, country, next_due, reason, deregistered_on in batch:
        assert in_force_on is not None  # `abroad` holds adoptions in force
        died = death_of(reason, deregistered_on)
        dues = rules.monitoring_due_dates(in_force_on, birth_date, policy.monitoring_schedule, died=died)
        # an adult is reminded of no report, nor is anyone of a child who died
        for due_on in dues if rules.followed_on(birth_date, died, on) else ():
            if due_on <= overdue_through and (child_id, due_on) not in received:
                owed[child_id].add(due_on + grace)
            if (
                (next_due or due_on) <= due_on <= overdue_through
                and (child_id, due_on) not in received
                and (child_id, due_on + grace) not in already
            ):
                due.append(
                    Reminder(
                        kind=MONITORING_REMINDER,
                        subject_type="child",
                        subject_id=child_id,
                        due_on=due_on + grace,
                        consular_post_id=post_of(child_id, country),
                        detail=monitoring_detail(due_on),
                    )
                )
        kept.append(
            Adoption(
                pk=adoption_id,
                monitoring_next_due=next((d for d in dues if d > overdue_through), Adoption.NO_REPORT_LEFT),
                monitoring_first_missing=next(
                    (d for d in dues if (child_id, d) not in received), Adoption.NO_REPORT_LEFT
                ),
                monitoring_policy=policy,
            )
        )
    # what the schedule and the grace period in effect no longer ask is closed; what they ask
    # again, opened (a policy changed, then changed back: core.deadlines.realign)
    realign_pairs(MONITORING_REMINDER, subject_type="child", owed=owed, on=on)
    counts = create_reminders(due)
    copying.update_each(Adoption, kept, MONITORING_KEPT)
    return counts


def monitoring_detail(due_on: datetime.date) -> str:
    """The detail of the reminder of the report due on `due_on`: which report it asks for (the
    reminder's own date is the end of the grace period, under the policy of the sweep's day)."""
    return gettext_noop("monitoring report due %(date)s not received") % {"date": due_on.isoformat()}


def recompute_monitoring(adoptions) -> None:
    """Have the next sweep compute the monitoring schedule of `adoptions` afresh (their
    `monitoring_next_due` and `monitoring_first_missing`); until it has, the post's queue computes
    it on each reading (consular.work.monitoring_due). Every row is written, even one not yet
    computed: the sweep may be computing it, and the write waits for the sweep to commit."""
    adoptions.update(monitoring_next_due=None, monitoring_first_missing=None)


def settle_follow_up(on: datetime.date | None = None) -> int:
    """Mark settled (`Decision.follow_up_settled`) the decisions in force with nothing left to do
    before the monitoring reports: in the country, nothing; abroad, each child's departure recorded
    (so on a consular register with the passport stamped) or the child of age on `on` (today),
    none of them due on a consular register (`registrations_pending`), and no HC93 art. 23
    certificate pending (`certificates_pending`).
    The same definitions the queues read, so a settled decision has no line in them; two
    statements, each step an anti-join. Nothing settled is reopened here: what could reopen a step
    puts the decision back (consular.signals)."""
    on = on or today()
    adoptions = Adoption.objects.filter(decision=OuterRef("pk"))
    departed = Departure.objects.filter(child=OuterRef("child"))
    unsettled = Decision.objects.filter(follow_up_settled=False, in_force_on__isnull=False)
    at_home = unsettled.filter(case__receiving_country="").update(follow_up_settled=True)
    abroad = (  # each open step an anti-join (OR-ed, they were a subplan per decision)
        unsettled.exclude(case__receiving_country="")
        .exclude(Exists(followed(adoptions, on).exclude(Exists(departed))))
        .exclude(Exists(registrations_pending(adoptions, on)))
        .exclude(Exists(certificates_pending(Decision.objects.filter(pk=OuterRef("pk")))))
        .values_list("pk", flat=True)
    )
    settled = at_home + Decision.objects.filter(pk__in=abroad).update(follow_up_settled=True)
    _close_reminders_of_adults(on)
    return settled


def _close_reminders_of_adults(on: datetime.date) -> None:
    """The follow-up ends at 18 (or at the child's death): a registration or report reminder still
    open when the child comes of age asks nothing of anyone any more; it is done (by no one: the
    system). One statement on the open reminders (`done_at` is indexed), each child by its key."""
    adults = Child.objects.filter(Q(birth_date__lte=latest_birth_of_age(on, ADULTHOOD)) | died_by(on)).values("pk")
    Reminder.objects.filter(
        kind__in=(REGISTRATION_REMINDER, MONITORING_REMINDER),
        subject_type="child",
        done_at__isnull=True,
        subject_id__in=adults,
    ).update(done_at=timezone.now(), done_by=None)


def reopen_reminders_of_minor(child: Child, on: datetime.date | None = None) -> None:
    """A corrected birth date may make a child the settling took for an adult a minor again: its
    reminders closed at 18 (by no one) open again where their step is still owed, the registration
    while the child is due on a consular register (`registrations_pending`) and each report's while
    that report is not received. The sweep makes a reminder once per date (it would never make
    them anew). A reminder a user marked done stays done; one reopened is e-mailed again."""
    on = on or today()
    if not rules.followed_on(child.birth_date, child.died_on, on):
        return
    adoptions = in_force_abroad(Adoption.objects.filter(child=child))
    if not adoptions.exists():
        return
    closed = Reminder.objects.filter(subject_type="child", subject_id=child.pk, done_at__isnull=False, done_by=None)
    received = MonitoringReport.objects.filter(child=child).values_list("due_on", flat=True)
    owed = Q(kind=MONITORING_REMINDER) & ~Q(detail__in=[monitoring_detail(due_on) for due_on in received])
    if owes_registration(child.pk, on):
        owed |= Q(kind=REGISTRATION_REMINDER)
    reopen(closed.filter(owed))


def owes_registration(child_id: int, on: datetime.date) -> bool:
    """Whether the child, adopted abroad (in force), is due on a consular register on `on`
    (`registrations_pending`)."""
    return registrations_pending(in_force_abroad(Adoption.objects.filter(child_id=child_id)), on).exists()


def in_force_abroad(adoptions):
    """`adoptions` the follow-up abroad is of: in force, in a case of a receiving country."""
    return adoptions.filter(decision__in_force_on__isnull=False).exclude(decision__case__receiving_country="")


def followed(adoptions, on: datetime.date):
    """`adoptions` of a child the follow-up still asks anything of on `on`: under 18 and alive
    (`rules.followed_on`)."""
    return adoptions.filter(child__birth_date__gt=latest_birth_of_age(on, ADULTHOOD)).exclude(died_by(on, "child__"))


def died_by(on: datetime.date, prefix: str = "") -> Q:
    """Of a child who died on or before `on` (its last deregistration: registry's record)."""
    return Q(**{f"{prefix}deregistration_reason": DeregistrationReason.DIED, f"{prefix}deregistered_on__lte": on})


@follows_policy(REGISTRATION_REMINDER)
def owed_registration(policy: Policy, on: datetime.date):
    """The children adopted abroad still due on a consular register, each with the day it is due
    (`follows_policy`)."""
    return registrations_pending(in_force_abroad(Adoption.objects.all()), on).annotate(
        reminder_subject=F("child_id"),
        reminder_due=ExpressionWrapper(
            F("decision__in_force_on") + datetime.timedelta(days=policy.consular_registration_days),
            output_field=DateField(),
        ),
    )


def registrations_pending(adoptions, on: datetime.date):
    """`adoptions` of a child who is a KZ citizen (§11.19: the consular register is for them),
    followed on `on` (under 18 and alive), and on no consular register."""
    return (
        followed(adoptions, on)
        .filter(child__citizenship=KZ)
        .exclude(Exists(ConsularRegistration.objects.filter(child=OuterRef("child"))))
    )


def unregistered(adoptions, as_of: datetime.date):
    """`adoptions` abroad in force on or before `as_of` - 180 days of a child of Kazakhstan with no
    consular registration dated on or before `as_of` (RULES §7, REPORTS.md; §11.19: the register is
    for KZ citizens): the ministry's safeguard against the sale of children, which the reports count
    and the adopted-abroad page lists."""
    registered = ConsularRegistration.objects.filter(child=OuterRef("child"), registered_on__lte=as_of)
    return (
        adoptions.filter(decision__in_force_on__lte=as_of - datetime.timedelta(days=rules.UNREGISTERED_AFTER_DAYS))
        .filter(child__citizenship=KZ)
        .exclude(decision__case__receiving_country="")
        .exclude(Exists(registered))
    )


def stamps_pending(adoptions, on: datetime.date, *, post: int | None = None):
    """`adoptions` of a child under 18 on `on`, on a consular register (at `post`, if given) with
    no registration of theirs bearing the MFA passport stamp, and no departure recorded: the child
    cannot leave until the stamp is recorded (¶61, RULES §7; departures_pending)."""
    registered = ConsularRegistration.objects.filter(child=OuterRef("child"), ended_on__isnull=True)
    if post is not None:
        registered = registered.filter(post=post)
    stamped = ConsularRegistration.objects.filter(child=OuterRef("child"), passport_stamped_on__isnull=False)
    return (
        followed(adoptions, on)
        .filter(Exists(registered))
        .exclude(Exists(stamped))
        .exclude(Exists(Departure.objects.filter(child=OuterRef("child"))))
    )


def departures_pending(adoptions, on: datetime.date):
    """`adoptions` (abroad, in force) of a child under 18 on `on` who may leave (on a consular
    register, the passport stamped: ¶61, RULES §7) and whose departure is not recorded."""
    stamped = ConsularRegistration.objects.filter(child=OuterRef("child"), passport_stamped_on__isnull=False)
    return (
        followed(adoptions, on)
        .filter(Exists(stamped))
        .exclude(Exists(Departure.objects.filter(child=OuterRef("child"))))
    )


def route_to_post(child_id: int) -> None:
    """The child's open follow-up reminders (its registration, its reports) go to the post that
    follows it now (`_posts`: the one it is registered with, else the embassy of its country of
    residence), once a registration, a transfer, a withdrawal or a departure changed which (their
    services call it last, once the reminders they close or open are). Each
    moved is e-mailed again, to its new post: the old one can no longer answer it (a report is
    recorded by the post the child is registered with), and the new one was never told."""
    country = (
        Adoption.objects.filter(child_id=child_id).values_list("decision__case__receiving_country", flat=True).first()
    )
    if not country:  # no adoption abroad: no follow-up reminder
        return
    post = _posts([child_id])(child_id, country)
    Reminder.objects.filter(
        kind__in=(REGISTRATION_REMINDER, MONITORING_REMINDER),
        subject_type="child",
        subject_id=child_id,
        done_at__isnull=True,
    ).exclude(consular_post_id=post).update(consular_post_id=post, emailed_at=None, email_failed_at=None, emailed_to=[])


def _posts(child_ids: list[int]) -> Callable[[int, str], int | None]:
    """post_of(child, receiving country): the post a child's reminders go to, the one it is
    registered with, else the embassy in its country of residence."""
    embassies = dict(ConsularPost.objects.filter(kind=ConsularPost.Kind.EMBASSY).values_list("country", "pk"))
    active: dict[int, int] = {}  # child: the post it is registered with
    residence: dict[int, str] = {}  # child: its country of residence
    for batch in batched(child_ids):
        active.update(
            ConsularRegistration.objects.filter(ended_on__isnull=True, child_id__in=batch).values_list(
                "child_id", "post_id"
            )
        )
        residence.update(Departure.objects.filter(child_id__in=batch).values_list("child_id", "residence_country"))

    def post_of(child_id: int, country: str) -> int | None:
        return active.get(child_id) or embassies.get(residence.get(child_id, country))

    return post_of
