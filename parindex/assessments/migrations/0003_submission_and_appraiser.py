# How each unit sent its self-assessment (on time, late, not at all), the appraiser who took
# the assessment, and the reason code for scoring a unit that never submitted.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def fill_existing(apps, schema_editor):
    """Assessments sent before this field existed: on time unless sent after the period's
    deadline (inside an extension); the appraiser is whoever started the appraisal."""
    Assessment = apps.get_model("assessments", "Assessment")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    for assessment in Assessment.objects.filter(submitted_at__isnull=False).select_related(
        "period"
    ):
        late = assessment.submitted_at > assessment.period.self_assessment_closes
        assessment.submission = "late" if late else "on_time"
        assessment.save(update_fields=["submission"])
    starts = AuditEvent.objects.filter(
        object_type="assessment", action="start_appraisal", actor__isnull=False
    ).order_by("at", "id")
    for event in starts:
        if event.object_id.isdigit():
            Assessment.objects.filter(pk=int(event.object_id), appraiser__isnull=True).update(
                appraiser_id=event.actor_id
            )


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0002_notification_message_id"),
        ("audit", "0002_auditevent_scope_id_auditevent_scope_type"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="assessment",
            name="appraiser",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="thẩm định viên",
            ),
        ),
        migrations.AddField(
            model_name="assessment",
            name="submission",
            field=models.CharField(
                blank=True,
                choices=[
                    ("on_time", "Gửi đúng hạn"),
                    ("late", "Gửi muộn"),
                    ("not_submitted", "Không gửi"),
                ],
                max_length=20,
                verbose_name="gửi tự đánh giá",
            ),
        ),
        migrations.AlterField(
            model_name="nodeentry",
            name="reason_code",
            field=models.CharField(
                blank=True,
                choices=[
                    ("no_evidence", "Không có hoặc thiếu tài liệu kiểm chứng"),
                    ("evidence_mismatch", "Tài liệu không khớp với điểm tự chấm"),
                    ("wrong_figures", "Số liệu không chính xác"),
                    ("out_of_period", "Kết quả ngoài kỳ đánh giá"),
                    ("late", "Thực hiện không đúng thời hạn"),
                    ("misapplied_rule", "Áp dụng sai hướng dẫn chấm"),
                    (
                        "not_submitted",
                        "Đơn vị không gửi tự đánh giá; chấm theo tài liệu có được",
                    ),
                    ("other", "Lý do khác"),
                ],
                max_length=30,
                verbose_name="lý do điều chỉnh",
            ),
        ),
        migrations.RunPython(fill_existing, migrations.RunPython.noop),
    ]
