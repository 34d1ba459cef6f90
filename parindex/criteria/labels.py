"""The scoring engine's fixed words in the page's language.

The engine (`parindex/engine`) is pure Python without Django and writes Vietnamese: its rules'
descriptions and the labels of the boxes a rule asks for ("Tử số (số đạt)"). Those fixed
texts are listed here for the translation catalogue, and `engine_text` translates them where
a page shows them. Anything else passes through unchanged: a label that a framework sets
itself (an option's name, a yes/no label, what a deduction counts) is the framework's data,
and so are the engine's explanation sentences ("9/10 = 90 % → 4/4 điểm").
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext, gettext_noop

ENGINE_TEXTS = frozenset(
    {
        # The input boxes of the rules (`Rule.fields()`), and the default yes/no labels.
        gettext_noop("Phương án"),
        gettext_noop("Tử số (số đạt)"),
        gettext_noop("Mẫu số (tổng số)"),
        gettext_noop("Số lần vi phạm"),
        gettext_noop("Kết quả"),
        gettext_noop("Điểm"),
        gettext_noop("Có"),
        gettext_noop("Không"),
        # The rules' descriptions (`Rule.description`).
        gettext_noop("Chọn một phương án; mỗi phương án có số điểm định sẵn"),
        gettext_noop("Điểm tỷ lệ với tỷ lệ đạt (tử số/mẫu số)"),
        gettext_noop("Điểm theo mức tỷ lệ đạt (ngưỡng)"),
        gettext_noop("Trừ điểm theo số lần vi phạm, tối thiểu 0"),
        gettext_noop("Có/không: đạt thì được điểm"),
        gettext_noop("Chấm điểm trực tiếp từ 0 đến điểm tối đa"),
    }
)


def engine_text(text: Any) -> str:
    """A fixed engine text translated; any other text as it is."""
    text = str(text)
    return gettext(text) if text in ENGINE_TEXTS else text
