from django.urls import path  # noqa: F401 - pages are added by the results work

app_name = "results"
urlpatterns: list = []
