"""A few invented children and cases in the demo district, one at each step (adoption.demo), and a
family proposed a child (databank.demo). Run after `seed_demo` (its users); idempotent: nothing if
the demo district has a child. (Here, in the app above both.)"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from adoption.demo import seed_cases
from core.errors import RuleError
from core.models import District, Role, User
from core.reference import DEMO_DISTRICT
from databank.demo import seed_proposals


class Command(BaseCommand):
    help = "After seed_demo: a few invented children and cases in the demo district, one at each step (once)."

    def handle(self, *args, **options):
        if not (
            District.objects.filter(pk=DEMO_DISTRICT).exists()
            and User.objects.filter(role=Role.MINISTRY, is_active=True).exists()
        ):
            raise CommandError("no demo district or no ministry user: run `manage.py seed_demo` first")
        try:
            with transaction.atomic():  # all of the demo, or none of it
                written = seed_cases()
                written += seed_proposals() if written else []
        except RuleError as refused:  # the rules of this database refuse a step (its policy, say): nothing is written
            reasons = "; ".join(f"{e.field}: {e.code}: {e.message}" for e in refused.errors)
            raise CommandError(f"the demo records were not written: {reasons}") from refused
        self.stdout.write(
            "demo records:\n" + "\n".join(f"  {line}" for line in written)
            if written
            else "demo records: the demo district has children already; none written"
        )
