"""`{{ child|named_in:case }}`: how a case file names a child of its own (RULES §9)."""

from django import template
from django.utils.translation import gettext as _

from registry import sealing

register = template.Library()


@register.filter
def named_in(child, case) -> str:
    """As every page names a child (`child_name`), but, in a case that holds a sealed child, a
    child of it who was not adopted (one who died before its adoption, or a contact's or consent's
    of such a child) by its number only: beside the adoptive family, a sibling's name would name the
    sealed child's birth family, the link the law keeps secret. A file opened with a purpose names
    every child by the identity it was known by before the adoption."""
    if case.opened:
        return sealing.shown_name(child, unsealed=True)
    if case.holds_a_sealed_child and not sealing.is_sealed(child):
        return _("Child #%(id)s") % {"id": child.pk}
    return sealing.shown_name(child)
