"""Forms of the task pages: they read input (dates typed dd/mm/yyyy), services write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from parindex.accounts.models import User
from parindex.accounts.roles import UNIT_ROLES
from parindex.tasks.models import TaskPriority, TaskSource, TaskStatus
from parindex.units.models import Unit

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


def _date_field(label: Any, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
    )


class CodeListField(forms.CharField):
    """ "1.1, 2.3" → ["1.1", "2.3"]."""

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        return [code.strip() for code in text.replace(";", ",").split(",") if code.strip()]

    def prepare_value(self, value: Any) -> Any:
        return ", ".join(value) if isinstance(value, list | tuple) else value


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Nội dung công việc"), max_length=300)
    description = forms.CharField(
        label=_("Yêu cầu cụ thể"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    unit = forms.ModelChoiceField(label=_("Đơn vị thực hiện"), queryset=Unit.objects.none())
    assignee = forms.ModelChoiceField(
        label=_("Người thực hiện (không bắt buộc)"), queryset=User.objects.none(), required=False
    )
    node_codes = CodeListField(
        label=_("Tiêu chí (mã, cách nhau bởi dấu phẩy)"), required=False, max_length=400
    )
    indicator_keys = CodeListField(label=_("Chỉ số QĐ 766"), required=False, max_length=400)
    document_number = forms.CharField(
        label=_("Số văn bản giao việc"), required=False, max_length=80
    )
    document_date = _date_field(_("Ngày văn bản"), required=False)
    deadline = _date_field(_("Hạn hoàn thành"))
    priority = forms.ChoiceField(
        label=_("Mức ưu tiên"), choices=TaskPriority.choices, initial=TaskPriority.NORMAL
    )
    # Where the task comes from (set by the page that proposed it; checked again on post).
    source = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        queryset = units if units is not None else Unit.objects.all()
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.queryset = queryset
        assignee = self.fields["assignee"]
        assert isinstance(assignee, forms.ModelChoiceField)
        assignee.queryset = User.objects.filter(
            role__in=list(UNIT_ROLES), is_active=True, unit__isnull=False
        ).select_related("unit")
        assignee.label_from_instance = lambda user: f"{user} — {user.unit}"  # type: ignore[method-assign, assignment]


class TaskEditForm(forms.Form):
    title = forms.CharField(label=_("Nội dung công việc"), max_length=300)
    description = forms.CharField(
        label=_("Yêu cầu cụ thể"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    assignee = forms.ModelChoiceField(
        label=_("Người thực hiện (không bắt buộc)"), queryset=User.objects.none(), required=False
    )
    document_number = forms.CharField(
        label=_("Số văn bản giao việc"), required=False, max_length=80
    )
    document_date = _date_field(_("Ngày văn bản"), required=False)
    deadline = _date_field(_("Hạn hoàn thành"))
    priority = forms.ChoiceField(label=_("Mức ưu tiên"), choices=TaskPriority.choices)
    status = forms.ChoiceField(
        label=_("Trạng thái"),
        choices=[
            (TaskStatus.NEW, TaskStatus.NEW.label),
            (TaskStatus.IN_PROGRESS, TaskStatus.IN_PROGRESS.label),
            (TaskStatus.DONE, _("Hoàn thành (nghiệm thu)")),
            (TaskStatus.CANCELLED, TaskStatus.CANCELLED.label),
        ],
        help_text=_("«Quá hạn» do hệ thống tính từ hạn hoàn thành."),
    )
    reason = forms.CharField(label=_("Lý do thay đổi"), required=False, max_length=500)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, unit: Unit | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        assignee = self.fields["assignee"]
        assert isinstance(assignee, forms.ModelChoiceField)
        assignee.queryset = User.objects.filter(
            role__in=list(UNIT_ROLES), is_active=True, unit=unit
        )


class ProgressForm(forms.Form):
    note = forms.CharField(
        label=_("Nội dung báo cáo"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
    progress = forms.IntegerField(label=_("Tiến độ (%)"), min_value=0, max_value=100)
    done = forms.BooleanField(label=_("Đã hoàn thành nhiệm vụ"), required=False)


class TaskFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Trạng thái"),
        required=False,
        choices=[("", _("Tất cả")), ("open", _("Chưa hoàn thành")), *TaskStatus.choices],
    )
    source = forms.ChoiceField(
        label=_("Nguồn"), required=False, choices=[("", _("Tất cả")), *TaskSource.choices]
    )
    unit = forms.ModelChoiceField(
        label=_("Đơn vị"), required=False, queryset=Unit.objects.none(), empty_label=_("Tất cả")
    )
    q = forms.CharField(label=_("Tìm"), required=False, max_length=100)

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit = self.fields["unit"]
        assert isinstance(unit, forms.ModelChoiceField)
        unit.queryset = units if units is not None else Unit.objects.none()
