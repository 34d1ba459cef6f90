from django.urls import path

from parindex.web.criteria import views

app_name = "frameworks"
urlpatterns = [
    path("", views.framework_list, name="list"),
    path("import/", views.framework_import, name="import"),
    path("<id:pk>/", views.framework_detail, name="detail"),
    path("<id:pk>/nodes/<str:code>/edit/", views.node_edit, name="node_edit"),
    path("<id:pk>/publish/", views.framework_publish, name="publish"),
    path("<id:pk>/clone/", views.framework_clone, name="clone"),
    path("<id:pk>/export.<str:fmt>", views.framework_export, name="export"),
]
