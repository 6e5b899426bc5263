"""Web forms call the same services as the API; a refusal becomes errors next to the fields."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.db.models.fields import BLANK_CHOICE_DASH
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from .dates import PICKER_BOUNDS, check_in_range
from .errors import Forbidden, RuleError, conflict

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise  # a label translated when shown


def run_service(form: forms.BaseForm, service, /, **kwargs):
    """Call `service(**kwargs)`; on a RuleError put each message on its field (or the form; a form
    that regroups its fields for the service names the field of a nested one: `field_of`).
    Returns the service's result, or None when refused (the form then shows the errors and
    keeps everything the user typed)."""
    try:
        return service(**kwargs)
    except Forbidden as exc:
        raise PermissionDenied(str(exc.errors[0].message)) from exc
    except RuleError as exc:
        for error in exc.errors:
            named = form.field_of(error.field or "") if hasattr(form, "field_of") else error.field or ""
            field = named.split("[")[0].split(".")[0]
            shown = field in form.fields and not form.fields[field].widget.is_hidden  # else above the form
            form.add_error(field if shown else None, error.message)
        return None
    except IntegrityError as exc:
        form.add_error(None, conflict(exc).message)
        return None


def correct(request, form: forms.BaseForm, service, to: str, **record):
    """A correction posted from a record's page (`form` has the hidden `version` the user saw and
    `changes(record)`, the fields changed; `record`: the service's keyword for it): nothing changed
    writes nothing; done, back to the page `to`. Returns the redirect, or None when refused (the
    caller shows the page again with the form and its errors)."""
    if not form.is_valid():
        return None
    ((_keyword, obj),) = record.items()
    changes = form.changes(obj)  # type: ignore[attr-defined]
    if not changes:
        messages.info(request, _("Nothing was changed."))
        return redirect(to, pk=obj.pk)
    version = form.cleaned_data["version"]
    if run_service(form, service, actor=request.user, version=version, **record, **changes) is None:
        return None
    messages.success(request, _("Record corrected."))
    return redirect(to, pk=obj.pk)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateField(forms.DateField):
    """Every date field of the pages: a date picker, and a date the service can reason about."""

    widget = DateInput
    default_validators = [check_in_range]

    def widget_attrs(self, widget):
        """The browser's date picker offers the same range the service accepts."""
        return {**super().widget_attrs(widget), **PICKER_BOUNDS}


class StatedChoiceField(forms.ChoiceField):
    """A fact the user states by choosing it (a decision's outcome, the search for a family in
    Kazakhstan, a consent's form, a child's sex): the select starts on "---------", as a select of records does, and a choice is
    required, so a form sent as it opened is refused instead of recording its first option (a
    decision granted, a search that found no family). `tests/web/test_stated_choices.py` holds
    every choice of the pages to it."""

    @forms.ChoiceField.choices.setter  # type: ignore[union-attr]
    def choices(self, value):
        assert not callable(value), "a stated choice lists its options"
        forms.ChoiceField.choices.fset(self, [*BLANK_CHOICE_DASH, *value])  # type: ignore[union-attr]


def model_choice(form: forms.BaseForm, name: str) -> forms.ModelChoiceField:
    """The form's model choice field `name` (a ModelMultipleChoiceField too)."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    return field


def choose_among(form: forms.BaseForm, name: str, queryset, label: Callable[[Any], str] | None = None) -> None:
    """Offer in the model choice field `name` only `queryset`, each option named by `label` when given."""
    field = model_choice(form, name)
    field.queryset = queryset
    if label is not None:
        field.label_from_instance = label  # type: ignore[assignment]


def require_role(user, *roles) -> None:
    """Pages a role may not use answer 403 (scope is the selectors' job: 404)."""
    if user.role not in roles:
        raise PermissionDenied


class Irreversible(forms.Form):
    """A step that cannot be undone from the pages (an entry into force, a deregistration): the
    user ticks `confirm`, whose label says what follows; the service never sees it."""

    confirm_label: StrOrPromise = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["confirm"] = forms.BooleanField(
            label=self.confirm_label,
            required=self.confirm_required(),
            error_messages={"required": _("Tick to confirm: this cannot be undone from this page.")},
        )

    def confirm_required(self) -> bool:
        return True

    def service_args(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "confirm"}


class CountryField(forms.ChoiceField):
    """A country picked by its name in the reader's language (the value is the ISO 3166 alpha-2
    code; `stateless` too for a citizenship), not typed as a code."""

    def __init__(self, *, stateless: bool = False, **kwargs):
        from .countries import country_choices

        super().__init__(choices=lambda: country_choices(stateless=stateless), **kwargs)
