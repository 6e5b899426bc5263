"""What makes the consular sweep compute an adoption's monitoring schedule afresh
(`Adoption.monitoring_next_due` back to None): a change of policy (the schedule), or a
correction of the child's birth date (the schedule ends at 18). And what could reopen a step of
a settled follow-up (`Decision.follow_up_settled` back to False, until `settle_follow_up` looks
again): a correction of a country's HC93 dates (the certificate), or of a child's citizenship
(the consular register is for citizens)."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from adoption.models import Adoption, Decision
from core.models import Country, Policy
from registry.models import Child


@receiver(post_save, sender=Policy, dispatch_uid="consular.recompute_all_schedules")
def policy_saved(**kwargs) -> None:
    Adoption.objects.exclude(monitoring_next_due=None).update(monitoring_next_due=None)


@receiver(post_save, sender=Child, dispatch_uid="consular.recompute_schedule_of_child")
def child_saved(instance: Child, created: bool, update_fields=None, **kwargs) -> None:
    if not created and (update_fields is None or "birth_date" in update_fields):
        Adoption.objects.filter(child_id=instance.pk).exclude(monitoring_next_due=None).update(monitoring_next_due=None)
    if not created and (update_fields is None or "citizenship" in update_fields):
        Decision.objects.filter(adoptions__child=instance.pk, follow_up_settled=True).update(follow_up_settled=False)


@receiver(post_save, sender=Country, dispatch_uid="consular.reopen_follow_ups_of_country")
def country_saved(instance: Country, **kwargs) -> None:
    Decision.objects.filter(case__receiving_country=instance.code, follow_up_settled=True).update(
        follow_up_settled=False
    )
