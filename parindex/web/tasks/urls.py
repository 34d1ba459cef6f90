from django.urls import path

from parindex.web.tasks import views

app_name = "tasks"
urlpatterns = [
    path("", views.task_list, name="list"),
    path("overdue/", views.board, name="board"),
    path("new/", views.create, name="create"),
    path("<id:pk>/", views.detail, name="detail"),
    path("<id:pk>/edit/", views.edit, name="edit"),
    path("<id:pk>/progress/", views.progress, name="progress"),
    path("evidence/<id:pk>/", views.evidence, name="evidence"),
    path("export/", views.export, name="export"),
    path("daily/", views.daily, name="daily"),
]
