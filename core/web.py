"""The web entry point. The staff pages of every app grow from here (issue: staff web application)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from . import selectors


@login_required
def home(request):
    reminders = selectors.reminders_for(request.user)[:20]
    return render(request, "core/home.html", {"reminders": reminders})
