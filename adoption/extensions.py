"""What the apps above adoption add to a case's eligibility answer (dependencies point one way:
adoption knows nothing of them). Each registers here when Django starts (its AppConfig.ready):

- `warning_sources`: fn(case, as_of) -> [rules.Finding]: advisory findings that block nothing
  (the red flags of RULES v2 §7b, from `intercountry`);
- `case_pages`: (label, url name) of pages about a case that live in another app (its parties
  and fees); the case workspace links to them.
"""

from __future__ import annotations

from collections.abc import Callable

warning_sources: list[Callable[..., list]] = []
case_pages: list[tuple] = []
