"""The tamper-evident audit trail: each event carries the previous one's hash; `audit_verify`
finds the first row changed, deleted or cut off the end behind the application's back (by
SQL), and deleting a user rewrites no event."""

from __future__ import annotations

import importlib
import io
import json
import tarfile
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from parindex.accounts.models import Role, User
from parindex.audit.chain import GENESIS, chain_head, event_hash, verify
from parindex.audit.models import AuditEvent, AuditHead
from parindex.audit.services import audit_record
from tests.operations.conftest import source  # noqa: F401 - fixture used by name


def verify_output() -> str:
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    return out.getvalue()


def refused() -> str:
    with pytest.raises(CommandError) as error:
        call_command("audit_verify", stdout=io.StringIO())
    return str(error.value)


@pytest.fixture
def trail(province):
    """A few events more than the province fixture recorded, with changes of several kinds."""
    admin = province["users"]["admin"]
    for number in range(3):
        audit_record(
            actor=admin,
            action="update",
            instance=province["unit_a"],
            changes={"name": [f"Xã {number}", f"Xã {number + 1}"], "ratio": [0.5, 2.0]},
            reason=f"lần {number}",
        )
    return list(AuditEvent.objects.order_by("pk"))


def test_every_event_carries_the_hash_of_the_one_before(trail):
    previous = GENESIS
    for event in trail:
        assert event.prev_hash == previous
        assert event.hash == event_hash(previous, event)
        previous = event.hash
    head = AuditHead.objects.get()
    assert (head.event_id, head.hash, head.count) == (trail[-1].pk, previous, len(trail))


def test_audit_verify_says_ok_with_the_number_of_events(trail):
    output = verify_output()

    assert output.startswith(f"OK, {len(trail)} sự kiện.")
    assert trail[-1].hash in output


def test_an_event_edited_with_sql_is_found(trail):
    edited = trail[2]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET reason = %s WHERE id = %s", ["ok", edited.pk])

    message = refused()

    assert f"#{edited.pk}" in message
    assert "đã bị sửa" in message


def test_an_event_whose_actor_was_changed_with_sql_is_found(trail, province):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET actor_name = %s WHERE id = %s", ["Người khác", trail[1].pk]
        )

    assert f"#{trail[1].pk}" in refused()


def test_an_event_deleted_with_sql_breaks_the_link_of_the_next(trail):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [trail[1].pk])

    message = refused()

    assert f"#{trail[2].pk}" in message
    assert "liên kết gãy" in message


def test_a_rehashed_event_breaks_the_link_of_the_next(trail):
    """Editing a row and recomputing its own hash is not enough: the next event still names
    the old hash."""
    event = trail[1]
    event.reason = "sửa lại"
    forged = event_hash(event.prev_hash, event)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET reason = %s, hash = %s WHERE id = %s",
            ["sửa lại", forged, event.pk],
        )

    assert f"#{trail[2].pk}" in refused()


def test_events_cut_off_the_end_are_found(trail):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [trail[-1].pk])

    message = refused()

    assert "cuối chuỗi" in message
    assert f"#{trail[-2].pk}" in message


def test_a_chain_rebuilt_from_scratch_no_longer_passes_an_anchor_written_down_before(trail):
    anchor = AuditHead.objects.get().hash
    call_command("audit_verify", "--anchor", anchor, stdout=io.StringIO())
    # Someone with the database rewrites an old event and recomputes every hash and the head.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET reason = 'x' WHERE id = %s", [trail[0].pk])
    previous = GENESIS
    for event in AuditEvent.objects.order_by("pk"):
        digest = event_hash(previous, event)
        AuditEvent.objects.filter(pk=event.pk).update(prev_hash=previous, hash=digest)
        previous = digest
    AuditHead.objects.update(hash=previous)

    assert verify().ok  # the chain alone cannot tell
    with pytest.raises(CommandError, match="dựng lại"):
        call_command("audit_verify", "--anchor", anchor, stdout=io.StringIO())


def test_deleting_a_user_rewrites_no_event_and_keeps_the_chain(province):
    leaver = User.objects.create_user(
        username="nghi.viec", full_name="Người Nghỉ Việc", role=Role.LEADER, password=None
    )
    event = audit_record(actor=leaver, action="update", instance=province["unit_a"], changes={})
    audit_record(actor=province["users"]["admin"], action="delete", instance=leaver)
    row_before = AuditEvent.objects.filter(pk=event.pk).values().get()
    leaver_id = leaver.pk

    leaver.delete()

    assert AuditEvent.objects.filter(pk=event.pk).values().get() == row_before
    assert row_before["actor_id"] == leaver_id
    assert AuditEvent.objects.get(pk=event.pk).actor_label == "Người Nghỉ Việc"
    assert verify_output().startswith("OK")


def test_events_are_saved_one_at_a_time(province):
    with pytest.raises(PermissionError):
        AuditEvent.objects.bulk_create([AuditEvent(action="x", object_type="y")])
    event = AuditEvent.objects.order_by("pk").last()
    with pytest.raises(PermissionError):
        event.save()


def test_the_migration_links_the_events_recorded_before_the_chain(trail):
    AuditEvent.objects.update(prev_hash="", hash="")
    AuditHead.objects.all().delete()
    assert not verify().ok
    migration = importlib.import_module("parindex.audit.migrations.0003_hash_chain")

    migration.link_existing_events(apps, SimpleNamespace(connection=connection))

    assert verify().ok
    assert AuditHead.objects.get().count == len(trail)


def test_a_backup_records_the_head_of_the_chain(source, tmp_path):  # noqa: F811
    from parindex.operations.services import backup_create

    audit_record(actor=None, action="import", object_type="unit", object_id="1", object_repr="x")
    head = chain_head()

    archive = backup_create(tmp_path / "backups" / "b.tar.gz", instance=source).path

    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
    assert manifest["audit_head"] == head
    assert head["count"] >= 1
    assert head["hash"] != GENESIS
