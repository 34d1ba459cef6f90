"""Units with their lineage (mergers, splits, renames), scoped as the units pages are."""

from __future__ import annotations

import datetime

from django.http import HttpRequest
from ninja import Router, Schema

from parindex import policy
from parindex.api.auth import token, user_of
from parindex.api.routers.common import Id, Text, responses
from parindex.units.models import Unit, UnitLineage
from parindex.units.selectors import unit_ancestry, unit_list

router = Router(tags=["Đơn vị"])
AUTH = token("units.read")


class LineageOut(Schema):
    unit_code: str
    unit_name: str
    kind: str
    effective_date: datetime.date
    primary: bool
    legal_basis: str


class UnitOut(Schema):
    id: int
    code: str
    name: str
    type: str
    level: str
    parent_code: str | None
    valid_from: datetime.date | None
    valid_to: datetime.date | None
    active: bool
    predecessors: list[LineageOut]
    successors: list[LineageOut]


class AncestorOut(LineageOut):
    successor_code: str


class UnitDetailOut(UnitOut):
    ancestry: list[AncestorOut]


def _link(link: UnitLineage, other: Unit) -> dict[str, object]:
    return {
        "unit_code": other.code,
        "unit_name": other.name,
        "kind": link.kind,
        "effective_date": link.effective_date,
        "primary": link.is_primary,
        "legal_basis": link.legal_basis,
    }


def unit_body(unit: Unit) -> dict[str, object]:
    return {
        "id": unit.pk,
        "code": unit.code,
        "name": unit.name,
        "type": unit.unit_type.name,
        "level": unit.unit_type.level,
        "parent_code": unit.parent.code if unit.parent else None,
        "valid_from": unit.valid_from,
        "valid_to": unit.valid_to,
        "active": unit.is_active,
        "predecessors": [_link(link, link.predecessor) for link in unit.predecessor_links.all()],
        "successors": [_link(link, link.successor) for link in unit.successor_links.all()],
    }


@router.get("/units", response=responses(list[UnitOut]), auth=AUTH, summary="Danh sách đơn vị")
def units(
    request: HttpRequest, search: Text = "", on_date: datetime.date | None = None
) -> list[dict[str, object]]:
    """Every unit the account may see (unit accounts: their own), with the units it came from
    and became (`predecessors`, `successors`). `on_date`: only units valid on that day."""
    found = policy.visible_units(user_of(request), unit_list(search=search, on_date=on_date))
    found = found.prefetch_related("predecessor_links__predecessor", "successor_links__successor")
    return [unit_body(unit) for unit in found]


@router.get("/units/{unit_id}", response=responses(UnitDetailOut), auth=AUTH, summary="Một đơn vị")
def unit(request: HttpRequest, unit_id: Id) -> dict[str, object]:
    """One unit, with its whole ancestry (predecessors of predecessors)."""
    found = policy.unit_for(user_of(request), unit_id)
    body = unit_body(found)
    body["ancestry"] = [
        {**_link(link, ancestor), "successor_code": link.successor.code}
        for ancestor, link in unit_ancestry(found)
    ]
    return body
