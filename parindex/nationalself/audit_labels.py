"""How the audit trail words the national self-assessment's events (`parindex.audit.labels`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from parindex.audit import labels


def register() -> None:
    actions = {
        "assign": _("phân công cơ quan chủ trì, phối hợp"),
        "checklist": _("sửa danh mục tài liệu theo hướng dẫn"),
        "contribute": _("cập nhật số liệu, điểm đề xuất"),
        "evidence": _("dẫn chứng tài liệu"),
        "submit": _("gửi Sở Nội vụ"),
        "accept": _("chấp nhận"),
        "consolidate": _("tổng hợp điểm tự chấm"),
        "request": _("đề nghị bổ sung"),
        "answer": _("trả lời đề nghị bổ sung"),
        "package": _("lập bộ hồ sơ gửi Bộ Nội vụ"),
        "send": _("gửi Bộ Nội vụ"),
    }
    fields = {
        "checklist": _("danh mục tài liệu"),
        "assignments": _("phân công"),
        "evidence": _("tài liệu kiểm chứng"),
        "question": _("nội dung đề nghị"),
        "files": _("số tệp"),
        "total": _("tổng điểm tự chấm"),
        "survey": _("cuộc khảo sát trước của tỉnh"),
        "framework": _("bộ tiêu chí"),
        "province": _("tỉnh"),
    }
    for model in (
        "nationalselfassessment",
        "contribution",
        "checklistitem",
        "evidence",
        "package",
        "appraisedresult",
    ):
        labels.register(model, actions=actions, fields=fields)
