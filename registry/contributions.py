"""What the apps above the registry add to a child's record. The registry knows nothing of
cases, courts or consular posts (dependencies point one way: core <- registry <- adoption <-
consular); each of those apps registers its part here when Django starts (its AppConfig.ready):

- `child_scopes`: for a role without a territory, which children it sees (a court: the children
  of the cases referred to it; a consular post: the children adopted into its country), as
  `<prefix>pk__in` a query of child ids: a record's child is then compared by its id, with no
  join that could repeat the record and no read of the children (`selectors.of_children_for`);
- `unsealers`: for a role whose right to open a sealed identity depends on another app's record
  (a court: the adoption it decided);
- `timeline_sources`: events of the child's timeline that live in another app;
- `applicant_lookups`: which of some applicant ids the user sees, with the label that names each
  (a consent names applicants);
- `decision_dates`: the dates courts decided on the child's adoption (a consent is withdrawn
  only until then);
- `child_pages`: (label, url name, roles[, shown(child)]) of pages about a child that live in
  another app (its matches with families, for a child on a register); the child's page links to
  those the reader's role may open, where `shown`;
- `death_hooks`: fn(actor, child, on) called in the transaction that records the child's death
  (adoption closes the cases that can no longer lead to the child's adoption);
- `leave_hooks`: fn(actor, child, on) called in the transaction that takes the child off the
  registers, for any reason (the databank withdraws the proposals its families had not answered);
- `placement_hooks`: fn(actor, child, since) called in the transaction that corrects the date of
  the child's latest placement on a register (adoption judges again from `since` what its cases
  judged by that date, and moves their reminders of the central register's wait).
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Q

child_scopes: dict[str, Callable[..., Q]] = {}  # role -> fn(user, prefix) -> Q(<prefix>pk__in=ids)
unsealers: dict[str, Callable[..., bool]] = {}  # role -> fn(user, child) -> may open its sealed identity
timeline_sources: list[Callable[..., list[dict]]] = []  # fn(child, user) -> [{"on", "text", "case"?}]
applicant_lookups: list[Callable[..., dict[int, str]]] = []  # fn(user, ids) -> {id: label} of those the user sees
decision_dates: list[Callable[..., list]] = []  # fn(child) -> dates of decisions granting the child's adoption


def applicants_seen(user, ids) -> dict[int, str]:
    """The applicants of `ids` that `user` sees, by id with their label."""
    return {pk: label for lookup in applicant_lookups for pk, label in lookup(user, ids).items()}


def decisions_for(child) -> list:
    return [on for source in decision_dates for on in source(child)]


child_pages: list[tuple] = []  # (label, url name taking the child's pk, the roles that may open it[, shown])
death_hooks: list[Callable[..., None]] = []  # fn(actor, child, on) in the transaction recording a death
leave_hooks: list[Callable[..., None]] = []  # fn(actor, child, on) in the transaction taking it off the registers
placement_hooks: list[Callable[..., None]] = []  # fn(actor, child, since) correcting its latest placement
