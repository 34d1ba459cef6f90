from django.urls import path  # noqa: F401 - pages are added by the survey work

app_name = "public_survey"
urlpatterns: list = []
