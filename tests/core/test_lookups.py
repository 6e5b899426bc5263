"""Writes and reads of many rows at once: `__in_array` on a text field (core.lookups), whose values
go as one parameter, however many and whatever they hold (quotes, commas, braces, Cyrillic), only
those exact values matching; and `core.copying.update_each`, each row its own values."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import copying
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


def test_each_row_gets_its_own_values_in_one_statement_and_no_other_row_changes(district, other_district):
    """core.copying.update_each: a date, a NULL and a reference, each row its own."""
    children = [make_child(district, last_name=name) for name in ("Ким", "Ли", "Пак")]
    untouched = Child.objects.get(pk=children[2].pk)
    rows = [
        Child(pk=children[0].pk, identified_on=datetime.date(2025, 1, 31), deregistered_on=None, district=district),
        Child(
            pk=children[1].pk,
            identified_on=datetime.date(2025, 2, 28),
            deregistered_on=datetime.date(2025, 3, 1),
            district=other_district,
        ),
    ]
    with CaptureQueriesContext(connection) as queries:
        copying.update_each(Child, rows, ["identified_on", "deregistered_on", "district"])
    assert len(queries) == 1 or not copying.available()
    stored = {c.pk: (c.identified_on, c.deregistered_on, c.district_id) for c in Child.objects.all()}
    assert stored[children[0].pk] == (datetime.date(2025, 1, 31), None, district.pk)
    assert stored[children[1].pk] == (datetime.date(2025, 2, 28), datetime.date(2025, 3, 1), other_district.pk)
    assert stored[children[2].pk] == (untouched.identified_on, untouched.deregistered_on, untouched.district_id)
    with CaptureQueriesContext(connection) as queries:
        copying.update_each(Child, [], ["identified_on"])
    assert len(queries) == 0  # nothing to write: no statement
