"""`{{ code|flag_name }}`: a red flag of RULES v2 §7b by its name in the reader's language."""

from django import template

from intercountry.flags import FLAG_NAMES

register = template.Library()


@register.filter
def flag_name(code: str) -> str:
    return str(FLAG_NAMES.get(code, code))
