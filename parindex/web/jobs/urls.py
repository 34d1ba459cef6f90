from django.urls import path

from parindex.web.jobs import views

app_name = "jobs"
urlpatterns = [
    path("<id:pk>/", views.job_detail, name="detail"),
    path("<id:pk>/result/", views.job_result, name="result"),
]
