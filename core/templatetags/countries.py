"""`{{ code|country }}`: a country (or a citizenship) by its name in the reader's language."""

from django import template

from core.countries import shown_country

register = template.Library()


@register.filter
def country(code: str) -> str:
    return shown_country(code) if code else ""
