"""How the audit trail words the service data's events (`parindex.audit.labels`): a batch of
dossiers is no model of the web app (it lives in the data store)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from parindex.audit import labels


def register() -> None:
    labels.register(
        "servicedata_batch",
        name=_("lần nhập số liệu hồ sơ"),
        actions={
            "dossiers_import": _("nhập hồ sơ TTHC"),
            "dossiers_push": _("nhận hồ sơ TTHC qua API"),
            "feeds_import": _("nhập số liệu khác"),
        },
        fields={
            "superseded_in_file": _("bản ghi trùng mã trong tệp (dùng bản sau)"),
            "superseded_earlier": _("bản ghi thay bản đã nhập trước"),
            "unchanged": _("số bản ghi không đổi"),
            "outdated": _("số bản ghi cũ hơn bản đã có"),
        },
    )
