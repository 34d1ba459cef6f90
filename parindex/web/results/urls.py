from django.urls import path

from parindex.web.results import views

app_name = "results"
urlpatterns = [
    path("", views.index, name="index"),
    path("groups/<id:pk>/", views.group_ranking, name="group"),
    path("groups/<id:pk>/units/<id:unit_pk>/", views.scorecard, name="scorecard"),
    path("groups/<id:pk>/units/<id:unit_pk>/pdf/", views.scorecard_pdf, name="scorecard_pdf"),
    path("periods/<id:pk>/excel/", views.export_excel, name="export_excel"),
    path("periods/<id:pk>/pdf/", views.export_pdf, name="export_pdf"),
]
