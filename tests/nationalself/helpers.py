"""A national self-assessment on the shipped example national framework, for the tests: the
province of tests/web/conftest.py gets a provincial unit; unit A leads 1.1.1 and 1.1.2 (unit B
supports 1.1.1), unit B leads 2.1.2. Test data, not official figures."""

from __future__ import annotations

import datetime
import io
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from parindex.criteria.models import Framework
from parindex.criteria.services import framework_publish, framework_store
from parindex.frameworks import EXAMPLES_DIR, load_framework
from parindex.nationalself.models import Contribution, NationalSelfAssessment
from parindex.nationalself.services.contributions import UploadedFile, evidence_upload
from parindex.nationalself.services.setup import assignment_set, national_self_create
from parindex.units.models import Unit, UnitType

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
EXAMPLE = EXAMPLES_DIR / "example_national_876_2022.yaml"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(text: str) -> bytes:
    """A small PDF whose bytes (and so SHA-256) differ by `text`."""
    return PDF + f"% {text}\n".encode()


def national_framework(p: dict[str, Any]) -> Framework:
    if "national_framework" not in p:
        engine = load_framework(EXAMPLE)
        framework = framework_store(
            actor=p["users"]["admin"], engine=engine, source_name="test:national"
        )
        framework_publish(actor=p["users"]["admin"], framework=framework)
        p["national_framework"] = framework
    framework: Framework = p["national_framework"]
    return framework


def province_unit(p: dict[str, Any]) -> Unit:
    if "province_unit" not in p:
        kind, _created = UnitType.objects.get_or_create(
            code="ubnd-tinh", defaults={"name": "UBND tỉnh", "level": "province"}
        )
        p["province_unit"] = Unit.objects.create(code="TINH", name="UBND Tỉnh Thử", unit_type=kind)
    unit: Unit = p["province_unit"]
    return unit


def a_national_self(p: dict[str, Any], *, year: int = 2022) -> NationalSelfAssessment:
    if "national_self" in p:
        found: NationalSelfAssessment = p["national_self"]
        return found
    assessment = national_self_create(
        actor=p["users"]["admin"],
        year=year,
        framework=national_framework(p),
        province=province_unit(p),
        ministry_deadline=timezone.now() + datetime.timedelta(days=40),
        national_name="Bắc Kạn",
    )
    deadline = timezone.localdate() + datetime.timedelta(days=20)
    appraiser = p["users"]["appraiser"]
    assignment_set(
        actor=appraiser,
        assessment=assessment,
        node_codes=["1.1.1", "1.1.2"],
        lead=p["unit_a"],
        deadline=deadline,
    )
    assignment_set(
        actor=appraiser,
        assessment=assessment,
        node_codes=["1.1.1"],
        lead=p["unit_a"],
        supporting=[p["unit_b"]],
        deadline=deadline,
    )
    assignment_set(
        actor=appraiser,
        assessment=assessment,
        node_codes=["2.1.2"],
        lead=p["unit_b"],
        deadline=deadline,
    )
    p["national_self"] = assessment
    return assessment


def contribution(assessment: NationalSelfAssessment, code: str) -> Contribution:
    return Contribution.objects.select_related("assessment", "lead").get(
        assessment=assessment, node_code=code
    )


def upload(
    p: dict[str, Any],
    code: str,
    name: str = "ke-hoach.pdf",
    *,
    user: str = "officer_a",
    **meta: Any,
) -> Any:
    assessment = a_national_self(p)
    actor = p["users"][user]
    documents = evidence_upload(
        actor=actor,
        contribution=contribution(assessment, code),
        files=[UploadedFile(name, io.BytesIO(pdf(f"{code} {name}")))],
        department=actor.unit,
        **meta,
    )
    return documents[0]
