"""The audit trail's hash chain: linking each new event, and checking the whole chain.

An event's hash is SHA-256 over `prev_hash`, a line break and the canonical serialisation of
its recorded fields (`CHAINED_FIELDS`): a JSON object with sorted keys and no spaces, the time
in UTC to the microsecond, numbers in the changes written as the database gives them back (a
float with no fraction as an integer). The first event's `prev_hash` is `GENESIS`.

Linking (`append`, called by `AuditEvent.save`) happens in a transaction that first locks the
one `AuditHead` row (SELECT … FOR UPDATE on PostgreSQL; SQLite lets one writer at a time in
anyway): two requests auditing at the same moment take turns, and the second links to the
first. The head is then moved to the new event in the same transaction, so a rolled-back
change leaves neither the event nor a moved head.

Checking (`verify`): events in id order, each must carry the hash of its own content and the
previous event's hash, and the head must name the last event. The first disagreement is
reported with the event's id and time: content changed (an UPDATE), a link broken (an event
before it deleted, or one inserted), or events cut off the end (the head names another). The
chain shows that rows were changed outside the application; it cannot say who did it, and
someone who can rewrite every row and the head can forge a new chain: keep the head printed by
`audit_verify` (and recorded in every backup's manifest) somewhere else to compare later.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connections, router, transaction

from parindex.audit.models import AuditEvent, AuditHead

GENESIS = "0" * 64
HEAD_ID = 1
CHAINED_FIELDS = (
    "at",
    "actor_id",
    "actor_name",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "scope_type",
    "scope_id",
    "changes",
    "reason",
)


def _json_value(value: Any) -> Any:
    """A JSON value as the database returns it: PostgreSQL's jsonb gives 1e20 back as an
    integer, so a float without a fraction is written as one."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {str(key): _json_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_value(item) for item in value]
    return value


def _time(value: datetime.datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.UTC)
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(event: Any) -> bytes:
    """The event's recorded fields, serialised the one way the chain hashes them."""
    fields: dict[str, Any] = {name: getattr(event, name) for name in CHAINED_FIELDS}
    fields["at"] = _time(fields["at"])
    fields["changes"] = _json_value(fields["changes"])
    return json.dumps(
        fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
    ).encode("utf-8")


def event_hash(prev_hash: str, event: Any) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + b"\n" + canonical(event)).hexdigest()


def _locked_head(using: str) -> AuditHead:
    heads = AuditHead.objects.using(using).select_for_update()
    head = heads.filter(pk=HEAD_ID).first()
    if head is None:
        # No head yet (a database emptied by a test's flush): the chain restarts from its last
        # event, if any.
        last = AuditEvent.objects.using(using).order_by("-pk").first()
        AuditHead.objects.using(using).get_or_create(
            pk=HEAD_ID,
            defaults={
                "event_id": last.pk if last else None,
                "hash": last.hash if last else GENESIS,
                "count": AuditEvent.objects.using(using).count(),
            },
        )
        head = heads.get(pk=HEAD_ID)
    return head


def append(event: AuditEvent, save: Callable[[], None]) -> None:
    """Link `event` to the chain and save it (`save` inserts the row), under the head's lock."""
    using = router.db_for_write(AuditEvent, instance=event)
    # Inside a caller's transaction, no savepoint of its own: a failure here fails the
    # caller's change as well, and the head's lock is held for two statements less (every
    # save of the province waits its turn for it).
    with transaction.atomic(using=using, savepoint=False):
        if connections[using].vendor == "postgresql" and _append_in_one_statement(event, using):
            return
        head = _locked_head(using)
        event.prev_hash = head.hash or GENESIS
        event.hash = event_hash(event.prev_hash, event)
        save()
        AuditHead.objects.using(using).filter(pk=HEAD_ID).update(
            event_id=event.pk, hash=event.hash, count=head.count + 1
        )


def _append_in_one_statement(event: AuditEvent, using: str) -> bool:
    """PostgreSQL: lock the head, insert the event linked to it and move the head in one
    statement (the hash computed by the database, `sha256` over the same bytes as
    `event_hash`), so that the head's lock is held from that statement to the commit only:
    every audited save of the province takes its turn for it. False (nothing written) when
    there is no head yet; `append` then links the event as on any database.

    The hash the database computed is checked against `event_hash` before the commit."""
    connection = connections[using]
    meta = AuditEvent._meta
    fields = [
        field
        for field in meta.concrete_fields
        if not field.primary_key and field.attname not in ("prev_hash", "hash")
    ]
    values = [field.get_db_prep_save(field.pre_save(event, True), connection) for field in fields]
    quote = connection.ops.quote_name
    event_table, head_table = quote(meta.db_table), quote(AuditHead._meta.db_table)
    columns = ", ".join(quote(str(field.column)) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = (
        f"WITH head AS (SELECT hash, count FROM {head_table} WHERE id = %s FOR UPDATE), "
        "linked AS (SELECT COALESCE(NULLIF(hash, ''), %s) AS prev FROM head), "
        f"inserted AS (INSERT INTO {event_table} ({columns}, prev_hash, hash) "
        f"SELECT {placeholders}, prev, "
        "encode(sha256(convert_to(prev, 'UTF8') || %s::bytea), 'hex') FROM linked "
        "RETURNING id, prev_hash, hash), "
        f"moved AS (UPDATE {head_table} SET event_id = inserted.id, hash = inserted.hash, "
        f"count = {head_table}.count + 1 FROM inserted WHERE {head_table}.id = %s) "
        "SELECT id, prev_hash, hash FROM inserted"
    )
    params = [HEAD_ID, GENESIS, *values, b"\n" + canonical(event), HEAD_ID]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return False
    event.pk, event.prev_hash, event.hash = row
    if event.hash != event_hash(event.prev_hash, event):
        raise RuntimeError("audit chain: the database's hash differs from the event's")
    event._state.adding = False
    event._state.db = using
    return True


@dataclass(frozen=True)
class Verdict:
    """What `verify` found: `ok`, how many events, the head's hash; else the first problem,
    its kind ("changed", "link", "end", "head") and the event it concerns."""

    ok: bool
    count: int
    head: str
    problem: str = ""
    event_id: int | None = None
    at: datetime.datetime | None = None
    # With `anchor`: the event that carries that hash (a head written down earlier), if any.
    anchor_event_id: int | None = None


def verify(
    events: Iterable[AuditEvent] | None = None,
    head: AuditHead | None = None,
    *,
    anchor: str = "",
) -> Verdict:
    """Walk the chain in id order (all events, read in chunks) and check every link; with
    `anchor` (a head hash kept from an earlier check or backup), also find the event that
    carries it: a chain rebuilt from scratch by someone who rewrote every row no longer has
    it."""
    if events is None:
        events = AuditEvent.objects.order_by("pk").iterator(chunk_size=2000)
    if head is None:
        head = AuditHead.objects.filter(pk=HEAD_ID).first()
    previous_hash, count, last, anchored = GENESIS, 0, None, None
    for event in events:
        if event.prev_hash != previous_hash:
            return Verdict(False, count, previous_hash, "link", event.pk, event.at, anchored)
        if event.hash != event_hash(event.prev_hash, event):
            return Verdict(False, count, previous_hash, "changed", event.pk, event.at, anchored)
        if anchor and event.hash == anchor:
            anchored = event.pk
        previous_hash, count, last = event.hash, count + 1, event
    last_id, last_at = (last.pk, last.at) if last else (None, None)
    if head is None:
        if count:
            return Verdict(False, count, previous_hash, "head", last_id, last_at, anchored)
    elif head.hash != previous_hash or head.event_id != last_id:
        return Verdict(False, count, previous_hash, "end", last_id, last_at, anchored)
    if anchor and anchor != GENESIS and anchored is None:
        return Verdict(False, count, previous_hash, "anchor", None, None, None)
    return Verdict(True, count, previous_hash, anchor_event_id=anchored)


def chain_head() -> dict[str, Any]:
    """The head as the backup's manifest records it: last event id, hash, count."""
    head = AuditHead.objects.filter(pk=HEAD_ID).first()
    if head is None:
        return {"event_id": None, "hash": GENESIS, "count": 0}
    return {"event_id": head.event_id, "hash": head.hash, "count": head.count}
