"""The audit page's filters: who, which unit, which action, which type of object, which days."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from parindex.accounts.models import User
from parindex.audit import labels
from parindex.audit.models import SYSTEM_ACTOR, AuditEvent
from parindex.formfields import DateField
from parindex.units.models import Unit


class EventFilterForm(forms.Form):
    actor = forms.ChoiceField(label=_("Người thực hiện"), required=False)
    unit = forms.ModelChoiceField(
        label=_("Đơn vị"),
        queryset=Unit.objects.order_by("name", "code"),
        required=False,
        empty_label=_("Mọi đơn vị"),
    )
    action = forms.ChoiceField(label=_("Hành động"), required=False)
    type = forms.ChoiceField(label=_("Loại đối tượng"), required=False)
    start = DateField(label=_("Từ ngày"), required=False)
    end = DateField(label=_("Đến ngày"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        actors = User.objects.filter(
            pk__in=AuditEvent.objects.filter(actor__isnull=False).values("actor_id")
        ).order_by("full_name", "username")
        self._choices(
            "actor",
            _("Mọi người thực hiện"),
            [(labels.SYSTEM, gettext(SYSTEM_ACTOR))]
            + [(str(user.pk), str(user)) for user in actors],
        )
        events = AuditEvent.objects.order_by()
        actions = events.values_list("action", flat=True).distinct()
        self._choices(
            "action",
            _("Mọi hành động"),
            sorted(((code, labels.action_label(code)) for code in actions), key=_by_label),
        )
        types = events.values_list("object_type", flat=True).distinct()
        self._choices(
            "type",
            _("Mọi loại đối tượng"),
            sorted(((code, labels.object_type_label(code)) for code in types), key=_by_label),
        )

    def _choices(self, name: str, everything: Any, choices: list[tuple[str, str]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        # A value asked for that no event has yet (a bookmarked filter) still filters: to none.
        asked = str(self.data.get(name, "")) if self.is_bound else ""
        if asked and asked not in {code for code, _label in choices} and name != "actor":
            label = (
                labels.action_label(asked) if name == "action" else labels.object_type_label(asked)
            )
            choices = [*choices, (asked, label)]
        field.choices = [("", everything), *choices]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("Ngày cuối phải từ ngày đầu trở đi."))
        return data

    def wanted(self) -> labels.EventFilter:
        """The filter the form asks for (nothing filtered while it is invalid)."""
        if not self.is_valid():
            return labels.EventFilter()
        data = self.cleaned_data
        unit = data.get("unit")
        return labels.EventFilter(
            actor=data.get("actor") or "",
            unit=unit.pk if unit is not None else None,
            action=data.get("action") or "",
            object_type=data.get("type") or "",
            start=data.get("start"),
            end=data.get("end"),
        )


def _by_label(choice: tuple[str, str]) -> str:
    return choice[1].casefold()
