from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from parindex.accounts.views import LoginView
from parindex.web import views

urlpatterns = [
    path("", views.home, name="home"),
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
    path("units/", include("parindex.units.urls")),
    path("users/", include("parindex.accounts.urls")),
    path("frameworks/", include("parindex.criteria.urls")),
    path("periods/", include("parindex.periods.urls")),
    path("audit/", include("parindex.audit.urls")),
    path("assessments/", include("parindex.assessments.urls")),
    path("results/", include("parindex.results.urls")),
    path("jobs/", include("parindex.jobs.urls")),
    path("surveys/", include("parindex.questionnaires.urls")),
    path("s/", include("parindex.questionnaires.public_urls")),
    path("dossiers/", include("parindex.dossiers.urls")),
    path("admin/", admin.site.urls),
]
