from __future__ import annotations

import datetime
from typing import Any

from parindex.tasks.models import Task
from parindex.tasks.services import task_create

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def a_task(p: dict[str, Any], **changes: Any) -> Task:
    values: dict[str, Any] = {
        "actor": p["users"]["appraiser"],
        "title": "Ban hành kế hoạch CCHC đúng hạn",
        "unit": p["unit_a"],
        "deadline": datetime.date(2026, 3, 31),
        "node_codes": ["1.1"],
        "framework": p["framework"],
        "period": p["period"],
        "document_number": "12/KH-UBND",
        "document_date": datetime.date(2026, 1, 15),
        "now": datetime.datetime(2026, 1, 20, 9, tzinfo=datetime.UTC),
    }
    values.update(changes)
    return task_create(**values)
