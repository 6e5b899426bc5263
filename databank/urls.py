from django.urls import path

from . import web

urlpatterns = [
    path("databank/families/", web.families, name="web-families"),
    path("databank/families/<int:pk>/", web.family_wishes, name="web-family-wishes"),
    path("children/<int:pk>/matches/", web.child_matches, name="web-child-matches"),
]
