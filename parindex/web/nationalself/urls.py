from django.urls import path

from parindex.web.nationalself import views, views_after, views_node

app_name = "nationalself"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("<id:pk>/", views.detail, name="detail"),
    path("<id:pk>/edit/", views.edit, name="edit"),
    path("<id:pk>/board/", views.board, name="board"),
    path("<id:pk>/remind/", views.remind, name="remind"),
    path("<id:pk>/assignments/", views.assignments, name="assignments"),
    path("<id:pk>/checklist/", views.checklist, name="checklist"),
    path(
        "<id:pk>/checklist/<id:item>/delete/",
        views.checklist_delete,
        name="checklist_delete",
    ),
    path("<id:pk>/node/<str:code>/", views_node.node, name="node"),
    path("<id:pk>/node/<str:code>/save/", views_node.node_save, name="node_save"),
    path("<id:pk>/node/<str:code>/evidence/", views_node.node_evidence, name="node_evidence"),
    path("<id:pk>/node/<str:code>/link/", views_node.node_link, name="node_link"),
    path(
        "<id:pk>/node/<str:code>/unlink/<id:link>/",
        views_node.node_unlink,
        name="node_unlink",
    ),
    path("<id:pk>/node/<str:code>/submit/", views_node.node_submit, name="node_submit"),
    path(
        "<id:pk>/node/<str:code>/answer/<id:request_pk>/",
        views_node.node_answer,
        name="node_answer",
    ),
    path("<id:pk>/node/<str:code>/review/", views_node.node_review, name="node_review"),
    path("evidence/<id:pk>/", views_node.evidence, name="evidence"),
    path("<id:pk>/package/", views_after.package, name="package"),
    path("package/<id:pk>/send/", views_after.package_send_view, name="package_send"),
    path("package/<id:pk>/<str:kind>/", views_after.package_file, name="package_file"),
    path("<id:pk>/appraised/", views_after.appraised, name="appraised"),
    path("<id:pk>/compare/", views_after.compare, name="compare"),
    path("<id:pk>/compare/<str:code>/task/", views_after.gap_task, name="gap_task"),
    path("<id:pk>/estimate/", views_after.estimate, name="estimate"),
]
