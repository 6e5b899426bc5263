"""`{% date_bounds %}` in a date input written by hand: the picker offers the dates the service accepts."""

from django import template
from django.utils.html import format_html

from core.dates import EARLIEST, LATEST

register = template.Library()


@register.simple_tag
def date_bounds() -> str:
    return format_html('min="{}" max="{}"', EARLIEST.isoformat(), LATEST.isoformat())
