"""Until session 52 a proposal the family had not answered when the child left the registers
stayed pending, then lapsed as "no answer in time": the family's record said it let the child
go, and the search for a family in Kazakhstan counted it as a refusal if the child came back on
the registers. As `databank.services.withdraw_proposals` does since, such a proposal is
withdrawn on the day the child left (or the day it was made, if later): each pending one, and
each lapsed for no answer after that day, whose child was off the registers at some time between
its proposal and the day its answer was due. Each change has its event of the audit trail by the
system. A family's own answer stays."""

import datetime
from collections import defaultdict

from django.conf import settings
from django.db import migrations, models

PURPOSE = "the child left the registers before the family answered, recorded before such proposals were withdrawn"


def answer_days(Policy, day: datetime.date) -> int:
    """core.models.Policy.on(day).proposal_answer_days as it stands (a migration keeps its own copy)."""
    policy = (
        Policy.objects.filter(models.Q(effective_from__lte=day) | models.Q(effective_from__isnull=True))
        .order_by(models.F("effective_from").desc(nulls_last=True))
        .first()
    )
    return policy.proposal_answer_days if policy else 10


def withdraw(apps, schema_editor):
    Proposal = apps.get_model("databank", "Proposal")
    RegisterEntry = apps.get_model("registry", "RegisterEntry")
    Policy = apps.get_model("core", "Policy")
    AuditEvent = apps.get_model("core", "AuditEvent")
    unanswered = list(Proposal.objects.filter(answer__in=("pending", "no_answer")).order_by("pk"))
    off = defaultdict(list)  # child -> the spans it was off the registers, (from, until or None)
    entries = RegisterEntry.objects.filter(
        child_id__in={p.child_id for p in unanswered}, level="deregistered", withdrawn_at__isnull=True
    )
    for child, since, until in entries.order_by("on", "pk").values_list("child_id", "on", "ended_on"):
        off[child].append((since, until))
    events = []
    for p in unanswered:
        for since, until in off.get(p.child_id, ()):
            due = p.answered_on if p.answer == "no_answer" else None
            due = due or p.proposed_on + datetime.timedelta(days=answer_days(Policy, since) + 1)
            if since < due and (until is None or until > p.proposed_on):
                day = max(since, p.proposed_on)
                before = {"answer": p.answer, "answered_on": p.answered_on.isoformat() if p.answered_on else None}
                Proposal.objects.filter(pk=p.pk).update(answer="withdrawn", answered_on=day)
                events.append(
                    AuditEvent(
                        action="update",
                        verb="withdraw_proposal",
                        object_type="databank.proposal",
                        object_id=str(p.pk),
                        subject_type="registry.child",
                        subject_id=str(p.child_id),
                        before=before,
                        after={"answer": "withdrawn", "answered_on": day.isoformat()},
                        actor_role="system",
                        purpose=PURPOSE,
                    )
                )
                break
    AuditEvent.objects.bulk_create(events, batch_size=1000)



class Migration(migrations.Migration):

    dependencies = [
        ('adoption', '0029_children_who_died_leave_their_cases'),
        ('databank', '0006_proposal_spouse'),
        ('core', '0015_policy_reminders_aligned'),
        ('registry', '0015_withdrawn_placements'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='proposal',
            name='one_proposal_per_child_and_family',
        ),
        migrations.RemoveConstraint(
            model_name='proposal',
            name='proposal_answer_known',
        ),
        migrations.AlterField(
            model_name='proposal',
            name='answer',
            field=models.CharField(choices=[('pending', 'awaiting the answer'), ('accepted', 'accepted'), ('declined', 'declined'), ('no_answer', 'no answer in time'), ('withdrawn', 'withdrawn: the child left the registers')], default='pending', max_length=10),
        ),
        migrations.AddConstraint(
            model_name='proposal',
            constraint=models.UniqueConstraint(condition=models.Q(('answer', 'withdrawn'), _negated=True), fields=('child', 'applicant'), name='one_proposal_per_child_and_family'),
        ),
        migrations.AddConstraint(
            model_name='proposal',
            constraint=models.CheckConstraint(condition=models.Q(('answer__in', ['pending', 'accepted', 'declined', 'no_answer', 'withdrawn'])), name='proposal_answer_known'),
        ),
        migrations.RunPython(withdraw, migrations.RunPython.noop),
    ]
