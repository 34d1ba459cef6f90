"""The province's self-score: the engine over Home Affairs' consolidated values, with evidence
and accepted explanations, on a golden example (the shipped example national framework)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from parindex.nationalself.models import Contribution
from parindex.nationalself.selectors import self_result
from parindex.nationalself.services.contributions import contribution_consolidate
from parindex.nationalself.services.setup import assignment_set
from tests.golden import check_golden

from .helpers import a_national_self, upload

GOLDEN = Path(__file__).parent / "golden" / "consolidation.json"

# code → (consolidated values, evidence uploaded, explanation accepted)
ENTRIES: dict[str, tuple[dict[str, Any], bool, bool]] = {
    "1.1.1": ({"option": "late"}, True, False),  # choice, evidence required: 0,5
    "1.1.2": ({"numerator": "45", "denominator": "50"}, True, False),  # ratio ≥ 70 %: 1,35
    "1.2": ({"count": "1"}, False, False),  # deduction 0,25 per late report: 0,75
    "1.3.1": ({"percent": "25"}, False, False),  # bands 20 % → 0,5
    "1.3.2": ({"numerator": "0", "denominator": "0"}, False, True),  # no cases: full, explained
    "1.4": ({"value": "yes"}, False, False),  # boolean: 1
    "2.1.2": ({"value": "yes"}, False, False),  # evidence required, none, not explained: 0
    "4.1.2": ({"percent": "6"}, False, False),  # bands 5 % → 1
    "6.1.1": ({"percent": "85"}, False, False),  # bands 80 % → 1,5
    "8.3.3": ({"percent": "97"}, False, False),  # bands 95 % → 1
    "3.2.1": ({"numerator": "912", "denominator": "1000"}, False, False),  # ratio: 2,28
}


def test_the_self_score_is_the_engine_over_the_consolidated_values(province):
    assessment = a_national_self(province)
    appraiser = province["users"]["appraiser"]
    for code, (values, evidence, accepted) in ENTRIES.items():
        if not Contribution.objects.filter(assessment=assessment, node_code=code).exists():
            assignment_set(actor=appraiser, assessment=assessment, node_codes=[code], lead=None)
        if evidence:
            upload(province, code, f"tai-lieu-{code}.pdf", user="appraiser")
        contribution_consolidate(
            actor=appraiser,
            contribution=Contribution.objects.get(assessment=assessment, node_code=code),
            values=values,
            explanation_accepted=accepted,
        )
    result = self_result(assessment)
    found = {
        "nodes": {code: str(node.points) for code, node in result.nodes.items() if node.answered},
        "areas": {area.code: str(area.points) for area in result.areas},
        "total": str(result.total),
        "index": str(result.index),
    }
    check_golden(GOLDEN, found)
    # The arithmetic, spelled out: area 1 = 0,5 + 1,35 + 0,75 + 0,5 + 1 + 1 (survey 1.6 not
    # self-scored); area 2: 2.1.2 has no evidence, 0.
    assert result.nodes["1"].points == sum(
        result.nodes[code].points for code in ("1.1", "1.2", "1.3", "1.4", "1.5", "1.6")
    )
    assert str(result.nodes["1"].points) in ("5.1", "5.10", "5.1000")
    assert result.nodes["2.1.2"].points == 0
    assert result.nodes["1.3.2"].points == 1
