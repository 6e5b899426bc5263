"""ISO 3166-1 alpha-2 country codes (pycountry), and Kazakhstan's own."""

import gettext
from functools import cache

import pycountry
from django.utils import translation

KZ = "KZ"


@cache
def country_codes() -> frozenset[str]:
    return frozenset(c.alpha_2 for c in pycountry.countries)


def is_country(code: str) -> bool:
    return code in country_codes()


def country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code)
    return country.name if country else code


STATELESS = "stateless"


def citizenship_error(field: str, code: str):
    """A FieldError unless `code` is a citizenship: an alpha-2 country or `stateless` (RULES v2 §1)."""
    from django.utils.translation import gettext as _

    from .errors import FieldError

    if is_country(code) or code == STATELESS:
        return None
    return FieldError(
        field,
        "invalid_citizenship",
        _("%(code)s is neither an ISO 3166 alpha-2 country code nor 'stateless'.") % {"code": code},
    )


@cache
def _by_name(language: str) -> tuple[tuple[str, str], ...]:
    """Every country (code, name in `language`: pycountry's own translations, English without
    them), Kazakhstan first, then by name; computed once per language."""
    names = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True)
    named = {c.alpha_2: names.gettext(c.name) for c in pycountry.countries}
    return ((KZ, named.pop(KZ)), *sorted(named.items(), key=lambda item: item[1]))


def country_names() -> dict[str, str]:
    """Every country's name in the reader's language, by its code."""
    return _names(translation.get_language() or "en")


@cache
def _names(language: str) -> dict[str, str]:
    return dict(_by_name(language))


def shown_country(code: str) -> str:
    """A country (or a citizenship) as a page shows it: its name in the reader's language,
    `stateless` translated, anything else as it is."""
    from django.utils.translation import gettext as _

    return _("Stateless") if code == STATELESS else country_names().get(code, code)


def country_choices(*, stateless: bool = False) -> list[tuple[str, str]]:
    """The pickers' choices in the reader's language, with `stateless` after Kazakhstan for a
    citizenship."""
    from django.utils.translation import gettext as _

    kz, *others = _by_name(translation.get_language() or "en")
    return [("", "—"), kz, *([(STATELESS, _("Stateless"))] if stateless else []), *others]
