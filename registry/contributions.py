"""What the apps above the registry add to a child's record. The registry knows nothing of
cases, courts or consular posts (dependencies point one way: core <- registry <- adoption <-
consular); each of those apps registers its part here when Django starts (its AppConfig.ready):

- `child_scopes`: for a role without a territory, which children it sees (a court: the children
  of the cases referred to it; a consular post: the children adopted into its country);
- `unsealers`: for a role whose right to open a sealed identity depends on another app's record
  (a court: the adoption it decided);
- `timeline_sources`: events of the child's timeline that live in another app.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Q

child_scopes: dict[str, Callable[..., Q]] = {}  # role -> fn(user, prefix) -> Q on a path to Child
unsealers: dict[str, Callable[..., bool]] = {}  # role -> fn(user, child) -> may open its sealed identity
timeline_sources: list[Callable[..., list[dict]]] = []  # fn(child, user) -> [{"on", "text", "case"?}]
