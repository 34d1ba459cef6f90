"""The service-data package's fixed words in the page's language.

`parindex.servicedata` is pure Python without Django and names its counts, rates and periods
in Vietnamese ("Tỷ lệ giải quyết đúng hạn", "Tháng 03/2025"). The names of its counts and rates
are listed here for the translation catalogue, and `servicedata_text` translates them where a
page shows them; the periods are named again here (`period_label`). What the package reads
from data files stays as written there: the criteria of Decision 766 and the other feeds'
indicators are named by the decision (data, like a framework's node names), and so are the
procedures and units of the imported dossiers.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext, gettext_noop, ngettext

from parindex.engine import format_number, format_percent
from parindex.servicedata import DrillItem, Period

ROMAN = ("I", "II", "III", "IV")

SERVICEDATA_TEXTS = frozenset(
    {
        # The counts (`indicators.COUNT_LABELS`).
        gettext_noop("Tiếp nhận mới"),
        gettext_noop("Kết thúc xử lý (kể cả rút, từ chối)"),
        gettext_noop("Tồn kỳ trước"),
        gettext_noop("Trễ hạn"),
        gettext_noop("Đang giải quyết"),
        gettext_noop("Quá hạn"),
        gettext_noop("Đang giải quyết trong hạn"),
        gettext_noop("Đã giải quyết"),
        gettext_noop("Người nộp rút hồ sơ"),
        gettext_noop("Từ chối giải quyết"),
        gettext_noop("Đúng hạn"),
        gettext_noop("Trước hạn"),
        gettext_noop("Hồ sơ của TTHC có DVCTT"),
        gettext_noop("Hồ sơ của TTHC có DVCTT, có dữ liệu hình thức nộp"),
        gettext_noop("Hồ sơ trực tuyến của TTHC có DVCTT"),
        gettext_noop("Hồ sơ của TTHC toàn trình"),
        gettext_noop("Hồ sơ của TTHC toàn trình, có dữ liệu hình thức nộp"),
        gettext_noop("Hồ sơ trực tuyến toàn trình"),
        gettext_noop("Hồ sơ có dữ liệu hình thức nộp"),
        gettext_noop("Hồ sơ nộp trực tuyến"),
        gettext_noop("Hồ sơ có phí, lệ phí"),
        gettext_noop("Hồ sơ có phí, có dữ liệu thanh toán"),
        gettext_noop("Hồ sơ thanh toán trực tuyến"),
        gettext_noop("Hồ sơ có dữ liệu số hóa"),
        gettext_noop("Hồ sơ được số hóa"),
        gettext_noop("Hồ sơ trực tuyến có thông tin định danh"),
        gettext_noop("Hồ sơ trực tuyến bằng định danh mức 2"),
        gettext_noop("Hồ sơ có kết quả"),
        gettext_noop("Hồ sơ có kết quả, có dữ liệu kết quả điện tử"),
        gettext_noop("Hồ sơ có kết quả điện tử"),
        gettext_noop("Hồ sơ được đánh giá"),
        gettext_noop("Đánh giá hài lòng"),
        gettext_noop("Hồ sơ đã giải quyết, có dữ liệu đánh giá hoặc PAKN"),
        gettext_noop("Không hài lòng, có PAKN hoặc trễ hạn"),
        gettext_noop("Hồ sơ có PAKN"),
        gettext_noop("Hồ sơ TTHC «không chờ»"),
        gettext_noop("Hồ sơ «không chờ» có kết quả trong ngày"),
        # The rates (`indicators.RATES`).
        gettext_noop("Tỷ lệ giải quyết đúng hạn"),
        gettext_noop("Tỷ lệ đúng hạn kiểu 766 (kể cả đang xử lý trong hạn)"),
        gettext_noop("Tỷ lệ hồ sơ trực tuyến (TTHC có DVCTT)"),
        gettext_noop("Tỷ lệ hồ sơ trực tuyến toàn trình"),
        gettext_noop("Tỷ lệ hồ sơ nộp trực tuyến (trên tổng số)"),
        gettext_noop("Tỷ lệ thanh toán trực tuyến (hồ sơ có phí)"),
        gettext_noop("Tỷ lệ hồ sơ được số hóa"),
        gettext_noop("Tỷ lệ hồ sơ có kết quả điện tử"),
        gettext_noop("Tỷ lệ hài lòng (trên số đánh giá)"),
        gettext_noop("Tỷ lệ hài lòng kiểu 766"),
        gettext_noop("Tỷ lệ «không chờ» có kết quả trong ngày"),
        gettext_noop("Tỷ lệ hồ sơ trực tuyến dùng định danh mức 2"),
    }
)


def servicedata_text(text: Any) -> str:
    """A fixed service-data text translated; any other text as it is."""
    text = str(text)
    return gettext(text) if text in SERVICEDATA_TEXTS else text


def period_label(period: Period) -> str:
    """ "Tháng 03/2025", "Quý I/2025", "Năm 2025", "01/01/2025–30/06/2025" in the page's language
    (`Period.label` is the Vietnamese one)."""
    if period.grain == "month":
        return gettext("Tháng %(month)s") % {"month": f"{period.start:%m/%Y}"}
    if period.grain == "quarter":
        quarter = ROMAN[(period.start.month - 1) // 3]
        return gettext("Quý %(quarter)s/%(year)s") % {"quarter": quarter, "year": period.start.year}
    if period.grain == "year":
        return gettext("Năm %(year)s") % {"year": period.start.year}
    return f"{period.start:%d/%m/%Y}–{period.end:%d/%m/%Y}"


_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


def snapshot_period_label(period: dict[str, Any]) -> str:
    """The label of a snapshot's period (`{"code", "label", "start", "end"}`, JSON), from its
    code: 2025-03, 2025-Q1, 2025, or a range."""
    code = str(period.get("code", ""))
    quarter = _QUARTER.match(code)
    if quarter:
        return gettext("Quý %(quarter)s/%(year)s") % {
            "quarter": ROMAN[int(quarter.group(2)) - 1],
            "year": quarter.group(1),
        }
    if re.fullmatch(r"\d{4}-\d{2}", code):
        return gettext("Tháng %(month)s") % {"month": f"{code[5:]}/{code[:4]}"}
    if re.fullmatch(r"\d{4}", code):
        return gettext("Năm %(year)s") % {"year": code}
    return str(period.get("label", code))


def drill_text(item: DrillItem) -> str:
    """A drill-down item as a sentence ready to be assigned, in the page's language
    (`DrillItem.text` is the Vietnamese one, for the command line)."""
    values = {
        "who": f"{item.unit_name} — {item.procedure_name}",
        "count": format_number(Decimal(item.count)),
        "share": format_percent(item.share_of_total) if item.share_of_total is not None else "",
        "rate": format_percent(item.rate) if item.rate is not None else "—",
        "gain": format_number(item.points_gain) if item.points_gain else "",
    }
    with_share = item.share_of_total is not None
    if item.kind == "late" and with_share:
        text = ngettext(
            "%(who)s: %(count)s hồ sơ trễ hạn hoặc đang quá hạn (%(share)s tổng số của tỉnh); "
            "tỷ lệ đúng hạn %(rate)s",
            "%(who)s: %(count)s hồ sơ trễ hạn hoặc đang quá hạn (%(share)s tổng số của tỉnh); "
            "tỷ lệ đúng hạn %(rate)s",
            item.count,
        )
    elif item.kind == "late":
        text = ngettext(
            "%(who)s: %(count)s hồ sơ trễ hạn hoặc đang quá hạn; tỷ lệ đúng hạn %(rate)s",
            "%(who)s: %(count)s hồ sơ trễ hạn hoặc đang quá hạn; tỷ lệ đúng hạn %(rate)s",
            item.count,
        )
    elif with_share:
        text = ngettext(
            "%(who)s: %(count)s hồ sơ nộp trực tiếp dù thủ tục có dịch vụ công trực tuyến "
            "(%(share)s tổng số của tỉnh); tỷ lệ trực tuyến %(rate)s",
            "%(who)s: %(count)s hồ sơ nộp trực tiếp dù thủ tục có dịch vụ công trực tuyến "
            "(%(share)s tổng số của tỉnh); tỷ lệ trực tuyến %(rate)s",
            item.count,
        )
    else:
        text = ngettext(
            "%(who)s: %(count)s hồ sơ nộp trực tiếp dù thủ tục có dịch vụ công trực tuyến; "
            "tỷ lệ trực tuyến %(rate)s",
            "%(who)s: %(count)s hồ sơ nộp trực tiếp dù thủ tục có dịch vụ công trực tuyến; "
            "tỷ lệ trực tuyến %(rate)s",
            item.count,
        )
    if item.points_gain:
        if item.kind == "late":
            text += gettext(
                "; giải quyết đúng hạn số hồ sơ này thì điểm tiến độ (766) của đơn vị +%(gain)s"
            )
        else:
            text += gettext(
                "; nếu số hồ sơ này nộp trực tuyến thì điểm nộp trực tuyến (766) của đơn vị "
                "+%(gain)s"
            )
    return text % values
