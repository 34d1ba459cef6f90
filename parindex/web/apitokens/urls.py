from django.urls import path

from parindex.web.apitokens import views

app_name = "apitokens"
urlpatterns = [
    path("", views.token_list, name="list"),
    path("<id:pk>/", views.token_detail, name="detail"),
    path("<id:pk>/revoke/", views.token_revoke, name="revoke"),
]
