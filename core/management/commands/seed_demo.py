"""Load reference data and one demo user per role. Idempotent: run it as often as you like."""

from django.core.management.base import BaseCommand
from django.db import transaction

from core.models import ConsularPost, Country, Court, District, Policy, Region, Role, User
from core.reference import (
    CITY_NAMES,
    CONSULATES,
    COURT_NAME,
    DEMO_COUNTRY,
    DEMO_DISTRICT,
    EMBASSIES,
    HAGUE_COUNTRIES,
    NAMES,
    REGIONS,
    names,
)
from core.services import create_staff, generate_password

DEMO_SUBSISTENCE_MINIMUM = 43_407


def load_reference_data() -> None:
    for code, name, districts in REGIONS:
        region, _ = Region.objects.update_or_create(code=code, defaults={"name": name, "names": names(*NAMES[code])})
        for d_code, d_name in districts:
            district, _ = District.objects.update_or_create(
                code=d_code, defaults={"name": d_name, "region": region, "names": names(*NAMES[d_code])}
            )
            english, ru, kk = COURT_NAME
            Court.objects.get_or_create(
                district=district,
                defaults={
                    "name": english.format(d_name),
                    "names": names(ru.format(NAMES[d_code][0]), kk.format(NAMES[d_code][1])),
                },
            )
    for country, city in EMBASSIES:
        ConsularPost.objects.update_or_create(
            country=country, kind="embassy", defaults={"city": city, "names": names(*CITY_NAMES[city])}
        )
    for country, city in CONSULATES:
        ConsularPost.objects.get_or_create(
            country=country, kind="consulate", city=city, defaults={"names": names(*CITY_NAMES[city])}
        )
    for code, name, since, authority in HAGUE_COUNTRIES:  # the ministry's corrections are kept
        Country.objects.get_or_create(
            code=code, defaults={"name": name, "hague_party_since": since, "central_authority": authority}
        )
    Policy.current()


def demo_organisations() -> dict[str, str | None]:
    district = District.objects.get(pk=DEMO_DISTRICT)
    return {
        Role.GUARDIANSHIP: district.code,
        Role.REGIONAL: district.region_id,
        Role.MINISTRY: None,
        Role.COURT: str(Court.objects.filter(district=district).earliest("id").pk),
        Role.CONSULAR: str(ConsularPost.objects.get(country=DEMO_COUNTRY, kind="embassy").pk),
        Role.AUDITOR: None,
    }


class Command(BaseCommand):
    help = "Load regions, districts, courts, consular posts and one demo user per role."

    def add_arguments(self, parser):
        parser.add_argument("--no-users", action="store_true", help="reference data only")
        parser.add_argument("--reset-passwords", action="store_true", help="give the demo users new passwords")

    @transaction.atomic
    def handle(self, *args, no_users=False, reset_passwords=False, **options):
        load_reference_data()
        self.stdout.write(
            f"reference data: {Region.objects.count()} regions, {District.objects.count()} districts, "
            f"{Court.objects.count()} courts, {ConsularPost.objects.count()} consular posts"
        )
        if no_users:
            return
        # RULES v2 §1a: the subsistence minimum has no default; the demo needs one (the 2024 figure, KZT a month)
        demo_minimum = Policy.objects.filter(effective_from=None, subsistence_minimum=None).update(
            subsistence_minimum=DEMO_SUBSISTENCE_MINIMUM
        )
        if demo_minimum:
            self.stdout.write(
                f"policy: a demo subsistence minimum of {DEMO_SUBSISTENCE_MINIMUM} KZT (ministry: set yours)"
            )
        lines = []
        for role, org in demo_organisations().items():
            username = f"demo_{role}"
            user = User.objects.filter(username=username).first()
            if user is None:
                _, password = create_staff(actor=None, username=username, role=role, org=org)
            elif reset_passwords:
                password = generate_password()
                user.set_password(password)
                user.save(update_fields=["password"])
            else:
                continue
            lines.append(f"  {username:<20} {password:<20} {role}{' ' + org if org else ''}")
        if lines:
            self.stdout.write("demo logins (printed once; `seed_demo --reset-passwords` makes new ones):")
            self.stdout.write("\n".join(lines))
        else:
            self.stdout.write("demo users exist (their passwords were printed when they were created)")
