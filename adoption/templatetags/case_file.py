"""`{{ child|named_in:case }}`: how a case file names a child of its own (RULES §9)."""

from django import template
from django.utils.translation import gettext as _

from registry import sealing

register = template.Library()


@register.filter
def named_in(child, case) -> str:
    """As every page names a child (`child_name`), unless the file does not name it (`Case.names`:
    a child adopted in another case, or another child of the case that adopted a sealed one). A
    file opened with a purpose names every child by the identity it had before the adoption."""
    if case.opened:
        return sealing.shown_name(child, unsealed=True)
    if not case.names(child):
        return _("a child adopted in another case") if sealing.is_sealed(child) else _("another child")
    return sealing.shown_name(child)


@register.filter
def known_in(child, case) -> bool:
    """Whether the file links `child`'s record and shows its birth date (`Case.names`)."""
    return case.names(child)
