"""`{{ code|check_name }}`: a check of the eligibility engine by its name in the reader's language."""

from django import template

from adoption.rules import CHECK_NAMES

register = template.Library()


@register.filter
def check_name(code: str) -> str:
    return str(CHECK_NAMES.get(code, code))
