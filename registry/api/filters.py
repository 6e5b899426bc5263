import django_filters

from ..models import Child, ChildStatus, Level
from ..selectors import name_q


class ChildFilter(django_filters.FilterSet):
    district = django_filters.CharFilter(field_name="district_id")
    region = django_filters.CharFilter(field_name="district__region_id")
    register_level = django_filters.ChoiceFilter(choices=Level.choices)
    status = django_filters.ChoiceFilter(choices=ChildStatus.choices)
    q = django_filters.CharFilter(method="search", label="name (any spelling, Cyrillic or Latin)")

    class Meta:
        model = Child
        fields = ["district", "region", "register_level", "status", "q"]

    def search(self, queryset, name, value):
        return queryset.filter(name_q(value))
