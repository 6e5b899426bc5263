"""What makes the consular sweep compute an adoption's monitoring schedule afresh
(`Adoption.monitoring_next_due` back to None): a change of policy (the schedule), or a
correction of the child's birth date (the schedule ends at 18)."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from adoption.models import Adoption
from core.models import Policy
from registry.models import Child


@receiver(post_save, sender=Policy, dispatch_uid="consular.recompute_all_schedules")
def policy_saved(**kwargs) -> None:
    Adoption.objects.exclude(monitoring_next_due=None).update(monitoring_next_due=None)


@receiver(post_save, sender=Child, dispatch_uid="consular.recompute_schedule_of_child")
def child_saved(instance: Child, created: bool, update_fields=None, **kwargs) -> None:
    if not created and (update_fields is None or "birth_date" in update_fields):
        Adoption.objects.filter(child_id=instance.pk).exclude(monitoring_next_due=None).update(monitoring_next_due=None)
