"""Survey pages for staff, included at /surveys/."""

from django.urls import path

from parindex.web.questionnaires import views_collect, views_manage, views_results, views_review

app_name = "questionnaires"
urlpatterns = [
    path("", views_manage.survey_list, name="list"),
    path("new/", views_manage.survey_create, name="create"),
    path("<id:pk>/", views_manage.survey_detail, name="detail"),
    path("<id:pk>/edit/", views_manage.survey_edit, name="edit"),
    path("<id:pk>/state/", views_manage.survey_transition, name="transition"),
    path("<id:pk>/form/", views_manage.form_replace, name="form_replace"),
    path("<id:pk>/form.xlsx", views_manage.form_export, name="form_export"),
    path("<id:pk>/targets/", views_manage.targets, name="targets"),
    path("<id:pk>/targets/import/", views_manage.targets_import, name="targets_import"),
    path("<id:pk>/progress/", views_manage.progress, name="progress"),
    path("<id:pk>/invitations/", views_collect.invitations, name="invitations"),
    path("<id:pk>/invitations.csv", views_collect.invitations_export, name="invitations_export"),
    path("<id:pk>/entry/", views_collect.entry, name="entry"),
    path("<id:pk>/import/", views_collect.import_responses, name="import"),
    path("<id:pk>/responses/", views_review.review, name="review"),
    path("<id:pk>/responses/<id:response_pk>/", views_review.response_detail, name="response"),
    path(
        "<id:pk>/responses/<id:response_pk>/decide/",
        views_review.response_decide,
        name="response_decide",
    ),
    path("<id:pk>/check/", views_review.check, name="check"),
    path("<id:pk>/results/", views_results.results, name="results"),
    path("<id:pk>/apply/", views_results.apply, name="apply"),
    path("<id:pk>/export.csv", views_results.export, name="export"),
]
