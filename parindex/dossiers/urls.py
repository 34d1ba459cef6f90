from django.urls import path  # noqa: F401 - pages are added by the service-data work

app_name = "dossiers"
urlpatterns: list = []
