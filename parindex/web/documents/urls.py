from django.urls import path

from parindex.web.documents import views

app_name = "documents"
urlpatterns = [
    path("", views.index, name="index"),
    path("periods/<id:pk>/decision/", views.decision, name="decision"),
    path("periods/<id:pk>/report/", views.report, name="report"),
    path("periods/<id:pk>/plan/", views.plan, name="plan"),
    path("assessments/<id:pk>/self-report/", views.self_report, name="self_report"),
    path("groups/<id:pk>/units/<id:unit_pk>/", views.unit_report, name="unit_report"),
]
