"""A write the database refuses after its service had checked it (another request wrote the same
row at the same moment) is a 409 `conflict` in the API and an error on the form in the pages,
never a 500; the log names the constraint, never the values."""

import logging

import pytest
from django import forms
from django.db import IntegrityError, connection, transaction

from core.api.exceptions import exception_handler
from core.forms import run_service
from core.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def refused(region):
    """A real refusal by the database: a second region under the first one's code."""
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        Region.objects.create(code=region.code, name="Секретное имя")
    return caught.value


def test_the_api_answers_409_naming_the_conflict(refused, caplog):
    with caplog.at_level(logging.WARNING, logger="adoption.conflict"):
        response = exception_handler(refused, {})
    assert response.status_code == 409
    assert [(e["field"], e["code"]) for e in response.data["errors"]] == [(None, "conflict")]
    (record,) = [r for r in caplog.records if r.name == "adoption.conflict"]
    named = "core_region_pkey" if connection.vendor == "postgresql" else "IntegrityError"  # SQLite names none
    assert record.constraint == named and "Секретное" not in caplog.text


def test_a_page_s_form_shows_the_conflict_and_keeps_what_was_typed(refused):
    class Form(forms.Form):
        name = forms.CharField()

    def service(**kwargs):
        raise refused

    form = Form({"name": "typed"})
    assert form.is_valid()
    assert run_service(form, service) is None
    assert form.non_field_errors() and form.data["name"] == "typed"
