"""The province's own self-assessment in the national PAR INDEX (docs/national-self-assessment.md).

In the national index the province is the assessed unit and the Ministry of Home Affairs the
appraiser; inside the province, Home Affairs collects each sub-criterion's documents and
figures from the departments responsible. One `NationalSelfAssessment` per year holds it:

- the national framework of the year (a framework with `kind: national`) and the province
  (`Unit`) it assesses, the Ministry's deadline, the name the province has in the Ministry's
  tables;
- per leaf the documents the Ministry's guidance asks for (`ChecklistItem`, configured per
  year) and one `Contribution`: who leads it and who supports it (chủ trì, phối hợp) by when,
  the figures the rule needs, the score the department proposes, its explanation of gaps, and
  Home Affairs' review (accepted, or more asked with a `NodeRequest`) and consolidated values,
  which the engine scores;
- the evidence (`Evidence`, checked and stored once per content, with document number and
  date; `EvidenceLink` cites it for a node and a checklist item);
- the generated submission packages (`Package`: the report DOCX and the evidence archive
  with its manifest), the last one sent locks the assessment (later changes need a reason);
- after the Ministry publishes, the appraised result (`AppraisedResult` and its
  `AppraisedPoint` rows: per sub-criterion, or per area from a national table).

Every change goes through `parindex.nationalself.services`, which audits it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SelfState(models.TextChoices):
    COLLECTING = "collecting", _("Đang thu thập, tổng hợp")
    SENT = "sent", _("Đã gửi Bộ Nội vụ")


class NationalSelfAssessment(models.Model):
    year = models.PositiveSmallIntegerField(_("năm đánh giá"), unique=True)
    name = models.CharField(_("tên"), max_length=200)
    framework = models.ForeignKey(
        "criteria.Framework",
        on_delete=models.PROTECT,
        related_name="national_self_assessments",
        verbose_name=_("bộ tiêu chí Chỉ số CCHC cấp tỉnh"),
    )
    province = models.ForeignKey(
        "units.Unit",
        on_delete=models.PROTECT,
        related_name="national_self_assessments",
        verbose_name=_("tỉnh (đơn vị được đánh giá)"),
    )
    national_name = models.CharField(
        _("tên tỉnh trong bảng kết quả của Bộ"),
        max_length=120,
        blank=True,
        help_text=_("Tên trong bảng kết quả Chỉ số CCHC cấp tỉnh do Bộ Nội vụ công bố."),
    )
    ministry_deadline = models.DateTimeField(_("hạn gửi Bộ Nội vụ"))
    state = models.CharField(
        _("trạng thái"), max_length=20, choices=SelfState.choices, default=SelfState.COLLECTING
    )
    sent_at = models.DateTimeField(_("ngày gửi Bộ Nội vụ"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The province's own pre-survey on the national questionnaire's themes (an estimate).
    survey = models.ForeignKey(
        "questionnaires.Survey",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cuộc khảo sát trước của tỉnh"),
    )
    is_example = models.BooleanField(
        _("dữ liệu ví dụ"),
        default=False,
        help_text=_("Số liệu sinh minh họa: mọi trang và văn bản đều ghi rõ."),
    )
    note = models.TextField(_("ghi chú"), blank=True)
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-year"]
        verbose_name = _("tự đánh giá Chỉ số CCHC cấp tỉnh")
        verbose_name_plural = _("tự đánh giá Chỉ số CCHC cấp tỉnh")

    def __str__(self) -> str:
        return self.name

    @property
    def is_sent(self) -> bool:
        return self.state == SelfState.SENT


class ChecklistItem(models.Model):
    """A document the Ministry's guidance asks for to prove one leaf, in one year."""

    assessment = models.ForeignKey(
        NationalSelfAssessment, on_delete=models.CASCADE, related_name="checklist"
    )
    node_code = models.CharField(_("mã tiêu chí"), max_length=40)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    title = models.CharField(_("tài liệu cần có"), max_length=300)
    required = models.BooleanField(_("bắt buộc"), default=True)

    class Meta:
        ordering = ["assessment", "node_code", "position", "id"]
        verbose_name = _("tài liệu theo hướng dẫn của Bộ")
        verbose_name_plural = _("danh mục tài liệu theo hướng dẫn của Bộ")

    def __str__(self) -> str:
        return f"{self.node_code}: {self.title}"


class ContributionStatus(models.TextChoices):
    OPEN = "open", _("Chưa gửi")
    SUBMITTED = "submitted", _("Đã gửi, chờ Sở Nội vụ xem")
    RETURNED = "returned", _("Sở Nội vụ đề nghị bổ sung")
    ACCEPTED = "accepted", _("Sở Nội vụ đã chấp nhận")


class Contribution(models.Model):
    """One leaf of the national framework in the province's work: who provides it by when, what
    the department provided, and what Home Affairs consolidated."""

    assessment = models.ForeignKey(
        NationalSelfAssessment, on_delete=models.CASCADE, related_name="contributions"
    )
    node_code = models.CharField(_("mã tiêu chí"), max_length=40)
    # Who: the lead department (chủ trì) and the supporting ones (phối hợp), by when.
    lead = models.ForeignKey(
        "units.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cơ quan chủ trì"),
    )
    supporting = models.ManyToManyField(
        "units.Unit", blank=True, related_name="+", verbose_name=_("cơ quan phối hợp")
    )
    deadline = models.DateField(_("hạn gửi Sở Nội vụ"), null=True, blank=True)
    # What the departments provide.
    values = models.JSONField(_("số liệu"), null=True, blank=True)
    proposed_points = models.DecimalField(
        _("điểm đề xuất"), max_digits=9, decimal_places=4, null=True, blank=True
    )
    gap_explanation = models.TextField(
        _("giải trình phần còn thiếu"),
        blank=True,
        help_text=_("Tài liệu chưa có hoặc chưa đầy đủ, kết quả chưa đạt: nêu lý do."),
    )
    status = models.CharField(
        _("tình trạng"),
        max_length=20,
        choices=ContributionStatus.choices,
        default=ContributionStatus.OPEN,
    )
    submitted_at = models.DateTimeField(_("ngày gửi Sở Nội vụ"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Home Affairs' side: the values the province claims (scored by the engine).
    consolidated_values = models.JSONField(_("số liệu tổng hợp"), null=True, blank=True)
    consolidated_points = models.DecimalField(
        _("điểm tự chấm của tỉnh"), max_digits=9, decimal_places=4, null=True, blank=True
    )
    explanation_accepted = models.BooleanField(
        _("chấp nhận giải trình thay tài liệu"), default=False
    )
    review_note = models.TextField(_("nhận xét của Sở Nội vụ"), blank=True)
    reviewed_at = models.DateTimeField(_("ngày xem xét"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The deadline a reminder (before it) and a lateness notice (after it) were last sent for:
    # the daily check sends each once per deadline.
    reminded_for = models.DateField(null=True, blank=True)
    late_notified_for = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["assessment", "id"]
        verbose_name = _("tiêu chí được phân công")
        verbose_name_plural = _("tiêu chí được phân công")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "node_code"], name="one_contribution_per_node"
            )
        ]
        indexes = [models.Index(fields=["assessment", "lead"])]

    def __str__(self) -> str:
        return f"{self.assessment.year} / {self.node_code}"


class Evidence(models.Model):
    """A document sent by a department, stored once per self-assessment under a generated
    name (same SHA-256, same document), with the number and date it was issued under."""

    assessment = models.ForeignKey(
        NationalSelfAssessment, on_delete=models.PROTECT, related_name="evidence"
    )
    department = models.ForeignKey(
        "units.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cơ quan cung cấp"),
    )
    file = models.FileField(_("tệp"), upload_to="national-evidence/%Y/")
    original_name = models.CharField(_("tên tệp gốc"), max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField(_("dung lượng"))
    content_type = models.CharField(_("loại tệp"), max_length=100)
    document_number = models.CharField(_("số, ký hiệu văn bản"), max_length=80, blank=True)
    document_date = models.DateField(_("ngày ban hành"), null=True, blank=True)
    document_title = models.CharField(_("trích yếu"), max_length=300, blank=True)
    uploaded_at = models.DateTimeField(_("ngày tải lên"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("tài liệu kiểm chứng (Chỉ số cấp tỉnh)")
        verbose_name_plural = _("tài liệu kiểm chứng (Chỉ số cấp tỉnh)")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "sha256"], name="national_evidence_once")
        ]

    def __str__(self) -> str:
        return self.original_name


class EvidenceLink(models.Model):
    """A document cited for one leaf (and the checklist item it answers), with the page."""

    evidence = models.ForeignKey(Evidence, on_delete=models.PROTECT, related_name="links")
    contribution = models.ForeignKey(
        Contribution, on_delete=models.CASCADE, related_name="evidence_links"
    )
    checklist_item = models.ForeignKey(
        ChecklistItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="links",
        verbose_name=_("tài liệu theo hướng dẫn"),
    )
    location = models.CharField(_("trang/mục"), max_length=200, blank=True)
    linked_at = models.DateTimeField(auto_now_add=True)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["linked_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["evidence", "contribution"], name="national_evidence_linked_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.evidence} → {self.contribution.node_code}"


class NodeRequest(models.Model):
    """Home Affairs asks the departments of one leaf for more; the lead answers."""

    contribution = models.ForeignKey(
        Contribution, on_delete=models.CASCADE, related_name="requests"
    )
    question = models.TextField(_("nội dung đề nghị"))
    deadline = models.DateField(_("hạn bổ sung"))
    asked_at = models.DateTimeField(_("ngày đề nghị"), auto_now_add=True)
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    answer = models.TextField(_("trả lời"), blank=True)
    answered_at = models.DateTimeField(_("ngày trả lời"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["asked_at", "id"]
        verbose_name = _("đề nghị bổ sung")
        verbose_name_plural = _("đề nghị bổ sung")

    def __str__(self) -> str:
        return f"{self.contribution.node_code}: {self.question[:60]}"

    @property
    def is_open(self) -> bool:
        return self.answered_at is None


class PackageState(models.TextChoices):
    GENERATED = "generated", _("Đã lập")
    SENT = "sent", _("Đã gửi Bộ Nội vụ")


class Package(models.Model):
    """One generated submission: the report (DOCX) and the evidence archive (ZIP) with its
    manifest, as they were when generated."""

    assessment = models.ForeignKey(
        NationalSelfAssessment, on_delete=models.CASCADE, related_name="packages"
    )
    state = models.CharField(
        _("trạng thái"), max_length=20, choices=PackageState.choices, default=PackageState.GENERATED
    )
    report = models.FileField(_("báo cáo tự đánh giá"), upload_to="national-packages/%Y/")
    report_name = models.CharField(max_length=200)
    report_sha256 = models.CharField(max_length=64)
    archive = models.FileField(_("hồ sơ tài liệu kiểm chứng"), upload_to="national-packages/%Y/")
    archive_name = models.CharField(max_length=200)
    archive_sha256 = models.CharField(max_length=64)
    # [{path, name, sha256, size, node, department, number, date}] as written in the archive.
    manifest = models.JSONField(_("danh mục tệp"), default=list)
    total = models.DecimalField(_("tổng điểm tự chấm"), max_digits=9, decimal_places=4)
    created_at = models.DateTimeField(_("ngày lập"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    dispatch_number = models.CharField(_("số văn bản gửi Bộ"), max_length=80, blank=True)
    sent_at = models.DateTimeField(_("ngày gửi"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("bộ hồ sơ gửi Bộ Nội vụ")
        verbose_name_plural = _("bộ hồ sơ gửi Bộ Nội vụ")

    def __str__(self) -> str:
        return self.archive_name


class ResultLevel(models.TextChoices):
    NODE = "node", _("Theo tiêu chí, tiêu chí thành phần")
    AREA = "area", _("Theo lĩnh vực (bảng kết quả công bố)")


class AppraisedResult(models.Model):
    """The Ministry's appraised result of the year as the province received it (the latest
    import is the one shown)."""

    assessment = models.ForeignKey(
        NationalSelfAssessment, on_delete=models.CASCADE, related_name="appraised_results"
    )
    level = models.CharField(_("mức chi tiết"), max_length=10, choices=ResultLevel.choices)
    source = models.TextField(_("nguồn"))
    is_example = models.BooleanField(_("số liệu ví dụ"), default=False)
    file_name = models.CharField(_("tên tệp"), max_length=255, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    table = models.ForeignKey(
        "nationaldata.NationalTable",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bảng kết quả"),
    )
    imported_at = models.DateTimeField(_("ngày nhập"), auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-imported_at", "-id"]
        verbose_name = _("kết quả thẩm định của Bộ Nội vụ")
        verbose_name_plural = _("kết quả thẩm định của Bộ Nội vụ")

    def __str__(self) -> str:
        return self.file_name or self.source[:80]


class LossCategory(models.TextChoices):
    NO_EVIDENCE = "no_evidence", _("Không có hoặc thiếu tài liệu kiểm chứng")
    LATE = "late", _("Thực hiện hoặc gửi không đúng thời hạn")
    BELOW_TARGET = "below_target", _("Kết quả chưa đạt yêu cầu của tiêu chí")
    SURVEY = "survey", _("Điều tra xã hội học")


class AppraisedPoint(models.Model):
    result = models.ForeignKey(AppraisedResult, on_delete=models.CASCADE, related_name="points")
    node_code = models.CharField(_("mã tiêu chí"), max_length=40)
    points = models.DecimalField(_("điểm thẩm định"), max_digits=12, decimal_places=6)
    reason = models.TextField(_("lý do"), blank=True)
    # As the file said it (blank: read from the reason and the province's own record).
    category = models.CharField(
        _("nhóm lý do"), max_length=20, choices=LossCategory.choices, blank=True
    )

    class Meta:
        ordering = ["result", "id"]
        constraints = [
            models.UniqueConstraint(fields=["result", "node_code"], name="appraised_point_once")
        ]

    def __str__(self) -> str:
        return f"{self.node_code}: {self.points}"
