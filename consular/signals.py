"""What makes the consular sweep compute an adoption's monitoring schedule afresh
(`deadlines.recompute_monitoring`): a change of policy (the schedule), a correction of the
child's birth date (the schedule ends at 18) or its death (it ends then), or a report received or removed (the first one
missing). And what could reopen a step of a settled follow-up (`Decision.follow_up_settled` back
to False, until `settle_follow_up` looks again): a correction of a country's HC93 dates (the
certificate), or of a child's citizenship (the consular register is for citizens) or birth date
(the follow-up ends at 18), a consular record withdrawn (the step it took is due again), and the
reminders closed at 18 of a child whose corrected birth date makes it a minor. A corrected entry
into force moves the schedule and the registration's reminders."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from adoption.models import Adoption, Decision
from core.dates import today
from core.deadlines import realign
from core.models import Country, Policy
from registry.models import Child

from .deadlines import (
    COMPUTED,
    REGISTRATION_REMINDER,
    owed_registration,
    recompute_monitoring,
    reopen_reminders_of_minor,
)
from .models import ConsularRegistration, Departure, MonitoringReport


@receiver(post_save, sender=Policy, dispatch_uid="consular.recompute_all_schedules")
def policy_saved(**kwargs) -> None:
    # only those computed: no sweep is computing any now (it would hold the policy: Policy.lock)
    recompute_monitoring(Adoption.objects.filter(COMPUTED))


@receiver(post_save, sender=Child, dispatch_uid="consular.recompute_schedule_of_child")
def child_saved(instance: Child, created: bool, update_fields=None, **kwargs) -> None:
    if not created and (update_fields is None or {"birth_date", "deregistration_reason"} & set(update_fields)):
        recompute_monitoring(Adoption.objects.filter(child_id=instance.pk))  # (a death ends the schedule too)
    if not created and (update_fields is None or "birth_date" in update_fields):
        reopen_reminders_of_minor(instance)
    if not created and (update_fields is None or {"birth_date", "citizenship"} & set(update_fields)):
        reopen_follow_up(instance.pk)


@receiver(post_save, sender=ConsularRegistration, dispatch_uid="consular.reopen_follow_up_of_withdrawn")
@receiver(post_save, sender=Departure, dispatch_uid="consular.reopen_follow_up_of_withdrawn_departure")
def record_withdrawn(instance, created: bool, update_fields=None, **kwargs) -> None:
    """A record of the follow-up withdrawn (recorded by mistake: services.withdraw_*) leaves its step
    due again: a settled follow-up, which the queues no longer read, is put back. Until session 50
    the child of a registration withdrawn after its departure stayed settled, on no consular
    register, and in no post's queue."""
    if not created and update_fields is not None and "withdrawn_at" in update_fields:
        reopen_follow_up(instance.child_id)


def reopen_follow_up(child_id: int) -> None:
    Decision.objects.filter(adoptions__child=child_id, follow_up_settled=True).update(follow_up_settled=False)


@receiver(post_save, sender=MonitoringReport, dispatch_uid="consular.recompute_schedule_of_received")
@receiver(post_delete, sender=MonitoringReport, dispatch_uid="consular.recompute_schedule_of_removed")
def report_changed(instance: MonitoringReport, **kwargs) -> None:
    recompute_monitoring(Adoption.objects.filter(child_id=instance.child_id))


@receiver(post_save, sender=Decision, dispatch_uid="consular.follow_a_corrected_entry_into_force")
def decision_saved(instance: Decision, created: bool, update_fields=None, **kwargs) -> None:
    """A corrected entry into force (adoption.services.correct_in_force) moves the follow-up's days:
    the schedule of reports is computed afresh, and the reminders of the consular registration of
    another day are closed, those of the day as corrected opened again (the sweep makes the others)."""
    if created or update_fields is None or "in_force_on" not in update_fields or instance.in_force_on is None:
        return
    adoptions = Adoption.objects.filter(decision=instance)
    recompute_monitoring(adoptions)
    on = today()
    owed = owed_registration(Policy.on(on), on)
    for child_id in adoptions.values_list("child_id", flat=True):
        realign(REGISTRATION_REMINDER, owed, on=on, subject_id=child_id)


@receiver(post_save, sender=Country, dispatch_uid="consular.reopen_follow_ups_of_country")
def country_saved(instance: Country, **kwargs) -> None:
    Decision.objects.filter(case__receiving_country=instance.code, follow_up_settled=True).update(
        follow_up_settled=False
    )
