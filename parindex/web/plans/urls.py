from django.urls import path

from parindex.web.plans import views, views_watch, views_whatif

app_name = "plans"
urlpatterns = [
    path("", views.index, name="index"),
    path("pick/", views.pick, name="pick"),
    path("groups/<id:group>/units/<id:unit>/", views.planner, name="planner"),
    path("groups/<id:group>/units/<id:unit>/save/", views.save, name="save"),
    path("saved/", views.plan_list, name="list"),
    path("saved/<id:pk>/", views.detail, name="detail"),
    path("saved/<id:pk>/recompute/", views.recompute, name="recompute"),
    path("saved/<id:pk>/delete/", views.delete, name="delete"),
    path("saved/<id:pk>/excel/", views.export, name="export"),
    path("saved/<id:pk>/steps/<str:code>/task/", views.step_task, name="step_task"),
    path("groups/<id:group>/scenarios/", views_whatif.scenarios, name="scenarios"),
    path("groups/<id:group>/scenarios/preview/", views_whatif.preview, name="preview"),
    path("groups/<id:group>/scenarios/compare/", views_whatif.scenario_compare, name="compare"),
    path("scenarios/<id:pk>/", views_whatif.scenario, name="scenario"),
    path("scenarios/<id:pk>/delete/", views_whatif.scenario_remove, name="scenario_delete"),
    path("groups/<id:group>/uncertainty/", views_watch.uncertainty, name="uncertainty"),
    path("groups/<id:group>/uncertainty/run/", views_watch.uncertainty_run, name="uncertainty_run"),
    path("groups/<id:group>/projection/", views_watch.projection, name="projection"),
    path("groups/<id:group>/sensitivity/", views_watch.sensitivity, name="sensitivity"),
    path("warnings/", views_watch.warnings, name="warnings"),
    path("warnings/<id:pk>/task/", views_watch.warning_task, name="warning_task"),
    path("monthly/", views_watch.monthly, name="monthly"),
    path("frameworks/<id:pk>/settings/", views_watch.settings_page, name="settings"),
]
