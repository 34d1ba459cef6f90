"""The append-only audit trail: who changed what, when, from which value to which, and why.

Tamper-evident: each event carries the SHA-256 of the event before it (`prev_hash`) and its
own (`hash`, over a canonical serialisation of its recorded fields and `prev_hash`), so a row
edited, deleted or inserted behind the application's back breaks the chain where it happened;
`AuditHead` (one row) holds the last event's id and hash, so events cut off the end are seen
too. `python manage.py audit_verify` walks the chain (`parindex/audit/chain.py`,
docs/operations.md). Saving a new event links it (in a transaction, holding the head's row
lock, so concurrent writers take turns).

The actor is kept as recorded: `actor_id` (the user's id at the time) and `actor_name`. The
foreign key has no database constraint and does nothing when the user is deleted, so deleting
an account never rewrites an event (and never breaks the chain); the name stays readable.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

# The name recorded for an action without a user (an import run by a command), in the default
# language; `AuditEvent.actor_label` shows it in the page's.
SYSTEM_ACTOR = gettext_noop("hệ thống")


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def bulk_create(self, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError("audit events are saved one at a time, each linked to the last")


AuditEventManager = models.Manager.from_queryset(AuditEventQuerySet)


class AuditEvent(models.Model):
    at = models.DateTimeField(_("thời điểm"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người thực hiện"),
    )
    actor_name = models.CharField(_("tên người thực hiện"), max_length=150, blank=True)
    action = models.CharField(_("hành động"), max_length=40)
    object_type = models.CharField(_("loại đối tượng"), max_length=40, db_index=True)
    object_id = models.CharField(_("mã đối tượng"), max_length=64, db_index=True)
    object_repr = models.CharField(_("đối tượng"), max_length=255)
    # The larger object the change belongs to (e.g. the assessment of a node entry), so that a
    # unit's whole history can be listed without knowing every object type below it.
    scope_type = models.CharField(max_length=40, blank=True, db_index=True)
    scope_id = models.CharField(max_length=64, blank=True, db_index=True)
    changes = models.JSONField(_("thay đổi"), default=dict, blank=True)
    reason = models.TextField(_("lý do"), blank=True)
    # The hash chain (`parindex.audit.chain`): set when the event is saved, never changed.
    prev_hash = models.CharField(max_length=64, blank=True, editable=False)
    hash = models.CharField(max_length=64, blank=True, editable=False)

    objects = AuditEventManager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("sự kiện nhật ký")
        verbose_name_plural = _("nhật ký thay đổi")
        indexes = [models.Index(fields=["object_type", "object_id", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.actor_name} {self.action} {self.object_repr}"

    @property
    def actor_label(self) -> str:
        """Who acted, as the page shows it: the recorded name, or "system" translated."""
        if self.actor_id is None and self.actor_name == SYSTEM_ACTOR:
            return gettext(SYSTEM_ACTOR)
        return self.actor_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("audit events are append-only")
        from parindex.audit import chain

        chain.append(self, lambda: super(AuditEvent, self).save(*args, **kwargs))

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("audit events are append-only")


class AuditHead(models.Model):
    """The end of the hash chain: the last event's id and hash, and how many events are
    chained. One row (id 1), updated with every event in the event's transaction."""

    event_id = models.BigIntegerField(null=True, blank=True)
    hash = models.CharField(max_length=64, blank=True)
    count = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("đầu chuỗi nhật ký")

    def __str__(self) -> str:
        return f"{self.count} {self.event_id} {self.hash}"
