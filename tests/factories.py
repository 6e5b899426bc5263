import factory

from core.models import ConsularPost, Court, District, Region, Role, User
from registry.models import Child
from registry.rules import name_key


class RegionFactory(factory.django.DjangoModelFactory[Region]):
    class Meta:
        model = Region
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"KZ-{n + 10:02d}")
    name = factory.LazyAttribute(lambda o: f"Region {o.code}")


class DistrictFactory(factory.django.DjangoModelFactory[District]):
    class Meta:
        model = District
        django_get_or_create = ["code"]

    region = factory.SubFactory(RegionFactory)
    code = factory.Sequence(lambda n: f"D-{n:04d}")
    name = factory.LazyAttribute(lambda o: f"District {o.code}")


class CourtFactory(factory.django.DjangoModelFactory[Court]):
    class Meta:
        model = Court

    district = factory.SubFactory(DistrictFactory)
    name = factory.LazyAttribute(lambda o: f"Court of {o.district.name}")


class ConsularPostFactory(factory.django.DjangoModelFactory[ConsularPost]):
    class Meta:
        model = ConsularPost
        django_get_or_create = ["country", "kind"]

    country = "US"
    city = "Washington"
    kind = "embassy"


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.MINISTRY
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def _save(obj: User, create, extracted, **kwargs):
        if create:
            obj.save()


class ChildFactory(factory.django.DjangoModelFactory[Child]):
    """A child created directly (state fields default to 'identified, on no register')."""

    class Meta:
        model = Child

    last_name = factory.Sequence(lambda n: f"Family{n}")
    first_name = "Aigerim"
    sex = "F"
    birth_date = factory.Faker("date_between", start_date="-9y", end_date="-2y")
    district = factory.SubFactory(DistrictFactory)
    identified_on = factory.LazyAttribute(lambda o: o.birth_date)
    search_name = factory.LazyAttribute(lambda o: name_key(o.last_name, o.first_name))
