from django.urls import path

from . import web

urlpatterns = [
    path("children/", web.children, name="web-children"),
    path("children/new/", web.child_new, name="web-child-new"),
    path("children/<int:pk>/", web.child, name="web-child"),
    path("children/<int:pk>/grounds/", web.child_ground, name="web-child-ground"),
    path(
        "children/<int:pk>/grounds/<int:ground_id>/withdraw/",
        web.child_ground_withdraw,
        name="web-child-ground-withdraw",
    ),
    path("children/<int:pk>/correct/", web.child_correct, name="web-child-correct"),
    path("children/<int:pk>/register/", web.child_register, name="web-child-register"),
    path("children/<int:pk>/register/correct/", web.child_correct_placement, name="web-child-correct-placement"),
    path("children/<int:pk>/register/withdraw/", web.child_withdraw_placement, name="web-child-withdraw-placement"),
    path("children/<int:pk>/deregister/", web.child_deregister, name="web-child-deregister"),
    path("children/<int:pk>/consents/", web.child_consent, name="web-child-consent"),
    path(
        "children/<int:pk>/consents/<int:consent_id>/withdraw/",
        web.child_consent_withdraw,
        name="web-child-consent-withdraw",
    ),
    path("duplicates/<int:pk>/different/", web.duplicate_different, name="web-duplicate-different"),
]
