from django.urls import path

from parindex.web.national import views

app_name = "national"
urlpatterns = [
    path("", views.index, name="index"),
    path("import/", views.upload, name="upload"),
    path("report/", views.report_docx, name="report_docx"),
]
