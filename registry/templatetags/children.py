"""`{{ child|child_name }}`: how every page names a child, through registry.sealing (a sealed
identity shows as "Adopted child #id"; the read is audited)."""

from django import template

from registry import sealing

register = template.Library()


@register.filter
def child_name(child) -> str:
    return sealing.shown_name(child)


@register.filter
def child_sealed(child) -> bool:
    return sealing.is_sealed(child)
