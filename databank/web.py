"""Staff pages of the databank: the district's families and their wishes, a child's matches and
proposals. The same services and selectors as the API."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _

from adoption.models import AdopterRegistration, Applicant, Register
from adoption.selectors import applicants_for
from core.audit import note_read
from core.dates import today
from core.forms import DateField, StatedChoiceField, choose_among, require_role, run_service
from core.models import Region, Role
from core.permissions import MATCH_READERS
from registry import sealing
from registry.models import Sex
from registry.selectors import children_for, on_a_register

from . import facts, selectors, services
from .models import Answer


class WishesForm(forms.Form):
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", _("either")), *Sex.choices], required=False)
    age_min = forms.IntegerField(label=_("Age from (full years)"), min_value=0, max_value=17, initial=0)
    age_max = forms.IntegerField(label=_("Age to (full years)"), min_value=0, max_value=17, initial=17)
    children = forms.IntegerField(label=_("How many children at once"), min_value=1, max_value=10, initial=1)
    siblings = forms.BooleanField(label=_("Brothers and sisters together"), required=False)
    health_conditions = forms.BooleanField(label=_("A child with health conditions"), required=False)
    regions = forms.ModelMultipleChoiceField(
        label=_("Regions (none: every region)"), queryset=Region.objects.order_by("code"), required=False
    )


class AnswerForm(forms.Form):
    answer = StatedChoiceField(
        label=_("Answer"), choices=[(Answer.ACCEPTED, _("accepted")), (Answer.DECLINED, _("declined"))]
    )
    on = DateField(label=_("Answered on"))
    reason = forms.CharField(label=_("Reason (a refusal)"), required=False, max_length=2000)
    spouse = forms.ModelChoiceField(
        label=_("Spouse joining the case (a couple that accepts)"), queryset=Applicant.objects.none(), required=False
    )

    def __init__(self, *args, user, family=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.spouses = applicants_for(user).order_by("last_name", "first_name", "id")
        # a family of another district accepts with a spouse its own agency recorded, given by number
        recorded_with = Applicant.objects.filter(district=family.district_id) if family is not None else None
        choose_among(self, "spouse", self.spouses if recorded_with is None else self.spouses | recorded_with)


@login_required
def families(request):
    require_role(request.user, Role.GUARDIANSHIP)
    on = today()
    registered = AdopterRegistration.objects.filter(
        register=Register.PROSPECTIVE_ADOPTERS, registered_on__lte=on, valid_until__gte=on
    ).values("applicant")
    people = (  # the district's own families (those of other districts it proposed a child to are not its to keep)
        applicants_for(request.user)
        .filter(pk__in=registered, district=request.user.district_id)
        .select_related("wishes")
        .annotate(awaiting=Count("proposals", filter=Q(proposals__answer=Answer.PENDING)))
        .order_by("last_name", "id")
    )
    note_read(label="adoption.applicant", ids=[a.pk for a in people])
    return render(request, "databank/families.html", {"families": people})


@login_required
def family_wishes(request, pk):
    require_role(request.user, Role.GUARDIANSHIP)
    applicant = get_object_or_404(applicants_for(request.user), pk=pk)
    wishes = getattr(applicant, "wishes", None)
    initial = (
        {
            "sex": wishes.sex,
            "age_min": wishes.age_min,
            "age_max": wishes.age_max,
            "children": wishes.children,
            "siblings": wishes.siblings,
            "health_conditions": wishes.health_conditions,
            "regions": list(wishes.regions.all()),
        }
        if wishes
        else None
    )
    form = WishesForm(request.POST or None, initial=initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(form, services.set_wishes, actor=request.user, applicant=applicant, **form.cleaned_data)
    ):
        messages.success(request, _("Wishes saved."))
        return redirect("web-families")
    note_read(applicant)
    own = selectors.is_familys_agency(request.user, applicant)
    return render(
        request,
        "databank/wishes.html",
        {"applicant": applicant, "form": form, "proposals": selectors.proposals_to_family(applicant) if own else None},
        status=400 if form.errors else 200,
    )


@login_required
def child_matches(request, pk):
    require_role(request.user, *MATCH_READERS)
    child = get_object_or_404(children_for(request.user).select_related("district"), pk=pk)
    on = today()
    if request.method == "POST":
        require_role(request.user, Role.GUARDIANSHIP)
        if "proposal" in request.POST:
            proposal = get_object_or_404(selectors.proposals_of(child), pk=request.POST["proposal"])
            form = AnswerForm(request.POST, user=request.user, family=proposal.applicant)
            answered = form.is_valid() and run_service(
                form, services.answer, actor=request.user, proposal=proposal, **form.cleaned_data
            )
            if answered:
                _proposal, case = answered
                if case is not None:  # accepted: the case it opened is where the work goes on
                    messages.success(request, _("Answer recorded: the family's case is opened."))
                    return redirect("web-case", pk=case.pk)
                messages.success(request, _("Answer recorded."))
                return redirect("web-child-matches", pk=child.pk)
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, str(error))
        else:
            applicant = get_object_or_404(selectors.families(), pk=request.POST.get("applicant"))
            refusals = forms.Form(request.POST)
            if run_service(
                refusals, services.propose, actor=request.user, child=child, applicant=applicant, proposed_on=on
            ):
                messages.success(request, _("Proposal recorded."))
            for error in refusals.non_field_errors():
                messages.error(request, str(error))
        return redirect("web-child-matches", pk=child.pk)
    note_read(child)
    found, total = facts.matches_of(child, on)
    made = list(selectors.proposals_of(child).select_related("applicant"))
    proposals = {p.applicant_id: p for p in made}  # each family's latest
    people = {a.pk: a for a in applicants_for(request.user).filter(pk__in=[f.id for f, _r in found] + list(proposals))}
    can_propose = request.user.role == Role.GUARDIANSHIP and not sealing.is_sealed(child)
    rows, listed = [], set()
    for f, reason in found:
        latest = proposals.get(f.id)
        if latest is not None:
            listed.add(latest.pk)
        rows.append(
            {
                "family": people.get(f.id),
                "id": f.id,
                "registered_on": f.registered_on,
                "reason": reason,
                "proposal": latest,
                # never proposed, or withdrawn when the child left the registers (back on them now)
                "proposable": can_propose and (latest is None or latest.answer == Answer.WITHDRAWN),
            }
        )
    answer_form, spouses = None, []
    if request.user.role == Role.GUARDIANSHIP and any(p.answer == Answer.PENDING for p in proposals.values()):
        answer_form = AnswerForm(user=request.user)
        spouses = list(answer_form.spouses)  # once for every pending proposal's form
        note_read(label="adoption.applicant", ids=[a.pk for a in spouses])
    return render(
        request,
        "databank/matches.html",
        {
            "child": child,
            "name": sealing.shown_name(child),
            "rows": rows,
            "total": facts.counted(total),
            # those not in the list: to a family whose wishes no longer fit, or withdrawn and made again
            "others": [(people.get(p.applicant_id), p) for p in made if p.pk not in listed],
            "people": people,
            "answer_form": answer_form,
            "spouses": spouses,
            "on_a_register": bool(found) or on_a_register(child, on),  # what the empty list says
            "held": None if found else facts.held_by_a_court(child),  # what the empty list says
        },
    )
