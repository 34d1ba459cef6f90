"""Forms of the national self-assessment's pages; they read input, the services write. A leaf's
boxes come from its rule (`assessments.forms.ValuesForm`), as on a unit's self-assessment."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from parindex.assessments.forms import MultipleFileField, ValuesForm
from parindex.criteria.models import Framework
from parindex.formfields import DateField, DateTimeField
from parindex.nationaldata.models import NationalTable
from parindex.nationalself.models import ChecklistItem, Evidence
from parindex.questionnaires.models import Survey
from parindex.units.models import Unit

REASON_HELP = _("Bắt buộc khi hồ sơ đã gửi Bộ Nội vụ; ghi vào nhật ký.")


def _reason() -> forms.CharField:
    return forms.CharField(
        label=_("Lý do thay đổi sau khi gửi"), required=False, max_length=500, help_text=REASON_HELP
    )


class CreateForm(forms.Form):
    year = forms.IntegerField(label=_("Năm đánh giá"), min_value=2000, max_value=2100)
    framework = forms.ModelChoiceField(
        queryset=Framework.objects.none(), label=_("Bộ tiêu chí Chỉ số CCHC cấp tỉnh")
    )
    province = forms.ModelChoiceField(
        queryset=Unit.objects.none(), label=_("Tỉnh (đơn vị được đánh giá)")
    )
    national_name = forms.CharField(
        label=_("Tên tỉnh trong bảng kết quả của Bộ"), max_length=120, required=False
    )
    ministry_deadline = DateTimeField(label=_("Hạn gửi Bộ Nội vụ"))
    name = forms.CharField(label=_("Tên (để trống: tự đặt)"), max_length=200, required=False)

    def __init__(
        self, *args: Any, frameworks: QuerySet[Framework], provinces: QuerySet[Unit], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["framework"].queryset = frameworks  # type: ignore[attr-defined]
        self.fields["province"].queryset = provinces  # type: ignore[attr-defined]


class EditForm(forms.Form):
    name = forms.CharField(label=_("Tên"), max_length=200)
    national_name = forms.CharField(
        label=_("Tên tỉnh trong bảng kết quả của Bộ"), max_length=120, required=False
    )
    ministry_deadline = DateTimeField(label=_("Hạn gửi Bộ Nội vụ"))
    note = forms.CharField(
        label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    reason = _reason()


class AssignForm(forms.Form):
    codes = forms.MultipleChoiceField(
        label=_("Tiêu chí thành phần"), widget=forms.CheckboxSelectMultiple
    )
    lead = forms.ModelChoiceField(
        queryset=Unit.objects.none(),
        label=_("Cơ quan chủ trì"),
        required=False,
        empty_label=_("— bỏ phân công —"),
    )
    supporting = forms.ModelMultipleChoiceField(
        queryset=Unit.objects.none(),
        label=_("Cơ quan phối hợp"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    deadline = DateField(label=_("Hạn gửi Sở Nội vụ"), required=False)
    reason = _reason()

    def __init__(
        self, *args: Any, codes: list[tuple[str, str]], units: QuerySet[Unit], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["codes"].choices = codes  # type: ignore[attr-defined]
        self.fields["lead"].queryset = units  # type: ignore[attr-defined]
        self.fields["supporting"].queryset = units  # type: ignore[attr-defined]


class ChecklistForm(forms.Form):
    node_code = forms.ChoiceField(label=_("Tiêu chí thành phần"))
    title = forms.CharField(label=_("Tài liệu cần có"), max_length=300)
    required = forms.BooleanField(label=_("Bắt buộc"), required=False, initial=True)
    reason = _reason()

    def __init__(self, *args: Any, codes: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["node_code"].choices = codes  # type: ignore[attr-defined]


class ContributionForm(ValuesForm):
    """The department's figures for one leaf, with its explanation of gaps."""

    gap_explanation = forms.CharField(
        label=_("Giải trình phần còn thiếu (tài liệu chưa có, kết quả chưa đạt)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ReviewForm(ValuesForm):
    """Home Affairs' side of one leaf: accept (with these values), set the consolidated values,
    or ask for more."""

    ACTIONS = (
        ("accept", _("Chấp nhận")),
        ("consolidate", _("Chỉ cập nhật số liệu tổng hợp")),
        ("return", _("Đề nghị bổ sung")),
    )
    action = forms.ChoiceField(label=_("Xử lý"), choices=ACTIONS, widget=forms.RadioSelect)
    explanation_accepted = forms.BooleanField(
        label=_("Chấp nhận giải trình thay tài liệu còn thiếu"), required=False
    )
    note = forms.CharField(
        label=_("Nhận xét"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    question = forms.CharField(
        label=_("Nội dung đề nghị bổ sung"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    deadline = DateField(label=_("Hạn bổ sung"), required=False)
    reason = _reason()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("action") == "return":
            if not (data.get("question") or "").strip():
                self.add_error("question", _("Hãy ghi nội dung cần bổ sung."))
            if not data.get("deadline"):
                self.add_error("deadline", _("Hãy ghi hạn bổ sung."))
        return data


class EvidenceForm(forms.Form):
    files = MultipleFileField(label=_("Tệp (PDF, DOCX, XLSX, JPG, PNG)"))  # type: ignore[assignment]
    document_number = forms.CharField(label=_("Số, ký hiệu văn bản"), max_length=80, required=False)
    document_date = DateField(label=_("Ngày ban hành"), required=False)
    document_title = forms.CharField(label=_("Trích yếu"), max_length=300, required=False)
    checklist_item = forms.ModelChoiceField(
        queryset=ChecklistItem.objects.none(),
        label=_("Là tài liệu theo hướng dẫn"),
        required=False,
        empty_label=_("— tài liệu khác —"),
    )
    location = forms.CharField(
        label=_("Trang/mục chứa nội dung"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("vd. tr. 3, mục II.2")}),
    )
    reason = _reason()

    def __init__(self, *args: Any, items: QuerySet[ChecklistItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["checklist_item"].queryset = items  # type: ignore[attr-defined]


class LinkForm(forms.Form):
    evidence = forms.ModelChoiceField(
        queryset=Evidence.objects.none(), label=_("Tài liệu đã tải lên")
    )
    checklist_item = forms.ModelChoiceField(
        queryset=ChecklistItem.objects.none(),
        label=_("Là tài liệu theo hướng dẫn"),
        required=False,
        empty_label=_("— tài liệu khác —"),
    )
    location = forms.CharField(label=_("Trang/mục"), required=False, max_length=200)
    reason = _reason()

    def __init__(
        self,
        *args: Any,
        documents: QuerySet[Evidence],
        items: QuerySet[ChecklistItem],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["evidence"].queryset = documents  # type: ignore[attr-defined]
        self.fields["checklist_item"].queryset = items  # type: ignore[attr-defined]


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Trả lời"), widget=forms.Textarea(attrs={"rows": 2}))


class PackageForm(forms.Form):
    proposals = forms.CharField(
        label=_("Kiến nghị, đề xuất (mục IV của báo cáo)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reason = _reason()


class SendForm(forms.Form):
    dispatch_number = forms.CharField(
        label=_("Số văn bản gửi Bộ Nội vụ"), max_length=80, required=False
    )
    reason = _reason()


class AppraisedFileForm(forms.Form):
    file = forms.FileField(label=_("Tệp kết quả (CSV, XLSX)"))
    source = forms.CharField(
        label=_("Nguồn"),
        max_length=500,
        help_text=_("Văn bản của Bộ Nội vụ gửi kết quả thẩm định (số, ngày)."),
    )
    is_example = forms.BooleanField(
        label=_("Số liệu ví dụ (không phải kết quả thật)"), required=False
    )


class AppraisedTableForm(forms.Form):
    table = forms.ModelChoiceField(
        queryset=NationalTable.objects.none(), label=_("Bảng kết quả đã nhập")
    )

    def __init__(self, *args: Any, tables: QuerySet[NationalTable], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["table"].queryset = tables  # type: ignore[attr-defined]


class TargetForm(forms.Form):
    target = forms.IntegerField(label=_("Hạng mục tiêu"), min_value=1, required=False)


class SurveyLinkForm(forms.Form):
    survey = forms.ModelChoiceField(
        queryset=Survey.objects.none(),
        label=_("Cuộc khảo sát trước của tỉnh"),
        required=False,
        empty_label=_("— không gắn —"),
    )
    reason = _reason()

    def __init__(self, *args: Any, surveys: QuerySet[Survey], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["survey"].queryset = surveys  # type: ignore[attr-defined]
