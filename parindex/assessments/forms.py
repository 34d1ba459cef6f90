"""Forms of the workflow pages. A leaf's input boxes come from its rule (`Rule.fields()`), so
a new rule gets its form without touching this file; forms only read input, services write."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from parindex.assessments import workflow
from parindex.assessments.models import AdjustmentReason, EvidenceDocument, Submission
from parindex.assessments.queue_selectors import STATE_FILTERS, QueueFilters
from parindex.assessments.services.transitions import PLAIN_ACTIONS
from parindex.criteria.labels import engine_text
from parindex.engine import InputField, Node, to_decimal
from parindex.formfields import DateField, DateTimeField, MultipleFileInput

VALUE_PREFIX = "v_"


def _shown_number(value: Any) -> str:
    """A stored number as a Vietnamese user types it: decimal comma, no thousands dots
    (a dot would read as a decimal point when the box is saved again)."""
    if value is None or value == "":
        return ""
    try:
        number = to_decimal(value)
    except ValueError:
        return str(value)
    return format(number, "f").replace(".", ",")


def _shown_boolean(value: Any) -> str:
    """Stored yes/no (JSON true/false from imports, "yes"/"no" from this form) as the radio key."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "yes" if str(value).strip().lower() in ("yes", "true", "1", "có", "đạt") else "no"


def _value_field(field: InputField, disabled: bool) -> forms.Field:
    label = engine_text(field.label)
    options = [(key, engine_text(option)) for key, option in field.options]
    attrs = {"aria-label": label}
    if field.kind == "option":
        return forms.ChoiceField(
            label=label,
            choices=[("", _("— chọn —")), *options],
            required=False,
            disabled=disabled,
            widget=forms.Select(attrs=attrs),
        )
    if field.kind == "boolean":
        return forms.ChoiceField(
            label=label,
            choices=options,
            required=False,
            disabled=disabled,
            widget=forms.RadioSelect,
        )
    mode = "numeric" if field.kind == "integer" else "decimal"
    return forms.CharField(
        label=label,
        required=False,
        disabled=disabled,
        max_length=40,
        widget=forms.TextInput(attrs={**attrs, "inputmode": mode, "class": "num-input"}),
    )


class ValuesForm(forms.Form):
    """The boxes of one leaf's rule, named `v_<field>`; `values()` gives the rule's input."""

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        node: Node,
        values: Mapping[str, Any] | None = None,
        disabled: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(data, **kwargs)
        assert node.rule is not None
        self.node = node
        self.input_fields = node.rule.fields()
        for field in self.input_fields:
            name = VALUE_PREFIX + field.name
            self.fields[name] = _value_field(field, disabled)
            stored = (values or {}).get(field.name)
            if stored is None:
                continue
            if field.kind in ("number", "integer"):
                self.initial[name] = _shown_number(stored)
            elif field.kind == "boolean":
                self.initial[name] = _shown_boolean(stored)
            else:
                self.initial[name] = str(stored)

    @property
    def value_fields(self) -> list[forms.BoundField]:
        return [self[VALUE_PREFIX + field.name] for field in self.input_fields]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for field in self.input_fields:
            name = VALUE_PREFIX + field.name
            raw = (data.get(name) or "").strip()
            if raw and field.kind in ("number", "integer"):
                try:
                    data[name] = str(to_decimal(raw))
                except ValueError:
                    self.add_error(name, _("«%(value)s» không phải là số.") % {"value": raw})
        return data

    def values(self) -> dict[str, Any] | None:
        """The rule's input, or None when every box is empty (the leaf is not answered)."""
        values = {
            field.name: (self.cleaned_data.get(VALUE_PREFIX + field.name) or "").strip()
            for field in self.input_fields
        }
        if not any(values.values()):
            return None
        return values


class SelfEntryForm(ValuesForm):
    """The unit's entry for one leaf, with the version it was based on."""

    note = forms.CharField(
        label=_("Ghi chú"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    written_explanation = forms.CharField(
        label=_("Giải trình (khi chưa có tài liệu kiểm chứng)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class AppraisalForm(ValuesForm):
    """The appraiser's side of one leaf."""

    reason_code = forms.ChoiceField(
        label=_("Lý do điều chỉnh"),
        choices=[("", _("— không điều chỉnh —")), *AdjustmentReason.choices],
        required=False,
    )
    comment = forms.CharField(
        label=_("Nhận xét / nguồn số liệu"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    explanation_accepted = forms.BooleanField(
        label=_("Chấp nhận giải trình thay tài liệu"), required=False
    )
    finalised = forms.BooleanField(label=_("Chốt mục này"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class MultipleFileField(forms.Field):
    """Several files from one input. The files are checked by `evidence.check_upload` (type
    from the content, size, name) in the service, so that every refusal has one wording."""

    widget = MultipleFileInput

    def clean(self, value: Any) -> list[UploadedFile]:
        files = [item for item in (value or []) if item is not None]
        if self.required and not files:
            raise forms.ValidationError(_("Chưa chọn tệp nào."), code="required")
        return files


class EvidenceUploadForm(forms.Form):
    # A declared field: the form's metaclass moves it into `base_fields`, so it never replaces
    # the form's `files` (the uploads), which is what the stubs compare it with.
    files = MultipleFileField(label=_("Tệp (PDF, DOCX, XLSX, JPG, PNG)"))  # type: ignore[assignment]
    location = forms.CharField(
        label=_("Trang/mục chứa nội dung"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("vd. tr. 3, mục II.2")}),
    )


class EvidenceLinkForm(forms.Form):
    document = forms.ModelChoiceField(
        queryset=EvidenceDocument.objects.none(), label=_("Tài liệu đã tải lên")
    )
    location = forms.CharField(label=_("Trang/mục"), required=False, max_length=200)

    def __init__(self, *args: Any, documents: QuerySet[EvidenceDocument], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        document = self.fields["document"]
        assert isinstance(document, forms.ModelChoiceField)
        document.queryset = documents


class ExplanationRequestForm(forms.Form):
    """Questions per node (an empty question leaves the node out) and a deadline."""

    deadline = DateTimeField(label=_("Hạn giải trình"))
    message = forms.CharField(
        label=_("Nội dung chung"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, codes: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.codes = codes
        for code in codes:
            self.fields[f"q_{code}"] = forms.CharField(
                label=_("Câu hỏi về mục %(code)s") % {"code": code},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def question_field(self, code: str) -> forms.BoundField:
        return self[f"q_{code}"]

    def questions(self) -> list[tuple[str, str]]:
        return [(code, self.cleaned_data.get(f"q_{code}", "")) for code in self.codes]


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Trả lời"), widget=forms.Textarea(attrs={"rows": 3}))


class TransitionForm(forms.Form):
    action = forms.ChoiceField(
        choices=[(action.value, workflow.ACTION_LABELS[action]) for action in PLAIN_ACTIONS]
    )
    reason = forms.CharField(label=_("Lý do"), required=False, max_length=1000)


class ApprovalForm(forms.Form):
    note = forms.CharField(
        label=_("Ý kiến của hội đồng"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class PublishForm(forms.Form):
    decision_number = forms.CharField(
        label=_("Số quyết định công bố"),
        max_length=80,
        widget=forms.TextInput(attrs={"placeholder": _("vd. 123/QĐ-UBND")}),
    )
    decision_date = DateField(label=_("Ngày quyết định"))


class AmendmentForm(ValuesForm):
    reason = forms.CharField(
        label=_("Lý do điều chỉnh (ghi rõ văn bản căn cứ)"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DateInput(forms.DateInput):
    def __init__(self) -> None:
        super().__init__(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "class": "date"})


class QueueFilterForm(forms.Form):
    """The filters of the appraisal queue, the council's list and the publication page (GET)."""

    q = forms.CharField(
        label=_("Tên đơn vị"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("vd. ha giang"), "class": "wide"}),
    )
    state = forms.ChoiceField(label=_("Trạng thái"), required=False)
    submission = forms.ChoiceField(
        label=_("Gửi tự đánh giá"),
        required=False,
        choices=[("", _("— tất cả —")), *Submission.choices],
    )
    appraiser = forms.TypedChoiceField(
        label=_("Thẩm định viên"), required=False, coerce=int, empty_value=None
    )
    submitted_from = forms.DateField(label=_("Gửi từ ngày"), required=False, widget=DateInput())
    submitted_to = forms.DateField(label=_("đến ngày"), required=False, widget=DateInput())

    def __init__(self, *args: Any, appraisers: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        state = self.fields["state"]
        assert isinstance(state, forms.ChoiceField)
        state.choices = [("", _("— tất cả —")), *STATE_FILTERS]
        appraiser = self.fields["appraiser"]
        assert isinstance(appraiser, forms.TypedChoiceField)
        appraiser.choices = [("", _("— tất cả —"))] + [
            (user.pk, str(user)) for user in (appraisers or [])
        ]

    def filters(self) -> QueueFilters:
        """The valid filters (an invalid box filters nothing; its error is shown)."""
        if not self.is_bound:
            return QueueFilters()
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return QueueFilters(
            state=data.get("state") or "",
            submission=data.get("submission") or "",
            q=data.get("q") or "",
            appraiser=data.get("appraiser"),
            submitted_from=data.get("submitted_from"),
            submitted_to=data.get("submitted_to"),
        )


# What the appraiser may do to many units at once, each through its own service.
BULK_ACTIONS: dict[str, Any] = {
    "start_appraisal": _("Bắt đầu thẩm định"),
    "take_unsubmitted": _("Thẩm định đơn vị không gửi tự đánh giá (đã hết hạn)"),
    "finalise": _("Kết thúc thẩm định"),
    "remind": _("Nhắc đơn vị (thông báo và thư điện tử)"),
}


class BulkActionForm(forms.Form):
    """The queue's bulk form: an action, the units ticked (or every unit shown) of a period."""

    action = forms.ChoiceField(label=_("Thao tác"), choices=list(BULK_ACTIONS.items()))
    scope = forms.ChoiceField(
        label=_("Áp dụng cho"),
        choices=[
            ("selected", _("các đơn vị đã chọn")),
            ("shown", _("mọi đơn vị đang hiển thị")),
        ],
        initial="selected",
        required=False,
    )
    period = forms.IntegerField(widget=forms.HiddenInput)

    def unit_ids(self, data: Any) -> list[int]:
        """The units to act on, in the order of the page, each once."""
        key = "shown" if self.cleaned_data.get("scope") == "shown" else "units"
        seen: list[int] = []
        for raw in data.getlist(key):
            if str(raw).isdigit() and int(raw) not in seen:
                seen.append(int(raw))
        return seen
