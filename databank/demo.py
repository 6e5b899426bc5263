"""The databank's part of the demo (`seed_demo_cases`, after adoption.demo.seed_cases): a resident
family on the register of prospective adopters that wishes to take in a boy of 5 to 7, proposed
the demo's boy on the primary register four days ago. The district awaits its answer (a line of
its work queue) and finds the family among the boy's matches. Its wishes fit no other child of the
demo: the foreign family's case stays eligible. Written through the services, as staff would."""

from __future__ import annotations

from adoption.demo import ago, demo_couple
from core.models import District
from core.reference import DEMO_DISTRICT
from registry.models import Child

from . import services


def seed_proposals() -> list[str]:
    """Write the databank's demo records (in the caller's transaction, once: with the cases').
    Returns one line for each record written (a number and its step, never a name)."""
    district = District.objects.get(pk=DEMO_DISTRICT)
    boy = Child.objects.get(district=district, last_name="Seitkali", first_name="Nurlan")
    husband, _wife = demo_couple(district, "KZ", "Abenov", "Daulet", "Abenova", "Saule", registered=ago(150))
    services.set_wishes(actor=None, applicant=husband, sex="M", age_min=5, age_max=7, children=1)
    services.propose(actor=None, child=boy, applicant=husband, proposed_on=ago(4))
    return [
        f"applicant #{husband.pk}: a resident family whose wishes fit child #{boy.pk}, proposed it four days "
        "ago, its answer awaited (the district)"
    ]
