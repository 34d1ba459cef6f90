from django.urls import path

from parindex.web.accounts import two_factor, views

app_name = "accounts"
urlpatterns = [
    path("", views.user_list, name="list"),
    path("new/", views.user_create, name="create"),
    path("<id:pk>/edit/", views.user_edit, name="edit"),
    path("<id:pk>/two-factor/reset/", two_factor.reset, name="two_factor_reset"),
]
