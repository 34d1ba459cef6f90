from django.urls import path

from parindex.web.criteria import views

app_name = "frameworks"
urlpatterns = [
    path("", views.framework_list, name="list"),
    path("import/", views.framework_import, name="import"),
    path("<int:pk>/", views.framework_detail, name="detail"),
    path("<int:pk>/nodes/<str:code>/edit/", views.node_edit, name="node_edit"),
    path("<int:pk>/publish/", views.framework_publish, name="publish"),
    path("<int:pk>/clone/", views.framework_clone, name="clone"),
    path("<int:pk>/export.<str:fmt>", views.framework_export, name="export"),
]
