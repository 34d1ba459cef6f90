"""How the audit trail words the periods' events (`parindex.audit.labels`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from parindex.audit import labels


def register() -> None:
    labels.register("assessmentperiod", actions={"publish": _("công bố kết quả")})
    labels.register("unitgroup", fields={"units": _("đơn vị trong nhóm")})
    # A deadline extension is recorded on the unit it is granted to.
    labels.register("unit", actions={"extend": _("gia hạn tự đánh giá")})
