"""A few invented children and cases in the demo district, one at each step (adoption.demo).
Run after `seed_demo` (its users); idempotent: nothing if the demo district has a child."""

from django.core.management.base import BaseCommand, CommandError

from adoption.demo import seed_cases
from core.errors import RuleError
from core.models import District, Role, User
from core.reference import DEMO_DISTRICT


class Command(BaseCommand):
    help = "After seed_demo: a few invented children and cases in the demo district, one at each step (once)."

    def handle(self, *args, **options):
        if not (
            District.objects.filter(pk=DEMO_DISTRICT).exists()
            and User.objects.filter(role=Role.MINISTRY, is_active=True).exists()
        ):
            raise CommandError("no demo district or no ministry user: run `manage.py seed_demo` first")
        try:
            written = seed_cases()
        except RuleError as refused:  # the rules of this database refuse a step (its policy, say): nothing is written
            reasons = "; ".join(f"{e.field}: {e.code}: {e.message}" for e in refused.errors)
            raise CommandError(f"the demo records were not written: {reasons}") from refused
        self.stdout.write(
            "demo records:\n" + "\n".join(f"  {line}" for line in written)
            if written
            else "demo records: the demo district has children already; none written"
        )
