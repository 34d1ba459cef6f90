"""Survey pages for staff, included at /surveys/."""

from django.urls import path

from parindex.web.questionnaires import views_collect, views_manage, views_results, views_review

app_name = "questionnaires"
urlpatterns = [
    path("", views_manage.survey_list, name="list"),
    path("new/", views_manage.survey_create, name="create"),
    path("<int:pk>/", views_manage.survey_detail, name="detail"),
    path("<int:pk>/edit/", views_manage.survey_edit, name="edit"),
    path("<int:pk>/state/", views_manage.survey_transition, name="transition"),
    path("<int:pk>/form/", views_manage.form_replace, name="form_replace"),
    path("<int:pk>/form.xlsx", views_manage.form_export, name="form_export"),
    path("<int:pk>/targets/", views_manage.targets, name="targets"),
    path("<int:pk>/targets/import/", views_manage.targets_import, name="targets_import"),
    path("<int:pk>/progress/", views_manage.progress, name="progress"),
    path("<int:pk>/invitations/", views_collect.invitations, name="invitations"),
    path("<int:pk>/invitations.csv", views_collect.invitations_export, name="invitations_export"),
    path("<int:pk>/entry/", views_collect.entry, name="entry"),
    path("<int:pk>/import/", views_collect.import_responses, name="import"),
    path("<int:pk>/responses/", views_review.review, name="review"),
    path("<int:pk>/responses/<int:response_pk>/", views_review.response_detail, name="response"),
    path(
        "<int:pk>/responses/<int:response_pk>/decide/",
        views_review.response_decide,
        name="response_decide",
    ),
    path("<int:pk>/check/", views_review.check, name="check"),
    path("<int:pk>/results/", views_results.results, name="results"),
    path("<int:pk>/apply/", views_results.apply, name="apply"),
    path("<int:pk>/export.csv", views_results.export, name="export"),
]
