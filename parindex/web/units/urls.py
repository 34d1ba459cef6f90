from django.urls import path

from parindex.web.units import views

app_name = "units"
urlpatterns = [
    path("", views.unit_list, name="list"),
    path("new/", views.unit_create, name="create"),
    path("import/", views.unit_import, name="import"),
    path("export.xlsx", views.unit_export, name="export"),
    path("<id:pk>/", views.unit_detail, name="detail"),
    path("<id:pk>/edit/", views.unit_edit, name="edit"),
    path("<id:pk>/lineage/", views.lineage_add, name="lineage_add"),
]
