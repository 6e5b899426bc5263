import factory

from core.models import ConsularPost, Court, District, Region, Role, User


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"KZ-{n + 10:02d}")
    name = factory.LazyAttribute(lambda o: f"Region {o.code}")


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ["code"]

    region = factory.SubFactory(RegionFactory)
    code = factory.Sequence(lambda n: f"D-{n:04d}")
    name = factory.LazyAttribute(lambda o: f"District {o.code}")


class CourtFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Court

    district = factory.SubFactory(DistrictFactory)
    name = factory.LazyAttribute(lambda o: f"Court of {o.district.name}")


class ConsularPostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsularPost
        django_get_or_create = ["country", "kind"]

    country = "US"
    city = "Washington"
    kind = "embassy"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.MINISTRY
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class ChildFactory(factory.django.DjangoModelFactory):
    """A child created directly (state fields default to 'identified, on no register')."""

    class Meta:
        model = "registry.Child"

    last_name = factory.Sequence(lambda n: f"Family{n}")
    first_name = "Aigerim"
    sex = "F"
    birth_date = factory.Faker("date_between", start_date="-9y", end_date="-2y")
    district = factory.SubFactory(DistrictFactory)
    identified_on = factory.LazyAttribute(lambda o: o.birth_date)
    search_name = factory.LazyAttribute(
        lambda o: __import__("registry.rules", fromlist=["name_key"]).name_key(o.last_name, o.first_name)
    )
