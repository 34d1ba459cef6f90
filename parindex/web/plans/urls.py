from django.urls import path

from parindex.web.plans import views, views_watch, views_whatif

app_name = "plans"
urlpatterns = [
    path("", views.index, name="index"),
    path("pick/", views.pick, name="pick"),
    path("groups/<int:group>/units/<int:unit>/", views.planner, name="planner"),
    path("groups/<int:group>/units/<int:unit>/save/", views.save, name="save"),
    path("saved/", views.plan_list, name="list"),
    path("saved/<int:pk>/", views.detail, name="detail"),
    path("saved/<int:pk>/recompute/", views.recompute, name="recompute"),
    path("saved/<int:pk>/delete/", views.delete, name="delete"),
    path("saved/<int:pk>/excel/", views.export, name="export"),
    path("saved/<int:pk>/steps/<str:code>/task/", views.step_task, name="step_task"),
    path("groups/<int:group>/scenarios/", views_whatif.scenarios, name="scenarios"),
    path("groups/<int:group>/scenarios/preview/", views_whatif.preview, name="preview"),
    path("groups/<int:group>/scenarios/compare/", views_whatif.scenario_compare, name="compare"),
    path("scenarios/<int:pk>/", views_whatif.scenario, name="scenario"),
    path("scenarios/<int:pk>/delete/", views_whatif.scenario_remove, name="scenario_delete"),
    path("groups/<int:group>/uncertainty/", views_watch.uncertainty, name="uncertainty"),
    path(
        "groups/<int:group>/uncertainty/run/", views_watch.uncertainty_run, name="uncertainty_run"
    ),
    path("groups/<int:group>/projection/", views_watch.projection, name="projection"),
    path("groups/<int:group>/sensitivity/", views_watch.sensitivity, name="sensitivity"),
    path("warnings/", views_watch.warnings, name="warnings"),
    path("warnings/<int:pk>/task/", views_watch.warning_task, name="warning_task"),
    path("monthly/", views_watch.monthly, name="monthly"),
    path("frameworks/<int:pk>/settings/", views_watch.settings_page, name="settings"),
]
