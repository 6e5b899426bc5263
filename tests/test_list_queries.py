"""Every list of the API, and every list page, answers in a number of queries that does not grow
with its rows: generated from the schema and the pages' list, for each role, on a territory's files and again once it holds three
times as many (the applicants list read each applicant's register entries with a query of its
own, found at 1,000,000 children)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from drf_spectacular.generators import SchemaGenerator

from tests.security.test_authorization_matrix import MAY, ROLES, WEB_LISTS, build_side

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_throttle")]


def lists_of(role: str) -> list[str]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return sorted(
        path
        for path, operations in schema["paths"].items()
        if "get" in operations and "{" not in path and role in MAY.get(("GET", path), ())
    )


def counts(client, paths: list[str]) -> dict[str, int]:
    found = {}
    for path in paths:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code < 500, (path, response.status_code)
        found[path] = len(queries)
    return found


@pytest.mark.parametrize("role", ROLES)
def test_no_list_reads_more_queries_for_more_rows(api, client, users, district, court, us_post, role):
    build_side(district, court, us_post, "One")
    reader = api(users[role])
    client.force_login(users[role])
    paths, pages = lists_of(role), [page for page in WEB_LISTS if client.get(page).status_code == 200]
    counts(reader, paths)  # what a process reads once (content types, the policy's first version)
    few = counts(reader, paths) | counts(client, pages)
    build_side(district, court, us_post, "Two")
    build_side(district, court, us_post, "Three")
    many = counts(reader, paths) | counts(client, pages)
    assert len(paths) >= 5 and len(pages) >= 2
    assert {path: (few[path], many[path]) for path in few if many[path] != few[path]} == {}
