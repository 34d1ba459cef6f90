"""Public survey pages (no login), included at /s/."""

from django.urls import path

from parindex.web.questionnaires import public_views

app_name = "public_survey"
urlpatterns = [
    path("open/<id:pk>/", public_views.open_form, name="open"),
    path("thanks/", public_views.thanks, name="thanks"),
    path("<str:token>/", public_views.token_form, name="token"),
]
