"""Permission-matrix entries for the national self-assessment (see tests/web/matrix.py): Home
Affairs sets up, assigns, reviews, packages and imports; provincial roles read every leaf; a
department's staff see and edit only the leaves assigned to their department. Unit A leads
1.1.1 and 1.1.2, unit B leads 2.1.2 and supports 1.1.1 (tests/nationalself/helpers.py): the
leaf pages below are 1.1.2's, which unit B must not reach."""

from __future__ import annotations

from typing import Any

from parindex.nationalself.models import Package
from parindex.nationalself.services.appraised import appraised_import
from parindex.nationalself.services.contributions import contribution_return
from parindex.nationalself.services.package import package_build
from tests.nationalself.helpers import a_national_self, contribution, upload

from .matrix import ALL, HOME_AFFAIRS, PROVINCIAL, UNIT_A, Entry

LEAF = "1.1.2"


def _pk(p: dict[str, Any]) -> int:
    return a_national_self(p).pk


def _leaf(p: dict[str, Any]) -> list[Any]:
    return [_pk(p), LEAF]


def _evidence(p: dict[str, Any]) -> Any:
    if "national_evidence" not in p:
        p["national_evidence"] = upload(p, LEAF, document_number="12/KH-UBND")
    return p["national_evidence"]


def _link(p: dict[str, Any]) -> list[Any]:
    _evidence(p)
    return [_pk(p), LEAF, contribution(a_national_self(p), LEAF).evidence_links.get().pk]


def _item(p: dict[str, Any]) -> list[Any]:
    assessment = a_national_self(p)
    return [assessment.pk, assessment.checklist.first().pk]


def _package(p: dict[str, Any]) -> Package:
    if "national_package" not in p:
        _evidence(p)
        p["national_package"] = package_build(
            actor=p["users"]["appraiser"], assessment=a_national_self(p)
        )
    package: Package = p["national_package"]
    return package


def _asked(p: dict[str, Any]) -> list[Any]:
    request = contribution_return(
        actor=p["users"]["appraiser"],
        contribution=contribution(a_national_self(p), LEAF),
        question="Bổ sung phụ lục kết quả",
        deadline=a_national_self(p).ministry_deadline.date(),
    )
    return [*_leaf(p), request.pk]


def _gap(p: dict[str, Any]) -> list[Any]:
    assessment = a_national_self(p)
    appraised_import(
        actor=p["users"]["appraiser"],
        assessment=assessment,
        name="ket-qua.csv",
        data=f"node,points\n{LEAF},0.5\n".encode(),
        source="Văn bản thử",
    )
    return [assessment.pk, LEAF]


ENTRIES = {
    "nationalself:index": Entry(ALL),
    "nationalself:create": Entry(HOME_AFFAIRS),
    "nationalself:detail": Entry(ALL, lambda p: [_pk(p)]),
    "nationalself:edit": Entry(HOME_AFFAIRS, lambda p: [_pk(p)]),
    "nationalself:board": Entry(PROVINCIAL, lambda p: [_pk(p)]),
    "nationalself:remind": Entry(HOME_AFFAIRS, lambda p: [_pk(p)], method="post"),
    "nationalself:assignments": Entry(HOME_AFFAIRS, lambda p: [_pk(p)]),
    "nationalself:checklist": Entry(HOME_AFFAIRS, lambda p: [_pk(p)]),
    "nationalself:checklist_delete": Entry(HOME_AFFAIRS, _item, method="post"),
    "nationalself:node": Entry(PROVINCIAL | UNIT_A, _leaf),
    "nationalself:node_save": Entry(
        UNIT_A,
        _leaf,
        method="post",
        data={"v_numerator": "45", "v_denominator": "50", "version": "1"},
    ),
    "nationalself:node_evidence": Entry(UNIT_A | HOME_AFFAIRS, _leaf, method="post"),
    "nationalself:node_link": Entry(UNIT_A | HOME_AFFAIRS, _leaf, method="post"),
    "nationalself:node_unlink": Entry(UNIT_A | HOME_AFFAIRS, _link, method="post"),
    "nationalself:node_submit": Entry(UNIT_A, _leaf, method="post"),
    "nationalself:node_answer": Entry(UNIT_A, _asked, method="post", data={"answer": "Đã bổ sung"}),
    "nationalself:node_review": Entry(
        HOME_AFFAIRS,
        _leaf,
        method="post",
        data={"action": "accept", "v_numerator": "45", "v_denominator": "50"},
    ),
    "nationalself:evidence": Entry(PROVINCIAL | UNIT_A, lambda p: [_evidence(p).pk]),
    "nationalself:package": Entry(PROVINCIAL, lambda p: [_pk(p)]),
    "nationalself:package_send": Entry(
        HOME_AFFAIRS, lambda p: [_package(p).pk], method="post", data={"dispatch_number": "1"}
    ),
    "nationalself:package_file": Entry(PROVINCIAL, lambda p: [_package(p).pk, "report"]),
    "nationalself:appraised": Entry(HOME_AFFAIRS, lambda p: [_pk(p)]),
    "nationalself:compare": Entry(PROVINCIAL, lambda p: [_pk(p)]),
    "nationalself:gap_task": Entry(HOME_AFFAIRS, _gap, method="post"),
    "nationalself:estimate": Entry(PROVINCIAL, lambda p: [_pk(p)]),
}
