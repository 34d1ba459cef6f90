from django.urls import path  # noqa: F401 - pages are added by the workflow work

app_name = "assessments"
urlpatterns: list = []
