"""Consistency check of a database (e.g. a restored backup): counts, the invariants the services
keep, and the audit hash chain. Exit status 1 when anything is wrong. Reads only."""

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count, F, Q

from adoption.models import Adoption, Case, CaseChild, Decision
from consular.models import ConsularRegistration, MonitoringReport
from core import audit_chain
from core.models import AuditEvent
from core.numbers import whole_number
from databank.models import Proposal
from registry.models import Child, Ground, ParentalConsent, RegisterEntry
from registry.rules import Entry, entry_ends, register_state_on


class Command(BaseCommand):
    help = "Check counts and invariants (child state vs history, adoptions, audit trail); exit 1 on a problem."

    def add_arguments(self, parser):
        parser.add_argument(
            "--audit-head",
            default="",
            metavar="SEQ:HASH",
            help="a head of the audit chain recorded earlier (e.g. from the logs): it must still be in the chain",
        )

    def handle(self, *args, **options):
        problems = []
        counts = {
            "children": Child.objects.count(),
            "register_entries": RegisterEntry.with_withdrawn.count(),
            "cases": Case.objects.count(),
            "decisions": Decision.objects.count(),
            "adoptions": Adoption.objects.count(),
            "consular_registrations": ConsularRegistration.with_withdrawn.count(),
            "monitoring_reports": MonitoringReport.with_withdrawn.count(),
            "audit_events": AuditEvent.objects.count(),
        }
        for name, value in counts.items():
            self.stdout.write(f"{name}: {value}")

        entries: dict[int, list[Entry]] = {}
        ends: dict[int, list] = {}
        for child_id, level, on, reason, ended_on in (
            RegisterEntry.objects.order_by("child_id", "on", "id")
            .values_list("child_id", "level", "on", "reason", "ended_on")
            .iterator(chunk_size=5000)
        ):
            entries.setdefault(child_id, []).append(Entry(level, on, reason))
            ends.setdefault(child_id, []).append(ended_on)
        for child_id, history in entries.items():
            if ends[child_id] != entry_ends([e.on for e in history]):
                problems.append(f"child #{child_id}: a register entry does not end on the date of the next one")
        for child_id, current_level, since, status in Child.objects.values_list(
            "id", "register_level", "level_since", "status"
        ).iterator(chunk_size=5000):
            state = register_state_on(entries.get(child_id, []))
            if (state.level, state.since) != (current_level, since) or (status == "deregistered") != (
                state.deregistered_on is not None
            ):
                problems.append(f"child #{child_id}: current state does not match its register history")

        # an adoption stands for a grant not reversed on appeal, or a refusal reversed (Decision.grants)
        reversed_ = Q(decision__appeal__outcome="reversed")
        if (
            Adoption.objects.filter(decision__outcome="refused").exclude(reversed_).exists()
            or Adoption.objects.filter(reversed_, decision__outcome="granted").exists()
        ):
            problems.append("an adoption row belongs to a decision that does not stand granted")
        twice = Adoption.objects.values("child").annotate(n=Count("id")).filter(n__gt=1)
        problems += [f"child #{row['child']} adopted {row['n']} times" for row in twice]
        not_deregistered = Adoption.objects.filter(decision__in_force_on__isnull=False).exclude(
            child__status="deregistered"
        )
        problems += [f"child #{a.child_id} adopted (in force) but still on a register" for a in not_deregistered]
        otherwise = Adoption.objects.filter(decision__in_force_on__isnull=False, child__status="deregistered").exclude(
            child__deregistration_reason__in=("adopted", "died")  # (a death abroad is a later entry)
        )
        problems += [f"child #{a.child_id} adopted (in force) but deregistered for another reason" for a in otherwise]
        # a child's death closes its cases and lapses its grant not in force (close_cases_of_a_child_who_died)
        dead = CaseChild.objects.filter(
            child__deregistration_reason="died", case__status__in=("open", "referred", "heard")
        ).values_list("case_id", "child_id")
        problems += [f"case #{case} still open for child #{child}, who died" for case, child in dead]
        lapsed = Adoption.objects.filter(child__deregistration_reason="died", decision__in_force_on__isnull=True)
        problems += [f"child #{a.child_id} died, and its adoption granted not in force stands" for a in lapsed]
        # a child's leaving the registers withdraws the proposals not answered (databank.services.withdraw_proposals)
        waiting = Proposal.objects.filter(answer="pending", child__status="deregistered").values_list("pk", "child_id")
        problems += [
            f"proposal #{pk} awaits an answer, though child #{child} left the registers" for pk, child in waiting
        ]
        # the scopes of a case and of its children agree (consular.selectors.adoptions_abroad_for reads both)
        elsewhere = CaseChild.objects.exclude(child__district=F("case__district")).values_list("case_id", "child_id")
        problems += [f"case #{case} holds child #{child} of another district" for case, child in elsewhere]
        unsealed = Adoption.objects.filter(decision__in_force_on__isnull=False).filter(
            Q(child__sealed_on__isnull=True) | ~Q(child__search_name="")
        )
        problems += [f"child #{a.child_id} adopted (in force) but its identity is not sealed" for a in unsealed]

        audited = set(
            AuditEvent.objects.filter(Q(verb="create_child") | Q(verb="open_case")).values_list(
                "object_type", "object_id"
            )
        )
        for model, label in ((Child, "registry.child"), (Case, "adoption.case")):
            missing = [pk for pk in model.objects.values_list("pk", flat=True) if (label, str(pk)) not in audited]
            if missing:
                problems.append(
                    f"{len(missing)} {label} record(s) without their creation in the audit trail, e.g. #{missing[0]}"
                )

        # the monitoring reports' files live beside the database (MEDIA_ROOT): a restore without them
        # loses what the posts received (docs/reliability.md, backup and restore procedure); a
        # withdrawn report's file is served no more, and is kept with its record all the same
        lost = [
            f"monitoring report #{pk} of child #{child_id} (due {due_on}): its file is missing from the storage"
            for pk, child_id, due_on, name in MonitoringReport.with_withdrawn.exclude(attachment="")
            .order_by("pk")
            .values_list("pk", "child_id", "due_on", "attachment")
            .iterator(chunk_size=5000)
            if not default_storage.exists(name)
        ]
        problems += lost

        # RULES §11.2: v1 consent grounds whose date was before the birth were not migrated into
        # consent records; they cover nothing, and are listed here (a note, not a problem).
        recorded = set(ParentalConsent.objects.values_list("child_id", "parent"))
        for ground_id, child_id, parent in Ground.objects.filter(ground="parental_consent").values_list(
            "id", "child_id", "parent"
        ):
            parents = ("mother", "father") if parent == "both" else (parent,)
            if any((child_id, p) not in recorded for p in parents):
                self.stdout.write(
                    f"note: v1 consent ground #{ground_id} of child #{child_id} is no consent record (dated before "
                    "the birth, or without a document): the parent stays uncovered"
                )

        chain = audit_chain.verify()
        self.stdout.write(
            f"audit chain: {chain.checked} events chained, {chain.unsealed} not yet, head {chain.head.seq} {chain.head.hash}"
        )
        if chain.problem:
            problems.append(chain.problem)
        expected = options["audit_head"]
        if expected and chain.problem is None:
            seq, _, digest = expected.partition(":")
            number = whole_number(seq)
            if number is None or number > chain.head.seq:
                problems.append(
                    f"audit chain: the expected head {seq} is beyond the chain's end ({chain.head.seq}): events were removed"
                )
            elif AuditEvent.objects.filter(seq=number).values_list("chain_hash", flat=True).first() != digest:
                problems.append(f"audit chain: event {seq} does not carry the expected hash")

        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"{len(problems)} consistency problem(s)")
        self.stdout.write("consistent")
