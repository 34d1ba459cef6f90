from django.urls import path

from parindex.web.dossiers import views

app_name = "dossiers"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("units/<id:pk>/", views.unit_page, name="unit"),
    path("drilldown/", views.drilldown, name="drilldown"),
    path("drilldown.xlsx", views.drilldown_export, name="drilldown_export"),
    path("import/", views.upload, name="upload"),
    path("jobs/<id:pk>/", views.report, name="report"),
    path("jobs/<id:pk>/rejected.csv", views.report_csv, name="report_csv"),
    path("batches/", views.batches, name="batches"),
    path("batches/<str:batch_id>/rejected.csv", views.batch_rejected, name="batch_rejected"),
    path("mappings/<str:name>.yaml", views.mapping_download, name="mapping"),
    path("feeds/", views.feeds, name="feeds"),
    path("criteria/", views.criteria, name="criteria"),
    path("criteria/<id:period_pk>/apply/", views.apply, name="apply"),
    path("provenance/<id:pk>/<str:code>/", views.provenance, name="provenance"),
]
