from django.urls import path

from parindex.web.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.event_list, name="list"),
    path("export.xlsx", views.event_export, name="export"),
    path("logins/", views.login_log, name="logins"),
]
