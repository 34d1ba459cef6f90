from django.urls import path

from parindex.web.periods import views

app_name = "periods"
urlpatterns = [
    path("", views.period_list, name="list"),
    path("new/", views.period_create, name="create"),
    path("<int:pk>/", views.period_detail, name="detail"),
    path("<int:pk>/edit/", views.period_edit, name="edit"),
    path("<int:pk>/groups/new/", views.group_edit, name="group_create"),
    path("<int:pk>/groups/<int:group_pk>/edit/", views.group_edit, name="group_edit"),
    path("<int:pk>/extensions/new/", views.extension_add, name="extension_add"),
]
