from django.urls import path

from parindex.web.periods import views

app_name = "periods"
urlpatterns = [
    path("", views.period_list, name="list"),
    path("new/", views.period_create, name="create"),
    path("<id:pk>/", views.period_detail, name="detail"),
    path("<id:pk>/edit/", views.period_edit, name="edit"),
    path("<id:pk>/groups/new/", views.group_edit, name="group_create"),
    path("<id:pk>/groups/<id:group_pk>/edit/", views.group_edit, name="group_edit"),
    path("<id:pk>/extensions/new/", views.extension_add, name="extension_add"),
]
