from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from parindex.web import health, views
from parindex.web.accounts.views import LoginView

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(template_name="registration/password_form.html"),
        name="password_change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="registration/password_done.html"),
        name="password_change_done",
    ),
    path("i18n/setlang/", set_language, name="set_language"),
    path("units/", include("parindex.web.units.urls")),
    path("users/", include("parindex.web.accounts.urls")),
    path("frameworks/", include("parindex.web.criteria.urls")),
    path("periods/", include("parindex.web.periods.urls")),
    path("audit/", include("parindex.web.audit.urls")),
    path("assessments/", include("parindex.web.assessments.urls")),
    path("results/", include("parindex.web.results.urls")),
    path("jobs/", include("parindex.web.jobs.urls")),
    path("surveys/", include("parindex.web.questionnaires.urls")),
    path("s/", include("parindex.web.questionnaires.public_urls")),
    path("dossiers/", include("parindex.web.dossiers.urls")),
    path("tasks/", include("parindex.web.tasks.urls")),
    path("documents/", include("parindex.web.documents.urls")),
    path("national/", include("parindex.web.national.urls")),
    path("national-self/", include("parindex.web.nationalself.urls")),
    path("plans/", include("parindex.web.plans.urls")),
    path("account/tokens/", include("parindex.web.apitokens.urls")),
    path("account/two-factor/", include("parindex.web.accounts.two_factor_urls")),
    # The REST API, a sibling adapter: included by name, never imported (docs/api.md).
    path("api/v1/", include("parindex.api.urls")),
    path("admin/", admin.site.urls),
]
