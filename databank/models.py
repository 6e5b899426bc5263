"""The databank (MFA art. 76(2); CRC art. 21(b); ¶59): what registered families can take in, and
each proposal of a child to a family with its answer. The search for a family in Kazakhstan is
derived from these records."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from adoption.models import Applicant
from core.models import Region, one_of
from registry.models import Child


class WishedSex(models.TextChoices):
    ANY = "", _("either")
    MALE = "M", _("a boy")
    FEMALE = "F", _("a girl")


class FamilyWishes(models.Model):
    """Whom a family on the register of prospective adopters can take in (the district edits it)."""

    applicant = models.OneToOneField(Applicant, on_delete=models.PROTECT, related_name="wishes")
    sex = models.CharField(max_length=1, choices=WishedSex.choices, blank=True)
    age_min = models.PositiveSmallIntegerField(default=0)  # full years on the day matched
    age_max = models.PositiveSmallIntegerField(default=17)
    children = models.PositiveSmallIntegerField(default=1)  # how many at once
    siblings = models.BooleanField(default=False)  # brothers and sisters together
    health_conditions = models.BooleanField(default=False)  # a child with health notes
    regions = models.ManyToManyField(Region, blank=True, related_name="+")  # none: every region
    updated_at = models.DateTimeField(auto_now=True)
    # Kept by services.refresh_families (from the records above and the register) so that matching
    # reads one row per family, never the lists: the regions wished as ",KZ-71,KZ-75," ('' every
    # region); the region of the district that registered the family; how many entries it has on
    # the register of prospective adopters, and the dates of the entry when it is the only one
    # (with more, matching reads the entries themselves).
    wished_regions = models.TextField(blank=True, default="")
    home_region = models.ForeignKey(Region, null=True, on_delete=models.PROTECT, related_name="+")
    registrations = models.PositiveSmallIntegerField(default=0)
    registered_on = models.DateField(null=True)
    valid_until = models.DateField(null=True)

    class Meta:
        verbose_name_plural = "family wishes"
        constraints = [
            one_of("sex", WishedSex.choices, name="wishes_sex_known"),
            models.CheckConstraint(condition=models.Q(age_max__gte=models.F("age_min")), name="wishes_age_range"),
            models.CheckConstraint(condition=models.Q(age_max__lte=17), name="wishes_minor"),
            models.CheckConstraint(condition=models.Q(children__gte=1), name="wishes_one_child_at_least"),
        ]
        # matching reads the families whose age range holds the child's age from this index alone
        # (PostgreSQL; elsewhere the index has the keys only), in the order of the ages, then the family
        # (the eligibility's families not proposed a child, databank.contributions.UNASKED)
        indexes = [
            models.Index(
                fields=["age_min", "age_max", "applicant"],
                include=[
                    "sex",
                    "children",
                    "siblings",
                    "health_conditions",
                    "wished_regions",
                    "registrations",
                    "registered_on",
                    "valid_until",
                    "home_region",
                ],
                name="wishes_by_age",
            ),
            # a child's matches are read in the order of the families' entries on the register, up to
            # the page's limit (the families with one entry; those with more are few and computed)
            models.Index(
                fields=["registered_on", "applicant"],
                include=[
                    "age_min",
                    "age_max",
                    "sex",
                    "children",
                    "siblings",
                    "health_conditions",
                    "wished_regions",
                    "registrations",
                    "valid_until",
                    "home_region",
                ],
                condition=models.Q(registrations=1),
                name="wishes_by_registration",
            ),
            models.Index(fields=["applicant"], condition=models.Q(registrations__gt=1), name="wishes_with_entries"),
        ]

    def __str__(self):
        return f"wishes of applicant #{self.applicant_id}"


class Answer(models.TextChoices):
    PENDING = "pending", _("awaiting the answer")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")
    NO_ANSWER = "no_answer", _("no answer in time")
    # the child left the registers before the family answered: not a refusal (its date is the day
    # the child left), and the child is proposed to the family again if it comes back
    WITHDRAWN = "withdrawn", _("withdrawn: the child left the registers")


class Proposal(models.Model):
    """A child proposed to a family, once (a second proposal of the same child is refused) unless the
    proposal was withdrawn when the child left the registers: back on them, it is proposed again."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="proposals")
    applicant = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="proposals")
    proposed_on = models.DateField()
    answer = models.CharField(max_length=10, choices=Answer.choices, default=Answer.PENDING)
    answered_on = models.DateField(null=True, blank=True)
    reason = models.TextField(blank=True)
    # accepted by a couple: the spouse who joins the case (recorded by the family's agency or the child's)
    spouse = models.ForeignKey(
        Applicant, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["proposed_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "applicant"],
                condition=~models.Q(answer="withdrawn"),
                name="one_proposal_per_child_and_family",
            ),
            one_of("answer", Answer.choices, name="proposal_answer_known"),
        ]
        indexes = [models.Index(fields=["answer", "proposed_on"])]

    def __str__(self):
        return f"child #{self.child_id} proposed to applicant #{self.applicant_id}"
