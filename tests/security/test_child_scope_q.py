"""`registry.selectors.of_children_for` (a record's child in the user's scope, as a filter) holds
the same records as the semi-join with `children_for` for every role: for a national scope it
drops the filter, which never widens any other scope."""

import pytest
from django.contrib.auth.models import AnonymousUser

from adoption.models import Adoption
from consular.selectors import adopted_children_for, adoptions_of_adopted_children
from registry.selectors import children_for, of_children_for
from tests.adoption.conftest import adopt_abroad

pytestmark = pytest.mark.django_db


def test_a_record_s_child_in_scope_is_the_semi_join_with_the_user_s_children(
    users, district, court, other_district, other_court, gb_post
):
    _, here = adopt_abroad(district, court, in_force_ago=100)
    _, there = adopt_abroad(other_district, other_court, in_force_ago=100, country="GB", last_name="Ли")
    seen = {}
    for name, user in [*users.items(), ("anonymous", AnonymousUser())]:
        filtered = set(Adoption.objects.filter(of_children_for(user)).values_list("child_id", flat=True))
        joined = set(Adoption.objects.filter(child__in=children_for(user)).values_list("child_id", flat=True))
        assert filtered == joined, name
        seen[name] = filtered
    assert seen["ministry"] == seen["auditor"] == {here.pk, there.pk}  # national: no filter
    assert seen["guardianship"] == {here.pk} and seen["other_guardianship"] == {there.pk}
    assert seen["consular"] == {here.pk} and seen["anonymous"] == set()


def test_the_adopted_abroad_from_the_case_s_side_are_those_of_the_user_s_children(
    users, district, court, other_district, other_court, gb_post
):
    """`adoptions_of_adopted_children` adds, for a territory, its cases' district (a case's children
    are in its district): the same adoptions as the children the user sees adopted abroad."""
    _, here = adopt_abroad(district, court, in_force_ago=100)
    _, there = adopt_abroad(other_district, other_court, in_force_ago=100, country="GB", last_name="Ли")
    seen = {}
    for name, user in [*users.items(), ("anonymous", AnonymousUser())]:
        adoptions = set(adoptions_of_adopted_children(user).values_list("child_id", flat=True))
        assert adoptions == set(adopted_children_for(user).values_list("pk", flat=True)), name
        seen[name] = adoptions
    assert seen["guardianship"] == seen["regional"] == {here.pk} and seen["other_guardianship"] == {there.pk}
    assert seen["ministry"] == {here.pk, there.pk} and seen["anonymous"] == set()
