from csp.decorators import csp_exempt
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from core import health
from core import web as core_web

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("api/v1/", include("config.api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # Browsers without a session are sent to the login page; the schema itself answers 401.
    # Swagger UI starts with an inline script: the one page exempt from the content security policy.
    path("api/docs/", csp_exempt()(login_required(SpectacularSwaggerView.as_view(url_name="schema"))), name="api-docs"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", core_web.password, name="password"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("audit/", core_web.audit, name="web-audit"),
    path("work/", core_web.work_queue, name="web-work"),
    path("search/", core_web.search, name="web-search"),
    path("", include("reports.urls")),
    path("", include("registry.urls")),
    path("", include("printing.urls")),
    path("", include("intercountry.urls")),  # before adoption's cases/<pk>/<step>/
    path("", include("databank.urls")),
    path("", include("consular.urls")),  # before adoption's cases/<pk>/<step>/ too
    path("", include("adoption.urls")),
]
