"""`{{ code|flag_name }}`: a red flag of RULES v2 §7b by its name in the reader's language;
`{{ evidence|evidence_text }}`: its evidence, each key by its name."""

import datetime

from django import template
from django.utils.translation import gettext as _

from core.dates import in_text
from intercountry.flags import DATE_KEYS, EVIDENCE_NAMES, FLAG_NAMES, RECORD_KEYS

register = template.Library()


@register.filter
def flag_name(code: str) -> str:
    return str(FLAG_NAMES.get(code, code))


@register.filter
def evidence_text(evidence: dict) -> str:
    parts = []
    for key, value in evidence.items():
        if key in RECORD_KEYS:
            value = f"#{value}"
        elif key == "parent":
            value = _(value)  # mother, father: the words the flag's sentence uses
        elif key in DATE_KEYS:
            value = in_text(datetime.date.fromisoformat(value))
        parts.append(f"{EVIDENCE_NAMES.get(key, key)} {value}")
    return ", ".join(parts)
