from django.urls import path

from parindex.web.documents import views

app_name = "documents"
urlpatterns = [
    path("", views.index, name="index"),
    path("periods/<int:pk>/decision/", views.decision, name="decision"),
    path("periods/<int:pk>/report/", views.report, name="report"),
    path("periods/<int:pk>/plan/", views.plan, name="plan"),
    path("assessments/<int:pk>/self-report/", views.self_report, name="self_report"),
    path("groups/<int:pk>/units/<int:unit_pk>/", views.unit_report, name="unit_report"),
]
