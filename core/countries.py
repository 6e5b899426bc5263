"""ISO 3166-1 alpha-2 country codes (pycountry), and Kazakhstan's own."""

from functools import cache

import pycountry

KZ = "KZ"


@cache
def country_codes() -> frozenset[str]:
    return frozenset(c.alpha_2 for c in pycountry.countries)


def is_country(code: str) -> bool:
    return code in country_codes()
