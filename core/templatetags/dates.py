"""`{% date_bounds %}` in a date input written by hand: the picker offers the dates the service accepts."""

from django import template
from django.forms.utils import flatatt

from core.dates import PICKER_BOUNDS

register = template.Library()


@register.simple_tag
def date_bounds() -> str:
    return flatatt(PICKER_BOUNDS)  # safe: the leading space separates it from the attribute before
