"""The scoring engine's fixed words in the page's language.

The engine (`parindex/engine`) is pure Python without Django and writes Vietnamese: its rules'
descriptions and the labels of the boxes a rule asks for ("Tử số (số đạt)"). Those fixed
texts are listed here for the translation catalogue, and `engine_text` translates them where
a page shows them. Anything else passes through unchanged: a label that a framework sets
itself (an option's name, a yes/no label, what a deduction counts) is the framework's data,
and so are the engine's explanation sentences ("9/10 = 90% → 4/4 điểm").
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext, gettext_noop

from parindex.engine import Framework, Node

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


# A framework's bonus and penalty sections often carry letter codes made for machines
# ("THUONG", "TRU.2"); officials read them as "Điểm thưởng", "Trừ 2".
_WORD_CODE = re.compile(r"[^\W\d]+")
_ROMAN = re.compile(r"[IVXLCDM]+")


def _section_top(framework: Framework, node: Node) -> Node:
    top = node
    while top.parent is not None and framework.nodes[top.parent].kind == node.kind:
        top = framework.nodes[top.parent]
    return top


def _lettered_section(framework: Framework, code: str) -> tuple[Node, Node] | None:
    """The node and the top of its bonus or penalty section, when that section is coded
    with a word rather than a number ("THUONG", not "9" or "IX")."""
    node = framework.nodes.get(code)
    if node is None or node.kind not in ("bonus", "penalty"):
        return None
    top = _section_top(framework, node)
    if not _WORD_CODE.fullmatch(top.code) or _ROMAN.fullmatch(top.code):
        return None
    return node, top


def display_code(framework: Framework, code: str) -> str:
    """A node's code as officials read it: the code, except in a bonus or penalty section coded
    with a word, which reads "Thưởng" / "Trừ" and its items "Thưởng 1", "Trừ 2"."""
    found = _lettered_section(framework, code)
    if found is None:
        return code
    node, top = found
    word = gettext("Thưởng") if node.kind == "bonus" else gettext("Trừ")
    if node is top:
        return word
    if code.startswith(f"{top.code}."):
        return f"{word} {code[len(top.code) + 1 :]}"
    return code


def node_label(framework: Framework, code: str, title: str | None = None) -> str:
    """ "I. Cải cách thể chế"; a bonus or penalty section coded with a word by its title
    alone ("Điểm thưởng")."""
    node = framework.nodes.get(code)
    title = title if title is not None else (node.title if node is not None else "")
    found = _lettered_section(framework, code)
    if found is not None and found[0] is found[1]:
        return title
    return f"{display_code(framework, code)}. {title}"
