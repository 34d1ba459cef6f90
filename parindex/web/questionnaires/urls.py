"""Survey pages for staff, included at /surveys/."""

from django.urls import path

from parindex.web.questionnaires import views

app_name = "questionnaires"
urlpatterns = [
    path("", views.survey_list, name="list"),
    path("new/", views.survey_create, name="create"),
    path("<int:pk>/", views.survey_detail, name="detail"),
    path("<int:pk>/edit/", views.survey_edit, name="edit"),
    path("<int:pk>/state/", views.survey_transition, name="transition"),
    path("<int:pk>/form/", views.form_replace, name="form_replace"),
    path("<int:pk>/form.xlsx", views.form_export, name="form_export"),
    path("<int:pk>/targets/", views.targets, name="targets"),
    path("<int:pk>/targets/import/", views.targets_import, name="targets_import"),
    path("<int:pk>/progress/", views.progress, name="progress"),
    path("<int:pk>/invitations/", views.invitations, name="invitations"),
    path("<int:pk>/invitations.csv", views.invitations_export, name="invitations_export"),
    path("<int:pk>/entry/", views.entry, name="entry"),
    path("<int:pk>/import/", views.import_responses, name="import"),
    path("<int:pk>/responses/", views.review, name="review"),
    path("<int:pk>/responses/<int:response_pk>/", views.response_detail, name="response"),
    path(
        "<int:pk>/responses/<int:response_pk>/decide/",
        views.response_decide,
        name="response_decide",
    ),
    path("<int:pk>/check/", views.check, name="check"),
    path("<int:pk>/results/", views.results, name="results"),
    path("<int:pk>/apply/", views.apply, name="apply"),
    path("<int:pk>/export.csv", views.export, name="export"),
]
