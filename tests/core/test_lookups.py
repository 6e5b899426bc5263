"""`__in_array` on a text field (core.lookups): the values go as one parameter, however many and
whatever they hold (quotes, commas, braces, Cyrillic), and only those exact values match."""

import pytest

from registry.models import Child
from tests.adoption.conftest import make_child

pytestmark = pytest.mark.django_db


def test_a_text_field_is_one_of_any_number_of_values_sent_as_one_parameter(district):
    odd = ['a"b', "c,d", "{e}", "Ж-1", "f g"]
    children = [make_child(district) for _ in odd]
    for child, external_id in zip(children, odd, strict=True):
        Child.objects.filter(pk=child.pk).update(external_id=external_id)
    many = [f"X-{i}" for i in range(40_000)] + odd[:4] + ["Ж"]  # "Ж" is a prefix, not a match
    found = set(Child.objects.filter(external_id__in_array=many).values_list("external_id", flat=True))
    assert found == set(odd[:4])
    assert not Child.objects.filter(external_id__in_array=[]).exists()
