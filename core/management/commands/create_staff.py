from django.core.management.base import BaseCommand, CommandError

from core.errors import RuleError
from core.models import Role
from core.services import create_staff


class Command(BaseCommand):
    help = "Create a staff account: create_staff --role ROLE [--org ORG] USERNAME [--password P]"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--org", help="district code, region code, court id or consular post id")
        parser.add_argument("--password", help="default: a generated password, printed once")

    def handle(self, *args, username, role, org, password, **options):
        try:
            user, password_used = create_staff(actor=None, username=username, role=role, org=org, password=password)
        except RuleError as exc:
            raise CommandError("; ".join(f"{e.field}: {e.message}" for e in exc.errors)) from exc
        self.stdout.write(f"created {user.username} ({role}{' ' + org if org else ''})")
        if not password:
            self.stdout.write(f"password: {password_used}")
