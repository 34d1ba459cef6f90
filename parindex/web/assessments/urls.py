from django.urls import path

from parindex.web.assessments import (
    views_appraisal,
    views_audit,
    views_notifications,
    views_print,
    views_queue,
    views_unit,
)

app_name = "assessments"
urlpatterns = [
    # The unit's side.
    path("", views_unit.my_assessments, name="mine"),
    path("<id:pk>/", views_unit.assessment_self, name="self"),
    path("<id:pk>/print/", views_print.self_print, name="self_print"),
    path("<id:pk>/areas/<str:code>/", views_unit.self_area, name="self_area"),
    path("<id:pk>/nodes/<str:code>/", views_unit.entry_save, name="entry_save"),
    path("<id:pk>/nodes/<str:code>/preview/", views_unit.entry_preview, name="entry_preview"),
    path("<id:pk>/nodes/<str:code>/evidence/", views_unit.evidence_upload, name="evidence_upload"),
    path(
        "<id:pk>/nodes/<str:code>/evidence/reuse/", views_unit.evidence_link, name="evidence_link"
    ),
    path(
        "<id:pk>/evidence-links/<id:link_pk>/remove/",
        views_unit.evidence_unlink,
        name="evidence_unlink",
    ),
    path("evidence/<id:pk>/", views_unit.evidence_download, name="evidence_download"),
    path("<id:pk>/submit/", views_unit.submit, name="submit"),
    path("<id:pk>/explanations/<id:request_pk>/", views_unit.explanation, name="explanation"),
    path(
        "<id:pk>/explanations/items/<id:item_pk>/",
        views_unit.explanation_answer,
        name="explanation_answer",
    ),
    path(
        "<id:pk>/explanations/<id:request_pk>/send/",
        views_unit.explanation_send,
        name="explanation_send",
    ),
    # The province's side.
    path("queue/", views_queue.queue, name="queue"),
    path("queue/bulk/", views_queue.bulk, name="bulk"),
    path(
        "periods/<id:period_pk>/units/<id:unit_pk>/take/",
        views_queue.take_unsubmitted,
        name="take",
    ),
    path("<id:pk>/appraise/", views_appraisal.appraise, name="appraise"),
    path("<id:pk>/appraise/areas/<str:code>/", views_appraisal.appraise_area, name="appraise_area"),
    path("<id:pk>/appraise/<str:code>/", views_appraisal.appraise_entry, name="appraise_entry"),
    path("<id:pk>/transition/", views_appraisal.transition, name="transition"),
    path(
        "<id:pk>/request-explanation/",
        views_appraisal.explanation_request,
        name="explanation_request",
    ),
    path("council/", views_appraisal.council, name="council"),
    path("groups/<id:group_pk>/review/", views_appraisal.group_review, name="group_review"),
    path("publication/", views_appraisal.publication_list, name="publication"),
    path("publication/<id:period_pk>/", views_appraisal.publish, name="publish"),
    path("<id:pk>/amend/", views_appraisal.amend, name="amend"),
    # The audit trail.
    path("<id:pk>/history/", views_audit.history, name="history"),
    path("<id:pk>/history.xlsx", views_audit.history_export, name="history_export"),
    # Notifications.
    path("notifications/", views_notifications.notification_list, name="notifications"),
    path(
        "notifications/<id:pk>/open/",
        views_notifications.notification_open,
        name="notification_open",
    ),
    path(
        "notifications/read-all/",
        views_notifications.notification_read_all,
        name="notifications_read_all",
    ),
]
